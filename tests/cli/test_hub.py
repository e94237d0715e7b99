"""The hub's commands, through click's CliRunner: clean messages and exit codes, no tracebacks."""

import json
import stat

import pytest
from click.testing import CliRunner

from lgrshare import __version__
from lgrshare.accounts.services import token_authenticate
from lgrshare.cli import main
from lgrshare.councils.models import Council, Role, User
from tests.conftest import GUILDFORD, PASSWORD


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.django_db
def test_reference_load_is_idempotent(run):
    first = run("reference", "load")
    second = run("reference", "load")
    assert first.exit_code == second.exit_code == 0
    assert "317 councils and 21 areas (0 new, 317 refreshed)" in second.output
    assert Council.objects.count() == 317


@pytest.mark.django_db
def test_user_create_with_a_password_file(run, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    result = run(
        "user",
        "create",
        "nia",
        "--council",
        GUILDFORD,
        "--role",
        "analyst",
        "--role",
        "dpo",
        "--password-file",
        str(secret),
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    nia = User.objects.get(username="nia")
    assert nia.check_password(PASSWORD)
    assert nia.role_codes == {Role.ANALYST.value, Role.DPO.value}


@pytest.mark.django_db
def test_user_create_generates_and_prints_a_password_once(run):
    result = run("user", "create", "nia", "--council", GUILDFORD, "--role", "analyst")
    assert result.exit_code == 0
    password = result.output.split("Password (shown once): ")[1].strip()
    assert User.objects.get(username="nia").check_password(password)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--council", "E07999999", "--role", "analyst"], "council-not-found"),
        (["--council", GUILDFORD, "--role", "wizard"], "unknown-role"),
        (
            ["--council", GUILDFORD, "--role", "analyst", "--area", "E10000016"],
            "council-not-in-area",
        ),
        (["--role", "analyst"], "no-organisation"),
        (["--council", GUILDFORD, "--role", "analyst", "--email", "not-an-email"], "email-invalid"),
    ],
)
def test_user_create_errors_are_clean(run, args, code):
    result = run("user", "create", "nia", *args)
    assert result.exit_code == 2
    assert f"Error [{code}]" in result.output
    assert "Traceback" not in result.output
    assert not User.objects.filter(username="nia").exists()


def test_token_create_prints_a_working_token(run, alice):
    result = run("token", "create", "alice", "--name", "upload script")
    assert result.exit_code == 0
    assert token_authenticate(result.output.strip()) == alice


@pytest.mark.django_db
def test_token_create_for_an_unknown_user(run):
    result = run("token", "create", "nobody")
    assert result.exit_code == 2
    assert "Error [user-not-found]" in result.output


@pytest.mark.django_db
def test_demo_is_idempotent_and_prints_the_same_sign_ins(run, settings, tmp_path):
    settings.HOME = tmp_path
    first = run("demo")
    second = run("demo")
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    saved = json.loads((tmp_path / "demo-sign-ins.json").read_text())
    assert stat.S_IMODE((tmp_path / "demo-sign-ins.json").stat().st_mode) == 0o600
    assert f"guildford.analyst    {saved['guildford.analyst']}" in first.output
    assert User.objects.get(username="guildford.analyst").check_password(saved["guildford.analyst"])


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["Bad Name!", "", "x"])
def test_user_create_refuses_usernames_the_web_form_would(run, username):
    result = run("user", "create", username, "--council", GUILDFORD, "--role", "analyst")
    assert result.exit_code == 2
    assert "Error [username-invalid]" in result.output


@pytest.mark.django_db
def test_contractor_create_then_its_staff(run, tmp_path):
    made = run("contractor", "create", "Example Analytics Ltd", "--works-for", "E10000030")
    assert made.exit_code == 0, made.output
    again = run("contractor", "create", "example analytics ltd", "--works-for", "E10000030")
    assert again.exit_code == 2
    assert "contractor-exists" in again.output
    person = run(
        "user", "create", "lee", "--contractor", "Example Analytics Ltd", "--role", "analyst"
    )
    assert person.exit_code == 0, person.output
    assert User.objects.get(username="lee").contractor.works_for_id == "E10000030"


def test_commands_on_an_empty_database_say_to_migrate(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_URL"))}
    env["LGRSHARE_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "lgrshare.cli", "token", "create", "someone"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Error [database-not-ready]" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_is_a_clean_error(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LGRSHARE_")}
    env.update(LGRSHARE_HOME=str(tmp_path), DATABASE_URL="garbage")
    result = subprocess.run(
        [sys.executable, "-m", "lgrshare.cli", "reference", "load"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Error [configuration-error]: DATABASE_URL" in result.stderr


@pytest.mark.django_db
def test_set_up_grants_a_dpo_at_once_and_audits_it_as_the_system(run, tmp_path):
    from lgrshare.audit.models import AuditEntry

    result = run("user", "create", "first.dpo", "--council", GUILDFORD, "--role", "dpo")
    assert result.exit_code == 0
    assert User.objects.get(username="first.dpo").role_codes == {"dpo"}
    recorded = AuditEntry.objects.filter(target_id="first.dpo", actor="system")
    assert list(recorded.values_list("action", "reason")) == [
        ("person-added", "set-up"),
        ("role-granted", "set-up"),
    ]


def test_an_invited_person_is_confirmed_at_set_up_when_their_council_has_nobody_to(run, admin):
    from lgrshare.audit.models import AuditEntry
    from lgrshare.councils.models import Area
    from lgrshare.people.services import person_add

    invited, _ = person_add(
        admin=admin,
        area=Area.objects.get(county_id="E10000030"),
        username="first.admin",
        roles=["data-lead"],  # the area administrator is the county's alone
        council=Council.objects.get(pk=GUILDFORD),
    )
    assert not invited.is_active
    result = run("user", "confirm", "first.admin")
    assert result.exit_code == 0
    assert "Confirmed first.admin: data-lead." in result.output
    confirmed = User.objects.get(username="first.admin")
    assert confirmed.is_active
    assert confirmed.role_codes == {"data-lead"}
    assert AuditEntry.objects.filter(
        target_id="first.admin", actor="system", action="person-confirmed"
    ).exists()
    again = run("user", "confirm", "first.admin")
    assert again.exit_code == 2
    assert "person-not-pending" in again.output
