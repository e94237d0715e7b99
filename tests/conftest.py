"""The fixed cast every test uses (STYLE.md habit 7).

alice: Guildford analyst. bob: Woking data lead. admin: Surrey area administrator.
dave: analyst at a contractor working for Surrey County Council.
charlie: the outsider, a Kent analyst, who must never see anything of Surrey.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"
SURREY, GUILDFORD, WOKING, KENT = "E10000030", "E07000209", "E07000217", "E10000016"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    """Hash test passwords with MD5: Argon2 made up about three quarters of the suite's time.

    Production keeps Argon2 (``settings.PASSWORD_HASHERS``); ``tests/accounts/test_hashing.py``
    proves it, running with this override lifted.
    """
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _two_factor_only_where_tested() -> Iterator[None]:
    """Most tests sign people in with ``force_login``, which cannot give a second factor; the
    two-factor tests (tests/accounts/test_two_factor.py, tests/browser/test_two_factor.py)
    turn the requirement back on, and a test proves it is on by default."""
    from django.test import override_settings

    with override_settings(TWO_FACTOR_REQUIRED=False):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    from lgrshare.catalogue.services import catalogue_load_public
    from lgrshare.councils.services import reference_load

    with django_db_blocker.unblock():
        reference_load()
        catalogue_load_public()


def _make(username: str, roles: list[str], council: str | None = None, contractor=None):
    from lgrshare.councils.models import Council
    from lgrshare.councils.services import user_create

    user, _ = user_create(
        username=username,
        first_name=username.capitalize(),
        last_name="Test",
        roles=roles,
        council=Council.objects.get(pk=council) if council else None,
        contractor=contractor,
        password=PASSWORD,
    )
    return user


@pytest.fixture
def alice(db: None):
    return _make("alice", ["analyst"], GUILDFORD)


@pytest.fixture
def bob(db: None):
    return _make("bob", ["data-lead"], WOKING)


@pytest.fixture
def admin(db: None):
    return _make("admin", ["area-admin", "programme-lead"], SURREY)


@pytest.fixture
def charlie(db: None):
    return _make("charlie", ["analyst", "area-admin"], KENT)


@pytest.fixture
def dave(db: None):
    from lgrshare.councils.models import Contractor

    contractor = Contractor.objects.create(name="Example Analytics Ltd", works_for_id=SURREY)
    return _make("dave", ["analyst"], contractor=contractor)


@pytest.fixture
def signed_in(client):
    """Return a function that signs a user in on the test client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def isolated_home(tmp_path, monkeypatch) -> Iterator[object]:
    monkeypatch.setenv("LGRSHARE_HOME", str(tmp_path))
    return tmp_path
