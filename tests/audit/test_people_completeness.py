"""Audit completeness for people: every action of the people policy (add a person, grant,
remove or confirm a role, confirm or deactivate a person, add a contractor, record or sign off
a contractor agreement) writes its own event when allowed, and an ``access-refused`` event
naming its target and the policy's reason when refused, and a refused change changes nothing.
The data, agreement, request and submission actions are in ``test_completeness``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import ContractorAgreement
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Council, User
from lgrshare.domain.errors import LgrShareError
from lgrshare.domain.policy import Action
from lgrshare.domain.policy.catalogue import CatalogueAction
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.domain.policy.requests import RequestAction
from lgrshare.people import services as people
from tests.audit.test_completeness import ALLOWED as OTHER_ALLOWED
from tests.audit.test_completeness import REFUSED as OTHER_REFUSED
from tests.audit.test_completeness import Case, _contractor_agreement, _expert, _last, _refused
from tests.audit.world import World
from tests.conftest import GUILDFORD, SURREY


def _admin() -> User:
    """Surrey County Council's administrator."""
    return _expert("area-admin")


def _council(code: str) -> Council:
    return Council.objects.get(gss_code=code)


def _add(who: Callable[[World], User], council: str, username: str) -> Callable[[World], Any]:
    def run(w: World) -> tuple[str, str]:
        _refused(
            w,
            ("person", username),
            lambda: people.person_add(
                admin=who(w), area=w.area, username=username, roles=["analyst"],
                council=_council(council),
            ),
        )  # fmt: skip
        return "person", username

    return run


def _on_person(
    username: str,
    do: Callable[[World, User], object],
    before: Callable[[World], object] | None = None,
) -> Callable[[World], Any]:
    def run(w: World) -> tuple[str, str]:
        if before is not None:
            before(w)
        someone = User.objects.get(username=username)
        _refused(w, ("person", username), lambda: do(w, someone))
        return "person", username

    return run


def _invited(w: World) -> None:
    people.person_add(
        admin=_admin(), area=w.area, username="invitee", roles=["analyst"],
        council=_council(GUILDFORD),
    )  # fmt: skip


def _dpo_granted(w: World) -> None:
    people.role_grant(admin=_admin(), person=w.p["sam"], role="dpo")


def _add_contractor(who: Callable[[World], User]) -> Callable[[World], Any]:
    def run(w: World) -> tuple[str, str | int]:
        name = "Example Modelling Ltd"
        w.target = ("contractor", name)  # type: ignore[attr-defined]
        added = people.contractor_add(
            admin=who(w), area=w.area, name=name, works_for=_council(SURREY)
        )
        return "contractor", added.pk

    return run


def _sign_off(who: str) -> Callable[[World], Any]:
    def run(w: World) -> tuple[str, int]:
        _contractor_agreement("sdpo")(w)
        recorded = ContractorAgreement.objects.order_by("-pk").first()
        assert recorded is not None
        target = ("contractor", recorded.contractor_id)
        _refused(
            w,
            target,
            lambda: agreements.contractor_agreement_sign_off(
                user=w.p[who], contractor_agreement=recorded
            ),
        )
        return target

    return run


def _roles(username: str) -> Callable[[World], object]:
    return lambda w: sorted(
        (g.role, g.confirmed_at is not None)
        for g in User.objects.get(username=username).role_grants.all()
    )


ALLOWED = [
    Case("add a person", PeopleAction.ADD_PERSON, _add(lambda w: _admin(), SURREY, "newcomer"),
         "person-added"),
    Case(
        "grant a role",
        PeopleAction.GRANT_ROLE,
        _on_person(
            "sam", lambda w, p: people.role_grant(admin=_admin(), person=p, role="data-lead")
        ),
        "role-granted",
    ),
    Case(
        "remove a role",
        PeopleAction.REMOVE_ROLE,
        _on_person(
            "sam", lambda w, p: people.role_remove(admin=_admin(), person=p, role="analyst")
        ),
        "role-removed",
    ),
    Case(
        "confirm a role",
        PeopleAction.CONFIRM_ROLE,
        _on_person(
            "sam",
            lambda w, p: people.role_confirm(confirmer=w.p["sdpo"], person=p, role="dpo"),
            before=_dpo_granted,
        ),
        "role-confirmed",
    ),
    Case(
        "confirm a person",
        PeopleAction.CONFIRM_PERSON,
        _on_person(
            "invitee",
            lambda w, p: people.person_confirm(confirmer=w.p["gdpo"], person=p),
            before=_invited,
        ),
        "person-confirmed",
    ),
    Case(
        "deactivate a person",
        PeopleAction.DEACTIVATE_PERSON,
        _on_person("sam", lambda w, p: people.person_deactivate(admin=_admin(), person=p)),
        "person-deactivated",
    ),
    Case("add a contractor", PeopleAction.ADD_CONTRACTOR, _add_contractor(lambda w: _admin()),
         "contractor-added"),
    Case(
        "record a contractor agreement",
        PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        _contractor_agreement("sdpo"),
        "contractor-agreement-recorded",
    ),
    Case(
        "sign off a contractor agreement",
        PeopleAction.SIGN_OFF_CONTRACTOR_AGREEMENT,
        _sign_off("sdpo"),
        "contractor-agreement-signed-off",
    ),
]  # fmt: skip

