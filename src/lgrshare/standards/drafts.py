"""Drafting an area's own standards: from an example file, a Table Schema or a copy, checked
whole by ``parse_standard`` before it is saved, policy-checked (``lgrshare.access``) and
recorded (``standard-drafted``). Each save is a new version; an agreed version never changes.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.db import transaction

from lgrshare import access
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.standards import StandardAction
from lgrshare.domain.standards.drafting import copy_of, propose_from_example
from lgrshare.domain.standards.model import StandardNotFound, parse_standard, parse_standard_text
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import current_version, is_builtin, standard_get
from lgrshare.trail import record

Source = Literal["example", "schema", "copy"]


def area_standard_draft(
    *,
    user: User,
    area: Area,
    name: str,
    title: str,
    source: Source,
    content: bytes = b"",
    copy_from: str = "",
    description: str = "",
) -> AreaStandard:
    """Save a draft of ``area``'s standard ``name``, proposed from an example file
    (``source="example"``, ``content``), a Table Schema or standard JSON (``"schema"``,
    ``content``) or a copy of standard ``copy_from`` (``"copy"``). A name already drafted by the
    area gets a new version (an agreed version is never changed); a built-in standard's name,
    or another area's, is refused (``standard-name-taken``).

    Raises ``AccessDenied`` (recorded) unless the policy lets ``user`` draft standards in
    ``area``; ``StandardInvalid`` (with its precise code) for a standard that cannot be checked.
    """
    access.require_standards(user=user, action=StandardAction.DRAFT, area=area.county_id)
    title = title.strip()
    if not title:
        raise InvalidInput("Give the standard a title", code="title-required")
    if is_builtin(name) or AreaStandard.objects.filter(name=name).exclude(area=area).exists():
        raise InvalidInput(
            f"There is already a standard called {name!r}: choose another name",
            code="standard-name-taken",
        )
    if source == "example":
        data = propose_from_example(content, name=name, title=title, description=description)
    elif source == "schema":
        data = parse_standard_text(content, default_name=name).to_json()
        data.update(name=name, title=title)
        if description:
            data["description"] = description
    elif source == "copy":
        data = copy_of(standard_get(name=copy_from), name=name, title=title)
    else:
        raise InvalidInput(f"Unknown source {source!r}", code="invalid-input")
    return _save(user=user, area=area, data=data)


def area_standard_revise(*, user: User, name: str, content: bytes) -> AreaStandard:
    """Save a new version of area standard ``name`` from its edited JSON ``content``: the name
    stays, the version is the next one (``1.2.0`` after ``1.1.0``)."""
    current = current_version(name)
    if current is None:
        raise StandardNotFound(f"There is no area standard called {name!r}")
    access.require_standards(user=user, action=StandardAction.DRAFT, area=current.area.county_id)
    data = parse_standard_text(content, default_name=name).to_json()
    data["name"] = name
    return _save(user=user, area=current.area, data=data)


def _save(*, user: User, area: Area, data: dict[str, Any]) -> AreaStandard:
    name = data["name"]
    with transaction.atomic():
        versions = AreaStandard.objects.select_for_update().filter(name=name)
        latest = versions.order_by("-drafted_at", "-pk").first()
        if latest is not None:
            data["version"] = _next_version(latest.version)
        standard = parse_standard(data, default_name=name)
        definition = json.loads(json.dumps(standard.to_json()))
        saved = AreaStandard.objects.create(
            area=area,
            name=name,
            version=standard.version,
            title=standard.title,
            definition=definition,
            drafted_by=user,
        )
        record(
            user=user,
            action="standard-drafted",
            target_type="standard",
            target_id=name,
            version=standard.version,
            fields=len(standard.fields),
            rules=len(standard.rules),
            area=area.county_id,
        )
    return saved


def _next_version(version: str) -> str:
    major, minor, _ = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0"
