"""The pages and the API show every problem that stops an agreement going live."""

import re
from datetime import date, timedelta

import pytest

from lgrshare.accounts.services import token_create
from lgrshare.agreements import services
from lgrshare.agreements.models import Agreement, AgreementVersion, Party, State
from lgrshare.councils.models import Area
from lgrshare.standards import drafts
from tests.agreements.test_readiness import CHILDREN
from tests.conftest import GUILDFORD, SURREY, _make

WORKFORCE = {
    "title": "Workforce summary for west Surrey",
    "parties": [SURREY, GUILDFORD],
    "providers": [SURREY],
    "purposes": "To size the workforce that transfers to each new council.",
    "standard": "workforce-summary",
    "standard_fields": "",
    "items": "",
    "legal_power": "Local Government and Public Involvement in Health Act 2007 Part 1",
    "personal_data": "none",
    "lawful_basis": "",
    "article_9_condition": "",
    "reader_roles": ["analyst"],
    "classification": "OFFICIAL",
    "delete_by_day": (date.today() + timedelta(days=200)).day,
    "delete_by_month": (date.today() + timedelta(days=200)).month,
    "delete_by_year": (date.today() + timedelta(days=200)).year,
}


@pytest.fixture
def cast(db):
    return {
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "surrey_dpo": _make("sdpo", ["dpo"], SURREY),
        "surrey_sign": _make("ssign", ["senior-signatory"], SURREY),
    }


@pytest.fixture
def blocked(cast):
    agreement = services.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Children's services and housing, west Surrey",
        parties={SURREY: True, GUILDFORD: True},
        terms=dict(CHILDREN),
    )
    drafts.proposals_confirm(user=cast["guildford_lead"], data_items=agreement.current().data_items)
    # As it stood before these rules: sent for review with the DPIA not started.
    Agreement.objects.filter(pk=agreement.pk).update(state=State.IN_REVIEW)
    return agreement


def _listed(html, testid):
    block = html[html.index(f'data-testid="{testid}"') :]
    block = block[: block.index("</ul>")]
    return re.findall(r'data-code="([a-z0-9-]+)"', block)


EXPECTED = [
    "dpia-not-completed",
    "schedule-1-condition-missing",
    "appropriate-policy-document-missing",
]


