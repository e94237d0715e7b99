"""People: an administrator acts only for their own council; another council's accounts and
its DPO and signatory roles wait for that council's own DPO or administrator; every change
and every refusal is audited."""

import json

import pytest
from django.test import Client

from lgrshare.agreements import services as agreements
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import PermissionDenied
from lgrshare.notifications.models import Notification
from lgrshare.people import services
from tests.conftest import GUILDFORD, PASSWORD, SURREY, WOKING, _make


def _events(action, target=None):
    found = AuditEntry.objects.filter(action=action)
    if target is not None:
        found = found.filter(target_id=target)
    return [(e.actor, e.reason, json.loads(e.detail)) for e in found]


@pytest.fixture
def guildford(db):
    return {
        "admin": _make("gadmin", ["area-admin"], GUILDFORD),
        "dpo": _make("gdpo", ["dpo"], GUILDFORD),
    }


ISSUE_SCENARIO = {
    "first_name": "Posing",
    "last_name": "Officer",
    "email": "posing.officer@example.org",
    "username": "posing.officer",
    "organisation": f"council:{GUILDFORD}",
    "roles": ["dpo", "senior-signatory", "analyst"],
}


def test_the_issue_scenario_an_area_admin_cannot_make_an_account_that_acts_for_another_council(
    signed_in, admin, guildford
):
    # Surrey County Council's administrator "creates a Guildford account with DPO, senior
    # signatory and analyst roles". The account exists, but only as an invitation.
    response = signed_in(admin).post(f"/areas/{SURREY}/people/add", ISSUE_SCENARIO, follow=True)
    assert response.status_code == 200
    posing = User.objects.get(username="posing.officer")
    assert posing.is_pending
    assert not posing.is_active
    assert posing.role_codes == set()
    assert {g.role for g in posing.role_grants.all()} == {"dpo", "senior-signatory", "analyst"}
    # It cannot sign in, so it cannot download, approve or sign as Guildford.
    password = response.context["password"]
    assert (
        Client().post("/sign-in", {"username": "posing.officer", "password": password}).status_code
        == 200
    )
    # Surrey cannot confirm it, nor grant roles to Guildford's people.
    with pytest.raises(PermissionDenied) as caught:
        services.person_confirm(confirmer=admin, person=posing)
    assert caught.value.code == "not-your-council"
    # The invitation and each role asked for are audited, with Guildford's DPO named as told.
    added = _events("person-added", "posing.officer")
    assert added == [
        ("admin", "needs-confirmation", {"council": GUILDFORD, "invited": True, "told": "gdpo"})
    ]
    told = Notification.objects.filter(user__username="gdpo", kind="people-changed")
    assert told.filter(link=f"/people/{posing.pk}/").exists()  # Guildford's DPO is told
    assert not Notification.objects.filter(user=admin).exists()  # nobody at Surrey is
    waiting = signed_in(guildford["dpo"]).get("/tasks/").content.decode()
    assert "Confirm Posing Officer&#x27;s account" in waiting  # under Your tasks
    assert "Posing Officer" not in signed_in(admin).get("/tasks/").content.decode()
    granted = _events("role-granted", "posing.officer")
    assert sorted(d["role"] for _, _, d in granted) == ["analyst", "dpo", "senior-signatory"]
    assert all(d["pending"] for _, _, d in granted)
    refused = _events("access-refused", "posing.officer")
    assert refused[-1][:2] == ("admin", "not-your-council")
    assert refused[-1][2]["policy_action"] == "confirm-person"


def test_an_unconfirmed_account_cannot_approve_an_agreement_as_that_councils_dpo(admin, guildford):
    from tests.agreements.test_agreements import TERMS

    posing, _ = services.person_add(
        admin=admin,
        area=Area.objects.get(county_id=SURREY),
        username="posing.officer",
        roles=["dpo", "senior-signatory", "analyst"],
        council=User.objects.get(username="gdpo").council,
    )
    lead = _make("wlead", ["data-lead"], WOKING)
    draft = agreements.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Council tax base",
        parties={WOKING: True, GUILDFORD: False},
        terms=dict(TERMS),
    )
    agreements.agreement_send_for_review(user=lead, agreement=draft)
    with pytest.raises(PermissionDenied) as caught:
        agreements.agreement_dpo_review(user=posing, agreement=draft, approve=True)
    assert caught.value.code == "role-not-permitted"


