"""The Surrey demo area: real councils and figures, demo people covering every role.

``demo_load`` is idempotent. Each capability of LGR Share adds its own step here, so that after
``make run`` a new user sees the whole process working on real Surrey data. Demo passwords are
generated on first load, kept in ``LGRSHARE_HOME/demo-sign-ins.json`` (mode 0600) so a second
``make run`` can print them again, and never written into the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from lgrshare.councils.models import Contractor, Council, Role, User
from lgrshare.councils.services import reference_load, user_create

SURREY = "E10000030"
GUILDFORD = "E07000209"
WOKING = "E07000217"
KENT = "E10000016"
DEMO_CONTRACTOR = "Example Analytics Ltd"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    job_title: str
    roles: tuple[Role, ...]
    council: str | None = None
    contractor: bool = False


DEMO_PEOPLE = (
    DemoPerson(
        "surrey.lead",
        "Alex",
        "Morgan",
        "LGR programme lead",
        (Role.PROGRAMME_LEAD, Role.AREA_ADMIN),
        SURREY,
    ),
    DemoPerson("surrey.dpo", "Priya", "Shah", "Data protection officer", (Role.DPO,), SURREY),
    DemoPerson(
        "surrey.signatory",
        "Helen",
        "Clarke",
        "Director of resources",
        (Role.SENIOR_SIGNATORY,),
        SURREY,
    ),
    DemoPerson(
        "surrey.security",
        "Tom",
        "Baker",
        "Information security manager",
        (Role.IT_SECURITY,),
        SURREY,
    ),
    DemoPerson(
        "surrey.analyst",
        "Sam",
        "Patel",
        "Senior data analyst",
        (Role.ANALYST, Role.DATA_LEAD),
        SURREY,
    ),
    DemoPerson("guildford.analyst", "Jo", "Evans", "Data analyst", (Role.ANALYST,), GUILDFORD),
    DemoPerson("guildford.datalead", "Chris", "Wood", "Head of data", (Role.DATA_LEAD,), GUILDFORD),
    DemoPerson(
        "guildford.ig",
        "Ruth",
        "Hughes",
        "Information governance officer",
        (Role.IG_OFFICER,),
        GUILDFORD,
    ),
    DemoPerson("guildford.dpo", "Mark", "Lewis", "Data protection officer", (Role.DPO,), GUILDFORD),
    DemoPerson(
        "guildford.signatory",
        "Fiona",
        "Reid",
        "Joint chief executive",
        (Role.SENIOR_SIGNATORY,),
        GUILDFORD,
    ),
    DemoPerson(
        "woking.datalead",
        "Dan",
        "Cooper",
        "Business intelligence lead",
        (Role.DATA_LEAD, Role.ANALYST),
        WOKING,
    ),
    DemoPerson(
        "woking.dpo",
        "Amira",
        "Khan",
        "Data protection officer",
        (Role.DPO, Role.IG_OFFICER),
        WOKING,
    ),
    DemoPerson(
        "woking.signatory", "Paul", "Green", "Chief executive", (Role.SENIOR_SIGNATORY,), WOKING
    ),
    DemoPerson(
        "contractor.analyst",
        "Lee",
        "Turner",
        "Consultant analyst",
        (Role.ANALYST,),
        contractor=True,
    ),
    DemoPerson(
        "kent.analyst",
        "Kim",
        "Walker",
        "Data analyst (another area: sees nothing of Surrey)",
        (Role.ANALYST,),
        KENT,
    ),
)


@dataclass(frozen=True)
class SignIn:
    username: str
    password: str
    description: str


def _passwords_file() -> Path:
    return Path(settings.HOME) / "demo-sign-ins.json"


def _read_passwords() -> dict[str, str]:
    path = _passwords_file()
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _write_passwords(passwords: dict[str, str]) -> None:
    path = _passwords_file()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)
    os.replace(tmp, path)


def _demo_people(passwords: dict[str, str]) -> dict[str, str]:
    contractor, _ = Contractor.objects.get_or_create(
        name=DEMO_CONTRACTOR, defaults={"works_for_id": SURREY}
    )
    for person in DEMO_PEOPLE:
        existing = User.objects.filter(username=person.username).first()
        if existing is not None:
            if person.username not in passwords:
                # The sign-ins file was lost: give the person a fresh password to print.
                passwords[person.username] = secrets.token_urlsafe(12)
                existing.set_password(passwords[person.username])
                existing.save(update_fields=["password"])
            continue
        _, passwords[person.username] = user_create(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            job_title=person.job_title,
            email=f"{person.username}@example.invalid",
            roles=[r.value for r in person.roles],
            council=Council.objects.get(pk=person.council) if person.council else None,
            contractor=contractor if person.contractor else None,
            password=passwords.get(person.username),
        )
    return passwords


def demo_load() -> list[SignIn]:
    """Load reference data and the Surrey demo; return the demo sign-ins. Idempotent."""
    reference_load()
    with transaction.atomic():
        passwords = _demo_people(_read_passwords())
    _write_passwords(passwords)
    people = {p.username: p for p in DEMO_PEOPLE}
    users = User.objects.select_related("council", "contractor").prefetch_related("role_grants")
    return [
        SignIn(
            username=user.username,
            password=passwords[user.username],
            description=f"{user.organisation_name}: "
            + ", ".join(Role(r).label for r in sorted(user.role_codes)),
        )
        for user in users.filter(username__in=people).order_by("pk")
    ]
