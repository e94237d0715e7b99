"""The authorisation matrix (issue 16, item 7): every page route from Django's resolver and every
API operation from /api/v1/openapi.json, tried on the Surrey demo by five people who must not
get its data:

- ``anonymous``: nobody signed in (pages: the sign-in redirect; the API: 401);
- ``other-area``: a Kent person with every role (Kent is another area);
- ``contractor-not-named``: staff of a contractor working for Surrey County Council that no
  agreement names;
- ``non-party``: an Elmbridge person with every role (Elmbridge is in Surrey but party to none
  of the demo's agreements);
- ``party-without-terms``: ``surrey.analyst``, at a party to DSA-00001 and DSA-00002, who has
  not accepted their terms.

A route is classified below by who may reach it (``PUBLIC`` ... ``DATA``); the actors its level
refuses must get 401, 403 or 404 (or the sign-in redirect, or 405 for a method the route does
not take) with none of the sample's identifiers in the body, and every actor, refused or not,
must never see the figures of a submission (the data markers) outside a public route. Every
route is also POSTed to by each refused actor: nothing may be written but the audit record.
(That refusals are audited is proven in tests/audit/test_hidden.py and
tests/audit/test_completeness.py.) The test that classifies fails on a route nobody classified,
so a new route is covered the day it is added.

The policy unit matrices (tests/domain/test_policy*.py) prove the rules; this one proves every
door in front of them asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from lgrshare.accounts.models import ApiToken
from lgrshare.agreements.models import ContractorAgreement
from lgrshare.catalogue.models import Dataset
from lgrshare.evidence.models import OptionSet
from lgrshare.requests.models import Comment, DataRequest
from lgrshare.retention.models import Attestation, DeletionCertificate
from lgrshare.submissions.models import Submission
from tests.conftest import GUILDFORD, SURREY, WOKING
from tests.security.conftest import World

ACTORS = {
    "anonymous": None,
    "other-area": "kent.everything",
    "contractor-not-named": "unnamed.contractor",
    "non-party": "elmbridge.everything",
    "party-without-terms": "surrey.analyst",
}

# Who a route refuses, from the widest door to the narrowest.
PUBLIC: frozenset[str] = frozenset()
SIGNED_IN = frozenset({"anonymous"})  # each person's own things (account, tasks)
AREA = SIGNED_IN | {"other-area"}  # any member of the area, contractor staff included
AREA_STAFF = AREA | {"contractor-not-named"}  # council staff of the area, named contractors
PARTY = AREA_STAFF | {"non-party"}  # the parties of the agreement (and named contractors)
DATA = PARTY | {"party-without-terms"}  # the data itself: parties who accepted the terms

REFUSED = {401, 403, 404, 405}
# A POST with an empty form is refused like any other request: the policy is asked before the
# input is read, so someone who may not act there gets its 403/404, never a 400 that would tell
# them their form reached the check of its fields.
REFUSED_POST = REFUSED
# Pages the product shows to someone without any of the object's data, by design: the submit
# page of an agreement shows a non-party's council nothing to submit (an empty list).
SHOWN_WITHOUT_DATA = {
    ("submit", "non-party"),
}


@pytest.fixture(scope="module")
def ids(world: World) -> dict[str, Any]:
    """The demo's objects each route is tried on, by short name."""
    harmonisation = world.agreements["harmonisation"]
    submission = Submission.objects.get(
        dataset__agreement=harmonisation, dataset__publisher_id=GUILDFORD
    )
    data_request = DataRequest.objects.get(
        area__county_id=SURREY, standard_name="contracts-register"
    )
    comment = Comment.objects.get(request=data_request, attachment__isnull=False)
    return {
        "area": SURREY,
        "harmonisation": harmonisation.pk,
        "contracts": world.agreements["contracts"].pk,
        "dpia": world.agreements["dpia"].pk,
        "submission": submission.pk,
        "submission-slug": submission.dataset.slug,
        "request": data_request.pk,
        "attachment": comment.attachment_id,
        "contract": ContractorAgreement.objects.get().pk,
        "certificate": DeletionCertificate.objects.get().pk,
        "attestation": Attestation.objects.get(council_id=WOKING).pk,
        "option": OptionSet.objects.get(area__county_id=SURREY, name__startswith="Two").pk,
        "held": Dataset.objects.filter(area__county_id=SURREY, kind="register").first().slug,  # type: ignore[union-attr]
        "person": world.people["guildford.analyst"].pk,
        "token": ApiToken.objects.filter(user__username="guildford.analyst").first().pk,  # type: ignore[union-attr]
        "reader": "guildford.analyst",
    }


