"""A submission is about its council and period: rows naming another council or period fail."""

import io
from datetime import date, timedelta

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.councils.models import Area
from lgrshare.submissions import services
from tests.conftest import GUILDFORD, SURREY, _make

STANDARD = "council-tax-base"
FIELDS = [
    "gss_code", "council_name", "financial_year", "authority_role",
    "council_tax_requirement_gbp", "tax_base_band_d_equivalents", "band_d_council_gbp",
]  # fmt: skip
HEADER = ",".join(FIELDS)
# DLUHC Council Tax levels set by local authorities 2023-24, Table 9: Guildford's row.
GUILDFORD_ROW = "E07000209,Guildford,2023-24,billing,11392760,59212.1,192.41"


@pytest.fixture
def cast(db):
    people = {"guildford_lead": _make("gary", ["data-lead"], GUILDFORD)}
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        people[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        people[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
    return people


@pytest.fixture
def council_tax(cast):
    agreement = agreements.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Council tax base",
        parties={SURREY: False, GUILDFORD: True},
        terms={
            "purposes": "Modelling council tax harmonisation",
            "legal_power": "Local Government Finance Act 1992",
            "data_items": [{"standard": STANDARD, "fields": FIELDS}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=100),
        },
    )
    agreements.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=cast[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=cast[f"{council}_sign"], agreement=agreement)
    return services.dataset_for(agreement=agreement, standard=STANDARD, council=GUILDFORD)


def _submit(cast, dataset, text, period="2023-24"):
    content = text.encode()
    return services.submission_create(
        user=cast["guildford_lead"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="council-tax.csv",
        size=len(content),
        period=period,
    )


def test_guildfords_own_row_is_valid(cast, council_tax):
    submission = _submit(cast, council_tax, f"{HEADER}\n{GUILDFORD_ROW}\n")

    assert submission.valid, services.full_report(submission)["errors"]


def test_a_guildford_file_with_a_row_coded_as_woking_is_not_valid(cast, council_tax):
    woking = "E07000217,Woking,2023-24,billing,10612958,42611,263.12"
    submission = _submit(cast, council_tax, f"{HEADER}\n{GUILDFORD_ROW}\n{woking}\n")

    assert not submission.valid
    found = [(e["code"], e["row"], e["field"]) for e in services.full_report(submission)["errors"]]
    assert found == [
        ("wrong-organisation", 3, "gss_code"),
        ("wrong-organisation", 3, "council_name"),
    ]


def test_a_row_for_another_year_than_declared_is_not_valid(cast, council_tax):
    submission = _submit(cast, council_tax, f"{HEADER}\n{GUILDFORD_ROW}\n", period="2024/25")

    assert [(e["code"], e["cell"]) for e in services.full_report(submission)["errors"]] == [
        ("wrong-period", "2023-24")
    ]


def test_the_report_page_groups_errors_pages_them_and_offers_a_spreadsheet(
    cast,
    council_tax,
    signed_in,
):
    # 60 rows whose Band D is typed as officers type it: 60 errors, more than one page.
    rows = [
        f'E07000209,Guildford,2023-24,billing,11392760,59212.1,"£192.{i:02d}"' for i in range(60)
    ]
    woking = "E07000217,Woking,2023-24,billing,10612958,42611,263.12"
    submission = _submit(cast, council_tax, "\n".join([HEADER, *rows, woking]) + "\n")
    client = signed_in(cast["guildford_lead"])

    page = client.get(f"/submissions/{submission.pk}/").content.decode()

    assert 'data-error-code="type-error"' in page
    assert "Page 1 of 2" in page
    assert "£192.00" in page
    second = client.get(f"/submissions/{submission.pk}/?kind=wrong-organisation").content.decode()
    assert "Row 62" in second
    assert "£192.00" not in second
    assert "^E" not in page  # no regular expression shown to officers
    table = client.get(f"/submissions/{submission.pk}/errors.csv")
    assert table.status_code == 200
    lines = table.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Read as,")
    assert lines[1] == "Row,Column,Value,Problem,Kind of error,What to do"
    # How it was read; the header; 60 Band D cells; Woking's two cells; the key repeated by 59
    # rows, once.
    assert len(lines) == 1 + 1 + 60 + 2 + 1
