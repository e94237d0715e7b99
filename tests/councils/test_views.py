"""Pages: sign-in is needed, people see only their areas, admins add people."""

import pytest
from django.test import Client
from tests.conftest import GUILDFORD, PASSWORD, SURREY

from lgrshare.councils.models import User


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", f"/areas/{SURREY}/", f"/councils/{GUILDFORD}/"])
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


def test_my_areas_lists_the_users_area(signed_in, alice):
    response = signed_in(alice).get("/")
    assert response.status_code == 200
    assert b"Surrey" in response.content
    assert f"/areas/{SURREY}/".encode() in response.content


def test_area_dashboard_shows_twelve_councils_with_real_figures(signed_in, alice, bob):
    response = signed_in(alice).get(f"/areas/{SURREY}/")
    assert response.status_code == 200
    assert len(response.context["councils"]) == 12
    html = response.content.decode()
    assert "Guildford Borough Council" in html
    assert "151,359" in html
    assert "27,094.46" in html
    assert "1,248,649" in html
    # People by council with their roles.
    assert "Woking Borough Council" in html
    assert "Data lead" in html


def test_council_page_shows_population_and_people(signed_in, alice):
    response = signed_in(alice).get(f"/councils/{GUILDFORD}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "151,359" in html
    assert "Alice Test" in html
    assert "Analyst" in html


@pytest.mark.parametrize(
    "path", [f"/areas/{SURREY}/", f"/councils/{GUILDFORD}/", f"/areas/{SURREY}/people/add"]
)
def test_an_outsider_gets_not_found_and_no_data(signed_in, alice, charlie, path):
    response = signed_in(charlie).get(path)
    assert response.status_code == 404
    assert b"Guildford" not in response.content
    assert b"Alice" not in response.content


def test_unknown_codes_are_not_found_not_a_server_error(signed_in, alice):
    client = signed_in(alice)
    for path in ["/areas/E10999999/", "/councils/NOTACODE/", "/areas/%3Cscript%3E/"]:
        response = client.get(path)
        assert response.status_code == 404
        assert b"<script>" not in response.content


def test_wrong_method_is_405(signed_in, alice):
    assert signed_in(alice).post(f"/areas/{SURREY}/").status_code == 405


def test_an_area_admin_adds_a_person_who_can_then_sign_in(signed_in, admin):
    client = signed_in(admin)
    page = client.get(f"/areas/{SURREY}/")
    assert b"Add a person" in page.content
    response = client.post(
        f"/areas/{SURREY}/people/add",
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia.jones@guildford.gov.uk",
            "username": "nia.jones",
            "organisation": f"council:{GUILDFORD}",
            "roles": ["analyst", "data-lead"],
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    nia = User.objects.get(username="nia.jones")
    assert nia.council_id == GUILDFORD
    assert nia.role_codes == {"analyst", "data-lead"}
    assert Client().login(username="nia.jones", password=password)


def test_add_person_form_errors_are_listed_and_nothing_is_created(signed_in, admin, alice):
    response = signed_in(admin).post(
        f"/areas/{SURREY}/people/add",
        {
            "first_name": "",
            "last_name": "X",
            "email": "bad",
            "username": "alice",
            "organisation": f"council:{GUILDFORD}",
            "roles": [],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select at least one role" in html
    assert "Enter their first name" in html
    assert 'href="#id_roles_0"' in html  # the summary links to the first checkbox
    assert User.objects.filter(username="alice").count() == 1


def test_only_area_admins_add_people(signed_in, alice):
    response = signed_in(alice).get(f"/areas/{SURREY}/people/add")
    assert response.status_code == 403
    assert b"not-area-admin" in response.content


def test_sign_in_and_out(client, alice):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert b"Sign in to LGR Share" in page.content
    response = client.post("/sign-in", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/sign-out").status_code == 405  # sign-out is a POST, never a link
    client.post("/sign-out")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error_summary(client, alice):
    response = client.post("/sign-in", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


def test_csrf_is_enforced_on_sign_in(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/sign-in", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_an_oversized_form_body_is_refused_with_413(signed_in, admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_in(admin).post(f"/areas/{SURREY}/people/add", {"first_name": "x" * 5000})
    assert response.status_code == 413
    assert b"request-too-large" in response.content
