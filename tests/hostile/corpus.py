"""A corpus of hostile files, generated in code: each with the verdict it must get.

Every case is a file name and a function that returns its bytes, deterministically (no clock,
no randomness without a fixed seed), so nothing large is committed and a failing case can be
rebuilt exactly. The cases are the ones a security trial throws at an upload: wrong and mixed
encodings, UTF-16 and UTF-32 with and without a byte-order mark, binary files, NUL bytes, ZIP
bombs and XML entities in workbooks, an impossible cell reference, 16 MB cells and lines, a
million cells in a row, formula-like cells, names with folders or bidirectional overrides,
mixed line endings, stray and unclosed quotes, a CSV named ``.xlsx`` and the reverse, empty and
header-only files, enormous numbers.

Each declares its ``Verdict``: ``valid`` (perhaps with a caveat the report carries, ``why``
says which), ``invalid`` with the error codes the report holds (the file was read; it is
stored so the submitter sees what to fix), or ``refused`` with the one stable code the refusal
carries (nothing is stored). ``lgrshare validate`` and a submission must reach the same one.

The data follow the built-in ``contracts-register`` standard, submitted by Surrey County
Council for 2026-27 (``ORGANISATION``, ``PERIOD``): one real-looking row from the standard's
example, so that only what each case breaks is wrong.
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from lgrshare.domain.standards.model import load_standard
from lgrshare.domain.standards.templates import example_row

STANDARD = "contracts-register"
ORGANISATION = "E10000030"  # Surrey County Council
PERIOD = "2026-27"
MB = 1024 * 1024
# A date fixed for every ZIP entry: the same bytes on every run.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

Outcome = Literal["valid", "invalid", "refused"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a file gets: ``outcome``, and the codes (``refused``: the one code; ``invalid``:
    every error code the report counts, sorted; ``valid``: none)."""

    outcome: Outcome
    codes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.outcome}({', '.join(self.codes)})"


def valid() -> Verdict:
    return Verdict("valid")


def invalid(*codes: str) -> Verdict:
    return Verdict("invalid", tuple(sorted(codes)))


def refused(code: str) -> Verdict:
    return Verdict("refused", (code,))


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile file: its id, the name it is sent under, how to build it, its verdict."""

    id: str
    name: str
    build: Callable[[], bytes] = field(repr=False)
    expected: Verdict
    why: str
    # Megabytes or more: built and checked only where size is the point.
    large: bool = False
    # A text the file holds that must not be found anywhere under LGRSHARE_HOME in clear.
    marker: bytes = b"Grounds maintenance"


# The standard's fields and one row that passes every check of it.
def _header() -> list[str]:
    return [f.name for f in load_standard(STANDARD).fields]


def _row() -> list[str]:
    return [str(value) for value in example_row(load_standard(STANDARD))]


def _quote(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def table(*, rows: int = 1, edit: Callable[[int, list[str]], list[str]] | None = None) -> str:
    """Return the header and ``rows`` valid rows as CSV text (``\\n`` line ends); ``edit``
    changes row ``i`` (from 0) before it is written. Each row has its own contract reference."""
    header = _header()
    reference = header.index("contract_reference")
    lines = [",".join(header)]
    for i in range(rows):
        row = _row()
        row[reference] = f"GBC-2021-{i:04d}"
        if edit is not None:
            row = edit(i, row)
        lines.append(",".join(_quote(v) for v in row))
    return "\n".join(lines) + "\n"


def _set(column: str, value: str, *, at: int = 0) -> Callable[[int, list[str]], list[str]]:
    index = _header().index(column)

    def edit(i: int, row: list[str]) -> list[str]:
        if i == at:
            row[index] = value
        return row

    return edit


def text(content: str, encoding: str = "utf-8") -> Callable[[], bytes]:
    return lambda: content.encode(encoding)


def _csv(rows: int = 1, **kwargs: Callable[[int, list[str]], list[str]]) -> Callable[[], bytes]:
    return lambda: table(rows=rows, edit=kwargs.get("edit")).encode()


# ---- Workbooks, written by hand so every byte is fixed -----------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(rows: list[list[str]], *, prolog: str = "", tail: str = "") -> str:
    """Return a worksheet holding ``rows`` as inline strings."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{_column(c)}{r}" t="inlineStr"><is><t>{_escape(v)}</t></is></c>'
            for c, v in enumerate(row)
            if v != ""
        )
        body.append(f'<row r="{r}">{cells}</row>')
    return f"{prolog}{_SHEET_OPEN}<sheetData>{''.join(body)}</sheetData>{tail}</worksheet>"