# Each route name: who it refuses, and the URL arguments (from ``ids``) it is tried with; a
# route with an action slug is tried with each action its view knows.
A = "harmonisation"
ROUTES: dict[str, tuple[frozenset[str], list[dict[str, str]]]] = {
    # Public: guidance, transparency, the standards, the public data, signing in.
    "home": (PUBLIC, [{}]),
    "sign-in": (PUBLIC, [{}]),
    "sign-out": (PUBLIC, [{}]),
    "two-factor-code": (PUBLIC, [{}]),
    "transparency": (PUBLIC, [{}]),
    "guidance": (PUBLIC, [{}]),
    "data-protection": (PUBLIC, [{}]),
    "standards": (PUBLIC, [{}]),
    "standard": (PUBLIC, [{"name": "council-tax-base"}]),
    "standard-schema": (PUBLIC, [{"name": "council-tax-base"}]),
    "standard-template": (PUBLIC, [{"name": "council-tax-base", "fmt": "csv"}]),
    "api-docs": (PUBLIC, [{}]),
    "error-codes": (PUBLIC, [{}]),
    "catalogue": (SIGNED_IN, [{}]),
    # A person's own things.
    "password-change": (SIGNED_IN, [{}]),
    "two-factor": (SIGNED_IN, [{}]),
    "two-factor-set-up": (SIGNED_IN, [{}]),
    "two-factor-recovery-codes": (SIGNED_IN, [{}]),
    "two-factor-renew-codes": (SIGNED_IN, [{}]),
    "two-factor-remove": (SIGNED_IN, [{}]),
    "tokens": (SIGNED_IN, [{}]),
    "token-revoke": (
        AREA | {"contractor-not-named", "non-party", "party-without-terms"},
        [{"token_id": "token"}],
    ),
    "notifications": (SIGNED_IN, [{}]),
    "notifications-read": (SIGNED_IN, [{}]),
    "tasks": (SIGNED_IN, [{}]),
    "council": (SIGNED_IN, [{"gss_code": "E07000209"}]),
    # The area's own pages.
    "area": (AREA, [{"county_gss": "area"}]),
    "person-add": (AREA, [{"county_gss": "area"}]),
    "person-added": (AREA, [{"county_gss": "area"}]),
    "contractor-add": (AREA, [{"county_gss": "area"}]),
    "person": (AREA, [{"pk": "person"}]),
    "person-action": (
        AREA | {"contractor-not-named", "non-party", "party-without-terms"},
        [
            {"pk": "person", "action": a}
            for a in ("grant", "remove", "confirm-role", "confirm", "deactivate")
        ],
    ),
    "held-new": (AREA, [{"county_gss": "area"}]),
    "catalogue-import": (AREA, [{"county_gss": "area"}]),
    "standard-new": (AREA, [{"county_gss": "area"}]),
    # The field editor of the demo's area standard (drafted from Surrey's example file).
    "standard-fields": (AREA, [{"name": "surrey-band-d-by-district"}]),
    "options": (AREA, [{"county_gss": "area"}]),
    "option-new": (AREA, [{"county_gss": "area"}]),
    "options-compare": (AREA, [{"county_gss": "area"}]),
    "evidence-pack": (AREA, [{"county_gss": "area", "file_format": f} for f in ("pdf", "zip")]),
    "option": (AREA, [{"county_gss": "area", "pk": "option"}]),
    "option-version-new": (AREA, [{"county_gss": "area", "pk": "option"}]),
    "find-start": (AREA, [{"county_gss": "area"}]),
    "find-results": (AREA, [{"county_gss": "area"}]),
    "register": (AREA, [{"county_gss": "area"}]),
    "request-new": (AREA, [{"county_gss": "area"}]),
    "request": (AREA, [{"pk": "request"}]),
    "request-edit": (AREA, [{"pk": "request"}]),
    "request-action": (
        AREA,
        [
            {"pk": "request", "action": a}
            for a in ("open", "answer", "comment", "join", "fulfil", "close")
        ],
    ),
    "request-attachment": (AREA_STAFF, [{"pk": "request", "attachment_id": "attachment"}]),
    "retention": (AREA, [{"county_gss": "area"}]),
    "agreements": (AREA, [{"county_gss": "area"}]),
    "agreement-new": (AREA, [{"county_gss": "area"}]),
    "contractors": (AREA, [{"county_gss": "area"}]),
    "area-audit": (AREA, [{"county_gss": "area"}]),
    "audit-target": (AREA, [{"target_type": "agreement", "target_id": "DSA-00002"}]),
    "audit-person": (AREA, [{"username": "guildford.analyst"}]),
    # An agreement's pages: the area's council staff and the contractors it names.
    "agreement": (AREA_STAFF, [{"pk": A}]),
    "agreement-edit": (AREA_STAFF, [{"pk": A}]),
    "agreement-pdf": (AREA_STAFF, [{"pk": A}]),
    "agreement-version": (AREA_STAFF, [{"pk": A, "number": 1}]),
    "agreement-version-pdf": (AREA_STAFF, [{"pk": A, "number": 1}]),
    "agreement-action": (
        AREA_STAFF,
        [
            {"pk": A, "action": a}
            for a in (
                "send",
                "review",
                "sign",
                "ask-legal",
                "legal-review",
                "it-security-review",
                "suspend",
                "terminate",
                "accept",
                "dpia",
            )
        ],
    ),
    "agreement-retention": (AREA_STAFF, [{"pk": A}]),
    "agreement-dpia-document": (PARTY, [{"pk": "dpia"}]),
    "contractor-agreement-sign-off": (PARTY, [{"pk": "contract"}]),
    "contractor-agreement-document": (PARTY, [{"pk": "contract"}]),
    "certificate": (AREA_STAFF, [{"pk": "certificate"}]),
    "certificate-pdf": (AREA_STAFF, [{"pk": "certificate"}]),
    "certificate-json": (AREA_STAFF, [{"pk": "certificate"}]),
    "attestation": (PARTY, [{"pk": "attestation"}]),
    "submit": (PARTY, [{"pk": A}]),
    "agreed-template": (AREA_STAFF, [{"pk": A, "standard": "council-tax-base", "fmt": "csv"}]),
    # The data: parties that accepted the terms.
    "dataset": (AREA_STAFF, [{"slug": "submission-slug"}]),
    "dataset-download": (DATA, [{"slug": "submission-slug"}]),
    "dataset-export": (
        DATA,
        [{"slug": "submission-slug", "fmt": f} for f in ("csv", "xlsx", "zip")],
    ),
    "compiled": (DATA, [{"pk": A, "standard": "council-tax-base"}]),
    "compiled-export": (DATA, [{"pk": A, "standard": "council-tax-base", "fmt": "csv"}]),
    "submission": (AREA_STAFF, [{"pk": "submission"}]),
    "submission-report": (DATA, [{"pk": "submission"}]),
    "submission-report-table": (DATA, [{"pk": "submission", "fmt": "csv"}]),
    "submission-download": (DATA, [{"pk": "submission", "fmt": f} for f in ("zip", "xlsx")]),
    "submission-action": (
        PARTY,
        [{"pk": "submission", "action": a} for a in ("caveat", "accept", "withdraw")],
    ),
    "delete-early": (PARTY, [{"pk": "submission"}]),
}


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if "api/v1" in str(entry.pattern) or getattr(entry, "namespace", None) == "api-1":
                continue
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name or ""


