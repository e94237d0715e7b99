"""Two retention runs started at the same moment, in two connections, delete a dataset once.

Needs row locks, so it runs on PostgreSQL (CI runs the suite there too); SQLite serialises
writers, which ``test_run.test_two_runs_at_once_delete_the_dataset_once`` covers by
interleaving the two runs' steps.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from lgrshare.audit.models import AuditEntry
from lgrshare.catalogue.services import catalogue_load_public
from lgrshare.councils.services import reference_load
from lgrshare.retention.models import DeletionCertificate
from lgrshare.retention.services import retention_run
from tests.retention.conftest import DELETE_BY, make_agreement, noon, share

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture
def reference(transactional_db):
    """Transactional tests empty the tables afterwards, so this one loads its own councils."""
    reference_load()
    catalogue_load_public()


@pytest.mark.django_db(transaction=True)
def test_two_runs_in_two_connections_at_once_delete_the_dataset_once(reference, cast):
    agreement = make_agreement(cast)
    share(cast, agreement)
    start = threading.Barrier(2)
    results: list[object] = []

    def run(name: str) -> None:
        try:
            start.wait()
            results.append(retention_run(now=noon(DELETE_BY), run_by=name))
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f"cron-{n}",)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    issued = sorted(len(r.issued) for r in results)  # type: ignore[attr-defined]
    assert issued == [0, 1]
    assert DeletionCertificate.objects.count() == 1
    assert AuditEntry.objects.filter(action="retention-deleted").count() == 1
