"""Render an ``AgreementDocument`` as an A4 PDF a Data Protection Officer can file.

Pure Python on fpdf2: no Django, so it runs in a worker or a plain script.

fpdf2's built-in (core) fonts only cover Latin-1, and no Unicode TTF font ships with an
installed package, so every string passes through ``latin1_safe`` first: typographic quotes,
dashes and ellipses become their ASCII equivalents, accented letters outside Latin-1 lose the
accent, control characters go, and anything else unprintable (emoji, CJK) becomes ``?``.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode, WrapMode, XPos, YPos

from lgrshare.agreements.document import STATUS_LABELS, AgreementDocument, PartyLine, Section

__all__ = ["latin1_safe", "render_pdf"]

FONT = "helvetica"
MARGIN = 18.0  # mm, left and right
TOP_MARGIN = 24.0  # leaves room for the running header
BOTTOM_MARGIN = 20.0  # leaves room for the running footer
BODY_SIZE = 10.5
LINE = 5.2  # body line height, mm
CELL_LIMIT = 400  # characters per parties-table cell: a table row cannot span pages
INK = (11, 12, 12)  # GOV.UK text colour
GREY = (80, 90, 95)
# fpdf2 swaps this for the page count when it closes the document. Not "{nb}", which user text
# may contain: DEL is a control character, and ``latin1_safe`` strips those from all user text.
# Two characters reserve room for "99"; a longer count just runs on into the right margin.
TOTAL_PAGES = "\x7f\x7f"

_REPLACEMENTS: dict[str, str] = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201a": "'",  # single low-9 quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u2032": "'",  # prime
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',  # double low-9 quotation mark
    "\u201f": '"',  # double high-reversed-9 quotation mark
    "\u2033": '"',  # double prime
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2026": "...",  # horizontal ellipsis
    "\u2022": "-",  # bullet
    "\u2023": "-",  # triangular bullet
    "\u2043": "-",  # hyphen bullet
    "\u25e6": "-",  # white bullet
    "\u20ac": "EUR",  # euro sign
    "\u2122": "(TM)",  # trade mark sign
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2192": "->",
    "\u2190": "<-",
    "\u0141": "L",  # latin capital letter l with stroke
    "\u0142": "l",  # latin small letter l with stroke
    "\u0110": "D",  # latin capital letter d with stroke
    "\u0111": "d",  # latin small letter d with stroke
    "\u0152": "OE",  # latin capital ligature oe
    "\u0153": "oe",  # latin small ligature oe
    "\u0131": "i",  # latin small letter dotless i
}
_LINE_BREAKS = ("\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _clean(text: str) -> str:
    """Normalise line breaks and whitespace and drop control/format characters (keeps Unicode)."""
    text = unicodedata.normalize("NFC", text)
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    out: list[str] = []
    for ch in text:
        if ch == "\n":
            out.append(ch)
        elif ch == "\t" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue  # controls, zero-width joiners, bidi overrides, soft hyphens
        else:
            out.append(ch)
    return "".join(out)


def _transliterate(ch: str) -> str:
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    if ord(ch) <= 0xFF:
        return ch
    if unicodedata.category(ch) in ("Mn", "Me") or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return ""  # a stray combining mark, emoji variation selector or skin-tone modifier
    decomposed = "".join(
        c
        for c in unicodedata.normalize("NFKD", ch)
        if ord(c) <= 0xFF and unicodedata.category(c) not in ("Mn", "Me", "Cc", "Cf")
    )
    return decomposed or "?"


def latin1_safe(text: str) -> str:
    """``text`` reduced to printable Latin-1 that fpdf2's core fonts can draw.

    Line breaks (``\\n``) survive; tabs and exotic spaces become spaces; everything the fonts
    cannot draw is transliterated (curly quotes to straight ones, en and em dashes to ``-``,
    the ellipsis to ``...``; é stays, ő becomes o) or replaced with ``?``.
    """
    return "".join(_transliterate(ch) for ch in _clean(text))


def _one_line(text: str) -> str:
    return " ".join(latin1_safe(text).split())


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        stamp = f"{value.day} {value:%B %Y %H:%M}"
        return f"{stamp} {value.tzname()}" if value.tzinfo is not None else stamp
    return f"{value.day} {value:%B %Y}"


def _meta(text: str) -> str:
    """Document properties keep Unicode (PDF info strings are UTF-16) but stay one short line."""
    return _clip(" ".join(_clean(text).split()), 250)


def _clip(text: str, limit: int = CELL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


class _AgreementPDF(FPDF):
    def __init__(self, doc: AgreementDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        # A missing marking fails safe: over-marking is better than under-marking.
        self.marking = _one_line(doc.classification).upper() or "OFFICIAL-SENSITIVE"
        self.running_title = f"{_one_line(doc.reference)} v{doc.version}"

    def _fit(self, text: str, width: float) -> str:
        """Truncate a single line with an ellipsis so it fits ``width`` in the current font."""
        text = text[:300]  # nothing longer fits on one line; keeps the loop below short
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    def _marking_line(self) -> None:
        self.set_font(FONT, "B", 10)
        self.set_text_color(*INK)
        self.cell(0, 5, self._fit(self.marking, self.epw), align=Align.C)

    def header(self) -> None:
        self.set_xy(self.l_margin, 9)
        self._marking_line()
        self.set_draw_color(*GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_xy(self.l_margin, TOP_MARGIN)

    def footer(self) -> None:
        self.set_y(-BOTTOM_MARGIN + 4)
        self.line(self.l_margin, self.get_y() - 1.5, self.w - self.r_margin, self.get_y() - 1.5)
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*GREY)
        page = f"Page {self.page_no()} of {TOTAL_PAGES}"
        page_w = self.get_string_width(page) + 2
        self.cell(self.epw - page_w, 4.5, self._fit(self.running_title, self.epw - page_w - 4))
        self.cell(page_w, 4.5, page, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._marking_line()


def _paragraph(pdf: FPDF, text: str, *, size: float = BODY_SIZE, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(
        0,
        LINE,
        text,
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        wrapmode=WrapMode.WORD,  # fpdf2 still breaks a word longer than the line
    )


def _title_block(pdf: _AgreementPDF, doc: AgreementDocument) -> None:
    pdf.set_text_color(*GREY)
    _paragraph(pdf, f"Data sharing agreement {_one_line(doc.reference)}", size=11, style="B")
    pdf.set_text_color(*INK)
    pdf.ln(1)
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(
        0,
        8,
        _one_line(doc.title) or "Untitled agreement",
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(3)
    facts = [
        ("Reference", _one_line(doc.reference)),
        ("Version", str(doc.version)),
        ("State", STATUS_LABELS.get(doc.state, _one_line(doc.state))),
        ("Area", _one_line(doc.area)),
        ("Classification", pdf.marking),
        ("Starts on", _when(doc.starts_on)),
        ("Delete data by", _when(doc.delete_by)),
        ("Review date", _when(doc.review_date)),
        ("Generated", _when(doc.generated_at)),
    ]
    label_w = 38.0
    for label, value in facts:
        pdf.set_font(FONT, "B", BODY_SIZE)
        pdf.cell(label_w, LINE, label)
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.multi_cell(0, LINE, value or "-", align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _party_cells(party: PartyLine) -> tuple[str, str, str, str]:
    decision = _one_line(party.dpo_decision).capitalize() or "Pending"
    dpo = [decision]
    if party.dpo_name.strip():
        dpo.append(f"by {_one_line(party.dpo_name)}")
    if party.dpo_at is not None:
        dpo.append(_when(party.dpo_at))
    signer = [_one_line(party.signatory_name)] if party.signatory_name.strip() else []
    signer.append(f"Signed {_when(party.signed_at)}" if party.signed_at else "Not yet signed")
    return (
        _clip(_one_line(party.council) or "-"),
        _clip(_one_line(party.gss_code) or "-", 40),
        _clip("\n".join(dpo)),
        _clip("\n".join(signer)),
    )


def _parties(pdf: _AgreementPDF, parties: tuple[PartyLine, ...]) -> None:
    _heading(pdf, "Parties")
    if not parties:
        _paragraph(pdf, "No parties have been added to this agreement.")
        pdf.ln(4)
        return
    pdf.set_font(FONT, "", 9.5)
    pdf.set_draw_color(*GREY)
    with pdf.table(
        col_widths=(3.2, 1.6, 2.6, 2.6),
        text_align=Align.L,
        line_height=4.8,
        padding=1.5,
        wrapmode=WrapMode.WORD,
        cell_fill_color=(243, 242, 241),
        cell_fill_mode=TableCellFillMode.ROWS,
        repeat_headings=1,
    ) as table:
        table.row(("Council", "GSS code", "DPO decision", "Signatory"))
        for party in parties:
            table.row(_party_cells(party))
    pdf.ln(6)


def _advice(pdf: _AgreementPDF, doc: AgreementDocument) -> None:
    """Who has advised each party: DPO, legal adviser, IT security, signatory; then what is
    still needed before that party signs."""
    if not doc.advice:
        return
    _heading(pdf, "Who has advised")
    for party in doc.advice:
        pdf.set_font(FONT, "B", BODY_SIZE)
        pdf.multi_cell(
            0, LINE, _clip(_one_line(party.council) or "-"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.set_font(FONT, "", 9.5)
        with pdf.table(
            col_widths=(2.4, 2.2, 3.0, 4.0),
            text_align=Align.L,
            line_height=4.8,
            padding=1.5,
            wrapmode=WrapMode.WORD,
            cell_fill_color=(243, 242, 241),
            cell_fill_mode=TableCellFillMode.ROWS,
            repeat_headings=1,
        ) as table:
            table.row(("Step", "Outcome", "Who and when", "Comments"))
            for line in party.lines:
                who = f"{_one_line(line.name)}, {_when(line.at)}" if line.name and line.at else ""
                table.row(
                    (
                        line.title,
                        line.outcome_label,
                        _clip(who or "-"),
                        _clip(_one_line(line.comments) or "-"),
                    )
                )
        for missing in party.still_needed:
            _paragraph(pdf, latin1_safe(f"Still needed: {missing.message}"), size=9.5)
        pdf.ln(4)


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 30:
        pdf.add_page()  # keep a heading with the start of its text
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6.5, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _section(pdf: FPDF, number: int, section: Section) -> None:
    _heading(pdf, f"{number}. {_one_line(section.heading) or 'Untitled section'}")
    indent = 11.0
    for n, paragraph in enumerate(section.paragraphs, start=1):
        text = latin1_safe(paragraph).strip("\n ")
        if not text:
            continue
        pdf.set_font(FONT, "", BODY_SIZE)
        pdf.cell(indent, LINE, f"{number}.{n}")
        pdf.multi_cell(
            0,
            LINE,
            text,
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            wrapmode=WrapMode.WORD,
        )
        pdf.ln(2)
    pdf.ln(3)


def render_pdf(doc: AgreementDocument, *, compress: bool = True) -> bytes:
    """The agreement as PDF bytes: A4, marked with its classification on every page.

    ``compress=False`` leaves the content streams readable, for tests.
    """
    pdf = _AgreementPDF(doc)
    pdf.alias_nb_pages(TOTAL_PAGES)
    pdf.set_compression(compress)
    pdf.set_margins(MARGIN, TOP_MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
    pdf.set_title(_meta(f"{doc.reference}: {doc.title}"))
    pdf.set_subject("Data sharing agreement")
    pdf.set_creator("LGR Share")
    pdf.set_producer("LGR Share (fpdf2)")
    pdf.set_keywords(_meta(f"{doc.reference} {doc.classification}"))
    pdf.set_lang("en-GB")
    pdf.set_creation_date(doc.generated_at)  # also makes the output reproducible
    pdf.add_page()
    _title_block(pdf, doc)
    _parties(pdf, doc.parties)
    _advice(pdf, doc)
    for number, section in enumerate(doc.sections, start=1):
        _section(pdf, number, section)
    if doc.attribution:
        _heading(pdf, "Attribution")
        for line in doc.attribution:
            _paragraph(pdf, latin1_safe(line).strip("\n ") or "-", size=9)
    return bytes(pdf.output())