REFUSED = [
    Case(
        "add a person",
        PeopleAction.ADD_PERSON,
        _add(lambda w: w.p["alice"], GUILDFORD, "posing.officer"),
        "access-refused",
        "role-not-permitted",
        unchanged=lambda w: User.objects.filter(username="posing.officer").exists(),
    ),
    Case(
        "grant a role",
        PeopleAction.GRANT_ROLE,
        _on_person("alice", lambda w, p: people.role_grant(admin=_admin(), person=p, role="dpo")),
        "access-refused",
        "not-your-council",
        unchanged=_roles("alice"),
    ),
    Case(
        "remove a role",
        PeopleAction.REMOVE_ROLE,
        _on_person(
            "alice", lambda w, p: people.role_remove(admin=_admin(), person=p, role="analyst")
        ),
        "access-refused",
        "not-your-council",
        unchanged=_roles("alice"),
    ),
    Case(
        "confirm one's own grant",
        PeopleAction.CONFIRM_ROLE,
        _on_person(
            "sam",
            lambda w, p: people.role_confirm(confirmer=_admin(), person=p, role="dpo"),
            before=_dpo_granted,
        ),
        "access-refused",
        "own-grant",
        unchanged=lambda w: w.p["sam"].role_grants.filter(confirmed_at__isnull=False).count(),
    ),
    Case(
        "confirm a person",
        PeopleAction.CONFIRM_PERSON,
        _on_person(
            "invitee",
            lambda w, p: people.person_confirm(confirmer=w.p["alice"], person=p),
            before=_invited,
        ),
        "access-refused",
        "role-not-permitted",
        unchanged=lambda w: User.objects.filter(username="invitee", is_active=True).exists(),
    ),
    Case(
        "deactivate a person",
        PeopleAction.DEACTIVATE_PERSON,
        _on_person("alice", lambda w, p: people.person_deactivate(admin=_admin(), person=p)),
        "access-refused",
        "not-your-council",
        unchanged=lambda w: User.objects.get(username="alice").is_active,
    ),
    Case(
        "add a contractor",
        PeopleAction.ADD_CONTRACTOR,
        _add_contractor(lambda w: w.p["alice"]),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "record a contractor agreement",
        PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        _contractor_agreement("alice"),
        "access-refused",
        "role-not-permitted",
    ),
    Case(
        "sign off a contractor agreement",
        PeopleAction.SIGN_OFF_CONTRACTOR_AGREEMENT,
        _sign_off("sue"),
        "access-refused",
        "role-not-permitted",
    ),
]


def test_every_people_action_is_tried_allowed_and_refused():
    assert {c.action for c in ALLOWED} == set(PeopleAction)
    assert {c.action for c in REFUSED} == set(PeopleAction)


def test_every_action_of_every_policy_that_changes_something_is_tried_both_ways():
    # Reading a request is not an event of its own (another area's is, as a hidden refusal:
    # tests/audit/test_hidden.py); an attachment is added with its comment (test_attachments).
    expected = (
        set(Action)
        | set(PeopleAction)
        | (set(RequestAction) - {RequestAction.READ, RequestAction.ATTACH})
        | {CatalogueAction.RECORD_HOLDING}
    )
    for cases in ((*OTHER_ALLOWED, *ALLOWED), (*OTHER_REFUSED, *REFUSED)):
        assert {c.action for c in cases} >= expected


@pytest.mark.parametrize("case", ALLOWED, ids=lambda c: c.name)
def test_an_allowed_people_action_records_its_own_event(world, case):
    target_type, target_id = case.run(world)
    entry = _last(case.event)
    assert entry is not None, f"{case.name} recorded no {case.event}"
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    assert entry.actor != "system"


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_a_refused_people_action_records_the_refusal_and_changes_nothing(world, case):
    before = case.unchanged(world) if case.unchanged else None
    refusals_before = AuditEntry.objects.filter(action__endswith="-refused").count()
    with pytest.raises(LgrShareError) as refused:
        case.run(world)
    assert refused.value.code == case.reason
    assert 400 <= refused.value.status < 500
    target_type, target_id = world.target
    assert AuditEntry.objects.filter(action__endswith="-refused").count() == refusals_before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.reason) == (case.event, case.reason)
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    assert dict(entry.detail_items).get("policy_action", str(case.action)) == str(case.action)
    if case.unchanged:
        assert case.unchanged(world) == before
