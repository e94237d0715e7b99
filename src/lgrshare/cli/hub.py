"""Commands that work on the hub itself: serve, migrate, demo, reference data, users, tokens."""

from __future__ import annotations

from pathlib import Path

import click

from lgrshare.cli.base import setup_django
from lgrshare.domain.errors import ConfigurationError, InvalidInput


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Serve LGR Share over HTTP with waitress (put TLS in front of it in production)."""
    setup_django()
    from waitress.server import create_server

    from lgrshare.wsgi import application

    try:
        server = create_server(
            application, host=host, port=port, threads=threads, ident="LGR Share"
        )
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot listen on {host}:{port} ({exc.strerror}). Is LGR Share already running? "
            "Choose another port with --port.",
            code="port-unavailable",
        ) from exc
    click.echo(f"LGR Share is running at http://{host}:{port}/  (Ctrl+C stops it)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Stopped.")


@click.command()
def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo("The database is up to date.")


@click.command()
def demo() -> None:
    """Migrate, load reference data and the Surrey demo area, and print the demo sign-ins."""
    setup_django()
    from django.core.management import call_command

    from lgrshare.demo import demo_load

    call_command("migrate", interactive=False, verbosity=0)
    sign_ins = demo_load()
    click.echo("The Surrey demo area is ready. Demo sign-ins (generated for this machine):\n")
    width = max(len(s.username) for s in sign_ins)
    for sign_in in sign_ins:
        click.echo(f"  {sign_in.username:<{width}}  {sign_in.password}  {sign_in.description}")
    click.echo(
        "\nDPOs, senior signatories, administrators, IT security and contractor staff set up an "
        "authenticator app\n(any TOTP app) at their first sign-in, as they would in production.\n"
    )


@click.group()
def reference() -> None:
    """Reference data: England's councils and the two-tier LGR areas."""


@reference.command("load")
def reference_load_command() -> None:
    """Load (or refresh) every English council and the 21 two-tier areas. Idempotent."""
    setup_django()
    from lgrshare.councils.services import reference_load

    summary = reference_load()
    click.echo(
        f"Loaded {summary.councils} councils and {summary.areas} areas "
        f"({summary.created} new, {summary.updated} refreshed)."
    )


@click.group()
def user() -> None:
    """People who use LGR Share."""


@user.command("create")
@click.argument("username")
@click.option("--council", "council_gss", help="GSS code of the person's council.")
@click.option("--contractor", "contractor_name", help="Name of the person's contractor.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="A role (repeat for more): analyst, data-lead, ig-officer, dpo, "
    "senior-signatory, it-security, programme-lead, area-admin.",
)
@click.option("--area", "area_gss", help="GSS code of the county area to join.")
@click.option(
    "--password-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the password from this file (default: generate and print one).",
)
@click.option("--first-name", default="")
@click.option("--last-name", default="")
@click.option("--email", default="")
def user_create_command(
    username: str,
    council_gss: str | None,
    contractor_name: str | None,
    roles: tuple[str, ...],
    area_gss: str | None,
    password_file: Path | None,
    first_name: str,
    last_name: str,
    email: str,
) -> None:
    """Create a person in a council (or contractor) with one or more roles.

    The operator's set-up step, for a council with no administrator or DPO yet: the roles
    (a DPO's, a senior signatory's too) count at once, and the audit trail records the system
    adding the person and granting each role."""
    setup_django()
    from lgrshare.councils import services
    from lgrshare.councils.models import Contractor
    from lgrshare.councils.services import area_get
    from lgrshare.people.services import person_setup

    council = services.council_get(gss_code=council_gss) if council_gss else None
    contractor = None
    if contractor_name:
        contractor = Contractor.objects.filter(name=contractor_name).first()
        if contractor is None:
            raise InvalidInput(
                f"There is no contractor {contractor_name!r}", code="contractor-not-found"
            )
    area = None
    if area_gss:
        area = area_get(county_gss=area_gss)
    password = None
    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    person, chosen = person_setup(
        username=username,
        roles=roles,
        council=council,
        contractor=contractor,
        area=area,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
    )
    click.echo(f"Created {person.username} ({person.organisation_name}).")
    if password is None:
        click.echo(f"Password (shown once): {chosen}")


