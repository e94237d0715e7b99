"""A deletion certificate as an A4 PDF a DPO can file: the certificate as issued, and the
attestations of the councils that held copies, as they stand when it is printed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lgrshare.agreements.pdf import latin1_safe
from lgrshare.retention.models import Attestation, DeletionCertificate

FONT = "helvetica"


def _line(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(48, 5.5, latin1_safe(label))
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5.5, latin1_safe(value) or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_certificate_pdf(
    certificate: DeletionCertificate, attestations: Iterable[Attestation]
) -> bytes:
    """Return the PDF of ``certificate`` with ``attestations`` listed."""
    body = certificate.body
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 8, f"Deletion certificate {certificate.reference}")
    pdf.ln(3)
    _line(pdf, "Dataset", f"{body['dataset']['title']} ({body['dataset']['slug']})")
    _line(pdf, "Held by", body["dataset"]["holder"])
    if body.get("submission"):
        _line(pdf, "Submission", body["submission"])
    agreement = body["agreement"]
    _line(pdf, "Agreement", f"{agreement['reference']} {agreement['title']}")
    _line(pdf, "Version", str(agreement["version"]))
    _line(pdf, "Rule applied", body["rule"]["text"])
    _line(pdf, "Due on", _day(body["rule"]["due_on"]))
    _line(pdf, "Deleted at", f"{timezone.localtime(certificate.issued_at):%-d %B %Y %H:%M %Z}")
    _line(pdf, "Deleted by", certificate.issued_by_words)
    _line(pdf, "Certificate SHA-256", certificate.body_sha256)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, "Files destroyed", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for entry in body["destroyed"]:
        _line(pdf, entry["submission"], f"{entry['file_name']}, period {entry['period']}")
        _line(pdf, "Data key destroyed", entry["key_id"])
        _line(
            pdf,
            "Ciphertext SHA-256",
            entry.get("ciphertext_sha256")
            or f"destroyed earlier: {entry.get('destroyed_earlier')}",
        )
    if not body["destroyed"]:
        _line(pdf, "None", "No file had been submitted")
    _line(pdf, "Derived data", body["derived"])
    pdf.ln(3)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, "Councils' attestations", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    listed = False
    for attestation in attestations:
        listed = True
        if attestation.confirmed_at is not None:
            text = (
                f"Confirmed by {attestation.confirmed_by_name} on "
                f"{attestation.confirmed_at:%-d %B %Y}: {attestation.statement}"
            )
        else:
            text = "Awaited"
        _line(pdf, attestation.council.official_name, text)
    if not listed:
        _line(pdf, "None needed", "No other council downloaded or exported the data")
    return bytes(pdf.output())


def _day(iso: str | None) -> str:
    """Return an ISO date as people write it ("31 March 2027"), or what was given."""
    try:
        return f"{date.fromisoformat(iso or ''):%-d %B %Y}"
    except ValueError:
        return iso or ""