def workbook(
    sheet: str | bytes | None = None,
    *,
    parts: dict[str, str | bytes] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """Return an XLSX file: the contracts table (or ``sheet``), with ``parts`` added or
    replacing the standard ones."""
    if sheet is None:
        sheet = sheet_xml([_header(), _row()])
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet,
        **(parts or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = compression
            archive.writestr(info, content)
    return out.getvalue()


def _laughs(root: str, depth: int = 9) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, depth + 1)
    ]
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(entities)}]>'


def _billion_laughs_sheet() -> bytes:
    sheet = sheet_xml([_header(), ["&lol9;", *_row()[1:]]], prolog=_laughs("worksheet"))
    # The entity reference must reach the XML unescaped.
    return workbook(sheet.replace("&amp;lol9;", "&lol9;").replace('<?xml version="1.0" '
                    'encoding="UTF-8" standalone="yes"?>', "", 1))  # fmt: skip


def _laughs_after_a_long_comment() -> bytes:
    # Legal XML: a comment may come before the DOCTYPE. A guard reading only the first few
    # kilobytes would miss what follows it.
    prolog = '<?xml version="1.0"?><!--' + " " * 8192 + "-->"
    laughs = _laughs("worksheet").replace('<?xml version="1.0"?>', prolog)
    sheet = sheet_xml([_header(), ["&lol9;", *_row()[1:]]], prolog=laughs)
    return workbook(sheet.replace("&amp;lol9;", "&lol9;").replace('<?xml version="1.0" '
                    'encoding="UTF-8" standalone="yes"?>', "", 1))  # fmt: skip


def _laughs_in_utf16() -> bytes:
    sheet = sheet_xml([_header(), ["&lol9;", *_row()[1:]]], prolog=_laughs("worksheet"))
    sheet = sheet.replace("&amp;lol9;", "&lol9;").replace(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "", 1
    )
    sheet = sheet.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    return workbook(codecs.BOM_UTF16_LE + sheet.encode("utf-16-le"))


def _external_entity(target: str) -> bytes:
    doctype = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "{target}">]>'
    sheet = sheet_xml([_header(), ["&x;", *_row()[1:]]], prolog=doctype)
    return workbook(sheet.replace("&amp;x;", "&x;").replace('<?xml version="1.0" '
                    'encoding="UTF-8" standalone="yes"?>', "", 1))  # fmt: skip


def _entities_in(part: str) -> bytes:
    original = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
    }[part]
    declared = original.replace(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    )
    return workbook(parts={part: declared})


def _zip_bomb(megabytes: int) -> bytes:
    # One sheet of empty rows that deflates about a thousand times.
    rows = '<row r="1"/>' * (megabytes * MB // 12)
    return workbook(f"{_SHEET_OPEN}<sheetData>{rows}</sheetData></worksheet>")


def _lying_zip_bomb() -> bytes:
    """A sheet of 120 MB that its ZIP directory says is 1 KB: a guard trusting the
    directory's sizes lets it through, so the reader must not."""
    data = bytearray(_zip_bomb(120))
    sheet = b"xl/worksheets/sheet1.xml"
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo(sheet.decode())
    # Rewrite the uncompressed size in the central directory and in the local header.
    central = data.find(b"PK\x01\x02" + data[info.header_offset + 4 : info.header_offset + 6])
    while central != -1:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_length] == sheet:
            data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    data[info.header_offset + 22 : info.header_offset + 26] = (1024).to_bytes(4, "little")
    return bytes(data)


def _many_entries() -> bytes:
    parts: dict[str, str | bytes] = {f"xl/media/pad{i:05d}.bin": b"" for i in range(20_000)}
    return workbook(parts=parts, compression=zipfile.ZIP_STORED)