PAGES = sorted(
    {
        name
        for route, name in _patterns(get_resolver().url_patterns)
        if not route.startswith("api/v1/")
    }
)


def test_every_page_route_is_classified():
    unnamed = [route for route, name in _patterns(get_resolver().url_patterns) if not name]
    missing = [name for name in PAGES if name not in ROUTES]
    assert not unnamed, f"Give these routes a name (path(..., name=...)): {unnamed}"
    assert not missing, (
        f"Routes nobody classified: {missing}. Add each to ROUTES in {__file__} with who it "
        "refuses (PUBLIC, SIGNED_IN, AREA, AREA_STAFF, PARTY or DATA) and the demo object "
        "it is tried on."
    )
    stale = sorted(set(ROUTES) - set(PAGES))
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


# What only the submitted files of DSA-00002 hold: Woking's 2023-24 council tax requirement,
# as the files and the pages write it. (Guildford's figures are the standard's published
# examples, so they are no secret.)
DATA_MARKERS = ("11211968", "11,211,968")


def _identifiers(world: World) -> tuple[str, ...]:
    """Words that say what the demo holds: never on a page refused to someone."""
    return (
        *(agreement.title for agreement in world.agreements.values()),
        DataRequest.objects.get(
            area__county_id=SURREY, standard_name="contracts-register"
        ).question[:60],
        "Two unitaries (East and West)",
        "DEL-00001",
    )


