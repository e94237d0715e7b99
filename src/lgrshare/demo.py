"""The Surrey demo area: real councils and figures, demo people covering every role.

``demo_load`` is idempotent. Each capability of LGR Share adds its own step here, so that after
``make run`` a new user sees the whole process working on real Surrey data. Demo passwords are
generated on first load, kept in ``LGRSHARE_HOME/demo-sign-ins.json`` (mode 0600) so a second
``make run`` can print them again, and never written into the repository.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lgrshare.agreements import services as agreements
from lgrshare.agreements.advice import missing_for
from lgrshare.agreements.models import Agreement, ContractorAgreement
from lgrshare.agreements.pdf import latin1_safe
from lgrshare.catalogue.imports import metrics_import
from lgrshare.catalogue.models import Dataset
from lgrshare.catalogue.services import catalogue_load_public, dataset_held_create
from lgrshare.councils.models import Area, Contractor, Council, Role, User
from lgrshare.councils.services import reference_load, user_create
from lgrshare.datasets import downloads
from lgrshare.domain.contractors import article_28_obligations
from lgrshare.domain.options import option_from_json
from lgrshare.domain.public_data import load_public_table
from lgrshare.evidence.models import OptionSet
from lgrshare.evidence.services import option_save
from lgrshare.people.services import person_add
from lgrshare.requests import services as requests
from lgrshare.requests.models import Comment, DataRequest
from lgrshare.retention import services as retention
from lgrshare.standards import drafts
from lgrshare.standards.drafts import area_standard_draft
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services as submissions
from lgrshare.submissions.models import Submission

SURREY = "E10000030"
GUILDFORD = "E07000209"
WOKING = "E07000217"
KENT = "E10000016"
DEMO_CONTRACTOR = "Example Analytics Ltd"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    job_title: str
    roles: tuple[Role, ...]
    council: str | None = None
    contractor: bool = False


DEMO_PEOPLE = (
    DemoPerson(
        "surrey.lead",
        "Alex",
        "Morgan",
        "LGR programme lead",
        (Role.PROGRAMME_LEAD, Role.AREA_ADMIN),
        SURREY,
    ),
    DemoPerson("surrey.dpo", "Priya", "Shah", "Data protection officer", (Role.DPO,), SURREY),
    DemoPerson(
        "surrey.signatory",
        "Helen",
        "Clarke",
        "Director of resources",
        (Role.SENIOR_SIGNATORY,),
        SURREY,
    ),
    DemoPerson(
        "surrey.security",
        "Tom",
        "Baker",
        "Information security manager",
        (Role.IT_SECURITY,),
        SURREY,
    ),
    DemoPerson(
        "surrey.legal",
        "Nadia",
        "Osei",
        "Senior solicitor, information law",
        (Role.LEGAL_ADVISER,),
        SURREY,
    ),
    DemoPerson(
        "surrey.analyst",
        "Sam",
        "Patel",
        "Senior data analyst",
        (Role.ANALYST, Role.DATA_LEAD),
        SURREY,
    ),
    DemoPerson("guildford.analyst", "Jo", "Evans", "Data analyst", (Role.ANALYST,), GUILDFORD),
    DemoPerson("guildford.datalead", "Chris", "Wood", "Head of data", (Role.DATA_LEAD,), GUILDFORD),
    DemoPerson(
        "guildford.ig",
        "Ruth",
        "Hughes",
        "Information governance officer",
        (Role.IG_OFFICER,),
        GUILDFORD,
    ),
    DemoPerson("guildford.dpo", "Mark", "Lewis", "Data protection officer", (Role.DPO,), GUILDFORD),
    DemoPerson(
        "guildford.legal",
        "Owen",
        "Price",
        "Lawyer, legal services",
        (Role.LEGAL_ADVISER,),
        GUILDFORD,
    ),
    DemoPerson(
        "guildford.security",
        "Grace",
        "Turner",
        "IT security officer",
        (Role.IT_SECURITY,),
        GUILDFORD,
    ),
    DemoPerson(
        "guildford.signatory",
        "Fiona",
        "Reid",
        "Joint chief executive",
        (Role.SENIOR_SIGNATORY,),
        GUILDFORD,
    ),
    DemoPerson(
        "woking.datalead",
        "Dan",
        "Cooper",
        "Business intelligence lead",
        (Role.DATA_LEAD, Role.ANALYST),
        WOKING,
    ),
    DemoPerson(
        "woking.dpo",
        "Amira",
        "Khan",
        "Data protection officer",
        (Role.DPO, Role.IG_OFFICER),
        WOKING,
    ),
    DemoPerson(
        "woking.signatory", "Paul", "Green", "Chief executive", (Role.SENIOR_SIGNATORY,), WOKING
    ),
    DemoPerson(
        "contractor.analyst",
        "Lee",
        "Turner",
        "Consultant analyst",
        (Role.ANALYST,),
        contractor=True,
    ),
    DemoPerson(
        "kent.analyst",
        "Kim",
        "Walker",
        "Data analyst (another area: sees nothing of Surrey)",
        (Role.ANALYST,),
        KENT,
    ),
)


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str
    description: str


def _passwords_file() -> Path:
    return Path(settings.HOME) / "demo-sign-ins.json"


def _read_passwords() -> dict[str, str]:
    path = _passwords_file()
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _write_passwords(passwords: dict[str, str]) -> None:
    path = _passwords_file()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)
    os.replace(tmp, path)


def _demo_people(passwords: dict[str, str]) -> dict[str, str]:
    contractor, _ = Contractor.objects.get_or_create(
        name=DEMO_CONTRACTOR, defaults={"works_for_id": SURREY}
    )
    for person in DEMO_PEOPLE:
        existing = User.objects.filter(username=person.username).first()
        if existing is not None:
            if person.username not in passwords:
                # The sign-ins file was lost: give the person a fresh password to print.
                passwords[person.username] = secrets.token_urlsafe(12)
                existing.set_password(passwords[person.username])
                existing.save(update_fields=["password"])
            continue
        _, passwords[person.username] = user_create(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            job_title=person.job_title,
            email=f"{person.username}@example.invalid",
            roles=[r.value for r in person.roles],
            council=Council.objects.get(pk=person.council) if person.council else None,
            contractor=contractor if person.contractor else None,
            password=passwords.get(person.username),
        )
    return passwords


def _demo_invitation() -> None:
    """Surrey County Council's administrator invites a Woking analyst: the account waits for
    Woking's DPO (``woking.dpo``) to confirm it on the person's page."""

    if User.objects.filter(username="woking.planner").exists():
        return
    person_add(
        admin=User.objects.get(username="surrey.lead"),
        area=Area.objects.get(county_id=SURREY),
        username="woking.planner",
        first_name="Nia",
        last_name="Jones",
        job_title="Planning policy analyst",
        email="woking.planner@example.invalid",
        roles=["analyst"],
        council=Council.objects.get(pk=WOKING),
    )


def _surrey_figures_csv() -> bytes:
    """Real published figures for Surrey's councils, laid out in LG Inform's long shape."""
    import polars as pl

    codes = [c.gss_code for c in Council.objects.filter(Q(pk=SURREY) | Q(county_id=SURREY))]
    population = load_public_table("population-mid-2024").filter(pl.col("gss_code").is_in(codes))
    tax = load_public_table("council-tax-2023-24").filter(pl.col("gss_code").is_in(codes))
    rows = [
        (
            "ons-mye-all-ages",
            "Population, all ages (ONS mid-year estimate)",
            r["gss_code"],
            "mid-2024",
            str(r["population_mid2024"]),
            "persons",
        )
        for r in population.iter_rows(named=True)
    ] + [
        (
            "ctr-band-d-own",
            "Average Band D council tax of the council itself",
            r["gss_code"],
            "2023-24",
            str(r["band_d_own_excluding_parishes"]),
            "£",
        )
        for r in tax.iter_rows(named=True)
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric_id", "metric_title", "area_code", "period", "value", "unit"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _demo_catalogue() -> None:
    catalogue_load_public()
    surrey = Area.objects.get(county_id=SURREY)
    metrics_import(
        content=_surrey_figures_csv(),
        file_name="surrey-key-figures.csv",
        title="Surrey councils: population and council tax",
        publisher="ONS and MHCLG (published figures)",
        source="ONS mid-year estimates mid-2024; DLUHC Council Tax levels 2023-24, Table 9",
        vintage="mid-2024 and 2023-24",
        area=surrey,
    )
    if not Dataset.objects.filter(area=surrey, standard_name="contracts-register").exists():
        dataset_held_create(
            user=User.objects.get(username="surrey.analyst"),
            area=surrey,
            title="Contracts register",
            description="Every contract over £5,000 Surrey County Council has let, as published "
            "under the Local Government Transparency Code, with break clauses and the districts "
            "each contract serves.",
            geography_level="council",
            standard_name="contracts-register",
            contact="procurement.data@surreycc.gov.uk",
            vintage="2026",
        )


AREA_STANDARD = "surrey-band-d-by-district"


def _demo_area_standard() -> None:
    """Surrey's data lead drafts an area standard from a filled example: each Surrey district's
    2023-24 Band D and tax base, from DLUHC Council Tax levels 2023-24, Table 9."""
    if AreaStandard.objects.filter(name=AREA_STANDARD).exists():
        return
    surrey = Area.objects.get(county_id=SURREY)
    districts = set(surrey.councils().exclude(gss_code=SURREY).values_list("gss_code", flat=True))
    table = resources.files("lgrshare").joinpath(
        "reference_data", "dluhc_ctr_table9_2023-24_billing_authorities.csv"
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["GSS code", "Council", "Financial year", "Band D (£)", "Tax base"])
    for row in csv.reader(io.StringIO(table.read_text(encoding="utf-8"))):
        if row[1] in districts:
            writer.writerow([row[1], row[2], "2023-24", row[27], row[23]])
    area_standard_draft(
        user=User.objects.get(username="surrey.analyst"),
        area=surrey,
        name=AREA_STANDARD,
        title="Band D and tax base by district",
        description="Each district's own Band D council tax and tax base for the year, for "
        "modelling how Band D converges in each unitary option.",
        source="example",
        content=out.getvalue().encode(),
    )


def _demo_request() -> None:
    surrey = Area.objects.get(county_id=SURREY)
    if DataRequest.objects.filter(area=surrey, standard_name="contracts-register").exists():
        return
    analyst = User.objects.get(username="guildford.analyst")
    request = requests.request_create_from_form(
        user=analyst,
        area=surrey,
        data={
            "question": "Which Surrey County Council contracts serving Guildford run beyond the "
            "date the new councils take over, and what do they cost each year?",
            "not_enough": "Spending over £500 is published, but not contract end dates, break "
            "clauses or which districts each contract serves.",
            "purpose": "To cost the transfer of county contracts in the proposal for the west "
            "of Surrey.",
            "legal_power": "Local Government Act 1972 s.111; Local Government and Public "
            "Involvement in Health Act 2007 Part 1 (reorganisation proposals)",
            "standard": "contracts-register",
            "holders": [SURREY],
            "fields_wanted": [
                "contract_reference",
                "title",
                "supplier_name",
                "end_date",
                "estimated_annual_value_gbp",
                "break_clause_date",
                "districts_served",
            ],
            "geography_level": "council",
            "period": "Contracts live on 1 April 2026",
            # A supplier trading as an individual is named: that name is personal data, even
            # though the Transparency Code already has it published.
            "personal_data": True,
        },
    )
    requests.request_open(user=analyst, request=request)
    requests.request_answer(
        user=User.objects.get(username="surrey.analyst"),
        request=request,
        answer="needs-agreement",
        reason="The register holds commercially sensitive values: we will share it under a "
        "data sharing agreement covering the proposal work.",
    )


def _demo_contract_pdf(particulars: dict[str, str]) -> bytes:
    """The demo's signed contract for services: its Article 28 particulars, marked as a demo."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()

    def line(text: str, height: float = 6) -> None:
        pdf.multi_cell(0, height, latin1_safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font("helvetica", "B", 14)
    line(f"Contract for services: {DEMO_CONTRACTOR}", 8)
    pdf.set_font("helvetica", "", 10)
    line(f"Demonstration copy for LGR Share. Processor: {DEMO_CONTRACTOR}.")
    line("Controller: Surrey County Council. Duration: 1 April 2026 to 31 March 2027.")
    for label, key in (
        ("Subject matter", "scope"),
        ("Nature and purpose", "nature_and_purpose"),
        ("Types of personal data", "personal_data_types"),
        ("Categories of data subjects", "data_subject_categories"),
    ):
        line(f"{label}: {particulars[key]}")
    for obligation in article_28_obligations():
        line(f"{obligation.reference}: {obligation.title}.")
    return bytes(pdf.output())


# A short data specification, as a holder would attach it to a thread: what will be sent
# and how, never data about people (attachments that look like it are refused).
DEMO_SPECIFICATION = """Contracts register for the west Surrey proposal: data specification

What Surrey County Council will send
- One row per contract live on 1 April 2026 that serves Guildford (E07000209).
- Standard: contracts-register. Fields: contract_reference, title, supplier_name, end_date,
  estimated_annual_value_gbp, break_clause_date, districts_served.
- Values in pounds, excluding VAT, rounded to the nearest pound.
- Dates as YYYY-MM-DD. districts_served lists GSS codes separated by semicolons.
- Framework call-offs are listed under the framework's reference, one row per call-off.

How it will be sent
- As a CSV submitted to LGR Share under the data sharing agreement for this request, not
  attached here.
"""


def _demo_attachment() -> None:
    """Surrey County Council's analyst attaches a data specification to the request's thread."""
    request = DataRequest.objects.filter(
        area__county_id=SURREY, standard_name="contracts-register"
    ).first()
    if request is None or Comment.objects.filter(request=request, attachment__isnull=False):
        return
    content = DEMO_SPECIFICATION.encode()
    requests.request_comment(
        user=User.objects.get(username="surrey.analyst"),
        request=request,
        body="Attached is what we would send once the agreement is active. Tell us here if "
        "Guildford needs anything else for the costing.",
        upload=SimpleUploadedFile(
            "contracts-register-specification.txt", content, content_type="text/plain"
        ),
    )


# What each council's experts said of the demo agreements they had to review (issue 17).
_EXPERT_COMMENTS = {
    "legal": "The legal power and the lawful basis are right for {council}; the onward sharing "
    "and deletion terms meet our retention schedule.",
    "it-security": "Agreed for {council}: the data stays in LGR Share, downloads only to "
    "managed devices, and nothing by email.",
}
_EXPERTS = {"legal": "legal", "it-security": "security"}


def _expert_reviews(agreement: Agreement) -> None:
    """Record every legal and IT security review the parties need, by their demo experts."""
    version = agreement.current()
    for party in version.parties.select_related("council"):
        for missing in missing_for(party, version):
            council = party.council.name.split()[0].lower()
            expert = User.objects.get(username=f"{council}.{_EXPERTS[missing.kind]}")
            agreements.expert_review_record(
                user=expert,
                agreement=agreement,
                kind=missing.kind.value,
                outcome="reviewed",
                comments=_EXPERT_COMMENTS[missing.kind].format(council=party.council.name),
            )


def _demo_agreement() -> None:
    """Surrey County Council and Guildford agree to share the contracts register, and sign."""
    from datetime import date

    request = DataRequest.objects.filter(
        area__county_id=SURREY, standard_name="contracts-register"
    ).first()
    if request is None or Agreement.objects.filter(request=request).exists():
        return
    contractor = Contractor.objects.get(name=DEMO_CONTRACTOR)
    if not ContractorAgreement.objects.filter(contractor=contractor).exists():
        dpo = User.objects.get(username="surrey.dpo")
        particulars = {
            "scope": "Financial modelling of the reorganisation proposals for Surrey County "
            "Council",
            "nature_and_purpose": "Analysis of the county's contracts register and council tax "
            "figures, on Surrey County Council's instructions, to cost the unitary options.",
            "personal_data_types": "Names of suppliers who trade as individuals (sole "
            "traders), as held in the contracts register and published under the Local "
            "Government Transparency Code 2015.",
            "data_subject_categories": "Suppliers who trade as individuals.",
        }
        recorded = agreements.contractor_agreement_record(
            user=dpo,
            contractor=contractor,
            processor_obligations=[o.code for o in article_28_obligations()],
            starts_on=date(2026, 4, 1),
            ends_on=date(2027, 3, 31),
            document_name="example-analytics-contract-for-services.pdf",
            document=_demo_contract_pdf(particulars),
            **particulars,
        )
        agreements.contractor_agreement_sign_off(user=dpo, contractor_agreement=recorded)
    _, parties, requested = agreements.terms_from_request(request)
    terms = replace(
        requested,
        # Supplier names can name sole traders (personal data): the council's public task.
        lawful=replace(requested.lawful, lawful_basis="e"),
        retention=replace(
            requested.retention,
            delete_by=date(2027, 6, 30),
            deletion_method="Cryptographic deletion in LGR Share; parties delete local copies "
            "and confirm in LGR Share.",
        ),
        review_date=date(2027, 3, 31),
        security=replace(
            requested.security,
            classification="OFFICIAL-SENSITIVE",
            onward_sharing="None, except to the Ministry of Housing, Communities and Local "
            "Government as part of a proposal, in aggregate only.",
        ),
    )
    lead = User.objects.get(username="guildford.datalead")
    agreement = agreements.agreement_create(
        user=lead,
        area=request.area,
        title="Contracts register for the west Surrey proposal",
        parties=parties,
        terms=terms,
        contractors=[contractor],
        request=request,
    )
    agreements.agreement_send_for_review(user=lead, agreement=agreement)
    # The register names sole traders, so Guildford's DPO asks for a legal review too.
    agreements.legal_review_ask(
        user=User.objects.get(username="guildford.dpo"), agreement=agreement
    )
    _expert_reviews(agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=User.objects.get(username=f"{council}.dpo"), agreement=agreement, approve=True
        )
        agreements.agreement_sign(
            user=User.objects.get(username=f"{council}.signatory"), agreement=agreement
        )


# What harmonisation modelling needs of each district's council tax base, and no more: the
# requirement, the tax base and Band D (with and without parishes, and the area's total).
COUNCIL_TAX_FIELDS = (
    "gss_code",
    "council_name",
    "financial_year",
    "authority_role",
    "council_tax_requirement_gbp",
    "parish_precepts_gbp",
    "tax_base_band_d_equivalents",
    "collection_rate",
    "band_d_council_gbp",
    "band_d_including_parish_gbp",
    "band_d_area_total_gbp",
)


def _decimal(text: str) -> str:
    """Return a figure as it was meant: Table 9 was saved from Excel with binary floating-point
    artefacts (a collection rate of ``0.98399999999999999`` is 98.4%); 15 significant digits,
    all a double holds faithfully, give ``0.984`` back."""
    return format(float(text), ".15g")


def _council_tax_csv(gss_code: str) -> bytes:
    """One council's 2023-24 council tax base in the agreed layout, from DLUHC Table 9."""
    from importlib import resources

    raw = resources.files("lgrshare").joinpath(
        "reference_data", "dluhc_ctr_table9_2023-24_billing_authorities.csv"
    )
    rows = csv.reader(io.StringIO(raw.read_text(encoding="utf-8")))
    row = next(r for r in rows if r[1] == gss_code)
    # Table 9 columns (current year): 11 parish precepts, 13 requirement excluding parishes,
    # 19 collection rate, 23 tax base, 25 Band D with parishes, 27 without, 33-35 county,
    # police and fire, 37 the area's total.
    values = {
        "gss_code": row[1],
        "council_name": row[2],
        "financial_year": "2023-24",
        "authority_role": "billing",
        "council_tax_requirement_gbp": row[13],
        "parish_precepts_gbp": row[11],
        "tax_base_band_d_equivalents": row[23],
        "collection_rate": _decimal(row[19]),
        "band_d_council_gbp": row[27],
        "band_d_including_parish_gbp": row[25],
        "band_d_county_gbp": row[33],
        "band_d_police_gbp": row[34],
        "band_d_fire_gbp": row[35],
        "band_d_area_total_gbp": row[37],
        "notes": "From DLUHC Council Tax levels set by local authorities 2023-24, Table 9.",
    }
    header = [
        f.name for f in standard_get(name="council-tax-base").fields if f.name in COUNCIL_TAX_FIELDS
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow([values.get(name, "") for name in header])
    return out.getvalue().encode()


def _demo_submissions() -> None:
    """Guildford and Woking share their 2023-24 council tax base with Surrey County Council.

    Surrey's analyst is left to accept the terms (a task waiting for them); then the
    agreement's page compiles both councils' figures into one table."""
    from datetime import date

    surrey = Area.objects.get(county_id=SURREY)
    title = "Council tax base 2023-24 for harmonisation modelling"
    if Agreement.objects.filter(area=surrey, title=title).exists():
        return
    lead = User.objects.get(username="surrey.analyst")
    agreement = agreements.agreement_create(
        user=lead,
        area=surrey,
        title=title,
        parties={SURREY: False, GUILDFORD: True, WOKING: True},
        terms={
            "purposes": "To model council tax harmonisation across the proposed new councils: "
            "what Band D would be in each option, and how long to converge.",
            "data_items": [{"standard": "council-tax-base", "fields": list(COUNCIL_TAX_FIELDS)}],
            "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1 "
            "(reorganisation proposals); Local Government Finance Act 1992",
            "personal_data": "none",
            "delete_by": date(2027, 6, 30),
            "review_date": date(2027, 3, 31),
        },
    )
    agreements.agreement_send_for_review(user=lead, agreement=agreement)
    for council, dpo in (
        ("surrey", "surrey.dpo"),
        ("guildford", "guildford.dpo"),
        ("woking", "woking.dpo"),
    ):
        agreements.agreement_dpo_review(
            user=User.objects.get(username=dpo), agreement=agreement, approve=True
        )
        agreements.agreement_sign(
            user=User.objects.get(username=f"{council}.signatory"), agreement=agreement
        )
    for gss, submitter, accepter in (
        (GUILDFORD, "guildford.analyst", "guildford.datalead"),
        (WOKING, "woking.datalead", "woking.datalead"),
    ):
        content = _council_tax_csv(gss)
        submission = submissions.submission_create(
            user=User.objects.get(username=submitter),
            dataset=submissions.dataset_for(
                agreement=agreement, standard="council-tax-base", council=gss
            ),
            source=io.BytesIO(content),
            file_name=f"council-tax-base-2023-24-{gss}.csv",
            size=len(content),
            period="2023-24",
        )
        submissions.submission_accept(
            user=User.objects.get(username=accepter), submission=submission
        )


DPIA_TITLE = "Families in temporary accommodation known to children's social care, west Surrey"


def _demo_dpia_agreement() -> None:
    """Guildford's homelessness cases matched with Surrey County Council's children's social
    care records: special category data about children, so a DPIA is required and completed
    before the agreement could be sent for review."""
    from datetime import date

    surrey = Area.objects.get(county_id=SURREY)
    if Agreement.objects.filter(area=surrey, title=DPIA_TITLE).exists():
        return
    lead = User.objects.get(username="guildford.datalead")
    agreement = agreements.agreement_create(
        user=lead,
        area=surrey,
        title=DPIA_TITLE,
        parties={SURREY: True, GUILDFORD: True},
        terms={
            "purposes": "To plan the housing and children's services of the new council for "
            "the west of Surrey: how many families in temporary accommodation are also "
            "supported by children's social care, by ward, so that both services transfer "
            "together on vesting day.",
            "data_items": [
                {
                    "item": "Guildford: households owed a homelessness duty and placed in "
                    "temporary accommodation, with children's ages and the placement's ward"
                },
                {
                    "item": "Surrey County Council: whether each child is a child in need, on a "
                    "child protection plan or looked after, and any recorded disability"
                },
            ],
            "legal_power": "Children Act 2004 s.10 (co-operation to improve well-being); "
            "Housing Act 1996 Part 7 and s.213B (duty to refer); Local Government and Public "
            "Involvement in Health Act 2007 Part 1 (reorganisation proposals)",
            "personal_data": "special-category",
            "children_or_vulnerable": True,
            "data_matching": True,
            "lawful_basis": "e",
            "article_9_condition": "g",
            "schedule_1_conditions": ["para-6", "para-18"],
            "starts_on": date(2026, 12, 1),
            "delete_by": date(2027, 6, 30),
            "review_date": date(2027, 3, 31),
            "deletion_method": "Cryptographic deletion in LGR Share; the matched file is "
            "destroyed once the ward counts are produced.",
            "onward_sharing": "None. Only counts by ward, with small numbers suppressed, "
            "leave the programme team.",
        },
    )
    agreements.dpia_record(
        user=User.objects.get(username="surrey.dpo"),
        agreement=agreement,
        status="complete",
        outcome="Matching is done once, by one analyst in the programme team; names are "
        "replaced by a keyed hash before matching; only counts by ward, with numbers under 10 "
        "suppressed, are kept. Risks of re-identification and of misuse are reduced to an "
        "acceptable level.",
        residual_risk="medium",
        appropriate_policy_document="Surrey County Council's and Guildford Borough Council's "
        "appropriate policy documents for special category data (Schedule 1 Part 4) cover "
        "paragraphs 6 and 18; each DPO confirmed they apply to this processing.",
    )
    # Its items in words were drafted as standards: the data lead confirms their fields.
    drafts.proposals_confirm(user=lead, data_items=agreement.current().data_items)
    agreements.agreement_send_for_review(user=lead, agreement=agreement)
    _expert_reviews(agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=User.objects.get(username=f"{council}.dpo"), agreement=agreement, approve=True
        )
        agreements.agreement_sign(
            user=User.objects.get(username=f"{council}.signatory"), agreement=agreement
        )


WAITING_TITLE = "District contracts registers for the contract transfer plan"


def _demo_waiting() -> None:
    """An agreement left in review, so the DPOs and a signatory have something on "Your tasks":
    Guildford's DPO has approved (Guildford's signatory is asked to sign); Surrey County
    Council's and Woking's DPOs have still to review."""
    from datetime import date

    surrey = Area.objects.get(county_id=SURREY)
    title = WAITING_TITLE
    if Agreement.objects.filter(area=surrey, title=title).exists():
        return
    drafter = User.objects.get(username="surrey.analyst")
    agreement = agreements.agreement_create(
        user=drafter,
        area=surrey,
        title=title,
        parties={SURREY: False, GUILDFORD: True, WOKING: True},
        terms={
            "purposes": "To plan which district contracts transfer to the new councils on "
            "vesting day, and which end or are re-let before it.",
            "data_items": [
                {
                    "standard": "contracts-register",
                    "fields": [
                        "contract_reference",
                        "title",
                        "supplier_name",
                        "end_date",
                        "break_clause_date",
                        "estimated_annual_value_gbp",
                    ],
                }
            ],
            "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1 "
            "(reorganisation proposals); Local Government Act 1972 s.111",
            "personal_data": "none",
            "classification": "OFFICIAL-SENSITIVE",
            "delete_by": date(2027, 6, 30),
            "review_date": date(2027, 3, 31),
        },
    )
    agreements.agreement_send_for_review(user=drafter, agreement=agreement)
    # Guildford's IT security has agreed the security level, so once its DPO approves, its
    # signatory is asked to sign; Surrey's IT security review is still awaited (its task).
    agreements.expert_review_record(
        user=User.objects.get(username="guildford.security"),
        agreement=agreement,
        kind="it-security",
        outcome="reviewed",
        comments=_EXPERT_COMMENTS["it-security"].format(council="Guildford Borough Council"),
    )
    agreements.agreement_dpo_review(
        user=User.objects.get(username="guildford.dpo"), agreement=agreement, approve=True
    )


RETENTION_TITLE = "Council tax base 2023-24 for the early options appraisal"


def _demo_retention() -> None:
    """Guildford shared its 2023-24 council tax base with Surrey County Council and Woking for
    the early options appraisal, kept until the appraisal ended. Both downloaded it. Surrey's
    DPO recorded the end, the retention run deleted the data with a certificate, Surrey
    confirmed deleting its copy and Woking's confirmation is awaited."""
    surrey = Area.objects.get(county_id=SURREY)
    if Agreement.objects.filter(area=surrey, title=RETENTION_TITLE).exists():
        return
    people = {user.username: user for user in User.objects.filter(username__contains=".")}
    agreement = agreements.agreement_create(
        user=people["guildford.datalead"],
        area=surrey,
        title=RETENTION_TITLE,
        parties={GUILDFORD: True, SURREY: False, WOKING: False},
        terms={
            "purposes": "To compare council tax bases in the early appraisal of the options for "
            "unitary councils in Surrey, before the proposals were drafted.",
            "data_items": [{"standard": "council-tax-base", "fields": list(COUNCIL_TAX_FIELDS)}],
            "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1 "
            "(reorganisation proposals)",
            "personal_data": "none",
            "retention_event": "The end of the early options appraisal",
            "retention_months_after_event": 0,
            "deletion_method": "Destroy the data key in LGR Share; each recipient deletes its "
            "downloads and confirms it in LGR Share",
        },
    )
    agreements.agreement_send_for_review(user=people["guildford.datalead"], agreement=agreement)
    for council in ("surrey", "guildford", "woking"):
        agreements.agreement_dpo_review(
            user=people[f"{council}.dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=people[f"{council}.signatory"], agreement=agreement)
    agreement.refresh_from_db()
    content = _council_tax_csv(GUILDFORD)
    submission = submissions.submission_create(
        user=people["guildford.analyst"],
        dataset=submissions.dataset_for(
            agreement=agreement, standard="council-tax-base", council=GUILDFORD
        ),
        source=io.BytesIO(content),
        file_name=f"council-tax-base-2023-24-{GUILDFORD}.csv",
        size=len(content),
        period="2023-24",
    )
    submissions.submission_accept(user=people["guildford.datalead"], submission=submission)
    # Read again: accepting made the dataset a submission's (its kind) in the database.
    accepted = Submission.objects.select_related("dataset").get(pk=submission.pk)
    for reader, fmt in (("surrey.analyst", "zip"), ("woking.datalead", "xlsx")):
        agreements.terms_accept(user=people[reader], agreement=agreement)
        downloads.submission_download(user=people[reader], submission=accepted, fmt=fmt)
    now = timezone.now()
    retention.retention_event_record(
        user=people["surrey.dpo"], agreement=agreement, occurred_on=timezone.localdate(), now=now
    )
    retention.retention_run(now=now, run_by="demo", agreement=agreement)
    surrey_copy = agreement.attestations.get(council_id=SURREY)
    retention.attestation_confirm(
        user=people["surrey.dpo"],
        attestation=surrey_copy,
        statement="The one download (a zip file) was deleted from the analyst's laptop and "
        "the team's shared drive, and both recycle bins were emptied.",
        declared=True,
        now=now,
    )


# Surrey's options for unitary councils, by district (issue 13's demo).
SURREY_OPTIONS = {
    "One unitary": {
        "Surrey": [
            "E07000207", "E07000208", "E07000209", "E07000210", "E07000211", "E07000212",
            "E07000213", "E07000214", "E07000215", "E07000216", "E07000217",
        ]
    },
    "Two unitaries (East and West)": {
        "East Surrey": ["E07000207", "E07000208", "E07000210", "E07000211", "E07000215"],
        "West Surrey": [
            "E07000209", "E07000212", "E07000213", "E07000214", "E07000216", "E07000217",
        ],
    },
    "Three unitaries (East, North and West)": {
        "East Surrey": ["E07000208", "E07000210", "E07000211", "E07000215"],
        "North Surrey": ["E07000207", "E07000212", "E07000213"],
        "West Surrey": ["E07000209", "E07000214", "E07000216", "E07000217"],
    },
}  # fmt: skip


def _demo_options() -> None:
    """Surrey's three options, saved by the county's analyst for the area to compare."""
    area = Area.objects.get(county_id=SURREY)
    analyst = User.objects.get(username="surrey.analyst")
    for name, councils in SURREY_OPTIONS.items():
        if OptionSet.objects.in_area(area).filter(name=name).exists():
            continue
        option_save(
            user=analyst,
            area=area,
            option=option_from_json({"name": name, "councils": councils}),
            note="Proposal as discussed by the county and districts",
        )


def demo_load() -> list[SignIn]:
    """Load reference data and the Surrey demo; return the demo sign-ins. Idempotent."""
    reference_load()
    with transaction.atomic():
        passwords = _demo_people(_read_passwords())
        _demo_invitation()
        _demo_catalogue()
        _demo_area_standard()
        _demo_request()
        _demo_attachment()
        _demo_agreement()
        _demo_submissions()
        _demo_dpia_agreement()
        _demo_waiting()
        _demo_retention()
        _demo_options()
    _write_passwords(passwords)
    people = {p.username: p for p in DEMO_PEOPLE}
    users = User.objects.select_related("council", "contractor").prefetch_related("role_grants")
    return [
        SignIn(
            username=user.username,
            password=passwords[user.username],
            description=f"{user.organisation_name}: "
            + ", ".join(Role(r).label for r in sorted(user.role_codes)),
        )
        for user in users.filter(username__in=people).order_by("pk")
    ]