def _impossible_reference(reference: str) -> bytes:
    sheet = sheet_xml([_header(), _row()])
    cell = f'<c r="{reference}" t="inlineStr"><is><t>x</t></is></c>'
    return workbook(sheet.replace('<row r="2">', f'<row r="2">{cell}', 1))


def _dimension(ref: str) -> bytes:
    sheet = sheet_xml([_header(), _row()])
    return workbook(sheet.replace("<sheetData>", f'<dimension ref="{ref}"/><sheetData>'))


def _numeric_cell(value: str, *, date_style: bool = False) -> bytes:
    header, row = _header(), _row()
    column = header.index("total_value_gbp")
    sheet = sheet_xml([header, row])
    old = f'<c r="{_column(column)}2" t="inlineStr"><is><t>{row[column]}</t></is></c>'
    style = ' s="1"' if date_style else ""
    sheet = sheet.replace(old, f'<c r="{_column(column)}2"{style}><v>{value}</v></c>')
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" '
        'applyNumberFormat="1"/></cellXfs></styleSheet>'
    )
    parts: dict[str, str | bytes] = {"xl/styles.xml": styles} if date_style else {}
    if date_style:
        parts["xl/_rels/workbook.xml.rels"] = _WORKBOOK_RELS.replace(
            "</Relationships>",
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>',
        )
    return workbook(sheet, parts=parts)


def _shared_string_out_of_range() -> bytes:
    header, row = _header(), _row()
    sheet = sheet_xml([header, row])
    old = f'<c r="B2" t="inlineStr"><is><t>{row[1]}</t></is></c>'
    sheet = sheet.replace(old, '<c r="B2" t="s"><v>999999</v></c>')
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>'
    )
    rels = _WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return workbook(
        sheet, parts={"xl/sharedStrings.xml": shared, "xl/_rels/workbook.xml.rels": rels}
    )


def _workbook_cell(column: str, value: str) -> bytes:
    header, row = _header(), _row()
    row[header.index(column)] = value
    return workbook(sheet_xml([header, row]))


def _letters(count: int, *, seed: int) -> str:
    # Letters that do not compress much, so the cell is not also a ZIP bomb.
    return "".join(random.Random(seed).choices("abcdefghijklmnopqrstuvwxyz ", k=count))


def _truncated_workbook() -> bytes:
    data = workbook()
    return data[: len(data) // 2]


def _not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("readme.txt", date_time=_ZIP_TIME), "hello")
    return out.getvalue()


def _random(size: int, seed: int) -> Callable[[], bytes]:
    return lambda: random.Random(seed).randbytes(size)


def _ole2(*, encrypted: bool) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    name = "EncryptionInfo" if encrypted else "Workbook"
    return header + name.encode("utf-16-le") + b"\x00" * 4096


def _long_line(megabytes: int) -> bytes:
    """A data row whose description is ``megabytes`` MB, unquoted."""
    description = "x" * (megabytes * MB)
    return table(edit=_set("description", description)).encode()


