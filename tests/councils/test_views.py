"""Pages: sign-in is needed, people see only their areas, admins add people."""

import pytest
from django.test import Client

from lgrshare.councils.models import User
from tests.conftest import GUILDFORD, PASSWORD, SURREY


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


def test_an_area_admin_adds_a_person_at_their_own_council_who_can_then_sign_in(signed_in, admin):
    client = signed_in(admin)
    page = client.get(f"/areas/{SURREY}/")
    assert b"Add a person" in page.content
    response = client.post(
        f"/areas/{SURREY}/people/add",
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "email": "nia.jones@surreycc.gov.uk",
            "username": "nia.jones",
            "organisation": f"council:{SURREY}",
            "roles": ["analyst", "data-lead"],
        },
        follow=True,
    )
    assert response.status_code == 200
    password = response.context["password"]
    nia = User.objects.get(username="nia.jones")
    assert nia.council_id == SURREY
    assert nia.role_codes == {"analyst", "data-lead"}
    # The password is shown once: reloading the page does not show it (or add anyone) again.
    again = client.get(f"/areas/{SURREY}/people/added")
    assert again.status_code == 302
    assert password not in again.content.decode()
    newcomer = Client()
    signed = newcomer.post("/sign-in", {"username": "nia.jones", "password": password})
    assert signed.status_code == 302
    assert newcomer.get("/").status_code == 200


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
    assert b"role-not-permitted" in response.content


def test_sign_in_and_out(client, alice):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert b"Sign in to LGR Share" in page.content
    response = client.post("/sign-in", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    confirm = client.get("/sign-out")  # a typed address asks first; it never signs out
    assert b"Do you want to sign out?" in confirm.content
    assert client.get("/").status_code == 200
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


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_an_oversized_form_body_is_refused_with_413(signed_in, admin, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = signed_in(admin).post(f"/areas/{SURREY}/people/add", {"first_name": "x" * 5000})
    assert response.status_code == 413
    assert b"request-too-large" in response.content


def test_an_oversized_sign_in_is_413_even_before_the_view(client, settings):
    # The CSRF check reads the body first, so this is refused by middleware, not the view.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/sign-in", {"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413


def test_a_duplicate_email_is_refused(signed_in, admin, alice):
    alice.email = "alice@guildford.gov.uk"
    alice.save()
    response = signed_in(admin).post(
        f"/areas/{SURREY}/people/add",
        {
            "first_name": "A",
            "last_name": "B",
            "email": "ALICE@guildford.gov.uk",
            "username": "alice.two",
            "organisation": f"council:{GUILDFORD}",
            "roles": ["analyst"],
        },
    )
    assert "Someone already uses the email address" in response.content.decode()
    assert not User.objects.filter(username="alice.two").exists()


def test_an_expired_form_gets_a_govuk_page_not_djangos(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/account/tokens", {"name": "x"})
    assert response.status_code == 403
    assert b"csrf-failed" in response.content
    assert b"govuk-heading-l" in response.content


def test_a_wrong_method_gets_a_govuk_page(signed_in, alice):
    response = signed_in(alice).delete("/")
    assert response.status_code == 405
    assert b"method-not-allowed" in response.content
    assert "GET" in response["Allow"]


def test_signed_in_pages_are_not_cached_and_have_a_content_security_policy(signed_in, alice):
    response = signed_in(alice).get(f"/areas/{SURREY}/")
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, alice):
    for _ in range(5):
        client.post("/sign-in", {"username": "alice", "password": "wrong-password"})
    locked = client.post("/sign-in", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert b"sign-in-locked" in locked.content
    assert client.get("/").status_code == 302


def test_people_change_their_own_password(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        "/account/password",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase")
