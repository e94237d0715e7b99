"""The experts the guidance names, each in their place (issue 17): a party's legal adviser and
IT security officer review an agreement for their own council; a signatory cannot sign until the
reviews their council needs are in; the page, the PDF and the API show who advised."""

from __future__ import annotations

import pytest

from lgrshare.agreements import services
from lgrshare.agreements.build import build_document
from lgrshare.agreements.models import ExpertReview, State
from lgrshare.agreements.pdf import render_pdf
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.notifications.models import Notification
from tests.agreements.test_agreements import TERMS
from tests.conftest import GUILDFORD, SURREY, _make

PERSONAL = {**TERMS, "personal_data": "personal", "lawful_basis": "e"}


@pytest.fixture
def cast(db, alice):
    return {
        "surrey_dpo": _make("sdpo", ["dpo"], SURREY),
        "surrey_sign": _make("ssign", ["senior-signatory"], SURREY),
        "guildford_lead": _make("gary", ["data-lead"], GUILDFORD),
        "guildford_dpo": _make("gdpo", ["dpo"], GUILDFORD),
        "guildford_sign": _make("gsign", ["senior-signatory"], GUILDFORD),
    }


@pytest.fixture
def draft(cast):
    """A factory: a draft of the contracts register agreement with these terms changed."""

    def make(**changes):
        return services.agreement_create(
            user=cast["guildford_lead"],
            area=Area.objects.get(county_id=SURREY),
            title="Contracts register for west Surrey",
            parties={SURREY: True, GUILDFORD: False},
            terms={**TERMS, **changes},
        )

    return make


@pytest.fixture
def experts(db):
    return {
        "surrey_legal": _make("slegal", ["legal-adviser"], SURREY),
        "guildford_legal": _make("glegal", ["legal-adviser"], GUILDFORD),
        "surrey_security": _make("ssec", ["it-security"], SURREY),
        "guildford_security": _make("gsec", ["it-security"], GUILDFORD),
    }


def _in_review(cast, draft, personal=False, **terms):
    agreement = draft(**({**PERSONAL, **terms} if personal else terms))
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    for who in ("surrey", "guildford"):
        services.agreement_dpo_review(user=cast[f"{who}_dpo"], agreement=agreement, approve=True)
    return agreement


def _sign(cast, who, agreement):
    return services.agreement_sign(user=cast[f"{who}_sign"], agreement=agreement)


def test_official_sensitive_needs_it_security_before_signature(cast, draft, experts):
    agreement = _in_review(cast, draft, classification="OFFICIAL-SENSITIVE")
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "surrey", agreement)
    assert caught.value.code == "it-security-review-needed"
    assert "Surrey's IT security officer" in caught.value.message
    services.expert_review_record(
        user=experts["surrey_security"],
        agreement=agreement,
        kind="it-security",
        outcome="reviewed",
        comments="Managed devices only.",
    )
    _sign(cast, "surrey", agreement)
    # Guildford's own review is still missing: one council's expert never answers for another.
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "guildford", agreement)
    assert caught.value.code == "it-security-review-needed"


def test_personal_data_needs_a_legal_review_and_changes_needed_still_blocks(cast, draft, experts):
    agreement = _in_review(cast, draft, personal=True)
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "guildford", agreement)
    assert caught.value.code == "legal-review-needed"
    services.expert_review_record(
        user=experts["guildford_legal"],
        agreement=agreement,
        kind="legal",
        outcome="changes-needed",
        comments="Name the Article 6 basis for the supplier names.",
    )
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "guildford", agreement)
    assert caught.value.code == "legal-review-needed"
    services.expert_review_record(
        user=experts["guildford_legal"], agreement=agreement, kind="legal", outcome="reviewed"
    )
    # Personal data also makes it OFFICIAL-SENSITIVE: IT security's review is needed too.
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "guildford", agreement)
    assert caught.value.code == "it-security-review-needed"
    services.expert_review_record(
        user=experts["guildford_security"],
        agreement=agreement,
        kind="it-security",
        outcome="reviewed",
    )
    _sign(cast, "guildford", agreement)


def test_a_dpo_can_ask_for_a_legal_review_that_the_rules_do_not_need(cast, draft, experts):
    agreement = _in_review(cast, draft)
    services.legal_review_ask(user=cast["surrey_dpo"], agreement=agreement)
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "surrey", agreement)
    assert caught.value.code == "legal-review-needed"
    told = Notification.objects.filter(user=experts["surrey_legal"], kind="expert-review-needed")
    assert told.count() == 1
    assert not Notification.objects.filter(user=experts["guildford_legal"]).exists()
    assert AuditEntry.objects.filter(action="legal-review-asked", actor="sdpo").exists()