def test_the_councils_own_dpo_confirms_an_invited_person_and_their_roles(admin, guildford):
    posing, _ = services.person_add(
        admin=admin,
        area=Area.objects.get(county_id=SURREY),
        username="new.analyst",
        roles=["analyst"],
        council=guildford["dpo"].council,
    )
    services.person_confirm(confirmer=guildford["dpo"], person=posing)
    posing.refresh_from_db()
    assert posing.is_active
    assert not posing.is_pending
    assert posing.role_codes == {"analyst"}
    assert _events("person-confirmed", "new.analyst")[0][:2] == ("gdpo", "allowed")
    assert _events("role-confirmed", "new.analyst")[0][2]["role"] == "analyst"


def test_an_administrator_grants_roles_only_at_their_own_council(admin, alice, guildford):
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(admin=admin, person=alice, role="data-lead")
    assert caught.value.code == "not-your-council"
    assert "data-lead" not in {g.role for g in alice.role_grants.all()}
    assert _events("access-refused", "alice")[0][:2] == ("admin", "not-your-council")
    grant = services.role_grant(admin=guildford["admin"], person=alice, role="data-lead")
    assert grant.confirmed_at is not None
    alice.refresh_from_db()
    assert alice.role_codes == {"analyst", "data-lead"}
    assert _events("role-granted", "alice") == [
        (
            "gadmin",
            "allowed",
            {"council": GUILDFORD, "role": "data-lead", "pending": False, "told": "gdpo"},
        )
    ]


def test_a_dpo_role_waits_for_someone_other_than_the_granter_to_confirm(alice, guildford):
    grant = services.role_grant(admin=guildford["admin"], person=alice, role="dpo")
    assert grant.confirmed_at is None
    assert "dpo" not in User.objects.get(pk=alice.pk).role_codes
    with pytest.raises(PermissionDenied) as caught:
        services.role_confirm(confirmer=guildford["admin"], person=alice, role="dpo")
    assert caught.value.code == "own-grant"
    with pytest.raises(PermissionDenied) as caught:
        services.role_confirm(confirmer=alice, person=alice, role="dpo")
    assert caught.value.code == "role-not-permitted"
    services.role_confirm(confirmer=guildford["dpo"], person=alice, role="dpo")
    assert "dpo" in User.objects.get(pk=alice.pk).role_codes
    assert _events("role-confirmed", "alice") == [
        ("gdpo", "allowed", {"council": GUILDFORD, "role": "dpo", "told": "alice,gdpo"})
    ]


def test_adding_a_senior_signatory_at_ones_own_council_waits_for_the_dpo(guildford):
    person, _ = services.person_add(
        admin=guildford["admin"],
        area=Area.objects.get(county_id=SURREY),
        username="new.signatory",
        roles=["senior-signatory", "analyst"],
        council=guildford["admin"].council,
    )
    assert person.is_active
    assert person.role_codes == {"analyst"}
    services.role_confirm(confirmer=guildford["dpo"], person=person, role="senior-signatory")
    assert User.objects.get(pk=person.pk).role_codes == {"analyst", "senior-signatory"}


def test_roles_are_removed_and_people_deactivated_by_their_own_council_and_audited(
    admin, alice, guildford
):
    with pytest.raises(PermissionDenied) as caught:
        services.person_deactivate(admin=admin, person=alice)
    assert caught.value.code == "not-your-council"
    services.role_remove(admin=guildford["dpo"], person=alice, role="analyst")
    assert User.objects.get(pk=alice.pk).role_codes == set()
    services.person_deactivate(admin=guildford["admin"], person=alice)
    assert not User.objects.get(pk=alice.pk).is_active
    assert Client().post("/sign-in", {"username": "alice", "password": PASSWORD}).status_code == 200
    assert _events("role-removed", "alice")[0][:2] == ("gdpo", "allowed")
    assert _events("person-deactivated", "alice")[0][:2] == ("gadmin", "allowed")
    with pytest.raises(PermissionDenied) as caught:
        services.person_deactivate(admin=guildford["admin"], person=guildford["admin"])
    assert caught.value.code == "own-account"


