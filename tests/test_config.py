"""Settings come from the environment and fail loudly; secrets never silently default."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lgrshare.config import env_bool, env_int, secret
from lgrshare.domain.errors import ConfigurationError


def test_generated_secret_is_created_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("LGRSHARE_TEST_SECRET", raising=False)
    monkeypatch.delenv("LGRSHARE_TEST_SECRET_FILE", raising=False)
    path = tmp_path / "secret"
    first = secret("LGRSHARE_TEST_SECRET", generated_into=path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret("LGRSHARE_TEST_SECRET", generated_into=path) == first


def test_a_named_secret_file_that_is_missing_is_a_start_up_error(tmp_path, monkeypatch):
    monkeypatch.setenv("LGRSHARE_TEST_SECRET_FILE", str(tmp_path / "nope"))
    with pytest.raises(ConfigurationError, match="cannot be read"):
        secret("LGRSHARE_TEST_SECRET", generated_into=tmp_path / "generated")
    assert not (tmp_path / "generated").exists()


def test_an_empty_secret_file_is_refused(tmp_path, monkeypatch):
    (tmp_path / "empty").write_text("\n")
    monkeypatch.setenv("LGRSHARE_TEST_SECRET_FILE", str(tmp_path / "empty"))
    with pytest.raises(ConfigurationError, match="empty"):
        secret("LGRSHARE_TEST_SECRET", generated_into=None)


def test_a_generated_secret_readable_by_others_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("LGRSHARE_TEST_SECRET", raising=False)
    monkeypatch.delenv("LGRSHARE_TEST_SECRET_FILE", raising=False)
    path = tmp_path / "secret"
    path.write_text("x" * 60)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        secret("LGRSHARE_TEST_SECRET", generated_into=path)


def test_with_no_secret_and_nowhere_to_generate_one_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv("LGRSHARE_TEST_SECRET", raising=False)
    monkeypatch.delenv("LGRSHARE_TEST_SECRET_FILE", raising=False)
    with pytest.raises(ConfigurationError, match="LGRSHARE_TEST_SECRET_FILE"):
        secret("LGRSHARE_TEST_SECRET", generated_into=None)


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled"])
def test_unclear_booleans_are_refused(monkeypatch, raw):
    monkeypatch.setenv("LGRSHARE_TEST_FLAG", raw)
    with pytest.raises(ConfigurationError):
        env_bool("LGRSHARE_TEST_FLAG", default=False)


def test_numbers_are_checked(monkeypatch):
    monkeypatch.setenv("LGRSHARE_TEST_N", "ten")
    with pytest.raises(ConfigurationError):
        env_int("LGRSHARE_TEST_N", default=1)
    monkeypatch.setenv("LGRSHARE_TEST_N", "10")
    assert env_int("LGRSHARE_TEST_N", default=1) == 10


def _settings_of(home):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='lgrshare.settings';"
        "from django.conf import settings as s; print(s.DATABASES['default']['NAME']);"
        "print(s.SECRET_KEY)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_URL"))}
    env["LGRSHARE_HOME"] = str(home)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_two_instances_with_different_homes_share_no_state(tmp_path):
    db_a, key_a = _settings_of(tmp_path / "a")
    db_b, key_b = _settings_of(tmp_path / "b")
    assert db_a.startswith(str(tmp_path / "a"))
    assert db_b.startswith(str(tmp_path / "b"))
    assert key_a != key_b


def test_settings_refuse_to_start_with_an_unreadable_secret_file(tmp_path):
    code = "import lgrshare.settings"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGRSHARE_")}
    env.update(LGRSHARE_HOME=str(tmp_path), LGRSHARE_SECRET_KEY_FILE=str(tmp_path / "missing"))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "LGRSHARE_SECRET_KEY_FILE" in result.stderr


def test_https_without_a_trusted_proxy_is_a_start_up_error(tmp_path):
    # Without the proxy's address every request looks like plain HTTP: an endless redirect.
    code = "import lgrshare.settings"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGRSHARE_")}
    env.update(LGRSHARE_HOME=str(tmp_path), LGRSHARE_HTTPS="true")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "LGRSHARE_TRUSTED_PROXIES" in result.stderr
    env["LGRSHARE_TRUSTED_PROXIES"] = "10.0.0.0/8, not-an-address"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "not-an-address" in result.stderr


def test_the_state_directory_and_its_files_are_private(tmp_path):
    # The trial found the SQLite database world-readable (0644).
    home = tmp_path / "state"
    home.mkdir(mode=0o755)
    (home / "lgrshare.sqlite3").write_bytes(b"")
    (home / "lgrshare.sqlite3").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_"))}
    env["LGRSHARE_HOME"] = str(home)
    lgrshare = Path(sys.executable).with_name("lgrshare")
    subprocess.run([lgrshare, "migrate"], env=env, check=True, capture_output=True)
    assert home.stat().st_mode & 0o777 == 0o700
    wide = [
        f"{path.relative_to(home)} {path.stat().st_mode & 0o777:o}"
        for path in home.rglob("*")
        if path.stat().st_mode & 0o077
    ]
    assert not wide, wide
    assert (home / "lgrshare.sqlite3").stat().st_size > 0
