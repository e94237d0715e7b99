"""People waiting for the person's confirmation: invitations, and DPO or signatory roles."""

from __future__ import annotations

from django.urls import reverse

from lgrshare.councils.models import RoleGrant, User
from lgrshare.councils.permissions import can, person_target
from lgrshare.domain.policy.people import PeopleAction
from lgrshare.notifications.tasks import Task


def tasks_for(user: User) -> list[Task]:
    """Invitations and role grants at the person's council that the policy lets them confirm
    (never their own, nor a grant they made)."""
    if user.council_id is None:
        return []
    waiting = RoleGrant.objects.filter(
        confirmed_at__isnull=True, user__council_id=user.council_id
    ).select_related("user", "granted_by")
    tasks: dict[int, Task] = {}
    for grant in waiting:
        person = grant.user
        name = person.get_full_name() or person.username
        if person.pk in tasks:
            continue
        if person.is_pending:
            allowed = can(
                user=user, action=PeopleAction.CONFIRM_PERSON, target=person_target(person)
            )
            title = f"Confirm {name}'s account"
        else:
            allowed = can(
                user=user,
                action=PeopleAction.CONFIRM_ROLE,
                target=person_target(person, grant=grant),
            )
            title = (
                f"Confirm {person.get_full_name() or person.username} as {grant.get_role_display()}"
            )
        if allowed:
            by = grant.granted_by.get_full_name() if grant.granted_by else ""
            tasks[person.pk] = Task(
                kind="person-confirm",
                title=title,
                detail=f"Asked for by {by}" if by else "",
                link=reverse("person", args=[person.pk]),
                since=grant.granted_at,
            )
    return list(tasks.values())