def test_contractor_staff_can_only_be_analysts_or_data_leads(admin, dave):
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(admin=admin, person=dave, role="dpo")
    assert caught.value.code == "role-not-for-contractors"
    services.role_grant(admin=admin, person=dave, role="data-lead")
    assert User.objects.get(pk=dave.pk).role_codes == {"analyst", "data-lead"}


def test_the_person_page_shows_only_the_forms_the_viewer_can_use(
    signed_in, admin, alice, guildford
):
    page = signed_in(admin).get(f"/people/{alice.pk}/").content.decode()
    assert "Alice Test" in page
    assert "Grant the role" not in page
    assert "Deactivate this account" not in page
    assert "Remove<span" not in page
    page = signed_in(guildford["admin"]).get(f"/people/{alice.pk}/").content.decode()
    assert "Grant the role" in page
    assert "Deactivate this account" in page
    assert 'value="dpo"' in page  # offered, and it will wait for confirmation


def test_a_forged_post_for_another_councils_person_is_refused_and_changes_nothing(
    signed_in, admin, alice
):
    response = signed_in(admin).post(f"/people/{alice.pk}/grant", {"role": "dpo"})
    assert response.status_code == 403
    assert b"not-your-council" in response.content
    assert {g.role for g in alice.role_grants.all()} == {"analyst"}
    assert _events("access-refused", "alice")[0][1] == "not-your-council"


def test_an_outsider_cannot_see_or_change_a_person(signed_in, alice, charlie):
    assert signed_in(charlie).get(f"/people/{alice.pk}/").status_code == 404
    assert signed_in(charlie).post(f"/people/{alice.pk}/deactivate").status_code == 404
    assert User.objects.get(pk=alice.pk).is_active


def test_the_invited_person_is_confirmed_in_the_pages_by_their_councils_dpo(
    signed_in, admin, guildford
):
    signed_in(admin).post(f"/areas/{SURREY}/people/add", ISSUE_SCENARIO)
    posing = User.objects.get(username="posing.officer")
    page = signed_in(admin).get(f"/people/{posing.pk}/").content.decode()
    assert "Waiting for confirmation" in page
    assert "Confirm this person" not in page
    client = signed_in(guildford["dpo"])
    assert "Confirm this person" in client.get(f"/people/{posing.pk}/").content.decode()
    client.post(f"/people/{posing.pk}/confirm")
    assert User.objects.get(pk=posing.pk).role_codes == {"dpo", "senior-signatory", "analyst"}


def test_an_invited_person_signing_in_is_told_their_account_awaits_confirmation(
    signed_in, admin, guildford
):
    response = signed_in(admin).post(f"/areas/{SURREY}/people/add", ISSUE_SCENARIO, follow=True)
    password = response.context["password"]
    page = Client().post("/sign-in", {"username": "posing.officer", "password": password})
    assert page.status_code == 200
    assert "waiting for your council" in page.content.decode()
    assert "correct username and password" not in page.content.decode()
    # A wrong password says only that: it does not reveal that the account exists.
    wrong = Client().post("/sign-in", {"username": "posing.officer", "password": "not-it-at-all"})
    assert "correct username and password" in wrong.content.decode()
    assert "waiting for your council" not in wrong.content.decode()


def test_the_area_administrator_role_cannot_be_given_to_a_district_person(
    signed_in, admin, guildford
):
    asked = ISSUE_SCENARIO | {"username": "district.admin", "roles": ["area-admin"]}
    page = signed_in(admin).post(f"/areas/{SURREY}/people/add", asked)
    assert page.status_code == 200
    assert "lead (county) council can be area administrators" in page.content.decode()
    assert not User.objects.filter(username="district.admin").exists()
    assert _events("access-refused")[-1][1] == "role-for-lead-council"
    with pytest.raises(PermissionDenied) as caught:
        services.role_grant(admin=guildford["admin"], person=guildford["dpo"], role="area-admin")
    assert caught.value.code == "role-for-lead-council"
