"""Production hashes passwords with Argon2; only the test suite swaps in a fast hasher."""

from __future__ import annotations

import importlib

from django.contrib.auth.hashers import get_hasher, make_password
from django.test import override_settings


def test_production_settings_hash_passwords_with_argon2() -> None:
    settings_module = importlib.import_module("lgrshare.settings")
    assert settings_module.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    with override_settings(PASSWORD_HASHERS=settings_module.PASSWORD_HASHERS):
        assert get_hasher("default").algorithm == "argon2"
        assert make_password("correct-horse-battery-staple").startswith("argon2$")
