"""People read words, not codes: a refusal says what unblocks it and links there (the agreement
whose terms to accept); warnings and refusals on pages never show a stable code, which only the
API bodies carry."""

import re

from lgrshare.accounts.services import token_create
from lgrshare.councils.models import Area
from lgrshare.requests import services as requests
from tests.agreements.conftest import cast, draft  # noqa: F401 (fixtures)
from tests.agreements.test_agreements import _shared, _sign_off
from tests.conftest import SURREY
from tests.requests.test_requests import form_data


def _words(html):
    """What a person reads: the page without its tags (a code may sit in an attribute)."""
    return re.sub(r"<[^>]+>", " ", html)


CODE = re.compile(r"\b(terms-not-accepted|finer-geography|direct-identifiers|constraint-error)\b")


def test_a_refused_dataset_page_says_why_in_words_and_links_to_the_terms_to_accept(
    draft,  # noqa: F811
    cast,  # noqa: F811
    signed_in,
):
    active = _sign_off(draft, cast)
    shared = _shared(active)
    client = signed_in(cast["alice"])
    page = client.get(f"/catalogue/{shared.slug}/")
    html = page.content.decode()
    assert page.status_code in {200, 403}
    assert f'href="/agreements/{active.pk}/' in html  # where the terms are accepted
    assert "accept" in html.lower()
    assert not CODE.search(_words(html))
    _, secret = token_create(user=cast["alice"], name="words")
    api = client.get(f"/api/v1/catalogue/{shared.slug}/rows", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert (api.status_code, api.json()["code"]) == (403, "terms-not-accepted")


def test_a_requests_minimisation_warnings_are_words_on_the_page(signed_in, cast):  # noqa: F811
    alice = cast["alice"]
    greedy = requests.request_create_from_form(
        user=alice,
        area=Area.objects.get(county_id=SURREY),
        data=form_data(
            question="How many residents in each district use adult social care?",
            standard="",
            fields_wanted=[],
            geography_level="point",
            items="name\ndate of birth\naddress",
            personal_data=True,
        ),
    )
    codes = {code for code, _ in requests.request_warnings(greedy)}
    assert {"direct-identifiers", "finer-geography"} <= codes
    html = signed_in(alice).get(f"/requests/{greedy.pk}/").content.decode()
    assert not CODE.search(_words(html)), CODE.search(_words(html))
    assert "direct-identifiers" in re.findall(r'data-code="([a-z-]+)"', html)