def _long_quoted_cell(megabytes: int) -> bytes:
    """A quoted cell of ``megabytes`` MB spread over lines of 80 characters."""
    lines = "\n".join(["y" * 79] * (megabytes * MB // 80))
    return table(edit=_set("description", lines)).encode()


def _wide_row(cells: int) -> bytes:
    return (table() + ",".join(["z"] * cells) + "\n").encode()


def _wide_header(cells: int) -> bytes:
    header = ",".join(_header() + [f"c{i}" for i in range(cells)])
    return (header + "\n" + ",".join(_row()) + "\n").encode()


def _line_endings(*endings: str) -> Callable[[], bytes]:
    def build() -> bytes:
        lines = table(rows=len(endings)).rstrip("\n").split("\n")
        out = lines[0] + endings[0]
        for line, ending in zip(lines[1:], [*endings[1:], endings[-1]], strict=True):
            out += line + ending
        return out.encode()

    return build


def _mixed_encodings() -> bytes:
    # UTF-8 on one row, Windows-1252 on another: two encodings in one file.
    utf8 = table(rows=2, edit=_set("supplier_name", "Café Ltd", at=0)).encode()
    return utf8.replace(b"Tesco PLC", "Caf\u00e9 Two".encode("cp1252"), 1)


def _nul_after_sample() -> bytes:
    # Past the first 64 KB, where a sniffer reading only the start would not see it.
    content = table(rows=600)
    at = content.index("\n", 70_000) + 1
    return (content[:at] + "GBC\x00" + content[at + 3 :]).encode()


def _formula_cells() -> bytes:
    edits = {
        "title": '=HYPERLINK("http://evil.example","Click")',
        "description": "=cmd|' /C calc'!A0",
        "department": "+SUM(1+1)",
        "supplier_name": "-2+3+cmd|' /C calc'!A0",
        "lgr_notes": "@SUM(1+1)*cmd|' /C calc'!A0",
    }
    header = _header()

    def edit(i: int, row: list[str]) -> list[str]:
        for column, value in edits.items():
            row[header.index(column)] = value
        return row

    return table(edit=edit).encode()


def _tab_and_cr_formulas() -> bytes:
    return table(edit=_set("lgr_notes", "\t=1+1")).encode()


CASES: tuple[Case, ...] = (
    # ---- A baseline each way ---------------------------------------------------------------
    Case("valid-csv", "contracts.csv", _csv(3), valid(), "the control: a valid CSV"),
    Case("valid-xlsx", "contracts.xlsx", workbook, valid(), "the control: a valid workbook"),
    Case(
        "valid-xlsx-upper-extension",
        "CONTRACTS.XLSX",
        workbook,
        valid(),
        "an extension in capitals is the same kind",
    ),
    # ---- Encodings ---------------------------------------------------------------------------
    Case(
        "utf8-bom",
        "bom.csv",
        lambda: codecs.BOM_UTF8 + table().encode(),
        valid(),
        "Excel's 'CSV UTF-8' starts with a BOM, which is not part of the first label",
    ),
    Case(
        "windows-1252",
        "cp1252.csv",
        text(table(edit=_set("supplier_name", "Café £ Ltd")), "cp1252"),
        valid(),
        "valid with a caveat: the report says it was read as Windows-1252",
    ),
    Case(
        "cp1252-undefined-byte",
        "undefined.csv",
        lambda: table().encode().replace(b"Tesco PLC", b"Tesco \x81PLC"),
        valid(),
        "valid with a caveat: one byte Windows-1252 lacks; the encoding is guessed (windows-1251) "
        "and the report says the guess is not confident",
    ),
    Case(
        "mixed-utf8-and-cp1252",
        "mixed.csv",
        _mixed_encodings,
        refused("encoding-error"),
        "two encodings in one file: either reading would corrupt some rows",
    ),
    Case(
        "invalid-utf8-overlong",
        "overlong.csv",
        lambda: table().encode().replace(b"Tesco", "Tesco é".encode() + b"\xc0\xaf"),
        refused("encoding-error"),
        "UTF-8 text with an overlong sequence",
    ),
    Case(
        "shift-jis",
        "sjis.csv",
        text(table(edit=_set("supplier_name", "株式会社テスト")), "shift_jis"),
        refused("encoding-error"),
        "Shift-JIS: bytes Windows-1252 does not define",
    ),
    Case(
        "utf16-le-bom",
        "u16le.csv",
        text(table(), "utf-16"),
        refused("encoding-error"),
        "UTF-16 with a BOM (Excel's 'Unicode Text')",
    ),
    Case(
        "utf16-be-bom",
        "u16be.csv",
        lambda: codecs.BOM_UTF16_BE + table().encode("utf-16-be"),
        refused("encoding-error"),
        "UTF-16 big-endian with a BOM",
    ),
    Case(
        "utf16-le-no-bom",
        "u16le-nobom.csv",
        text(table(), "utf-16-le"),
        refused("encoding-error"),
        "UTF-16 without a BOM",
    ),
    Case(
        "utf16-be-no-bom",
        "u16be-nobom.csv",
        text(table(), "utf-16-be"),
        refused("encoding-error"),
        "UTF-16 big-endian without a BOM",
    ),
    Case(
        "utf32-le-bom",
        "u32le.csv",
        text(table(), "utf-32"),
        refused("encoding-error"),
        "UTF-32 with a BOM",
    ),
    Case(
        "utf32-be-bom",
        "u32be.csv",
        lambda: codecs.BOM_UTF32_BE + table().encode("utf-32-be"),
        refused("encoding-error"),
        "UTF-32 big-endian with a BOM",
    ),
    Case(
        "utf32-le-no-bom",
        "u32le-nobom.csv",
        text(table(), "utf-32-le"),
        refused("encoding-error"),
        "UTF-32 without a BOM: not 'binary', but an encoding",
    ),
    Case(
        "utf32-be-no-bom",
        "u32be-nobom.csv",
        text(table(), "utf-32-be"),
        refused("encoding-error"),
        "UTF-32 big-endian without a BOM",
    ),
    Case(
        "utf16-bom-only",
        "u16bom.csv",
        lambda: codecs.BOM_UTF16_LE,
        refused("encoding-error"),
        "a UTF-16 BOM and nothing else",
    ),
    Case(
        "ebcdic",
        "ebcdic.csv",
        text(table(), "cp500"),
        refused("encoding-error"),
        "EBCDIC from a mainframe: its bytes make no sense as text here",
    ),
    # ---- Empty, nearly empty, header only ------------------------------------------------------
    Case("empty", "empty.csv", lambda: b"", refused("file-empty"), "no bytes at all", marker=b""),
    Case(
        "bom-only",
        "bom-only.csv",
        lambda: codecs.BOM_UTF8,
        refused("format-error"),
        "a UTF-8 BOM and nothing else",
        marker=b"",
    ),
    Case(
        "blank-lines",
        "blank.csv",
        lambda: b"\r\n\n\r\n  \n",
        refused("format-error"),
        "only blank lines",
        marker=b"",
    ),
    Case(
        "header-only",
        "header.csv",
        lambda: table(rows=0).encode(),
        invalid("no-rows"),
        "a header and no data: read, and not valid",
        marker=b"council_gss_code",
    ),
    Case(
        "header-only-no-newline",
        "header2.csv",
        lambda: table(rows=0).rstrip("\n").encode(),
        invalid("no-rows"),
        "a header without its line end",
        marker=b"council_gss_code",
    ),
    Case(
        "header-only-xlsx",
        "header.xlsx",
        lambda: workbook(sheet_xml([_header()])),
        invalid("no-rows"),
        "a workbook with a header and no data",
        marker=b"council_gss_code",
    ),
    Case(
        "empty-sheet",
        "empty.xlsx",
        lambda: workbook(sheet_xml([])),
        refused("format-error"),
        "a workbook whose sheet is empty",
        marker=b"",
    ),
    # ---- Binary ----------------------------------------------------------------------------
    Case(
        "random-bytes",
        "random.csv",
        _random(50_000, 16),
        refused("file-content-mismatch"),
        "random bytes named .csv",
        marker=b"",
    ),
    Case(
        "nul-at-start",
        "nul.csv",
        lambda: b"\x00" + table().encode(),
        refused("file-content-mismatch"),
        "a NUL in the first bytes: not text",
    ),
    Case(
        "nul-in-a-row",
        "nul-row.csv",
        lambda: table(rows=2).encode().replace(b"GBC-2021-0001", b"GBC-2021\x000001"),
        refused("file-content-mismatch"),
        "a NUL byte inside a data row, near the start",
    ),
    Case(
        "nul-after-64kb",
        "nul-late.csv",
        _nul_after_sample,
        refused("encoding-error"),
        "a NUL byte past the first 64 KB",
    ),
    Case(
        "pdf-named-csv",
        "report.csv",
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        refused("format-error"),
        "a PDF document renamed",
        marker=b"",
    ),
    Case(
        "png-named-csv",
        "image.csv",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        refused("file-content-mismatch"),
        "a PNG image renamed",
        marker=b"",
    ),
    Case(
        "gzip-named-csv",
        "data.csv",
        lambda: b"\x1f\x8b\x08\x00" + bytes(64),
        refused("file-content-mismatch"),
        "a gzip archive renamed",
        marker=b"",
    ),
    Case(
        "xls-named-xlsx",
        "old.xlsx",
        lambda: _ole2(encrypted=False),
        refused("file-content-mismatch"),
        "an Excel 97-2003 workbook renamed .xlsx",
        marker=b"",
    ),
    Case(
        "encrypted-office-named-csv",
        "locked.csv",
        lambda: _ole2(encrypted=True),
        refused("file-content-mismatch"),
        "a password-protected workbook renamed .csv",
        marker=b"",
    ),
    # ---- Names ---------------------------------------------------------------------------------
    Case(
        "csv-named-xlsx",
        "contracts.xlsx",
        _csv(),
        refused("file-content-mismatch"),
        "a CSV file named .xlsx",
    ),
    Case(
        "xlsx-named-csv",
        "contracts.csv",
        workbook,
        refused("file-content-mismatch"),
        "a workbook named .csv",
        marker=b"",
    ),
    Case(
        "no-extension",
        "contracts",
        _csv(),
        refused("file-type-not-allowed"),
        "a name without an extension says nothing of what it holds",
    ),
    Case(
        "double-extension",
        "contracts.csv.exe",
        _csv(),
        refused("file-type-not-allowed"),
        "a program's extension after a table's",
    ),
    Case(
        "bidi-override-name",
        "contracts\u202excsl.csv",
        _csv(),
        valid(),
        "a right-to-left override, which makes a name display as another, is dropped",
    ),
    Case(
        "bidi-isolate-name",
        "data\u2067vsc.xlsx\u2069.csv",
        _csv(),
        valid(),
        "a right-to-left isolate, the other way to reorder a name, is dropped",
    ),
    Case(
        "zero-width-name",
        "contr\u200bacts.csv",
        _csv(),
        valid(),
        "a zero-width space, which makes two names look the same, is dropped",
    ),
    Case(
        "long-name",
        "c" * 200 + ".csv",
        _csv(),
        refused("filename-invalid"),
        "a name over 120 characters",
    ),
    Case(
        "traversal-name",
        "../../../etc/contracts.csv",
        _csv(),
        valid(),
        "folders in the name are dropped by the upload: the file is kept as contracts.csv",
    ),
    Case(
        "windows-traversal-name",
        "..\\..\\Windows\\contracts.csv",
        _csv(),
        valid(),
        "Windows folders too",
    ),
    # ---- Workbooks built to hurt ---------------------------------------------------------------
    Case(
        "zip-bomb",
        "bomb.xlsx",
        lambda: _zip_bomb(40),
        refused("format-error"),
        "a sheet that deflates a thousand times",
        marker=b"",
    ),
    Case(
        "zip-bomb-lying-sizes",
        "liar.xlsx",
        _lying_zip_bomb,
        refused("format-error"),
        "a bomb whose ZIP directory understates its size",
        marker=b"",
    ),
    Case(
        "zip-many-entries",
        "entries.xlsx",
        _many_entries,
        valid(),
        "20,000 empty parts alongside a valid sheet: read in bounded time",
    ),
    Case(
        "billion-laughs-sheet",
        "laughs.xlsx",
        _billion_laughs_sheet,
        refused("format-error"),
        "nested entities in the sheet that expand to a billion characters",
        marker=b"",
    ),
    Case(
        "billion-laughs-after-comment",
        "laughs2.xlsx",
        _laughs_after_a_long_comment,
        refused("format-error"),
        "the entities behind an 8 KB comment",
        marker=b"",
    ),
    Case(
        "billion-laughs-utf16",
        "laughs16.xlsx",
        _laughs_in_utf16,
        refused("format-error"),
        "the entities in a sheet encoded as UTF-16",
        marker=b"",
    ),
    Case(
        "external-entity-file",
        "xxe.xlsx",
        lambda: _external_entity("file:///etc/passwd"),
        refused("format-error"),
        "an external entity naming a local file",
        marker=b"",
    ),
    Case(
        "external-entity-url",
        "xxe2.xlsx",
        lambda: _external_entity("http://127.0.0.1:9/steal"),
        refused("format-error"),
        "an external entity naming a URL",
        marker=b"",
    ),
    Case(
        "entities-in-workbook-part",
        "xxe3.xlsx",
        lambda: _entities_in("xl/workbook.xml"),
        refused("format-error"),
        "a DOCTYPE in the workbook part",
        marker=b"",
    ),
    Case(
        "entities-in-content-types",
        "xxe4.xlsx",
        lambda: _entities_in("[Content_Types].xml"),
        refused("format-error"),
        "a DOCTYPE in [Content_Types].xml",
        marker=b"",
    ),
    Case(
        "entities-in-relationships",
        "xxe5.xlsx",
        lambda: _entities_in("xl/_rels/workbook.xml.rels"),
        refused("format-error"),
        "a DOCTYPE in the workbook's relationships",
        marker=b"",
    ),
    Case(
        "impossible-cell-reference",
        "panic.xlsx",
        lambda: _impossible_reference("XFE99999999"),
        refused("file-too-complex"),
        "a cell beyond Excel's grid, which once made the reader panic or allocate 550 GB",
        marker=b"",
    ),
    Case(
        "huge-column-reference",
        "panic2.xlsx",
        lambda: _impossible_reference("ZZZZZZZ2"),
        refused("file-too-complex"),
        "a cell reference of seven letters",
        marker=b"",
    ),
    Case(
        "huge-dimension",
        "dimension.xlsx",
        lambda: _dimension("A1:XFD1048576"),
        valid(),
        "a dimension claiming the whole grid, over a one-row table: the cells decide",
    ),
    Case(
        "shared-string-out-of-range",
        "sst.xlsx",
        _shared_string_out_of_range,
        refused("format-error"),
        "a cell pointing at shared string 999,999 of 1",
        marker=b"",
    ),
    Case(
        "xlsx-huge-number",
        "number.xlsx",
        lambda: _numeric_cell("1E+308"),
        valid(),
        "the largest double Excel stores is still a number",
    ),
    Case(
        "xlsx-date-out-of-range",
        "date.xlsx",
        lambda: _numeric_cell("1E+300", date_style=True),
        valid(),
        "a date format on a number past any date: read as the number it is",
    ),
    Case(
        "xlsx-negative-date",
        "date2.xlsx",
        lambda: _numeric_cell("-5", date_style=True),
        invalid("type-error"),
        "a negative date serial",
    ),
    Case(
        "truncated-workbook",
        "half.xlsx",
        _truncated_workbook,
        refused("format-error"),
        "half a workbook",
        marker=b"",
    ),
    Case(
        "zip-not-workbook",
        "archive.xlsx",
        _not_a_workbook,
        refused("format-error"),
        "a ZIP archive that is not a workbook",
        marker=b"",
    ),
    Case(
        "xlsx-formula-cells",
        "formulas.xlsx",
        lambda: _workbook_cell("description", "=cmd|' /C calc'!A0"),
        valid(),
        "text that looks like a formula is text; exports neutralise it",
    ),
    Case(
        "xlsx-16mb-cell",
        "big-cell.xlsx",
        lambda: _workbook_cell("lgr_notes", _letters(16 * MB, seed=16)),
        invalid("constraint-error"),
        "one 16 MB cell: too long for its field, read in bounds",
        large=True,
    ),
    # ---- CSV structure -------------------------------------------------------------------------
    Case(
        "stray-quote",
        "stray.csv",
        lambda: table().encode().replace(b"Tesco PLC", b'Tesco "PLC'),
        valid(),
        "a quote inside an unquoted cell is text, as the csv module reads it",
    ),
    Case(
        "unclosed-quote",
        "unclosed.csv",
        lambda: (table(rows=3) + 'E07000209,"never closed\n').encode(),
        refused("format-error"),
        "a quote opened on the last line and never closed",
    ),
    Case(
        "unclosed-quote-16mb",
        "unclosed-big.csv",
        lambda: (table() + 'E07000209,"open\n' + "a,b,c\n" * (17 * MB // 6)).encode(),
        refused("format-error"),
        "an unclosed quote that swallows 17 MB",
        large=True,
    ),
    Case(
        "quote-in-header",
        "qheader.csv",
        lambda: (
            table(edit=_set("description", "Grass cutting"))
            .replace("council_gss_code", '"council_gss_code', 1)
            .encode()
        ),
        refused("format-error"),
        "the header's first label opens a quote never closed",
    ),
    Case(
        "crlf-lf-cr-mixed",
        "endings.csv",
        _line_endings("\r\n", "\n", "\r\n", "\n"),
        valid(),
        "Windows and Unix line ends in one file",
    ),
    Case(
        "bare-cr", "mac.csv", _line_endings("\r", "\r", "\r"), valid(), "classic Mac line ends only"
    ),
    Case(
        "line-16mb",
        "line.csv",
        lambda: _long_line(17),
        refused("format-error"),
        "one unquoted line over 16 MB",
        large=True,
    ),
    Case(
        "cell-16mb-quoted",
        "cell.csv",
        lambda: _long_quoted_cell(17),
        refused("format-error"),
        "one quoted cell of 17 MB across many lines",
        large=True,
    ),
    Case(
        "header-16mb",
        "header-big.csv",
        lambda: b"h" * (17 * MB) + b"\n",
        refused("format-error"),
        "a first line over 16 MB",
        large=True,
        marker=b"",
    ),
    Case(
        "million-cells-in-a-row",
        "wide.csv",
        lambda: _wide_row(1_000_000),
        refused("format-error"),
        "a data row of a million cells, 2 MB of commas",
    ),
    Case(
        "million-labels-in-header",
        "wide-header.csv",
        lambda: _wide_header(1_000_000),
        refused("format-error"),
        "a header of a million labels",
    ),
    Case(
        "few-extra-cells",
        "extra.csv",
        lambda: table().replace("\n", ",x,y,z\n").replace(",x,y,z", "", 1).encode(),
        invalid("extra-cell"),
        "a row with more cells than the header",
    ),
    Case(
        "missing-cells",
        "short.csv",
        lambda: (table() + "E10000030,GBC-1\n").encode(),
        invalid("missing-cell"),
        "a short row",
    ),
    Case(
        "duplicate-labels",
        "dup.csv",
        lambda: table().replace("department", "title", 1).encode(),
        invalid("duplicate-label", "missing-label"),
        "two columns called title",
    ),
    Case(
        "semicolons",
        "semi.csv",
        lambda: table().replace(",", ";").encode(),
        valid(),
        "semicolon-separated, as Excel writes in much of Europe: the delimiter is found",
    ),
    Case(
        "homoglyph-label",
        "homoglyph.csv",
        lambda: table().replace("council_gss_code", "council_gss_\u0441ode", 1).encode(),
        invalid("incorrect-label"),
        "a Cyrillic letter that looks Latin in a label",
    ),
    # ---- Values ------------------------------------------------------------------------------
    Case(
        "huge-integer",
        "bigint.csv",
        lambda: table(edit=_set("break_notice_months", "9" * 400)).encode(),
        invalid("type-error"),
        "an integer of 400 digits",
    ),
    Case(
        "huge-number",
        "bignum.csv",
        lambda: table(edit=_set("total_value_gbp", "1e999")).encode(),
        valid(),
        "valid with a caveat: Table Schema's number takes INF, and 1e999 is read as INF",
    ),
    Case(
        "not-a-number",
        "nan.csv",
        lambda: table(edit=_set("total_value_gbp", "NaN")).encode(),
        invalid("constraint-error"),
        "Table Schema's number type reads NaN, but NaN is no amount at least 0",
    ),
    Case(
        "formula-cells",
        "formulas.csv",
        _formula_cells,
        valid(),
        "cells beginning =, +, - and @ are text here; exports neutralise them",
    ),
    Case(
        "tab-formula",
        "tab.csv",
        _tab_and_cr_formulas,
        valid(),
        "a cell beginning with a tab then =",
    ),
    Case(
        "bidi-in-cells",
        "bidi.csv",
        lambda: table(edit=_set("supplier_name", "Tesco \u202eCLP")).encode(),
        valid(),
        "a right-to-left override inside a value is data, shown escaped",
    ),
)
