"""A NUL character in a path, a query or a JSON body is refused before any view runs: on
PostgreSQL it was a 500 (text cannot hold NUL), found by the API fuzzer."""

from lgrshare.accounts.services import token_create


def test_a_nul_in_an_api_query_is_invalid_input(client, alice):
    _, token = token_create(user=alice, name="nul")
    response = client.get("/api/v1/requests?area=E1%00", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-input"


def test_a_nul_in_a_json_body_is_invalid_input(client, alice):
    _, token = token_create(user=alice, name="nul")
    response = client.post(
        "/api/v1/requests",
        data='{"area": "E10000030", "question": "a\\u0000b"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-input"


def test_a_nul_in_a_page_query_is_a_bad_request(signed_in, alice):
    response = signed_in(alice).get("/catalogue/?q=council%00tax")
    assert response.status_code == 400
    assert b"bad-request" in response.content or b"NUL character" in response.content


def test_an_ordinary_query_still_works(signed_in, alice):
    assert signed_in(alice).get("/catalogue/?q=council+tax").status_code == 200
