"""Build the agreement document (page and PDF) from one version's terms, read as the typed
value (``AgreementVersion.terms``).

Until a version is signed its document is built from the records it refers to (standards,
people, contractor agreements, the DPIA). At the first signature ``snapshot`` fixes what it
says, and from then on the page and the PDF are built from that alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from lgrshare.agreements.advice import advice_of
from lgrshare.agreements.document import AgreementDocument, PartyLine, Section
from lgrshare.agreements.flows import flow_lines
from lgrshare.agreements.models import AgreementVersion, ContractorAgreement, Dpia, PersonalData
from lgrshare.agreements.status import status_of
from lgrshare.agreements.terms import ACTION_LABELS, SECURITY_RULES
from lgrshare.councils.models import Role
from lgrshare.domain.agreement_terms import Retention, Terms
from lgrshare.domain.policy import access_policy
from lgrshare.domain.screening import ScreeningResult, conditions, lawful_bases
from lgrshare.standards.services import standard_get


def _data_items(version: AgreementVersion, terms: Terms) -> tuple[str, ...]:
    lines = []
    for item in terms.data_items:
        if item.standard:
            standard = standard_get(name=item.standard, version=item.version)
            titles = {f.name: f.title or f.name for f in standard.fields}
            fields = ", ".join(titles.get(n, n) for n in item.fields or list(titles))
            lines.append(
                f"From the '{standard.title}' standard (version {standard.version}): {fields}."
            )
        else:
            lines.append(item.text)
    names = {
        p.council_id: p.council.official_name for p in version.parties.select_related("council")
    }
    versions = {item.standard: item.version for item in terms.data_items if item.standard}
    lines += flow_lines(terms.flows, names, versions)
    if terms.flows:
        lines.append("A council sees its own data; another council's only as shown here.")
    kind = PersonalData(terms.lawful.personal_data).label
    lines.append(f"Personal data: {kind}.")
    return tuple(lines) or ("No data items recorded.",)


def _legal(terms: Terms, screened: ScreeningResult) -> tuple[str, ...]:
    lawful = terms.lawful
    lines = [f"Legal power or duty relied on: {lawful.legal_power}"]
    if lawful.personal_data in {"personal", "special-category"}:
        basis = {b.code: b for b in lawful_bases()}.get(lawful.lawful_basis)
        if basis:
            lines.append(
                f"UK GDPR Article 6 lawful basis: ({basis.code}) {basis.title}. {basis.note}"
            )
        lines.append(
            "Legitimate interests (Article 6(1)(f)) is not relied on: it is not available to a "
            "public authority for processing in the performance of its tasks."
        )
        rules = conditions()
        if lawful.article_9_condition:
            cond = {c.code: c for c in rules.article_9}.get(lawful.article_9_condition)
            if cond:
                lines.append(f"Article 9 condition: ({cond.code}) {cond.title} [{cond.reference}]")
        schedule = {c.code: c for c in rules.schedule_1}
        for code in lawful.schedule_1_conditions:
            if code in schedule:
                item = schedule[code]
                lines.append(f"DPA 2018 Schedule 1 {item.part}: {item.title} [{item.reference}]")
        if screened.needs_appropriate_policy_document:
            lines.append(
                "An appropriate policy document (DPA 2018 Schedule 1 Part 4) is required and "
                "must be in place before any sharing."
            )
    else:
        lines.append("No personal data is shared, so no UK GDPR lawful basis is needed.")
    return tuple(lines)


def _access(version: AgreementVersion, terms: Terms) -> tuple[str, ...]:
    roles = terms.access.roles()
    default = access_policy().default_permitted_roles
    lines = []
    for action, label in ACTION_LABELS.items():
        allowed = roles.get(action) or sorted(default.get(action, ()))
        lines.append(f"{label}: staff of the parties who are one of: {_roles(allowed)}.")
    named = [p.get_full_name() or p.username for p in version.named_people.all()]
    if named:
        lines.append(f"Only these named people may see the data: {', '.join(named)}.")
    for contractor in version.contractors.select_related("works_for"):
        latest = (
            ContractorAgreement.objects.filter(contractor=contractor).order_by("-ends_on").first()
        )
        until = f" until {latest.ends_on:%d %B %Y}" if latest else ""
        lines.append(
            f"Contractor {contractor.name}, working for {contractor.works_for.name} under a "
            f"contractor agreement{until}; its access ends when that agreement ends."
        )
    if not version.contractors.exists():
        lines.append("No contractor may see the data.")
    if terms.access.second_person_acceptance:
        lines.append(
            "Each file is accepted for sharing by a data lead of the providing council other "
            "than the person who submitted it."
        )
    if terms.lawful.personal_data != "none":
        lines.append(
            "Other councils see data derived from records about people only as counts by area: "
            f"counts below {terms.disclosure_threshold} are withheld, with any count that "
            "would give one back, and the rest rounded to the nearest 5."
        )
    lines.append("Each person accepts these terms in LGR Share before first seeing the data.")
    return tuple(lines)


def _roles(codes: Iterable[str]) -> str:
    """Roles as the service shows them everywhere ("Analyst, Data lead or Programme lead"),
    in the order the service lists roles."""
    chosen = set(codes)
    labels = [str(role.label) for role in Role if role.value in chosen]
    return " or ".join(filter(None, [", ".join(labels[:-1]), *labels[-1:]]))


def _retention(retention: Retention) -> tuple[str, ...]:
    lines = []
    if retention.delete_by:
        lines.append(f"Delete by {retention.delete_by:%d %B %Y}: access ends on that day.")
    if retention.retention_event:
        months = retention.retention_months_after_event
        lines.append(f"Keep for {months or 0} months after: {retention.retention_event}.")
    lines.append(
        f"If the agreement is terminated, the data is deleted {retention.termination_grace_days} "
        "days later."
    )
    if retention.superseded_keep_days is not None:
        lines.append(
            f"A version of a file is deleted {retention.superseded_keep_days} days after a later "
            "version is accepted."
        )
    method = (retention.deletion_method or "Cryptographic deletion in LGR Share").rstrip(". ")
    lines.append(f"Deletion method: {method}. Each party confirms that its own copies are deleted.")
    return tuple(lines)


def _dpia(screened: ScreeningResult, dpia: Dpia | None) -> tuple[str, ...]:
    outcome = {
        "required": "a DPIA is required",
        "likely": "a DPIA is likely to be needed",
    }.get(str(screened.outcome), "a DPIA is not required")
    lines = [f"Screening outcome: {outcome}."]
    lines += [f"{r.title} [{r.reference}]" for r in screened.reasons]
    if dpia is not None:
        lines.append(f"DPIA status: {dpia.get_status_display()}. {dpia.outcome}".strip())
        if dpia.residual_risk:
            lines.append(f"Residual risk after mitigation: {dpia.get_residual_risk_display()}.")
        if dpia.ico_consultation:
            lines.append(f"Prior consultation with the ICO: {dpia.ico_consultation}")
        if dpia.appropriate_policy_document:
            lines.append(f"Appropriate policy documents: {dpia.appropriate_policy_document}")
    return tuple(lines)


RIGHTS = (
    "Requests from individuals and suspected breaches go to the DPO of the council that "
    "provided the data within one working day; that DPO leads the response and tells the other "
    "parties."
)


def _party_lines(version: AgreementVersion, names: dict[str, str]) -> tuple[PartyLine, ...]:
    # ``names`` holds the councils' official names as signed; a party's DPO and signatory are
    # named as they were when they decided and signed.
    return tuple(
        PartyLine(
            council=names.get(p.council_id, p.council.official_name),
            gss_code=p.council_id,
            dpo_decision=p.dpo_decision,
            dpo_name=p.dpo_name or (p.dpo_by.get_full_name() if p.dpo_by else ""),
            dpo_at=p.dpo_at,
            signatory_name=p.signatory_name or (p.signed_by.get_full_name() if p.signed_by else ""),
            signed_at=p.signed_at,
        )
        for p in version.parties.select_related("council", "dpo_by", "signed_by")
    )


def build_document(version: AgreementVersion, screened: ScreeningResult) -> AgreementDocument:
    """Return the document for ``version``: every heading a DSA needs, in order.

    A signed version is rebuilt from the document it holds (``snapshot``), with its parties'
    decisions and signatures, so later changes to people, councils, contractor agreements or
    the DPIA never change what was signed. ``screened`` is used only for a version not signed.
    """
    if version.document:
        return _from_snapshot(version, version.document)
    return _build(version, screened, generated_at=timezone.now())


def snapshot(version: AgreementVersion, screened: ScreeningResult) -> dict[str, Any]:
    """Return what ``version``'s document says, as JSON to keep with it at its first signature
    (``version.frozen_at`` must be set): the text, never the decisions and signatures."""
    assert version.frozen_at is not None, "a version is snapshotted when it is first signed"
    doc = _build(version, screened, generated_at=version.frozen_at)
    return {
        "reference": doc.reference,
        "title": doc.title,
        "area": doc.area,
        "classification": doc.classification,
        "councils": {line.gss_code: line.council for line in doc.parties},
        "sections": [[s.heading, list(s.paragraphs)] for s in doc.sections],
        "starts_on": _iso(doc.starts_on),
        "delete_by": _iso(doc.delete_by),
        "review_date": _iso(doc.review_date),
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _from_snapshot(version: AgreementVersion, held: dict[str, Any]) -> AgreementDocument:
    assert version.frozen_at is not None, "only a signed version holds its document"
    return AgreementDocument(
        reference=held["reference"],
        title=held["title"],
        version=version.number,
        state=status_of(version.agreement),
        area=held["area"],
        classification=held["classification"],
        generated_at=version.frozen_at,
        parties=_party_lines(version, held["councils"]),
        advice=advice_of(version),
        sections=tuple(Section(heading, tuple(lines)) for heading, lines in held["sections"]),
        starts_on=_day(held["starts_on"]),
        delete_by=_day(held["delete_by"]),
        review_date=_day(held["review_date"]),
    )


def _build(
    version: AgreementVersion, screened: ScreeningResult, *, generated_at: datetime
) -> AgreementDocument:
    agreement = version.agreement
    terms = version.terms
    parties = _party_lines(version, {})
    providers = ", ".join(p.council.name for p in version.parties.filter(provides_data=True))
    classification = terms.security.classification
    sections = (
        Section("Purposes", (terms.purposes, f"Councils providing data: {providers}.")),
        Section("The data shared", _data_items(version, terms)),
        Section("Legal basis", _legal(terms, screened)),
        Section(
            "Data protection impact assessment", _dpia(screened, getattr(agreement, "dpia", None))
        ),
        Section("Who may access the data", _access(version, terms)),
        Section(f"Security: {classification}", SECURITY_RULES[classification]),
        Section(
            "Onward sharing",
            (
                terms.security.onward_sharing
                or "The data is not shared with anyone who is not a party.",
            ),
        ),
        Section("Retention and deletion", _retention(terms.retention)),
        Section("Individuals' rights and breaches", (terms.legal.rights_and_breaches or RIGHTS,)),
        Section(
            "Review",
            (
                f"This agreement is reviewed by {terms.review_date:%d %B %Y}."
                if terms.review_date
                else "No review date is set.",
            ),
        ),
        Section(
            "Other legal requirements",
            (terms.legal.other_legal_requirements or "None beyond those above.",),
        ),
    )
    return AgreementDocument(
        reference=agreement.reference,
        title=agreement.title,
        version=version.number,
        state=status_of(agreement),
        area=agreement.area.name,
        classification=classification,
        generated_at=generated_at,
        parties=parties,
        advice=advice_of(version),
        sections=sections,
        starts_on=terms.retention.starts_on,
        delete_by=terms.retention.delete_by,
        review_date=terms.review_date,
    )
