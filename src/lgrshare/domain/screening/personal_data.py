"""Does a file look like personal data? Screening a forum attachment's content, not its name.

Forum attachments are for specifications and templates; data about people is shared under an
agreement, through the vault, with its audit trail. ``screen_file(content=, today=)`` looks at
what a file holds, whatever it is called (a CSV of patients renamed ``notes.txt`` is still a
CSV of patients):

- a **table** (comma, tab, semicolon or bar separated text, or the sheets of an XLSX workbook):
  its column labels (name, forename/surname, date of birth, NHS number, address, postcode,
  National Insurance number), counted only when the column holds values, so a header-only
  template passes; and its columns' values: NHS numbers passing the modulus-11 check digit,
  National Insurance numbers, full UK postcodes, dates in a plausible range of birth dates;
- **any text**: NHS and National Insurance numbers, and dates written next to a date-of-birth
  label ("DOB: 12/03/1984").

The labels, the thresholds and the decision (which kinds refuse alone, how many others are
needed together) are data: ``rules/personal-data-files.json``. Findings say what was found and
where (line, column, label), never the values themselves, so the refusal can say why without
repeating the personal data it refuses.

What it cannot see: personal data in a PDF or Word document, in a picture, or in prose that
names people without identifiers ("Ada Lovelace of 12 Ockham Lane"). It screens, it does not
prove a file is safe: the form still tells people not to attach personal data.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.isolation import Handed, Limits, in_memory_copy, run_limited
from lgrshare.domain.rules import RulesInvalid, read_rules_file
from lgrshare.domain.validation.unreadable import Unreadable
from lgrshare.domain.validation.xlsx_reader import read_xlsx

_NON_WORD = re.compile(r"[^a-z0-9]+")
_NHS_TOKEN = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_NI = re.compile(
    r"(?<![A-Z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Z0-9])",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"(?<![A-Z0-9])(GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]"
    r"|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Z0-9])",
    re.IGNORECASE,
)
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[ T])")
_D_MONTH_Y = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9}) (\d{4})")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DATE_IN_TEXT = r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]{3,9} \d{4})"
_DELIMITERS = (",", "\t", ";", "|")
_LABEL_SHOWN = 40


@dataclass(frozen=True, slots=True)
class Finding:
    """One sign of personal data: its ``kind`` (a key of the rules' ``kinds``), how it was
    seen (``"label"``, ``"values"`` or ``"label-and-values"``), where (``sheet``, ``line`` of
    the text or row of the sheet, ``column`` number and its ``label``) and how many cells."""

    kind: str
    evidence: str
    line: int
    column: int | None = None
    label: str = ""
    sheet: str = ""
    count: int = 1
    # False for a kind that is only a hint without its label (a column of old dates).
    certain: bool = True

    @property
    def where(self) -> str:
        """Return where it was found, in words: "column 3 (“nhs_number”)", "line 4"."""
        place = f"sheet “{self.sheet}”, " if self.sheet else ""
        if self.column is None:
            return f"{place}line {self.line}"
        label = f" (“{self.label[:_LABEL_SHOWN]}”)" if self.label else ""
        return f"{place}column {self.column}{label}"

    def describe(self) -> str:
        """Return the finding in words, without any value: "NHS numbers in column 4 (…)"."""
        what = personal_data_rules().kinds[self.kind]
        if self.evidence == "label":
            return f"a column labelled as {what} with values in it, {self.where}"
        if not self.certain:
            return f"dates that could be {what}, {self.where}"
        cells = f", {self.count} {'value' if self.count == 1 else 'values'}"
        return f"{what}, {self.where}{cells if self.column is not None else ''}"


@dataclass(frozen=True, slots=True)
class Screening:
    """The findings, and whether they add up to a file that looks like personal data."""

    findings: tuple[Finding, ...]
    looks_personal: bool

    @property
    def kinds(self) -> tuple[str, ...]:
        """Return the kinds found, in the order of the rules' ``kinds``."""
        found = {f.kind for f in self.findings}
        return tuple(k for k in personal_data_rules().kinds if k in found)

    def reasons(self) -> list[str]:
        """Return one sentence fragment per finding (no values), most telling first."""
        ordered = sorted(self.findings, key=lambda f: (not f.certain, f.evidence == "label"))
        return [f.describe() for f in ordered]


@dataclass(frozen=True, slots=True)
class LabelRule:
    kind: str
    exact: frozenset[str]
    suffix: tuple[str, ...]

    def matches(self, label: str) -> bool:
        key = _NON_WORD.sub("_", label.lower()).strip("_")
        return key in self.exact or any(key.endswith(s) for s in self.suffix)


@dataclass(frozen=True, slots=True)
class PersonalDataRules:
    kinds: dict[str, str]
    labels: tuple[LabelRule, ...]
    text_labels: dict[str, tuple[str, ...]]
    alone: frozenset[str]
    together: int
    column_share: float
    earliest_birth_year: int
    birth_dates_span_years: int
    max_rows: int

    def label_kind(self, label: str) -> str | None:
        """Return the kind a column label names, or None."""
        return next((rule.kind for rule in self.labels if rule.matches(label)), None)


@cache
def personal_data_rules() -> PersonalDataRules:
    """Return ``rules/personal-data-files.json``, checked; raises ``RulesInvalid``."""
    data = read_rules_file("personal-data-files")
    try:
        kinds = {str(k): str(v) for k, v in data["kinds"].items()}
        rules = PersonalDataRules(
            kinds=kinds,
            labels=tuple(
                LabelRule(
                    kind=str(rule["kind"]),
                    exact=frozenset(str(x) for x in rule["exact"]),
                    suffix=tuple(str(x) for x in rule["suffix"]),
                )
                for rule in data["labels"]
            ),
            text_labels={str(k): tuple(str(x) for x in v) for k, v in data["text_labels"].items()},
            alone=frozenset(str(k) for k in data["alone"]),
            together=int(data["together"]),
            column_share=float(data["column_share"]),
            earliest_birth_year=int(data["earliest_birth_year"]),
            birth_dates_span_years=int(data["birth_dates_span_years"]),
            max_rows=int(data["max_rows"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesInvalid(f"personal-data-files.json: {exc}") from exc
    named = {r.kind for r in rules.labels} | set(rules.text_labels) | rules.alone
    if not named <= set(kinds):
        unknown = sorted(named - set(kinds))[0]
        raise RulesInvalid(f"personal-data-files.json: unknown kind {unknown!r}.")
    if not 0 < rules.column_share <= 1 or rules.together < 2:
        raise RulesInvalid("personal-data-files.json: column_share or together out of range.")
    return rules


def nhs_number_valid(digits: str) -> bool:
    """Return whether ``digits`` (10 digits, spaces or hyphens allowed) is an NHS number whose
    modulus-11 check digit is right. Ten identical digits are never a real number."""
    plain = re.sub(r"[ -]", "", digits)
    if len(plain) != 10 or not plain.isdigit() or len(set(plain)) == 1:
        return False
    total = sum(int(d) * weight for d, weight in zip(plain[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(plain[9])


def ni_number_valid(text: str) -> bool:
    """Return whether ``text`` is a National Insurance number in HMRC's format (prefixes that
    are never issued, such as HMRC's example prefix QQ, are refused)."""
    match = _NI.fullmatch(text.strip())
    return match is not None


def postcode_valid(text: str) -> bool:
    """Return whether ``text`` is a full UK postcode ("GU2 4BB"; not an outward code alone)."""
    return _POSTCODE.fullmatch(text.strip()) is not None


def parse_date(text: str) -> date | None:
    """Return the date ``text`` holds (12/03/1984, 12-03-1984, 12.03.1984, 1984-03-12 with or
    without a time, 12 March 1984, 12 Mar 1984), or None. Day first, as in the UK."""
    value = text.strip()
    if not 8 <= len(value) <= 25 or not value[:1].isdigit():
        return None  # most cells: cheap to rule out, and this runs on every cell of a table
    if match := _DMY.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif (match := _D_MONTH_Y.fullmatch(value)) and match[2].lower()[:3] in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2].lower()[:3]], int(match[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Table:
    """Rows of text cells: ``labels`` is the first row; ``first_line`` numbers the header."""

    def __init__(self, rows: list[list[str]], *, sheet: str = "", first_line: int = 1) -> None:
        self.labels = [cell.strip() for cell in rows[0]]
        self.rows = rows[1:]
        self.sheet = sheet
        self.first_line = first_line

    def column(self, index: int) -> list[str]:
        return [r[index].strip() for r in self.rows if index < len(r) and r[index].strip()]


def screen_file(*, content: bytes, today: date) -> Screening:
    """Return the personal-data screening of a file's ``content``, read as a workbook when it
    is one (a ZIP the XLSX reader opens) and otherwise as text. Binary content that is not
    text (a PDF, a Word document) gives no findings. Raises ``RulesInvalid`` only for a broken
    rules file."""
    rules = personal_data_rules()
    if content.startswith(b"PK\x03\x04"):
        findings = _screen_workbook(content, today, rules)
    else:
        text = _decode(content)
        findings = [] if text is None else _screen_text(text, today, rules)
    return Screening(findings=tuple(findings), looks_personal=_decide(findings, rules))


def screen_file_isolated(*, content: bytes, today: date, limits: Limits) -> Screening:
    """Return ``screen_file``'s screening, worked out in a limited child process (a workbook
    is read by native code: see ``domain.isolation``). Raises ``FileUnreadable`` or
    ``FileTooComplex`` when the child crashed or went over a limit."""
    handed = in_memory_copy(io.BytesIO(content), name="attachment")
    try:
        screening: Screening = run_limited(
            _screen_job, handed, today, limits=limits, what="screening the file"
        )
    finally:
        handed.close()
    return screening


def _screen_job(handed: Handed, today: date, *, report: Callable[[Any], None]) -> Screening:
    with open(handed.path, "rb") as source:
        return screen_file(content=source.read(), today=today)


def _decide(findings: Sequence[Finding], rules: PersonalDataRules) -> bool:
    if any(f.certain and f.kind in rules.alone for f in findings):
        return True
    return len({f.kind for f in findings}) >= rules.together


def _decode(content: bytes) -> str | None:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    if b"\x00" in content[:4096]:
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _screen_text(text: str, today: date, rules: PersonalDataRules) -> list[Finding]:
    lines = text.splitlines()
    # Columns are judged on their first rows (enough to say what a column holds); the signs
    # that are certain on their own are looked for in the whole text.
    table = _as_table(lines[: rules.max_rows + 1])
    findings = _screen_table(table, today, rules) if table is not None else []
    seen = {f.kind for f in findings}
    # In running text only the certain signs count: a council's own postcode in a letter is
    # not personal data, nor is a number that happens to pass a check digit among many that do
    # not (most ten-digit references pass one time in eleven).
    extra = _text_signs(text, rules, postcodes=table is None)
    return findings + [f for f in extra if f.kind not in seen]


def _as_table(lines: list[str]) -> _Table | None:
    sample = [line for line in lines[:60] if line.strip()]
    if len(sample) < 2:
        return None
    best: tuple[int, str] | None = None
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        common = max(set(widths), key=widths.count)
        consistent = common >= 2 and widths.count(common) >= 0.8 * len(widths)
        if consistent and (best is None or common > best[0]):
            best = (common, delimiter)
    if best is None:
        return None
    start = next(i for i, line in enumerate(lines) if line.strip())
    rows = [r for r in csv.reader(lines[start:], delimiter=best[1]) if any(c.strip() for c in r)]
    if best[1] == "|":  # a Markdown table: drop the outer bars and the rule under the header
        rows = [r[1:-1] if r and not r[0].strip() else r for r in rows]
        rows = [r for r in rows if not all(set(c.strip()) <= set(":- ") for c in r)]
    return _Table(rows, first_line=start + 1) if rows else None


def _screen_table(table: _Table, today: date, rules: PersonalDataRules) -> list[Finding]:
    findings: list[Finding] = []
    for index, label in enumerate(table.labels):
        values = table.column(index)
        if not values:
            continue
        # A first row of values, not labels, is part of the column.
        if _value_kind(label, today, rules) is not None:
            values = [label, *values]
        labelled = rules.label_kind(label)
        found = _column_values(values, labelled, today, rules)
        if found is not None:
            kind, count, certain = found
            evidence = "label-and-values" if labelled == kind else "values"
        elif labelled is not None:
            kind, count, certain, evidence = labelled, len(values), True, "label"
        else:
            continue
        findings.append(
            Finding(
                kind,
                evidence,
                line=table.first_line,
                column=index + 1,
                label=label,
                sheet=table.sheet,
                count=count,
                certain=certain,
            )
        )
    return findings


def _value_kind(cell: str, today: date, rules: PersonalDataRules) -> str | None:
    # Every cell of a table comes here: rule out by length and first character before any
    # pattern runs.
    if not 5 <= len(cell) <= 25:
        return None
    if not cell[0].isdigit():
        if ni_number_valid(cell):
            return "national-insurance-number"
        return "postcode" if postcode_valid(cell) else None
    if len(cell) <= 12 and nhs_number_valid(cell):
        return "nhs-number"
    born = parse_date(cell)
    if born is not None and rules.earliest_birth_year <= born.year and born <= today:
        return "date-of-birth"
    return None


def _column_values(
    values: list[str], labelled: str | None, today: date, rules: PersonalDataRules
) -> tuple[str, int, bool] | None:
    """Return (kind, cells of it, certain) when the column's values are of one kind."""
    counts: dict[str, int] = {}
    for value in values:
        kind = _value_kind(value, today, rules)
        if kind is not None:
            counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return None
    kind, count = max(counts.items(), key=lambda item: item[1])
    # Under its own label one value is enough; otherwise most of the column must be of it.
    if labelled != kind and count < rules.column_share * len(values):
        return None
    if kind == "date-of-birth" and labelled != kind:
        dates = [d for d in (parse_date(v) for v in values) if d is not None]
        spread = (max(dates) - min(dates)).days / 365.25
        if spread < rules.birth_dates_span_years:
            return None
        return kind, count, False
    return kind, count, True


def _text_signs(text: str, rules: PersonalDataRules, *, postcodes: bool) -> list[Finding]:
    findings: list[Finding] = []

    def line_of(match: re.Match[str]) -> int:
        return text.count("\n", 0, match.start()) + 1

    tokens = list(_NHS_TOKEN.finditer(text))
    passing = [m for m in tokens if nhs_number_valid("".join(m.groups()))]
    if passing and len(passing) >= rules.column_share * len(tokens):
        findings.append(
            Finding("nhs-number", "values", line=line_of(passing[0]), count=len(passing))
        )
    ni = list(_NI.finditer(text))
    if ni:
        findings.append(
            Finding("national-insurance-number", "values", line=line_of(ni[0]), count=len(ni))
        )
    for kind, labels in rules.text_labels.items():
        if any(f.kind == kind for f in findings):
            continue
        match = _labelled_value(text, labels, kind)
        if match is not None:
            findings.append(Finding(kind, "label-and-values", line=line_of(match)))
    if postcodes:
        found = list(_POSTCODE.finditer(text))
        if found:
            findings.append(Finding("postcode", "values", line=line_of(found[0]), count=len(found)))
    return findings


def _labelled_value(text: str, labels: tuple[str, ...], kind: str) -> re.Match[str] | None:
    """Return the first value of ``kind`` written just after one of its labels, on the same
    line ("DOB: 12/03/1984"); only dates of birth and NI numbers are looked for this way."""
    value = {
        "date-of-birth": _DATE_IN_TEXT,
        "national-insurance-number": _NI.pattern,
    }.get(kind)
    if value is None:
        return None
    names = "|".join(re.escape(label) for label in labels)
    pattern = re.compile(rf"\b(?:{names})\b[:=\-\u2013 \t]{{0,4}}{value}", re.IGNORECASE)
    return pattern.search(text)


def _screen_workbook(content: bytes, today: date, rules: PersonalDataRules) -> list[Finding]:
    # The validator's reader takes a path: an in-memory file's, so the attachment's content is
    # never written to a disk. A workbook it cannot open is left to the upload checks (it is
    # no table a person could read either).
    findings: list[Finding] = []
    handed = in_memory_copy(io.BytesIO(content), name="attachment.xlsx")
    try:
        path = Path(handed.path)
        try:
            first = read_xlsx(path, sheet=None)
        except (LgrShareError, Unreadable):  # a Word document, or a damaged workbook
            return []
        for name in first.sheets:
            try:
                sheet = first if name == first.sheet else read_xlsx(path, sheet=name)
            except (LgrShareError, Unreadable):
                continue
            data = sheet.data.head(rules.max_rows)
            rows = [[c or "" for c in row] for row in data.iter_rows()]
            table = _Table([list(sheet.labels), *rows], sheet=name, first_line=1)
            findings += _screen_table(table, today, rules)
    finally:
        handed.close()
    return findings