def test_only_the_party_s_own_expert_of_the_right_kind_may_review(cast, draft, experts):
    agreement = _in_review(cast, draft)
    with pytest.raises(PermissionDenied) as caught:
        services.expert_review_record(
            user=experts["surrey_security"], agreement=agreement, kind="legal", outcome="reviewed"
        )
    assert caught.value.code == "role-not-permitted"
    kent = _make("klegal", ["legal-adviser"], "E10000016")
    with pytest.raises(PermissionDenied) as hidden:
        services.expert_review_record(
            user=kent, agreement=agreement, kind="legal", outcome="reviewed"
        )
    assert hidden.value.code in {"other-area", "not-a-party"}
    with pytest.raises(InvalidInput) as caught:
        services.expert_review_record(
            user=experts["surrey_legal"],
            agreement=agreement,
            kind="legal",
            outcome="changes-needed",
        )
    assert caught.value.code == "comments-required"
    assert not ExpertReview.objects.exists()


def test_experts_are_told_when_their_review_is_needed_and_see_it_in_their_tasks(
    cast, draft, experts, signed_in
):
    agreement = _in_review(cast, draft, classification="OFFICIAL-SENSITIVE")
    for who in ("surrey_security", "guildford_security"):
        notes = Notification.objects.filter(user=experts[who], kind="expert-review-needed")
        assert notes.count() == 1, who
    assert not Notification.objects.filter(user=experts["surrey_legal"]).exists()
    tasks = signed_in(experts["surrey_security"]).get("/tasks/").content.decode()
    assert agreement.reference in tasks
    assert "IT security review" in tasks or "security level" in tasks


def test_the_page_the_pdf_and_the_api_show_who_advised(cast, draft, experts, signed_in, client):
    agreement = _in_review(cast, draft, classification="OFFICIAL-SENSITIVE")
    services.expert_review_record(
        user=experts["surrey_security"],
        agreement=agreement,
        kind="it-security",
        outcome="reviewed",
        comments="Managed devices only.",
    )
    page = signed_in(cast["surrey_dpo"]).get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Who has advised" in page
    assert "Managed devices only." in page
    assert 'data-code="it-security-review-needed"' in page  # Guildford's is still awaited
    version = agreement.current()
    pdf = render_pdf(
        build_document(version, services.screening(agreement, version)), compress=False
    )
    assert b"Who has advised" in pdf
    assert b"Managed devices only." in pdf
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=cast["surrey_dpo"], name="t")
    body = client.get(
        f"/api/v1/agreements/{agreement.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    ).json()
    surrey = next(p for p in body["advice"] if p["council_gss"] == SURREY)
    steps = {s["step"]: s for s in surrey["steps"]}
    assert steps["it-security"]["outcome"] == "reviewed"
    assert steps["it-security"]["comments"] == "Managed devices only."
    assert steps["legal"]["outcome"] == "not-needed"
    guildford = next(p for p in body["advice"] if p["council_gss"] == GUILDFORD)
    assert [m["code"] for m in guildford["still_needed"]] == ["it-security-review-needed"]


def test_an_expert_records_a_review_in_the_page(cast, draft, experts, signed_in):
    agreement = _in_review(cast, draft, classification="OFFICIAL-SENSITIVE")
    client = signed_in(experts["guildford_security"])
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Your IT security review for Guildford" in page
    assert "Your legal review" not in page
    response = client.post(
        f"/agreements/{agreement.pk}/it-security-review",
        {"outcome": "reviewed", "comments": "Fine for us."},
    )
    assert response.status_code == 302
    review = ExpertReview.objects.get()
    assert (review.party.council_id, review.by_name, review.outcome) == (
        GUILDFORD,
        "Gsec Test",
        "reviewed",
    )
    agreement.refresh_from_db()
    assert agreement.state == State.IN_REVIEW


def test_changes_asked_by_an_expert_stop_the_signature_even_where_no_review_was_needed(
    cast, draft, experts, signed_in
):
    """The walk found a signatory signing past a legal adviser's "changes needed" on an
    agreement that did not need a legal review: a request for changes always holds."""
    agreement = _in_review(cast, draft)
    services.expert_review_record(
        user=experts["guildford_legal"],
        agreement=agreement,
        kind="legal",
        outcome="changes-needed",
        comments="Clause 9 must name the retention schedule.",
    )
    page = signed_in(cast["guildford_sign"]).get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'data-testid="sign-waits"' in page
    assert "Sign the agreement</button>" not in page
    assert Notification.objects.filter(user=cast["guildford_sign"], kind="expert-reviewed").exists()
    with pytest.raises(InvalidInput) as caught:
        _sign(cast, "guildford", agreement)
    assert caught.value.code == "legal-review-needed"
    tasks = signed_in(cast["guildford_sign"]).get("/tasks/").content.decode()
    assert "Sign it for Guildford" not in tasks


def test_a_review_form_with_errors_comes_back_filled_in_on_the_agreement(
    cast, draft, experts, signed_in
):
    agreement = _in_review(cast, draft)
    response = signed_in(experts["guildford_legal"]).post(
        f"/agreements/{agreement.pk}/legal-review", {"outcome": "changes-needed", "comments": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say what needs to change" in html
    assert "Who has advised" in html
    assert not ExpertReview.objects.exists()
