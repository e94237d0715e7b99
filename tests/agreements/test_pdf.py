"""The data sharing agreement PDF: pure rendering, no database.

Text is read back from uncompressed output (``render_pdf(..., compress=False)``) by decoding
the ``(...) Tj`` strings in the content streams, so no PDF library or system tool is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from fpdf import FPDF

from lgrshare.agreements.document import AgreementDocument, PartyLine, Section
from lgrshare.agreements.pdf import latin1_safe, render_pdf

A4_W, A4_H = 595.28, 841.89  # points
MARGIN_PT = 18 * 72 / 25.4
AT = datetime(2025, 3, 12, 10, 4, tzinfo=UTC)

GUILDFORD = PartyLine(
    "Guildford Borough Council", "E07000209", "approved", "Jane Smith", AT, "Sam Jones", AT
)
WOKING = PartyLine("Woking Borough Council", "E07000217", "pending", "", None, "", None)
HEADINGS = ("Purposes", "Data to be shared", "Legal basis", "Access", "Security", "Retention")


def _doc(**changes: object) -> AgreementDocument:
    body = "The parties share council tax records for the reorganisation. " * 12
    doc = AgreementDocument(
        reference="DSA-00042",
        title="Council tax data for the Surrey transition",
        version=2,
        state="in-review",
        area="Surrey",
        classification="OFFICIAL-SENSITIVE",
        generated_at=AT,
        parties=(GUILDFORD, WOKING),
        sections=tuple(Section(h, (body, body, "Short.")) for h in HEADINGS),
        starts_on=date(2025, 4, 1),
        delete_by=date(2027, 3, 31),
        review_date=date(2026, 4, 1),
    )
    return replace(doc, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Run:
    """One drawn string: where it starts (points) and in which font."""

    text: str
    x: float
    y: float
    word_spacing: float
    font: str  # base font, e.g. Helvetica-Bold
    size: float


_STRING = rb"\((?:\\.|[^\\)])*\)"  # a PDF literal string, escapes included
_TOKENS = re.compile(
    rb"/(?P<res>F\d+) (?P<size>[\d.]+) Tf"
    rb"|BT (?P<x>-?[\d.]+) (?P<y>-?[\d.]+) Td (?P<body>(?:[^()]|" + _STRING + rb")*?) ET"
)
_ESCAPES = {b"n": "\n", b"r": "\r", b"t": "\t", b"b": "\b", b"f": "\f"}


def _unescape(raw: bytes) -> str:
    out = []
    for m in re.finditer(rb"\\([0-7]{1,3}|.)|([^\\]+)", raw, flags=re.S):
        esc = m.group(1)
        if esc is None:
            out.append(m.group(2).decode("latin-1"))
        elif esc.isdigit():
            out.append(chr(int(esc, 8)))
        else:
            out.append(_ESCAPES.get(esc, esc.decode("latin-1")))
    return "".join(out)


def _word_spacing(body: bytes) -> float:
    found = re.search(rb"^[^()]*?(-?[\d.]+) Tw", body)
    return float(found.group(1)) if found else 0.0


def _runs(pdf: bytes) -> list[Run]:
    objects = dict(re.findall(rb"(\d+) 0 obj\s*<<(.*?)>>", pdf, flags=re.S))
    base = {}
    for res, num in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        found = re.search(rb"/BaseFont /([\w-]+)", objects[num])
        assert found is not None
        base[res] = found.group(1).decode()
    runs, font, size = [], "", 0.0
    for m in _TOKENS.finditer(pdf):
        if m.group("res"):
            font, size = base[m.group("res")], float(m.group("size"))
        else:
            runs.append(
                Run(
                    "".join(_unescape(t[1:-1]) for t in re.findall(_STRING, m.group("body"))),
                    float(m.group("x")),
                    float(m.group("y")),
                    _word_spacing(m.group("body")),
                    font,
                    size,
                )
            )
    return runs


def _text(pdf: bytes) -> str:
    return "\n".join(run.text for run in _runs(pdf))


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?![s\w])", pdf))


def test_a_well_formed_pdf() -> None:
    pdf = render_pdf(_doc())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert render_pdf(_doc()) == pdf  # reproducible: the creation date is generated_at


def test_everything_a_dpo_files_is_in_the_text() -> None:
    pdf = render_pdf(_doc(), compress=False)
    text = _text(pdf)
    for needle in (
        "DSA-00042",
        "Council tax data for the Surrey transition",
        "Guildford Borough Council",
        "Woking Borough Council",
        "E07000209",
        "by Jane Smith",
        "Signed 12 March 2025",
        "Not yet signed",
        "In review",
        "31 March 2027",
        "Generated",
    ):
        assert needle in text, needle
    for number, heading in enumerate(HEADINGS, start=1):
        assert f"{number}. {heading}" in text


def test_every_page_is_marked_and_numbered() -> None:
    pdf = render_pdf(_doc(), compress=False)
    pages = _pages(pdf)
    assert pages > 1
    lines = [run.text for run in _runs(pdf)]
    assert lines.count("OFFICIAL-SENSITIVE") >= 2 * pages  # header and footer
    assert [f"Page {n} of {pages}" in lines for n in range(1, pages + 1)] == [True] * pages


def test_document_properties() -> None:
    pdf = render_pdf(_doc(), compress=False)
    assert b"/Subject (Data sharing agreement)" in pdf
    assert b"/Creator (LGR Share)" in pdf
    assert b"/Lang (en-GB)" in pdf
    assert b"/Title (DSA-00042: Council tax data for the Surrey transition)" in pdf
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf


def test_short_document_is_one_page() -> None:
    doc = _doc(sections=(Section("Purposes", ("Short.",)),), parties=())
    pdf = render_pdf(doc, compress=False)
    assert _pages(pdf) == 1
    assert "Page 1 of 1" in _text(pdf)
    assert "No parties have been added to this agreement." in _text(pdf)


def test_user_text_cannot_fake_the_page_count() -> None:
    text = _text(render_pdf(_doc(title="Pages: {nb}"), compress=False))
    assert "Pages: {nb}" in text


def test_typography_is_transliterated() -> None:
    quoted = (
        "The council\u2019s \u201clawful basis\u201d \u2013 Article 6(1)(e) "
        "\u2014 see \u2026 ﬁles in Łódź"
    )
    assert latin1_safe(quoted) == (
        'The council\'s "lawful basis" - Article 6(1)(e) - see ... files in Lódz'
    )
    assert latin1_safe("£5 café ½ © ±") == "£5 café ½ © ±"  # Latin-1 stays as it is
    assert latin1_safe("a\tb\r\nc\rd\x00e\x1b\u200bf\u202eg\u00adh") == "a b\nc\ndefgh"
    assert latin1_safe("ok 😀👍🏽 中") == "ok ?? ?"
    assert latin1_safe("e\u0301") == "é"  # combining accent composed first
    assert latin1_safe("a\x7fb") == "ab"  # DEL marks the page-count placeholder
    title = "The council\u2019s \u201clawful basis\u201d \u2013 yes"
    pdf = render_pdf(_doc(title=title), compress=False)
    assert 'The council\'s "lawful basis" - yes' in _text(pdf)


def _hostile() -> AgreementDocument:
    huge = "x" * 5000
    url = "https://example.org/" + "a/" * 400
    return _doc(
        reference="DSA-" + "9" * 300,
        title="T" * 3000 + " emoji 😀 \t tab \x00\x07 bell\nnewline",
        area="A" * 500,
        classification="OFFICIAL-SENSITIVE " * 30,
        parties=(
            GUILDFORD,
            PartyLine("C" * 5000, "G" * 300, "approved\x1b[31m", "Ω" * 800, AT, "Z" * 3000, AT),
        ),
        sections=(
            Section("H" * 600, (huge, url, "line\nbreak\r\nwindows\ttab " * 200)),
            Section("", ("", "\x00\x01", "中文 \u202e bidi 🏳️‍🌈")),
            Section("Empty", ()),
        ),
        attribution=("© Crown copyright " * 50,),
    )


def test_hostile_input_renders() -> None:
    pdf = render_pdf(_hostile())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_nothing_is_drawn_off_the_page() -> None:
    pdf = render_pdf(_hostile(), compress=False)
    runs = _runs(pdf)
    assert len(runs) > 100
    measure = FPDF(unit="pt")
    for run in runs:
        measure.set_font("helvetica", "B" if run.font.endswith("Bold") else "", run.size)
        width = measure.get_string_width(run.text) + run.word_spacing * run.text.count(" ")
        assert run.x >= MARGIN_PT - 0.5, run
        assert run.x + width <= A4_W - MARGIN_PT + 0.5, run
        assert 0 < run.y < A4_H, run
        run.text.encode("latin-1")  # the core fonts can draw it
    assert _pages(pdf) > 5
