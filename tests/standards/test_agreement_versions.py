"""Issue 15, point 1: an agreement names the VERSION of each standard it uses, keeps it once
signed whatever later versions say, and every data item names a standard: an item described in
words becomes a draft area standard to finish, never a dead end."""

import importlib
import io
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps

from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import AgreementVersion
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.agreement_terms import TermsInvalid
from lgrshare.domain.screening import AgreementNotReady
from lgrshare.domain.standards.model import parse_standard
from lgrshare.requests import services as requests
from lgrshare.standards import drafts
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import standard_get
from lgrshare.submissions import services as submissions
from tests.conftest import GUILDFORD, SURREY
from tests.standards.test_area_standards import NAME, _api, _draft, _example
from tests.standards.test_field_editor import _post

ITEM = "Guildford: households owed a homelessness duty and placed in temporary accommodation"


def _terms(**changes):
    return {
        "purposes": "Modelling council tax harmonisation",
        "legal_power": "Local Government Finance Act 1992",
        "data_items": [{"standard": NAME, "fields": []}],
        "personal_data": "none",
        "delete_by": date.today() + timedelta(days=100),
    } | changes


def _create(people, **terms):
    return agreements.agreement_create(
        user=people["surrey_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Band D by district for harmonisation",
        parties={SURREY: False, GUILDFORD: True},
        terms=_terms(**terms),
    )


def _sign(people, agreement):
    agreements.agreement_send_for_review(user=people["surrey_lead"], agreement=agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=people[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=people[f"{council}_sign"], agreement=agreement)


def _confirmed(people):
    """The proposal from the example file, each field confirmed as proposed: version 0.2.0."""
    _draft(people)
    return drafts.area_standard_confirm(user=people["surrey_lead"], name=NAME, based_on="0.1.0")


def _rename_band_d(people, based_on):
    """A new version whose band_d field is called band_d_pounds."""
    base = standard_get(name=NAME, version=based_on)
    fields = [f for f in base.to_json()["schema"]["fields"]]
    for field in fields:
        if field["name"] == "band_d":
            field["name"] = "band_d_pounds"
    return drafts.area_standard_fields(
        user=people["surrey_lead"], name=NAME, fields=fields, based_on=based_on
    )


def test_the_agreement_names_the_version_and_keeps_using_it_after_the_standard_changes(people):
    _confirmed(people)
    agreement = _create(people)
    assert agreement.current().data_items == [{"standard": NAME, "version": "0.2.0", "fields": []}]

    _sign(people, agreement)
    revised = _rename_band_d(people, "0.2.0")

    assert (revised.version, revised.state) == ("0.3.0", "draft")
    assert AreaStandard.objects.get(name=NAME, version="0.2.0").agreed_under == (
        agreement.reference
    )
    dataset = submissions.dataset_for(agreement=agreement, standard=NAME, council=GUILDFORD)
    used = submissions.agreed_standard(dataset)
    assert used.version == "0.2.0"
    assert used.get_field("band_d") is not None
    assert used.get_field("band_d_pounds") is None
    # The template the agreement hands out is the version it names.
    names = ",".join(field.name for field in used.fields)
    content = names.encode() + b"\n" + _example((GUILDFORD,)).split(b"\n", 1)[1]
    submission = submissions.submission_create(
        user=people["guildford_lead"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="band-d.csv",
        size=len(content),
        period="2023-24",
    )
    assert submission.valid, submissions.full_report(submission)["errors"]
    assert (submission.standard_name, submission.standard_version) == (NAME, "0.2.0")


def test_a_named_version_is_kept_while_unsigned_and_a_newer_one_is_pointed_out(people, signed_in):
    _confirmed(people)
    agreement = _create(people)
    _rename_band_d(people, "0.2.0")

    page = signed_in(people["surrey_lead"]).get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Version 0.3.0 has been saved since: change the terms to use it" in page
    # Choosing the newer version is a change of terms like any other.
    agreements.agreement_update(
        user=people["surrey_lead"],
        agreement=agreement,
        parties={SURREY: False, GUILDFORD: True},
        terms=_terms(data_items=[{"standard": NAME, "version": "0.3.0", "fields": []}]),
    )
    assert agreement.current().data_items[0]["version"] == "0.3.0"
    assert agreement.current().flows[0]["fields"][3] == "band_d_pounds"


def test_an_unknown_version_is_refused_with_the_other_problems(people):
    _draft(people)

    with pytest.raises(TermsInvalid) as refused:
        _create(people, data_items=[{"standard": NAME, "version": "9.9.9", "fields": []}])
    problems = {(p.code, p.message) for p in refused.value.problems}
    assert ("unknown-standard", f"There is no standard {NAME} version 9.9.9") in problems
    assert not agreements.Agreement.objects.exists()


def test_a_data_item_in_words_becomes_a_draft_standard_to_finish(people, signed_in, client):
    area = Area.objects.get(county_id=SURREY)
    request = requests.request_create(
        user=people["surrey_lead"],
        area=area,
        question="How many households are in temporary accommodation in each district?",
        purpose="Sizing the homelessness service of each unitary option",
        holders=[GUILDFORD],
        data_items=[{"item": ITEM}],
        geography_level="council",
        period="2024-25 Q1",
    )
    title, parties, terms = agreements.terms_from_request(request)
    agreement = agreements.agreement_create(
        user=people["surrey_lead"],
        area=area,
        title=title,
        parties=parties,
        terms=terms.to_dict()
        | {"legal_power": "Housing Act 1996", "delete_by": _terms()["delete_by"]},
        request=request,
    )

    drafted = AreaStandard.objects.get()
    assert drafted.name == "surrey-guildford-households-owed-a-homelessness-duty-and"
    assert (drafted.version, drafted.source, drafted.proposed) == ("0.1.0", "item", True)
    standard = parse_standard(drafted.definition, default_name=drafted.name)
    assert standard.title == ITEM
    assert "Sizing the homelessness service" in standard.description
    assert [(f.name, f.role) for f in standard.fields] == [
        ("organisation", "organisation"),
        ("period", "period"),
        ("guildford_households_owed_a_homelessness_duty_and_placed", ""),
    ]
    assert standard.get_field("period").example == "2024-25 Q1"
    version = agreement.current()
    assert version.data_items == [{"standard": drafted.name, "version": "0.1.0", "fields": []}]
    # It flows from Guildford to Surrey like any standard, so data can be submitted under it.
    assert [(f["provider"], f["recipient"]) for f in version.flows] == [(GUILDFORD, SURREY)]

    page = signed_in(people["surrey_lead"]).get(f"/agreements/{agreement.pk}/").content.decode()
    assert f'href="/standards/{drafted.name}/fields"' in page
    assert "a draft to finish: confirm each field" in page
    shown = _api(client, people["surrey_lead"])("get", f"/api/v1/agreements/{agreement.pk}")
    assert shown.json()["standards_to_finish"] == [
        {
            "name": drafted.name,
            "version": "0.1.0",
            "title": ITEM,
            "proposed": True,
            "newer": "",
            "fields_page": f"/standards/{drafted.name}/fields",
            "standard_url": f"/api/v1/standards/{drafted.name}",
        }
    ]


def test_a_dpo_drafting_an_agreement_drafts_its_items_too(people):
    from tests.conftest import _make

    dpo_drafter = _make("ida", ["ig-officer"], SURREY)
    agreement = agreements.agreement_create(
        user=dpo_drafter,
        area=Area.objects.get(county_id=SURREY),
        title="Temporary accommodation",
        parties={SURREY: False, GUILDFORD: True},
        terms=_terms(data_items=[{"item": ITEM}], legal_power="Housing Act 1996"),
    )
    assert agreement.current().data_items[0]["standard"].startswith("surrey-guildford-")


def test_the_agreement_form_offers_area_standards_and_their_versions(people, signed_in):
    _draft(people)
    _rename_band_d(people, "0.1.0")
    client = signed_in(people["surrey_lead"])
    form = client.get(f"/areas/{SURREY}/agreements/new").content.decode()
    assert f'<option value="{NAME}">Band D by district (Surrey&#x27;s own standard)' in form
    assert f'value="{NAME}@0.1.0"' in form
    assert f'value="{NAME}@0.2.0"' in form

    post = {
        "title": "Band D",
        "parties": [SURREY, GUILDFORD],
        "providers": [GUILDFORD],
        "purposes": "Modelling council tax harmonisation",
        "standard": NAME,
        "standard_version": f"{NAME}@0.1.0",
        "legal_power": "Local Government Finance Act 1992",
        "personal_data": "none",
        "classification": "OFFICIAL",
        "reader_roles": ["analyst"],
        "delete_by_day": "1",
        "delete_by_month": "1",
        "delete_by_year": str(date.today().year + 1),
    }
    wrong = client.post(
        f"/areas/{SURREY}/agreements/new", post | {"standard_version": "council-tax-base@1.0.0"}
    )
    assert not AgreementVersion.objects.exists()
    assert "Choose a version of the standard chosen above" in wrong.content.decode()
    saved = client.post(f"/areas/{SURREY}/agreements/new", post)
    summary = saved.content.decode().partition("govuk-error-summary__list")[2][:1500]
    assert saved.status_code == 302, summary
    version = AgreementVersion.objects.get()
    # The form ticks every field of the version chosen (0.1.0 has band_d, not band_d_pounds).
    fields = ["gss_code", "council", "financial_year", "band_d", "tax_base"]
    assert version.data_items == [{"standard": NAME, "version": "0.1.0", "fields": fields}]


def test_the_migration_pins_existing_agreements_and_their_signed_pages_do_not_change(
    people, signed_in
):
    _confirmed(people)
    signed = _create(people)
    _sign(people, signed)
    builtin = _create(people, data_items=[{"standard": "council-tax-base", "fields": []}])
    _rename_band_d(people, "0.2.0")  # the current draft is 0.3.0; the agreed one 0.2.0
    # As written before agreements named versions:
    for version in AgreementVersion.objects.all():
        items = [{k: v for k, v in i.items() if k != "version"} for i in version.data_items]
        AgreementVersion.objects.filter(pk=version.pk).update(data_items=items)
    client = signed_in(people["surrey_lead"])
    before = client.get(f"/agreements/{signed.pk}/document.pdf").content

    migration = importlib.import_module("lgrshare.agreements.migrations.0009_pin_standard_versions")
    migration._pin(django_apps, None)

    assert signed.current().data_items[0]["version"] == "0.2.0"  # agreed under it
    ctb = standard_get(name="council-tax-base").version
    assert builtin.current().data_items[0]["version"] == ctb
    assert client.get(f"/agreements/{signed.pk}/document.pdf").content == before


def test_a_drafted_item_stops_the_agreement_until_its_fields_are_confirmed(people, signed_in):
    agreement = _create(people, data_items=[{"item": ITEM}])
    drafted = AreaStandard.objects.get()

    with pytest.raises(AgreementNotReady) as refused:
        agreements.agreement_send_for_review(user=people["surrey_lead"], agreement=agreement)
    assert [problem.code for problem in refused.value.problems] == ["standard-not-confirmed"]
    # The data lead checks each field in the editor: the draft agreement follows.
    client = signed_in(people["surrey_lead"])
    page = client.get(f"/standards/{drafted.name}/fields").content.decode()
    assert "We drafted these fields from the data item" in page
    rows = [
        {"original": f.name, "name": f.name, "type": f.type, "required": "yes"}
        for f in standard_get(name=drafted.name).fields
    ]
    rows[2] |= {"name": "households", "type": "integer", "title": "Households"}
    assert client.post(f"/standards/{drafted.name}/fields", _post(rows)).status_code == 302

    version = agreement.current()
    assert version.data_items == [{"standard": drafted.name, "version": "0.2.0", "fields": []}]
    assert version.flows[0]["fields"] == ["organisation", "period", "households"]
    agreements.agreement_send_for_review(user=people["surrey_lead"], agreement=agreement)
    assert AuditEntry.objects.filter(
        action="agreement-edited", reason="standard-confirmed", target_id=agreement.reference
    ).exists()
