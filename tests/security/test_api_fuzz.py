"""API fuzzing (issue 16, item 8): schemathesis generates requests from /api/v1/openapi.json and
sends them to the Django app in process (WSGI), signed in with the token of a Surrey analyst who
accepted the terms of two agreements, on the demo's data. Every response must be documented
(status, content type, body schema) and none may be a 5xx. The number of examples is bounded so
the run stays short.
"""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.specs.openapi import checks as openapi_checks

from lgrshare.evidence.models import OptionSet
from lgrshare.requests.models import Comment, DataRequest
from lgrshare.submissions.models import Submission
from lgrshare.wsgi import application
from tests.conftest import GUILDFORD, SURREY
from tests.security.conftest import World

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
# Enough to reach every documented status of an operation, few enough for a loaded machine.
EXAMPLES = 8


@pytest.fixture(scope="module", autouse=True)
def _one_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request, as it should in
    production; here that would close the test's transaction (on PostgreSQL), so the module
    keeps it, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def token(world: World) -> str:
    return world.token("surrey.reader")


@pytest.fixture(scope="module", params=["made-up", "demo"])
def path_values(request: pytest.FixtureRequest, world: World) -> dict[str, object]:
    """Made-up identifiers reach the refusals; the demo's own reach the data (generated
    bodies and queries on real agreements, submissions, requests and options)."""
    if request.param == "made-up":
        return {}
    harmonisation = world.agreements["harmonisation"]
    submission = Submission.objects.filter(dataset__agreement=harmonisation).first()
    data_request = DataRequest.objects.get(
        area__county_id=SURREY, standard_name="contracts-register"
    )
    return {
        "county_gss": SURREY,
        "gss_code": GUILDFORD,
        "agreement_id": harmonisation.pk,
        "submission_id": submission.pk,
        "slug": submission.dataset.slug,
        "request_id": data_request.pk,
        "attachment_id": Comment.objects.filter(request=data_request, attachment__isnull=False)
        .first()
        .attachment_id,
        "option_id": OptionSet.objects.filter(area__county_id=SURREY).first().pk,
        "standard": "council-tax-base",
        "name": "council-tax-base",
    }


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_every_api_response_is_documented_and_none_is_a_server_error(case, token, path_values, db):
    if case.path_parameters:
        case.path_parameters = {
            key: path_values.get(key, value) for key, value in case.path_parameters.items()
        }
    # The schema declares bearer auth, so schemathesis makes up a token of its own: ours wins.
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    case.call_and_validate(checks=CHECKS)
