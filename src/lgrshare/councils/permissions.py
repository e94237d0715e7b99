"""The Django side of ``lgrshare.domain.policy.people``: people and councils as policy facts.

Templates ask ``can`` (through the views' context) and never show a form the person cannot
use; services ask ``decide`` and audit a refusal before raising.
"""

from __future__ import annotations

from collections.abc import Iterable

from lgrshare.councils.models import Area, Contractor, Council, Role, RoleGrant, User
from lgrshare.councils.services import area_for_council
from lgrshare.domain.policy import Decision
from lgrshare.domain.policy.audit_reading import AuditAction, decide_audit
from lgrshare.domain.policy.people import Member, PeopleAction, Target, decide_people


def member_of(user: User) -> Member:
    """The policy's view of the person acting: council, areas, confirmed roles."""
    if not user.is_authenticated or not user.is_active:
        return Member(user_id=str(user.pk), council=None, areas=frozenset(), contractor=True)
    return Member(
        user_id=str(user.pk),
        council=user.council_id,
        areas=frozenset(
            str(code) for code in user.area_memberships.values_list("area__county_id", flat=True)
        ),
        roles=frozenset(user.role_codes),
        contractor=user.contractor_id is not None,
    )


def home_council(person: User) -> Council:
    """The council a person belongs to: their own, or the one their contractor works for."""
    if person.contractor_id is not None:
        return person.contractor.works_for  # type: ignore[union-attr]
    assert person.council is not None, "a person belongs to a council or a contractor"
    return person.council


def council_target(
    council: Council, *, roles: Iterable[str] = (), contractor: bool = False
) -> Target:
    """A new person (or a contractor, or its agreement) at ``council``."""
    area = area_for_council(council)
    return Target(
        council=council.gss_code,
        area=area.county_id if area else None,
        contractor=contractor,
        roles=frozenset(roles),
    )


def person_target(
    person: User, *, grant: RoleGrant | None = None, roles: Iterable[str] = ()
) -> Target:
    """An existing person, with the role being granted, removed or confirmed."""
    council = home_council(person)
    area = area_for_council(council)
    given = frozenset(roles) | ({grant.role} if grant is not None else frozenset())
    return Target(
        council=council.gss_code,
        area=area.county_id if area else None,
        user_id=str(person.pk),
        contractor=person.contractor_id is not None,
        roles=given,
        granted_by=str(grant.granted_by_id) if grant and grant.granted_by_id else None,
    )


def contractor_target(contractor: Contractor) -> Target:
    return council_target(contractor.works_for)


def decide(*, user: User, action: PeopleAction, target: Target) -> Decision:
    return decide_people(actor=member_of(user), action=action, target=target)


def can(*, user: User, action: PeopleAction, target: Target) -> bool:
    """Whether to show ``user`` the form for ``action`` on ``target``."""
    return decide(user=user, action=action, target=target).allowed


def area_permissions(*, user: User, area: Area) -> dict[str, bool]:
    """What the area's pages offer ``user`` (for ``policy.perms_for(area=...)``): add-person
    (to their own council, or as an invitation), add-contractor (one working for their own
    council), read-trail (the area's whole audit trail)."""
    member = member_of(user)
    return {
        "add-person": can(
            user=user, action=PeopleAction.ADD_PERSON, target=council_target(area.county)
        ),
        "add-contractor": user.council is not None
        and can(user=user, action=PeopleAction.ADD_CONTRACTOR, target=council_target(user.council)),
        "read-trail": decide_audit(
            roles=member.roles,
            areas=member.areas,
            action=AuditAction.READ_AREA_TRAIL,
            area=area.gss_code,
        ).allowed,
    }


def person_permissions(*, user: User, someone: User) -> dict[str, bool]:
    """What a person's page offers ``user`` about ``someone``: confirm-person (an invitation
    waiting), deactivate."""
    target = person_target(someone)
    return {
        "confirm-person": someone.is_pending
        and can(user=user, action=PeopleAction.CONFIRM_PERSON, target=target),
        "deactivate": someone.is_active
        and can(user=user, action=PeopleAction.DEACTIVATE_PERSON, target=target),
    }


def grant_permissions(*, user: User, someone: User, grant: RoleGrant) -> dict[str, bool]:
    """What a person's page offers ``user`` for one of ``someone``'s roles: confirm-role (one
    waiting, of a confirmed person), remove-role."""
    target = person_target(someone, grant=grant)
    return {
        "confirm-role": grant.confirmed_at is None
        and not someone.is_pending
        and can(user=user, action=PeopleAction.CONFIRM_ROLE, target=target),
        "remove-role": can(user=user, action=PeopleAction.REMOVE_ROLE, target=target),
    }


def grantable_roles(*, user: User, someone: User) -> list[tuple[str, str]]:
    """The roles ``user`` may grant ``someone`` that they do not hold, as form choices."""
    held = {g.role for g in someone.role_grants.all()}
    return [
        (role.value, role.label)
        for role in Role
        if role.value not in held
        and can(
            user=user,
            action=PeopleAction.GRANT_ROLE,
            target=person_target(someone, roles=[role.value]),
        )
    ]
