"""Requests waiting for the person's council to answer, as tasks for "Your tasks"."""

from __future__ import annotations

from django.urls import reverse

from lgrshare.councils.models import User
from lgrshare.domain import request_flow as flow
from lgrshare.domain.policy.requests import RequestAction
from lgrshare.notifications.tasks import Task
from lgrshare.requests.models import DataRequest
from lgrshare.requests.services import can


def _needed_by(request: DataRequest) -> str:
    when = request.needed_by
    return f", needed by {when.day} {when:%B %Y}" if when else ""


def tasks_for(user: User) -> list[Task]:
    """Open requests of the person's areas that ask their council for data, not yet answered,
    which the request flow lets them answer."""
    if user.council_id is None:
        return []
    waiting = (
        DataRequest.objects.filter(
            state=flow.State.OPEN,
            area__memberships__user=user,
            responses__council_id=user.council_id,
            responses__answer=flow.Answer.PENDING,
        )
        .select_related("area", "requesting_council")
        .distinct()
    )
    return [
        Task(
            kind="request-answer",
            title=f"{request.reference}: {request.question[:120]}",
            detail=f"Asked by {request.requesting_council.name}{_needed_by(request)}",
            link=reverse("request", args=[request.pk]),
            since=request.opened_at,
        )
        for request in waiting
        if can(user, RequestAction.ANSWER, request)
    ]