# Tables a refusal may write to: the audit chain (the refusal's own record), sessions, the
# sign-in throttle and a token's last use.
MAY_WRITE = ("audit_auditentry", "audit_auditlock", "django_session", "axes_", "accounts_apitoken")
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _writes(queries: list[dict[str, str]]) -> list[str]:
    """The tables the captured SQL wrote to, but those a refusal may write to."""
    written = (WRITE.match(query["sql"]) for query in queries)
    return sorted({m.group(2) for m in written if m and not m.group(2).startswith(MAY_WRITE)})


def _request(client: Client, method: str, url: str, **extra: Any) -> tuple[Any, list[str]]:
    """Send ``method`` to ``url`` (an empty form or JSON body for POST); return the response
    and the tables it wrote to (any write counts as a change, an UPDATE as much as an INSERT)."""
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            response = client.get(url, **extra)
        elif url.startswith("/api/"):
            response = client.post(url, data="{}", content_type="application/json", **extra)
        else:
            response = client.post(url, {}, **extra)
    return response, _writes(captured.captured_queries)


def _client(world: World, actor: str) -> Client:
    client = Client()
    username = ACTORS[actor]
    if username is not None:
        client.force_login(world.people[username])
    return client


def _url(name: str, kwargs: dict[str, Any], ids: dict[str, Any]) -> str:
    values = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    return reverse(name, kwargs=values)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _check_refused(actor: str, method: str, url: str, response: Any) -> str | None:
    status = response.status_code
    if status == 302:
        location = urlsplit(response["Location"]).path
        if actor == "anonymous" and location == reverse("sign-in"):
            return None
        # A redirect to another route that refuses this actor too (data.csv -> download.zip):
        # that route is tried on its own.
        target = resolve(location).url_name
        if target in ROUTES and actor in ROUTES[target][0]:
            return None
        return f"{method} {url} as {actor}: redirected to {response['Location']}"
    if status not in (REFUSED_POST if method == "POST" else REFUSED):
        return f"{method} {url} as {actor}: {status}, expected 401/403/404/405"
    return None


