"""Downloads: a dataset (every period) or one submission, through the read path, as a bundle."""

from __future__ import annotations

from lgrshare import access
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import User
from lgrshare.datasets.bundle import Export, bundle_of, check_format, export
from lgrshare.datasets.read import dataset_rows
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy import Action
from lgrshare.submissions.models import Submission


def dataset_download(*, user: User, dataset: Dataset, fmt: str) -> Export:
    """Return ``dataset`` as ``user`` may have it (every period's latest accepted version for
    shared data), in ``fmt``, with its context. Raises ``InvalidInput`` (``format-unknown``),
    ``AccessDenied`` with the policy's reason (recorded), ``NotFound`` (``no-data-here``)."""
    check_format(fmt)
    rows = dataset_rows(user=user, dataset=dataset, action=Action.DOWNLOAD, format=fmt)
    return export(bundle_of(rows, name=dataset.slug), fmt=fmt)


def submission_download(*, user: User, submission: Submission, fmt: str) -> Export:
    """Return one accepted submission in ``fmt`` with its context, after the policy check.
    Raises ``InvalidInput`` for a file not accepted or an unknown format, ``AccessDenied``."""
    check_format(fmt)
    if submission.state == Submission.State.DELETED:
        # Deleted under the retention rules: the policy refuses it (data-deleted), recorded.
        access.require(
            user=user,
            action=Action.DOWNLOAD,
            dataset=access.Deleted(submission.dataset),
            submission=submission.pk,
            format=fmt,
        )
    if submission.state != Submission.State.ACCEPTED:
        raise InvalidInput(
            "Only accepted submissions can be downloaded", code="submission-not-accepted"
        )
    rows = dataset_rows(
        user=user,
        dataset=submission.dataset,
        action=Action.DOWNLOAD,
        submission=submission,
        format=fmt,
    )
    name = f"{submission.dataset.slug}-{submission.reference}"
    return export(bundle_of(rows, name=name), fmt=fmt)
