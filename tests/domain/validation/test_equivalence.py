"""The fast paths answer exactly as the slow ones, on many random, untidy files.

The fast CSV reader proves each block's cell counts from a byte count, and low-cardinality
fields are checked on their distinct values: both must give exactly the report of Python's csv
module read record by record, and of every cell checked one by one.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from validation_helpers import HEADER, SCHEMA, read_record_by_record

from lgrshare.domain.standards.model import Standard, parse_standard
from lgrshare.domain.validation import Report, csv_fast, engine, validate
from lgrshare.domain.validation.csv_fast import FastPathFailed

# Values of every kind the test standard reads, valid and not, and text that is hard to quote.
VALUES = [
    "L001", "L002", "L1", "E07000209", "E07000210", "X", "12.50", "1,000", " 7 ", "-1", "3",
    "2024-05-01", "01/05/2024", "2024-05", "2024-5", "Yes", "No", "a", "b", "ab", "[x]", "",
    "£5", "é", 'say "hi"', "a,b", "line\nbreak", "cr\r\nlf",
]  # fmt: skip
SEEDS = range(80)


def _cell(rng: random.Random) -> str:
    value = rng.choice(VALUES)
    needs_quotes = any(char in value for char in ',"\r\n')
    if needs_quotes or rng.random() < 0.15:
        return '"' + value.replace('"', '""') + '"'
    return value


def _untidy_csv(rng: random.Random) -> bytes:
    """Return a CSV file of the test standard's columns with short, long, blank and quoted
    records, and now and then a quote out of place."""
    width = len(HEADER.split(","))
    ending = rng.choice(["\n", "\n", "\r\n"])
    lines = [HEADER]
    for _ in range(rng.randint(1, 60)):
        roll = rng.random()
        if roll < 0.05:
            lines.append("")
            continue
        cells = width + (rng.choice([-1, 1, -width + 1]) if roll < 0.15 else 0)
        record = ",".join(_cell(rng) for _ in range(cells))
        if rng.random() < 0.02:
            record = record.replace(",", ',x"', 1)  # a quote inside an unquoted cell
        lines.append(record)
    text = ending.join(lines) + (ending if rng.random() < 0.9 else "")
    return text.encode("utf-8")


def _standards() -> Iterator[Standard]:
    yield parse_standard(SCHEMA, default_name="test-lines")
    plain = copy.deepcopy(SCHEMA)
    plain["schema"]["missingValues"] = [""]
    yield parse_standard(plain, default_name="test-lines-plain")


STANDARDS = list(_standards())


def _by_value_and_by_cell(
    path: Path, standard: Standard, monkeypatch: pytest.MonkeyPatch
) -> tuple[Report, Report]:
    """Return the reports of ``path`` with every field checked by value, then none."""

    def every_field(frame: object, columns: dict[str, int]) -> set[str]:
        return set(columns)

    def no_field(frame: object, columns: dict[str, int]) -> set[str]:
        return set()

    reports: list[Report] = []
    for choose in (every_field, no_field):
        with monkeypatch.context() as patch:
            patch.setattr(engine, "by_value_fields", choose)
            reports.append(validate(path, standard))
    return reports[0], reports[1]


def _same(fast: Report, slow: Report) -> None:
    assert fast.errors == slow.errors
    assert fast.stats["counts"] == slow.stats["counts"]
    assert fast.stats["rows"] == slow.stats["rows"]
    assert fast.profile == slow.profile


def _untidy_file(seed: int, tmp_path: Path) -> tuple[random.Random, Path, Standard]:
    """Return the seed's random generator (after writing), untidy file and standard."""
    rng = random.Random(seed)
    path = tmp_path / "untidy.csv"
    path.write_bytes(_untidy_csv(rng))
    return rng, path, STANDARDS[seed % 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_fast_reader_counts_cells_as_the_csv_module_does(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng, path, standard = _untidy_file(seed, tmp_path)
    # Small blocks, so that block ends fall inside quoted cells and between records.
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", rng.choice([64, 256, 16 * 1024 * 1024]))

    fast = validate(path, standard)
    monkeypatch.setattr(engine, "fast_batches", read_record_by_record)
    slow = validate(path, standard)

    _same(fast, slow)


@pytest.mark.parametrize("seed", SEEDS)
def test_checking_by_value_finds_what_checking_every_cell_finds(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, path, standard = _untidy_file(seed, tmp_path)

    _same(*_by_value_and_by_cell(path, standard, monkeypatch))


def test_the_random_files_hold_every_kind_of_fault(tmp_path: Path) -> None:
    codes: set[str] = set()
    for seed in SEEDS:
        path = tmp_path / f"untidy-{seed}.csv"
        path.write_bytes(_untidy_csv(random.Random(seed)))
        codes |= set(validate(path, STANDARDS[0]).stats["counts"])

    assert {
        "blank-row", "missing-cell", "extra-cell", "type-error", "constraint-error",
        "code-list-error", "unique-error",
    } <= codes  # fmt: skip


def test_a_fast_read_abandoned_midway_stops_its_threads_before_the_exact_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first block has a record one cell short and an escaped quote: its cells are counted
    # again only after it is parsed, while the read-ahead thread reads the next block. When
    # that count gives up on the fast reader, both read-ahead threads must be stopped (not
    # left waiting, holding a block) before the exact reader reads the file.
    first = 'L001,E07000209,1,1,,,,"a""b"\nL002,E07000209,1,1,,,\n'
    rest = "".join(f"L{i:03d},E07000209,1,{i},,,,a\n" for i in range(3, 1000))
    path = tmp_path / "mixed.csv"
    path.write_text(f"{HEADER}\n{first}{rest}", encoding="utf-8")
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", 64)
    standard = STANDARDS[0]
    gave_up: list[int] = []

    def give_up(*args: object, **kwargs: object) -> object:
        gave_up.append(1)
        raise FastPathFailed("test: the line-by-line count gives up")

    monkeypatch.setattr(csv_fast, "_exact", give_up)
    fast = validate(path, standard)
    left = [thread.name for thread in threading.enumerate() if "prefetch" in thread.name]
    monkeypatch.setattr(engine, "fast_batches", read_record_by_record)
    slow = validate(path, standard)

    assert gave_up == [1]
    assert left == []
    _same(fast, slow)


ROW = "L001,E07000209,1,1,,,,a"
SHORT = "L002,E07000209,1,1,,,"
# Files a review found the fast reader misread; each must read as the csv module reads it.
AWKWARD = [
    # CRLF: a \r\n inside a quoted cell and a last line ending in \n alone hid a short record
    f'{HEADER}\r\nL001,E07000209,1,1,,,,"a\r\nb"\r\n{SHORT}\n'.encode(),
    # CRLF: a file ending in a bare \r
    f"{HEADER}\r\n{ROW}\r\n{SHORT}\r\nL003,E07000209,1,1,,,,a\r".encode(),
    # CRLF: a \r before the \r\n, in a block whose cells hold an escaped quote
    f'{HEADER}\r\nL002,E07000209,1,1,,,,"x""y"\nL001,E07000209,1,1,,,,a\r\r\n'.encode(),
    # a byte order mark at the start of a block (two files joined with cat)
    f"{HEADER}\n".encode() + b"\xef\xbb\xbf" + f"{ROW}\n{SHORT}\n".encode(),
    f"{HEADER}\n".encode() + b"\xef\xbb\xbf" + f"{ROW}\nL003,E07000209,1,1,,,,b\n".encode(),
    # CRLF: an extra cell holding a line break of its own kind
    f'{HEADER}\r\nL001,E07000209,1,1,,,,a,"x\ny"\r\n'.encode(),
    # quotes inside unquoted cells, in a block with a short record
    f'{HEADER}\nL001,E0"7000209,1"2,3,,,,a\n{SHORT}\n'.encode(),
    f'{HEADER}\nL001,E07000209,1,1,,,,a,x"y\nL002,E07000209,1,1,,,,a"\n'.encode(),
    # an extra cell longer than the csv module's default field limit
    f"{HEADER}\n{ROW},{'x' * 200_000}\n{SHORT}\n".encode(),
    # a short first record, then a Windows-1252 byte far into the block
    (f"{HEADER}\nL001,E07000209,1,1\n" + f"{ROW}\n" * 60_000 + "L009,E07000209,1,1,,,,caf").encode()
    + b"\xe9\n",
]


@pytest.mark.parametrize("content", AWKWARD, ids=range(len(AWKWARD)))
def test_awkward_files_read_as_the_csv_module_reads_them(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "awkward.csv"
    path.write_bytes(content)
    standard = STANDARDS[0]

    fast = validate(path, standard)
    monkeypatch.setattr(engine, "fast_batches", read_record_by_record)
    slow = validate(path, standard)

    assert slow.readable
    _same(fast, slow)


def test_a_signed_year_is_no_year_and_month_whichever_way_it_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "periods.csv"
    path.write_text(HEADER + "\n" + "".join(f"L{i:03d},,,1,,-2024-05,,\n" for i in range(8)))

    by_value, by_cell = _by_value_and_by_cell(path, STANDARDS[0], monkeypatch)

    assert by_cell.stats["counts"] == {"type-error": 8}
    _same(by_value, by_cell)