@pytest.mark.parametrize("name", PAGES)
def test_every_page_refuses_who_it_must_and_shows_no_data_to_them(name, world, ids, db):
    refused, samples = ROUTES[name]
    identifiers = _identifiers(world)
    wrong: list[str] = []
    for kwargs in samples:
        url = _url(name, kwargs, ids)
        for actor in ACTORS:
            client = _client(world, actor)
            # Those the route lets in are only read from (their POSTs are the product's own
            # tests'); those it refuses try to change something too.
            for method in ("GET", "POST") if actor in refused else ("GET",):
                response, written = _request(client, method, url)
                body = _body(response)
                if response.status_code >= 500:
                    wrong.append(f"{method} {url} as {actor}: {response.status_code}")
                    continue
                if refused != PUBLIC and (shown := [m for m in DATA_MARKERS if m in body]):
                    wrong.append(f"{method} {url} as {actor}: shows data {shown}")
                other_area = actor == "other-area" and refused != PUBLIC
                if other_area and (named := [m for m in identifiers if m in body]):
                    wrong.append(f"{method} {url} as {actor}: names {named}")
                if actor not in refused or (name, actor) in SHOWN_WITHOUT_DATA:
                    continue
                problem = _check_refused(actor, method, url, response)
                if problem:
                    wrong.append(problem)
                    continue
                if shown := [m for m in identifiers if m in body]:
                    wrong.append(f"{method} {url} as {actor}: refused but names {shown}")
                if written:
                    wrong.append(f"{method} {url} as {actor}: refused but wrote to {written}")
    assert not wrong, "\n".join(wrong)


# The API: each operation by its path template and method, who it refuses and the values of
# its path parameters (names from ``ids``). Every operation needs a token; ``SIGNED_IN`` ones
# answer each person about their own areas only.
S, H = "submission", "harmonisation"
API_ROUTES: dict[tuple[str, str], tuple[frozenset[str], dict[str, str]]] = {
    ("GET", "/api/v1/areas"): (SIGNED_IN, {}),
    ("GET", "/api/v1/areas/{county_gss}"): (AREA, {"county_gss": "area"}),
    ("GET", "/api/v1/councils/{gss_code}"): (SIGNED_IN, {"gss_code": GUILDFORD}),
    ("GET", "/api/v1/standards"): (SIGNED_IN, {}),
    ("GET", "/api/v1/standards/{name}"): (SIGNED_IN, {"name": "council-tax-base"}),
    ("POST", "/api/v1/areas/{county_gss}/standards"): (AREA, {"county_gss": "area"}),
    ("GET", "/api/v1/catalogue"): (SIGNED_IN, {}),
    ("GET", "/api/v1/catalogue/{slug}"): (AREA_STAFF, {"slug": "submission-slug"}),
    ("GET", "/api/v1/requests"): (SIGNED_IN, {}),
    ("POST", "/api/v1/requests"): (SIGNED_IN, {}),
    ("GET", "/api/v1/requests/{request_id}"): (AREA, {"request_id": "request"}),
    ("POST", "/api/v1/requests/{request_id}/answer"): (AREA, {"request_id": "request"}),
    ("POST", "/api/v1/requests/{request_id}/comments"): (AREA, {"request_id": "request"}),
    ("POST", "/api/v1/requests/{request_id}/state"): (AREA, {"request_id": "request"}),
    ("POST", "/api/v1/requests/{request_id}/attachments"): (AREA, {"request_id": "request"}),
    ("GET", "/api/v1/requests/{request_id}/attachments/{attachment_id}"): (
        AREA_STAFF,
        {"request_id": "request", "attachment_id": "attachment"},
    ),
    ("POST", "/api/v1/agreements"): (SIGNED_IN, {}),
    ("GET", "/api/v1/agreements/{agreement_id}"): (AREA_STAFF, {"agreement_id": H}),
    ("GET", "/api/v1/agreements/{agreement_id}/versions"): (AREA_STAFF, {"agreement_id": H}),
    ("POST", "/api/v1/agreements/{agreement_id}/review-request"): (
        AREA_STAFF,
        {"agreement_id": H},
    ),
    ("POST", "/api/v1/agreements/{agreement_id}/approve"): (AREA_STAFF, {"agreement_id": H}),
    ("POST", "/api/v1/agreements/{agreement_id}/sign"): (AREA_STAFF, {"agreement_id": H}),
    ("POST", "/api/v1/agreements/{agreement_id}/expert-review"): (
        AREA_STAFF,
        {"agreement_id": H},
    ),
    ("POST", "/api/v1/agreements/{agreement_id}/terms-acceptance"): (
        PARTY,
        {"agreement_id": H},
    ),
    ("POST", "/api/v1/agreements/{agreement_id}/suspend"): (AREA_STAFF, {"agreement_id": H}),
    ("POST", "/api/v1/agreements/{agreement_id}/terminate"): (AREA_STAFF, {"agreement_id": H}),
    ("GET", "/api/v1/agreements/{agreement_id}/document.pdf"): (AREA_STAFF, {"agreement_id": H}),
    ("POST", "/api/v1/submissions"): (SIGNED_IN, {}),
    ("GET", "/api/v1/submissions/{submission_id}"): (AREA_STAFF, {"submission_id": S}),
    ("GET", "/api/v1/submissions/{submission_id}/report"): (DATA, {"submission_id": S}),
    ("POST", "/api/v1/submissions/{submission_id}/caveats"): (PARTY, {"submission_id": S}),
    ("POST", "/api/v1/submissions/{submission_id}/accept"): (PARTY, {"submission_id": S}),
    ("POST", "/api/v1/submissions/{submission_id}/withdraw"): (PARTY, {"submission_id": S}),
    ("GET", "/api/v1/catalogue/{slug}/rows"): (DATA, {"slug": "submission-slug"}),
    ("GET", "/api/v1/catalogue/{slug}/download.{fmt}"): (
        DATA,
        {"slug": "submission-slug", "fmt": "csv"},
    ),
    ("GET", "/api/v1/submissions/{submission_id}/download.{fmt}"): (
        DATA,
        {"submission_id": S, "fmt": "zip"},
    ),
    ("GET", "/api/v1/agreements/{agreement_id}/compile/{standard}"): (
        DATA,
        {"agreement_id": H, "standard": "council-tax-base"},
    ),
    ("GET", "/api/v1/agreements/{agreement_id}/compile/{standard}/download.{fmt}"): (
        DATA,
        {"agreement_id": H, "standard": "council-tax-base", "fmt": "csv"},
    ),
    ("GET", "/api/v1/audit"): (SIGNED_IN, {}),
    ("GET", "/api/v1/audit/verify"): (SIGNED_IN, {}),
    ("POST", "/api/v1/areas/{county_gss}/options/appraise"): (AREA, {"county_gss": "area"}),
    ("GET", "/api/v1/areas/{county_gss}/options"): (AREA, {"county_gss": "area"}),
    ("GET", "/api/v1/areas/{county_gss}/options/{option_id}/appraisal"): (
        AREA,
        {"county_gss": "area", "option_id": "option"},
    ),
    ("GET", "/api/v1/areas/{county_gss}/options/{option_id}/indicators"): (
        AREA,
        {"county_gss": "area", "option_id": "option"},
    ),
}
API_REFUSED = {401, 403, 404, 405, 422}  # 422: bad input refused before the permission


