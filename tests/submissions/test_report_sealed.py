"""The cells a validation report quotes live only under the file's key, for old rows too."""

from __future__ import annotations

import importlib
import json

from django.apps import apps

from lgrshare.submissions import services
from lgrshare.submissions.models import Submission
from tests.submissions.test_submissions import cast, contracts_csv, dataset, submit  # noqa: F401

migration = importlib.import_module("lgrshare.submissions.migrations.0002_report_sealed")


def _as_before_the_migration(submission: Submission) -> dict:
    whole = services.full_report(submission)
    Submission.objects.filter(pk=submission.pk).update(report=whole, report_sealed="")
    return whole


def test_the_migration_seals_the_cells_of_reports_stored_in_clear(cast, dataset):  # noqa: F811
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(bad_date=True))
    whole = _as_before_the_migration(created)
    assert "31/02/2027" in json.dumps(Submission.objects.get(pk=created.pk).report)

    migration.seal_reports(apps, None)

    stored = Submission.objects.select_related("blob").get(pk=created.pk)
    assert "31/02/2027" not in json.dumps(stored.report)
    assert "errors" not in stored.report
    assert "profile" not in stored.report
    assert services.full_report(stored)["errors"] == whole["errors"]
    assert services.full_report(stored)["profile"] == whole["profile"]


def test_the_migration_drops_the_cells_of_a_withdrawn_files_report(cast, dataset):  # noqa: F811
    created = submit(cast["surrey_analyst"], dataset, contracts_csv(bad_date=True))
    _as_before_the_migration(created)
    services.submission_withdraw(user=cast["surrey_analyst"], submission=created)

    migration.seal_reports(apps, None)

    stored = Submission.objects.get(pk=created.pk)
    assert "31/02/2027" not in json.dumps(stored.report)
    assert stored.report_sealed == ""
    assert stored.report["stats"]["counts"] == {"type-error": 1}