def test_a_dpo_approving_a_blocked_agreement_sees_every_problem_in_an_error_summary(
    client, cast, blocked
):
    client.force_login(cast["surrey_dpo"])
    response = client.post(f"/agreements/{blocked.pk}/review", {"decision": "approve"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert _listed(html, "not-ready") == EXPECTED
    assert "no DPO has recorded a completed DPIA" in html
    party = blocked.current().parties.get(council_id=SURREY)
    assert party.dpo_decision == Party.Decision.PENDING


def test_the_agreement_page_shows_what_must_happen_before_it_can_go_live(client, cast, blocked):
    client.force_login(cast["surrey_sign"])
    html = client.get(f"/agreements/{blocked.pk}/").content.decode()
    assert "Before this can go live" in html
    assert _listed(html, "before-live") == EXPECTED


def test_the_api_refuses_with_every_problem(client, cast, blocked):
    _, secret = token_create(user=cast["surrey_dpo"], name="test")
    response = client.post(
        f"/api/v1/agreements/{blocked.pk}/approve",
        {"approve": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "agreement-not-ready"
    assert [p["code"] for p in body["problems"]] == EXPECTED
    assert all(p["message"] for p in body["problems"])


def _summary(html):
    """The error summary's links: (field anchor, message), in order."""
    summary = html[html.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return re.findall(r'<a href="#id_([a-z0-9_]+?)(?:_0)?">([^<]+)</a>', summary)


def test_a_draft_below_its_standards_level_is_not_saved_and_one_summary_says_why(client, cast):
    client.force_login(cast["guildford_lead"])
    response = client.post(f"/areas/{SURREY}/agreements/new", WORKFORCE | {"title": ""})
    assert response.status_code == 200
    assert not Agreement.objects.filter(title=WORKFORCE["title"]).exists()
    html = response.content.decode()
    found = _summary(html)
    # The title the form asks for, then both levels, in one round: nothing is "saved, but".
    assert [where for where, _ in found] == ["title", "personal_data", "classification"]
    assert "The agreement is classified OFFICIAL" in found[2][1]
    assert "&#x27;Workforce summary&#x27;" in found[2][1]
    assert "Saved, but" not in html
    fixed = WORKFORCE | {"personal_data": "aggregate", "classification": "OFFICIAL-SENSITIVE"}
    saved = client.post(f"/areas/{SURREY}/agreements/new", fixed)
    assert saved.status_code == 302
    created = Agreement.objects.get(title=WORKFORCE["title"])
    assert created.state == State.DRAFT
    # A draft that fell below its standards' levels since says so before the drafter starts.
    AgreementVersion.objects.filter(pk=created.current().pk).update(classification="OFFICIAL")
    form = client.get(f"/agreements/{created.pk}/edit").content.decode()
    assert re.findall(r'govuk-warning-text" data-code="([a-z-]+)"', form) == [
        "classification-below-standard"
    ]


def test_the_api_lists_what_stops_an_agreement_going_live_before_anyone_tries(
    client, cast, blocked
):
    _, secret = token_create(user=cast["surrey_sign"], name="test")
    response = client.get(f"/api/v1/agreements/{blocked.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [p["code"] for p in response.json()["problems"]] == EXPECTED


def test_a_dpo_records_the_residual_risk_ico_note_and_policy_documents_in_the_page(
    client, cast, blocked
):
    client.force_login(cast["surrey_dpo"])
    response = client.post(
        f"/agreements/{blocked.pk}/dpia",
        {
            "status": "complete",
            "outcome": "Pseudonymised before matching.",
            "residual_risk": "high",
            "ico_consultation": "",
            "appropriate_policy_document": "Published by each council.",
        },
        follow=True,
    )
    assert response.status_code == 200
    blocked.dpia.refresh_from_db()
    assert blocked.dpia.residual_risk == "high"
    html = response.content.decode()
    assert _listed(html, "before-live") == [
        "ico-prior-consultation-missing",
        "schedule-1-condition-missing",
    ]
    # The form starts from what is recorded, so adding the ICO note keeps the rest.
    assert "Pseudonymised before matching.</textarea>" in html


def test_the_draft_form_lists_every_problem_with_the_terms_at_once_in_field_order(client, cast):
    client.force_login(cast["guildford_lead"])
    posted = WORKFORCE | {
        "title": "Every problem at once",
        "standard_fields": "not_a_field",
        "personal_data": "personal",
        "delete_by_day": "",
        "delete_by_month": "",
        "delete_by_year": "",
    }
    response = client.post(f"/areas/{SURREY}/agreements/new", posted)
    found = _summary(response.content.decode())
    assert [where for where, _ in found] == [
        "standard_fields",
        "lawful_basis",
        "classification",
        "retention_event",
    ]
    assert "not_a_field is not a field" in found[0][1]
    assert not Agreement.objects.filter(title="Every problem at once").exists()


def test_the_api_refuses_terms_with_every_problem_listed(client, cast):
    from lgrshare.accounts.services import token_create
    from lgrshare.requests import services as requests

    request = requests.request_create_from_form(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        data={
            "question": "How many staff work in each service?",
            "not_enough": "x",
            "purpose": "Sizing",
            "legal_power": "",
            "standard": "workforce-summary",
            "holders": [SURREY],
            "fields_wanted": ["gss_code", "council_name"],
            "personal_data": True,
        },
    )
    requests.request_open(user=cast["guildford_lead"], request=request)
    _, secret = token_create(user=cast["guildford_lead"], name="t")
    response = client.post(
        "/api/v1/agreements",
        {"request_id": request.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert [(p["code"], p["field"]) for p in body["problems"]] == [
        ("legal-power-required", "legal_power"),
        ("lawful-basis-required", "lawful_basis"),
        ("retention-required", "retention_event"),
    ]
    assert body["code"] == "legal-power-required"


def test_a_dpo_sending_no_decision_gets_the_page_back_with_the_comments_kept(client, cast, blocked):
    client.force_login(cast["surrey_dpo"])
    typed = "Section 4 needs the Schedule 1 condition named."
    response = client.post(f"/agreements/{blocked.pk}/review", {"comments": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html
    summary = html[html.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    assert re.findall(r'<a href="#([a-z_0-9]+)">([^<]+)</a>', summary) == [
        ("id_decision_0", "Choose approve or return")
    ]
    radios = html[html.index("Your decision") :]
    assert 'class="govuk-error-message"' in radios[: radios.index('id="id_decision_0"')]
    assert f"{typed}</textarea>" in html  # as typed
    party = blocked.current().parties.get(council_id=SURREY)
    assert party.dpo_decision == Party.Decision.PENDING