def _operations() -> list[tuple[str, str]]:
    document = Client().get("/api/v1/openapi.json").json()
    return sorted(
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    )


def test_every_api_operation_is_classified(db):
    missing = [op for op in _operations() if op not in API_ROUTES]
    assert not missing, (
        f"API operations nobody classified: {missing}. Add each to API_ROUTES in {__file__} "
        "with who it refuses (SIGNED_IN, AREA, AREA_STAFF, PARTY or DATA) and its path values."
    )
    stale = sorted(set(API_ROUTES) - set(_operations()))
    assert not stale, f"API_ROUTES names operations that no longer exist: {stale}"


@pytest.mark.parametrize("operation", sorted(API_ROUTES), ids=" ".join)
def test_every_api_operation_refuses_who_it_must_and_shows_no_data_to_them(
    operation, world, ids, db
):
    method, template = operation
    refused, params = API_ROUTES[operation]
    path = template.format(**{k: ids.get(v, v) for k, v in params.items()})
    if template.endswith("/indicators"):
        path += f"?agreement={ids[H]}&standard=council-tax-base&measure=council_tax_requirement_gbp"
    identifiers = _identifiers(world)
    wrong: list[str] = []
    for actor, username in ACTORS.items():
        headers = (
            {} if username is None else {"HTTP_AUTHORIZATION": f"Bearer {world.token(username)}"}
        )
        response, written = _request(Client(), method, path, **headers)
        body = _body(response)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{method} {path} as {actor}: {status}")
        if shown := [m for m in DATA_MARKERS if m in body]:
            wrong.append(f"{method} {path} as {actor}: shows data {shown}")
        if actor == "other-area" and (named := [m for m in identifiers if m in body]):
            wrong.append(f"{method} {path} as {actor}: names {named}")
        if actor not in refused:
            continue
        if status not in API_REFUSED:
            wrong.append(f"{method} {path} as {actor}: {status}, expected 401/403/404")
        elif named := [m for m in identifiers if m in body]:
            wrong.append(f"{method} {path} as {actor}: refused but names {named}")
        if written:
            wrong.append(f"{method} {path} as {actor}: refused but wrote to {written}")
    assert not wrong, "\n".join(wrong)


