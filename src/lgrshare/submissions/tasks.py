"""Submissions waiting for the person's acceptance as their council's data lead."""

from __future__ import annotations

from django.urls import reverse

from lgrshare.councils.models import User
from lgrshare.notifications.tasks import Task
from lgrshare.submissions.models import Submission
from lgrshare.submissions.services import is_holder_data_lead


def tasks_for(user: User) -> list[Task]:
    """Pending submissions of the person's council, in their areas, that they may accept."""
    if user.council_id is None:
        return []
    pending = Submission.objects.filter(
        state=Submission.State.PENDING,
        dataset__publisher_id=user.council_id,
        dataset__area__memberships__user=user,
    ).select_related("dataset", "dataset__agreement", "submitted_by")
    return [
        Task(
            kind="submission-accept",
            title=f"{submission.reference}: {submission.dataset.title}, {submission.period}",
            detail=(
                f"Submitted by {submission.submitted_by.get_full_name() or submission.submitted_by}"
                if submission.submitted_by
                else ""
            )
            + ("" if submission.valid else " (the file has errors to explain)"),
            link=reverse("submission", args=[submission.pk]),
            since=submission.submitted_at,
        )
        for submission in pending
        if is_holder_data_lead(user, submission)
    ]