@user.command("confirm")
@click.argument("username")
def user_confirm_command(username: str) -> None:
    """Confirm USERNAME and every role waiting for confirmation (audited as the system).

    For a council with no administrator or DPO yet to confirm in the pages."""
    setup_django()
    from lgrshare.councils.models import User
    from lgrshare.people.services import person_confirm

    person = User.objects.filter(username=username).first()
    if person is None:
        raise InvalidInput(f"There is no user {username!r}", code="user-not-found")
    confirmed = person_confirm(confirmer=None, person=person)
    click.echo(f"Confirmed {confirmed.username}: {', '.join(sorted(confirmed.role_codes))}.")


@click.group()
def contractor() -> None:
    """Contractor organisations working for councils."""


@contractor.command("create")
@click.argument("name")
@click.option("--works-for", "council_gss", required=True, help="GSS code of the council.")
@click.option("--companies-house", "number", default="", help="Companies House number.")
def contractor_create_command(name: str, council_gss: str, number: str) -> None:
    """Record a contractor NAME working for a council (then add its staff with user create)."""
    setup_django()
    from lgrshare.councils import services
    from lgrshare.people.services import contractor_setup

    created = contractor_setup(
        name=name,
        works_for=services.council_get(gss_code=council_gss),
        companies_house_number=number,
    )
    click.echo(f"Recorded {created.name}, working for {created.works_for}.")


@click.group()
def token() -> None:
    """Personal API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@click.option(
    "--days",
    type=click.IntRange(1, 365),
    default=90,
    show_default=True,
    help="How many days the token lasts.",
)
def token_create_command(username: str, name: str, days: int) -> None:
    """Create an API token for USERNAME and print it (it is not stored, only its hash)."""
    setup_django()
    from lgrshare.accounts.services import token_create

    _, secret = token_create(user=_user(username), name=name, days=days)
    click.echo(secret)


@token.command("list")
@click.argument("username")
def token_list_command(username: str) -> None:
    """List USERNAME's tokens: name, start, created, expires, last used, state."""
    setup_django()
    from lgrshare.accounts.models import ApiToken

    for item in ApiToken.objects.filter(user=_user(username)):
        state = "revoked" if item.revoked_at else ("expired" if item.is_expired else "live")
        expires = item.expires_at.date().isoformat() if item.expires_at else "never"
        used = item.last_used_at.date().isoformat() if item.last_used_at else "never"
        click.echo(
            f"{item.pk}\t{item.name}\tlgr_{item.prefix}\t{item.created_at.date().isoformat()}"
            f"\texpires {expires}\tlast used {used}\t{state}"
        )


@token.command("revoke")
@click.argument("username")
@click.argument("token_id", type=int)
def token_revoke_command(username: str, token_id: int) -> None:
    """Revoke USERNAME's token TOKEN_ID (as the server's administrator)."""
    setup_django()
    from lgrshare.accounts.services import token_revoke

    owner = _user(username)
    revoked = token_revoke(user=None, owner=owner, token_id=token_id)
    click.echo(f"Revoked {revoked.name} (lgr_{revoked.prefix}) of {owner.username}.")


def _user(username: str):  # type: ignore[no-untyped-def]
    from lgrshare.councils.models import User

    person = User.objects.filter(username=username).first()
    if person is None:
        raise InvalidInput(f"There is no user {username!r}", code="user-not-found")
    return person


def register(main: click.Group) -> None:
    """Add the hub's commands to ``main``."""
    for command in (serve, migrate, demo, reference, user, contractor, token):
        main.add_command(command)