def test_a_reader_who_accepted_the_terms_sees_the_data_markers(world, ids, db):
    """The markers above are what the data routes show to someone allowed: without this the
    matrix could pass on markers no page ever shows."""
    client = Client()
    client.force_login(world.people["surrey.reader"])
    url = reverse("compiled", kwargs={"pk": ids[H], "standard": "council-tax-base"})
    compiled = _body(client.get(url))
    assert any(marker in compiled for marker in DATA_MARKERS)
    rows = client.get(
        f"/api/v1/agreements/{ids[H]}/compile/council-tax-base",
        HTTP_AUTHORIZATION=f"Bearer {world.token('surrey.reader')}",
    )
    assert rows.status_code == 200
    assert DATA_MARKERS[0] in _body(rows)


# Malformed input, sent by people of the area who may not act there (an Elmbridge person with
# every role: a council of the area, party to no agreement; contractor staff, who take no part
# in requests): the policy answers first, so each gets its refusal (403/404), never the 400 that
# the same input earns someone allowed.
MALFORMED: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("non-party", "person-action", {"pk": "person", "action": "no-such-action"}, {}),
    ("non-party", "person-action", {"pk": "person", "action": "grant"}, {"role": "no-such-role"}),
    ("non-party", "person-action", {"pk": "person", "action": "remove"}, {"role": "nobody"}),
    ("non-party", "person-action", {"pk": "person", "action": "confirm-role"}, {"role": "x"}),
    ("non-party", "submission-action", {"pk": "submission", "action": "no-such-action"}, {}),
    ("non-party", "submission-action", {"pk": "submission", "action": "withdraw"}, {"x": "?"}),
    ("non-party", "submission-action", {"pk": "submission", "action": "caveat"}, {"kind": "x"}),
    ("contractor-not-named", "request-action", {"pk": "request", "action": "nonsense"}, {}),
    ("contractor-not-named", "request-action", {"pk": "request", "action": "close"}, {"note": "x"}),
    ("contractor-not-named", "request-action", {"pk": "request", "action": "answer"}, {"x": "y"}),
    ("non-party", "request-action", {"pk": "request", "action": "close"}, {"reason": "x"}),
    ("non-party", "agreement-action", {"pk": A, "action": "no-such-action"}, {}),
    ("non-party", "agreement-action", {"pk": A, "action": "sign"}, {"version": "x"}),
    ("non-party", "agreement-action", {"pk": A, "action": "review"}, {"decision": "x"}),
    ("non-party", "agreement-action", {"pk": A, "action": "legal-review"}, {"outcome": "x"}),
    ("non-party", "agreement-action", {"pk": A, "action": "accept"}, {}),
    ("non-party", "agreement-action", {"pk": A, "action": "dpia"}, {"status": "x"}),
]


@pytest.mark.parametrize(("actor", "name", "kwargs", "form"), MALFORMED)
def test_malformed_input_from_someone_who_may_not_act_gets_the_policys_refusal(
    actor, name, kwargs, form, world, ids, db
):
    url, client = _url(name, kwargs, ids), _client(world, actor)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, form)
    assert response.status_code in {403, 404}, _body(response)[:2000]
    assert not _writes(captured.captured_queries)
