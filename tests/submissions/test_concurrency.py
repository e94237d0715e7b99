"""Two uploads of one dataset at the same moment, in two connections, take versions in turn.

The load benchmark found it (bench/load.py, two workers on PostgreSQL): both uploads read the
same latest version and the second failed with a 500 on the unique version. Needs row locks, so
it runs on PostgreSQL (CI runs the suite there too); SQLite takes one writer at a time.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from lgrshare.catalogue.services import catalogue_load_public
from lgrshare.councils.services import reference_load
from lgrshare.submissions.models import Submission
from tests.submissions.test_submissions import cast, contracts_csv, dataset, submit  # noqa: F401

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.fixture
def reference(transactional_db):
    """Transactional tests empty the tables afterwards, so this one loads its own councils."""
    reference_load()
    catalogue_load_public()


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_become_versions_one_and_two(reference, cast, dataset):  # noqa: F811
    content = contracts_csv()
    start = threading.Barrier(2)
    results: list[object] = []

    def upload() -> None:
        try:
            start.wait()
            results.append(submit(cast["surrey_analyst"], dataset, content))
        except Exception as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    versions = sorted(Submission.objects.filter(dataset=dataset).values_list("version", flat=True))
    assert versions == [1, 2]
