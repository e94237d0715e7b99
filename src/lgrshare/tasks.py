"""The "Your tasks" page: every open action waiting for the signed-in person, with its link.

An interface, like ``urls``: it asks each capability for its ``tasks_for(user)`` and shows them
under the headings of ``notifications.tasks.TASK_KINDS``. The capabilities derive their tasks
from the current state, so the page never shows something already done.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lgrshare.accounts.auth import person
from lgrshare.agreements.tasks import tasks_for as agreement_tasks
from lgrshare.councils.models import User
from lgrshare.notifications.tasks import TASK_KINDS, Task
from lgrshare.people.tasks import tasks_for as people_tasks
from lgrshare.requests.tasks import tasks_for as request_tasks
from lgrshare.retention.tasks import tasks_for as retention_tasks
from lgrshare.submissions.tasks import tasks_for as submission_tasks

SOURCES: tuple[Callable[[User], list[Task]], ...] = (
    agreement_tasks,
    request_tasks,
    submission_tasks,
    people_tasks,
    retention_tasks,
)


def _waiting_longest_first(task: Task) -> tuple[bool, float, str]:
    return (task.since is None, task.since.timestamp() if task.since else 0.0, task.title)


def tasks_of(user: User) -> list[tuple[str, list[Task]]]:
    """The person's open tasks under their headings, in the page's order; empty headings left
    out. Each heading's tasks are oldest first (the longest waiting at the top)."""
    found = [task for source in SOURCES for task in source(user)]
    groups = []
    for kind, heading in TASK_KINDS.items():
        mine = [task for task in found if task.kind == kind]
        if mine:
            mine.sort(key=_waiting_longest_first)
            groups.append((heading, mine))
    return groups


@require_safe
def tasks_page(request: HttpRequest) -> HttpResponse:
    return render(request, "tasks.html", {"groups": tasks_of(person(request))})
