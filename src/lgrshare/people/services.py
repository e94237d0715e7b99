"""People use cases: add or invite, grant, remove and confirm roles, confirm, deactivate;
add a contractor organisation.

Each asks ``lgrshare.domain.policy.people`` first. A refusal is written to the audit trail
(``access-refused``, with the policy's reason) *before* anything else and outside the
transaction, so it is never rolled back; then ``AccessDenied`` is raised with the reason as its
code. An allowed change runs in one transaction with its own audit event (``person-added``,
``role-granted``, ``role-removed``, ``role-confirmed``, ``person-confirmed``,
``person-deactivated``, ``contractor-added``), and the council's DPOs are told.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from django.db import transaction
from django.utils import timezone

from lgrshare.councils.models import Area, Contractor, Council, Role, RoleGrant, User
from lgrshare.councils.permissions import (
    council_target,
    decide,
    home_council,
    person_target,
)
from lgrshare.councils.services import area_for_council, contractor_create, roles_parse, user_create
from lgrshare.domain.audit import EVENT_NAMES
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy import AccessDenied, Decision, DecisionReason
from lgrshare.domain.policy.people import PeopleAction, Target, people_policy
from lgrshare.notifications.services import notify
from lgrshare.trail import record

_CONTRACTOR_ACTIONS = frozenset(
    {
        PeopleAction.ADD_CONTRACTOR,
        PeopleAction.RECORD_CONTRACTOR_AGREEMENT,
        PeopleAction.SIGN_OFF_CONTRACTOR_AGREEMENT,
    }
)


def _refuse(
    user: User | None, action: PeopleAction, target_id: str, decision: Decision, **detail: str
) -> NoReturn:
    record(
        user=user,
        action="access-refused",
        target_type="contractor" if action in _CONTRACTOR_ACTIONS else "person",
        target_id=target_id,
        reason=str(decision.reason),
        policy_action=str(action),
        **detail,
    )
    raise AccessDenied(decision.message, code=decision.reason.value)


def people_require(
    *, user: User, action: PeopleAction, target: Target, target_id: str, **detail: str
) -> Decision:
    """Return the policy's decision when allowed; otherwise audit the refusal and raise
    ``AccessDenied`` with the reason as its code."""
    decision = decide(user=user, action=action, target=target)
    if not decision.allowed:
        _refuse(user, action, target_id, decision, **detail)
    return decision


def _require(
    user: User, action: PeopleAction, target: Target, target_id: str, **detail: str
) -> Decision:
    return people_require(user=user, action=action, target=target, target_id=target_id, **detail)


# What may be done to an existing person from their page.
PERSON_ACTIONS = (
    PeopleAction.GRANT_ROLE,
    PeopleAction.REMOVE_ROLE,
    PeopleAction.CONFIRM_ROLE,
    PeopleAction.CONFIRM_PERSON,
    PeopleAction.DEACTIVATE_PERSON,
)


def person_require(*, user: User, person: User, action: PeopleAction | None = None) -> Decision:
    """Ask the policy, before any input is read, whether ``user`` may do ``action`` to
    ``person`` at all (``None``: any of ``PERSON_ACTIONS``), whatever role they name: someone who
    may not act on this person is refused (403, audited) however malformed their request.

    The role-free question: the services ask again with the role once it is known.
    """
    target = person_target(person)
    decisions = [
        (wanted, decide(user=user, action=wanted, target=target))
        for wanted in ((action,) if action is not None else PERSON_ACTIONS)
    ]
    for _, decision in decisions:
        if decision.allowed:
            return decision
    refused, decision = decisions[0]
    _refuse(user, refused, person.username, decision)


def dpos_to_tell(council: Council, *, event: str, link: str) -> str:
    """Tell the council's DPOs, in the app and by email, that its people, roles or contractors
    changed (``event``, an audit event name, says how); return who was told, for the change's
    audit record (``told``)."""
    dpos = list(
        User.objects.filter(
            council=council,
            is_active=True,
            role_grants__role=Role.DPO,
            role_grants__confirmed_at__isnull=False,
        ).order_by("username")
    )
    what = EVENT_NAMES.get(event, event)
    notify(users=dpos, text=f"{what} at {council.name}.", link=link, kind="people-changed")
    return ",".join(dpo.username for dpo in dpos)


def _contractors_page(council: Council) -> str:
    area = area_for_council(council)
    return f"/areas/{area.gss_code}/contractors/" if area is not None else "/"


def _audit(
    user: User | None, event: str, person: User, decision_reason: str, **detail: str | bool
) -> None:
    record(
        user=user,
        action=event,
        target_type="person",
        target_id=person.username,
        reason=decision_reason,
        council=home_council(person).gss_code,
        told=dpos_to_tell(home_council(person), event=event, link=f"/people/{person.pk}/"),
        **detail,
    )


def person_add(
    *,
    admin: User,
    area: Area,
    username: str,
    roles: Iterable[str],
    council: Council | None = None,
    contractor: Contractor | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
) -> tuple[User, str]:
    """An administrator adds a person to their own council (or its contractor), or invites one
    for another council of the area; return the person and their one-time password.

    An invited account is inactive, and all its roles wait, until that council's own
    administrator or DPO confirms it; a DPO or senior signatory role waits for confirmation
    either way. Raises ``AccessDenied`` (the policy's reason: ``role-not-permitted``,
    ``other-area``, ``role-not-for-contractors``, ...), ``InvalidInput`` (``council-not-in-area``
    and the errors of ``user_create``).
    """
    parsed = [role.value for role in roles_parse(roles)]
    if (council is None) == (contractor is None):
        raise InvalidInput(
            "A person belongs to exactly one council or one contractor", code="no-organisation"
        )
    home = council if council is not None else contractor.works_for  # type: ignore[union-attr]
    if area_for_council(home) != area:
        raise InvalidInput(f"{home} is not in the {area} area", code="council-not-in-area")
    target = council_target(home, roles=parsed, contractor=contractor is not None)
    decision = _require(
        admin, PeopleAction.ADD_PERSON, target, username.strip().lower(), council=home.gss_code
    )
    invited = admin.council_id != home.gss_code
    waiting = sorted(set(parsed) & people_policy().roles_needing_confirmation)
    with transaction.atomic():
        person, password = user_create(
            username=username,
            roles=parsed,
            council=council,
            contractor=contractor,
            area=area,
            first_name=first_name,
            last_name=last_name,
            email=email,
            job_title=job_title,
            added_by=admin,
            confirmed=not invited,
            pending_roles=waiting,
        )
        _audit(admin, "person-added", person, str(decision.reason), invited=invited)
        for grant in person.role_grants.all():
            _audit(
                admin,
                "role-granted",
                person,
                str(decision.reason),
                role=grant.role,
                pending=grant.confirmed_at is None,
            )
    return person, password


def role_grant(*, admin: User, person: User, role: str) -> RoleGrant:
    """Grant ``role`` to a person of the administrator's own council; return the grant, which
    waits for confirmation when the role needs it (DPO, senior signatory) or the person does.

    Raises ``AccessDenied`` (``not-your-council``, ``role-not-permitted``,
    ``role-not-for-contractors``, ...) or ``InvalidInput`` (``unknown-role``,
    ``role-already-held``, ``person-deactivated``).
    """
    person_require(user=admin, person=person, action=PeopleAction.GRANT_ROLE)
    (parsed,) = roles_parse([role])
    decision = _require(
        admin,
        PeopleAction.GRANT_ROLE,
        person_target(person, roles=[parsed.value]),
        person.username,
        role=parsed.value,
    )
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        _require_usable(person)
        if person.role_grants.filter(role=parsed.value).exists():
            raise InvalidInput(
                f"{person.get_full_name() or person.username} already has the role "
                f"{parsed.label} (or it is waiting for confirmation)",
                code="role-already-held",
            )
        now = timezone.now()
        pending = decision.reason is DecisionReason.NEEDS_CONFIRMATION or person.is_pending
        grant = RoleGrant.objects.create(
            user=person,
            role=parsed.value,
            granted_by=admin,
            granted_at=now,
            confirmed_at=None if pending else now,
        )
        _audit(
            admin, "role-granted", person, str(decision.reason), role=grant.role, pending=pending
        )
    return grant


def role_remove(*, admin: User, person: User, role: str) -> None:
    """Remove a role (held or waiting) from a person of the administrator's or DPO's council.

    Raises ``AccessDenied`` or ``InvalidInput`` (``role-not-held``).
    """
    person_require(user=admin, person=person, action=PeopleAction.REMOVE_ROLE)
    grant = _grant(person, role)
    decision = _require(
        admin,
        PeopleAction.REMOVE_ROLE,
        person_target(person, grant=grant),
        person.username,
        role=grant.role,
    )
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(pk=grant.pk).delete()
        if not deleted:
            raise InvalidInput("That role has already been removed", code="role-not-held")
        _audit(
            admin,
            "role-removed",
            person,
            str(decision.reason),
            role=grant.role,
            pending=grant.confirmed_at is None,
        )


def role_confirm(*, confirmer: User, person: User, role: str) -> RoleGrant:
    """The council's DPO or administrator (not whoever granted it) confirms a waiting role.

    Raises ``AccessDenied`` (``own-grant``, ``own-account``, ``not-your-council``, ...) or
    ``InvalidInput`` (``role-not-held``, ``role-not-pending``, ``person-not-confirmed``).
    """
    person_require(user=confirmer, person=person, action=PeopleAction.CONFIRM_ROLE)
    grant = _grant(person, role)
    decision = _require(
        confirmer,
        PeopleAction.CONFIRM_ROLE,
        person_target(person, grant=grant),
        person.username,
        role=grant.role,
    )
    if person.is_pending:
        raise InvalidInput(
            "Confirm the person first: their roles are confirmed with them",
            code="person-not-confirmed",
        )
    with transaction.atomic():
        confirmed = RoleGrant.objects.filter(pk=grant.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        if not confirmed:
            raise InvalidInput("That role is not waiting for confirmation", code="role-not-pending")
        _audit(confirmer, "role-confirmed", person, str(decision.reason), role=grant.role)
    grant.refresh_from_db()
    return grant


def person_confirm(*, confirmer: User | None, person: User) -> User:
    """The council's own DPO or administrator confirms a person invited for it, and with them
    every role waiting; the account can then act. ``confirmer`` None is the operator at set-up
    (``lgrshare user confirm``), for a council with no DPO or administrator yet.

    Raises ``AccessDenied`` (``not-your-council``, ``own-account``, ...) or ``InvalidInput``
    (``person-not-pending``).
    """
    decision_reason = "set-up"
    if confirmer is not None:
        decision = _require(
            confirmer, PeopleAction.CONFIRM_PERSON, person_target(person), person.username
        )
        decision_reason = str(decision.reason)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        waiting = list(person.role_grants.filter(confirmed_at__isnull=True))
        if not person.is_pending and not (confirmer is None and waiting):
            raise InvalidInput(
                f"{person.username} is not waiting for confirmation", code="person-not-pending"
            )
        now = timezone.now()
        if person.is_pending:
            person.confirmed_at, person.is_active = now, True
            person.save(update_fields=["confirmed_at", "is_active"])
            _audit(confirmer, "person-confirmed", person, decision_reason)
        for grant in waiting:
            grant.confirmed_at = now
            grant.save(update_fields=["confirmed_at"])
            _audit(confirmer, "role-confirmed", person, decision_reason, role=grant.role)
    return person


def person_deactivate(*, admin: User, person: User) -> User:
    """An administrator or DPO of the person's council deactivates their account: they can no
    longer sign in or use a token. Raises ``AccessDenied`` (``own-account``,
    ``not-your-council``, ...) or ``InvalidInput`` (``person-deactivated``)."""
    decision = _require(
        admin, PeopleAction.DEACTIVATE_PERSON, person_target(person), person.username
    )
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        _require_usable(person)
        person.is_active = False
        person.save(update_fields=["is_active"])
        _audit(admin, "person-deactivated", person, str(decision.reason))
    return person


def person_setup(*, operator_note: str = "", **person: object) -> tuple[User, str]:
    """The operator adds a person at set-up (``lgrshare user create``): roles confirmed at once,
    audited as the system. For a council with no DPO or administrator yet."""
    with transaction.atomic():
        created, password = user_create(**person)  # type: ignore[arg-type]
        _audit(None, "person-added", created, "set-up", note=operator_note)
        for grant in created.role_grants.all():
            _audit(None, "role-granted", created, "set-up", role=grant.role, pending=False)
    return created, password


def contractor_add(
    *, admin: User, area: Area, name: str, works_for: Council, companies_house_number: str = ""
) -> Contractor:
    """An area administrator adds a contractor organisation working for their own council.

    Raises ``AccessDenied`` (``not-your-council``, ``role-not-permitted``, ``other-area``) or
    ``InvalidInput`` (``council-not-in-area`` and the errors of ``contractor_create``).
    """
    if area_for_council(works_for) != area:
        raise InvalidInput(f"{works_for} is not in the {area} area", code="council-not-in-area")
    decision = _require(
        admin,
        PeopleAction.ADD_CONTRACTOR,
        council_target(works_for),
        name.strip(),
        council=works_for.gss_code,
    )
    with transaction.atomic():
        contractor = contractor_create(
            name=name, works_for=works_for, companies_house_number=companies_house_number
        )
        record(
            user=admin,
            action="contractor-added",
            target_type="contractor",
            target_id=contractor.pk,
            reason=str(decision.reason),
            name=contractor.name,
            council=works_for.gss_code,
            told=dpos_to_tell(
                works_for, event="contractor-added", link=_contractors_page(works_for)
            ),
        )
    return contractor


def contractor_setup(
    *, name: str, works_for: Council, companies_house_number: str = ""
) -> Contractor:
    """The operator adds a contractor at set-up (``lgrshare contractor create``), audited as
    the system."""
    with transaction.atomic():
        contractor = contractor_create(
            name=name, works_for=works_for, companies_house_number=companies_house_number
        )
        record(
            user=None,
            action="contractor-added",
            target_type="contractor",
            target_id=contractor.pk,
            reason="set-up",
            name=contractor.name,
            council=works_for.gss_code,
            told=dpos_to_tell(
                works_for, event="contractor-added", link=_contractors_page(works_for)
            ),
        )
    return contractor


def _grant(person: User, role: str) -> RoleGrant:
    grant = person.role_grants.filter(role=role).first()
    if grant is None:
        raise InvalidInput(f"{person.username} does not have that role", code="role-not-held")
    return grant


def _require_usable(person: User) -> None:
    if not person.is_active and not person.is_pending:
        raise InvalidInput(
            f"{person.username}'s account has been deactivated", code="person-deactivated"
        )
