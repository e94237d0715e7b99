"""The LGA guidance where it helps (issue 17): a page mapping each point to the service, and,
at each step, links to what an officer would consult outside it."""

from __future__ import annotations

import re

import pytest

from lgrshare.web.pages import GUIDANCE
from lgrshare.web.references import REFERENCES
from tests.conftest import SURREY

EXTERNAL = re.compile(
    r'<a class="govuk-link" href="(https://[^"]+)" rel="external noopener noreferrer" '
    r'target="_blank">([^<]+)</a>'
)


def _external_links(html: str) -> list[tuple[str, str]]:
    return EXTERNAL.findall(html)


def test_the_guidance_page_maps_every_point_and_is_open_to_all(client):
    page = client.get("/guidance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="guidance-point"') == len(GUIDANCE) >= 10
    for point in GUIDANCE:
        assert f'id="{point.id}"' in html
    links = _external_links(html)
    assert (
        REFERENCES["lga-guidance"].url,
        "Read the guidance on the LGA's website (opens in new tab)",
    ) in links
    # Every external link is labelled as one and opens a real public address.
    assert all(label.endswith("(opens in new tab)") for _, label in links)
    assert {url for url, _ in links} <= {ref.url for ref in REFERENCES.values()}


@pytest.mark.parametrize(
    ("path", "keys"),
    [
        ("/catalogue/", ("lg-inform", "lg-inform-plus", "lga-guidance")),
        (f"/areas/{SURREY}/catalogue/import", ("lg-inform", "lg-inform-plus")),
        (f"/areas/{SURREY}/requests/", ("knowledge-hub", "lga-guidance")),
        (f"/areas/{SURREY}/requests/new", ("knowledge-hub",)),
        (f"/areas/{SURREY}/agreements/", ("ico-data-sharing-code", "knowledge-hub")),
        (f"/areas/{SURREY}/agreements/new", ("ico-data-sharing-code", "ico-dpia", "savvi-ig")),
    ],
)
def test_each_step_links_to_what_an_officer_would_consult(signed_in, admin, path, keys):
    html = signed_in(admin).get(path).content.decode()
    urls = {url for url, _ in _external_links(html)}
    for key in keys:
        assert REFERENCES[key].url in urls, (path, key)


def test_it_security_reads_how_the_service_protects_the_data(signed_in, alice, settings):
    settings.HTTPS = False
    html = signed_in(alice).get("/how-data-is-protected/").content.decode()
    assert "AES-256-GCM" in html
    assert "not set up for HTTPS" in html
    settings.HTTPS = True
    html = signed_in(alice).get("/how-data-is-protected/", secure=True).content.decode()
    assert "only answers over HTTPS" in html
