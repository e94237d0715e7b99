"""Submissions waiting for the person's acceptance as their council's data lead."""

from __future__ import annotations

from django.urls import reverse

from lgrshare import access
from lgrshare.councils.models import User
from lgrshare.notifications.tasks import Task
from lgrshare.submissions.models import Submission
from lgrshare.submissions.services import facts_of


def tasks_for(user: User) -> list[Task]:
    """Pending submissions of the person's council, in their areas, that the policy lets them
    accept (a submitter does not see their own when the agreement asks for a second person)."""
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
        if access.may_act_on_submission(
            user=user, action=access.Action.ACCEPT_SUBMISSION, submission=facts_of(submission)
        )
    ]
