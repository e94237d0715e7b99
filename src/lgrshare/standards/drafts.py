"""Drafting an area's own standards: from an example file, a Table Schema or a copy, checked
whole by ``parse_standard`` before it is saved, policy-checked (``lgrshare.access``) and
recorded (``standard-drafted``). Each save is a new version; an agreed version never changes.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.db import transaction

from lgrshare import access
from lgrshare.agreements.models import AgreementVersion, State
from lgrshare.councils.models import Area, User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.standards import StandardAction
from lgrshare.domain.standards.drafting import (
    copy_of,
    drafted_from_item,
    item_standard_name,
    propose_from_example,
    propose_from_item,
)
from lgrshare.domain.standards.model import (
    GEOGRAPHY_LEVELS,
    PERSONAL_DATA_CLASSES,
    StandardNotFound,
    parse_standard,
    parse_standard_text,
)
from lgrshare.domain.standards.rules import RULES_KEY
from lgrshare.standards.models import AreaStandard
from lgrshare.standards.services import (
    area_standard_versions,
    current_version,
    is_builtin,
    standard_get,
    standard_list,
)
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
    return _save(user=user, area=area, data=data, source=source)


def area_standard_from_item(
    *,
    user: User,
    area: Area,
    text: str,
    context: str = "",
    geography_level: str = "",
    personal_data: str = "",
    period: str = "",
) -> AreaStandard:
    """Draft a standard for an agreement's data item described in words (``text``), prefilled
    from it and from the request behind the agreement (``context``: its question and purpose;
    its geography level, personal-data class and period), for the data team to finish
    (``AreaStandard.proposed``). Named after the area and the item's first words.

    An item the area already has a standard drafted from (the same words, whatever their case
    and spacing) gets that standard again, at its latest version (the fields the data team
    confirmed since, or the version agreed), so the same item described twice (a second draft
    from one request, another agreement for it) is one standard to finish, not two.

    Raises ``AccessDenied`` (recorded) unless ``user`` may draft the agreement's items as
    standards in ``area`` (``StandardAction.DRAFT_FROM_ITEM``)."""
    access.require_standards(user=user, action=StandardAction.DRAFT_FROM_ITEM, area=area.county_id)
    if not text.strip():
        raise InvalidInput("Describe the data item", code="data-items-required")
    made = _made_from_item(area, text)
    if made is not None:
        return made
    taken = set(AreaStandard.objects.values_list("name", flat=True).distinct()) | {
        standard.name for standard in standard_list()
    }
    name = item_standard_name(text, prefix=area.name, taken=taken)
    data = propose_from_item(
        text,
        name=name,
        context=context,
        geography_level=geography_level if geography_level in GEOGRAPHY_LEVELS else "council",
        personal_data=personal_data if personal_data in PERSONAL_DATA_CLASSES else "none",
        period=period,
    )
    return _save(user=user, area=area, data=data, source=AreaStandard.Source.ITEM)


def _made_from_item(area: Area, text: str) -> AreaStandard | None:
    """The standard ``area`` already drafted from the data item ``text``, at its latest
    version; None when there is none."""
    firsts = AreaStandard.objects.filter(area=area, source=AreaStandard.Source.ITEM)
    for first in firsts.order_by("drafted_at", "pk"):
        if drafted_from_item(str(first.definition.get("description", "")), text):
            return area_standard_versions(first.name)[0]
    return None


def area_standard_fields(
    *, user: User, name: str, fields: list[dict[str, Any]], based_on: str
) -> AreaStandard:
    """Save a new version of area standard ``name`` with its fields as the data lead confirmed
    them one by one (``fields``: Table Schema field objects, in order), the rest of version
    ``based_on`` kept. Fields dropped are dropped from the primary key and the rules too
    (``Standard.restricted_to``), so the new version is whole.

    Raises ``StandardNotFound``, ``AccessDenied`` (recorded), ``StandardInvalid``; or
    ``InvalidInput`` (``standard-version-changed``) when a newer version was saved since
    ``based_on`` was read."""
    current = current_version(name)
    if current is None:
        raise StandardNotFound(f"There is no area standard called {name!r}")
    access.require_standards(user=user, action=StandardAction.DRAFT, area=current.area.county_id)
    latest = area_standard_versions(name)[0]
    if latest.version != based_on:
        raise InvalidInput(
            f"Version {latest.version} of this standard was saved while you were editing "
            f"version {based_on}: start again from the newest version",
            code="standard-version-changed",
        )
    base = parse_standard(latest.definition, default_name=name)
    kept = [str(f["name"]) for f in fields if base.get_field(str(f.get("name")))]
    if kept:
        data = base.restricted_to(kept).to_json()
    else:  # every field renamed: the key and rules named fields that are gone
        data = base.to_json()
        data["schema"].pop("primaryKey", None)
        data["schema"].pop(RULES_KEY, None)
    data["schema"]["fields"] = fields
    with transaction.atomic():
        saved = _save(user=user, area=latest.area, data=data, source=AreaStandard.Source.FIELDS)
        if latest.proposed:
            _follow(user=user, proposed=latest, confirmed=saved)
    return saved


def area_standard_confirm(*, user: User, name: str, based_on: str) -> AreaStandard:
    """Confirm every field of the proposal ``based_on`` of area standard ``name`` as it is:
    ``area_standard_fields`` with its own fields."""
    proposal = parse_standard(
        AreaStandard.objects.get(name=name, version=based_on).definition, default_name=name
    )
    fields = proposal.to_json()["schema"]["fields"]
    return area_standard_fields(user=user, name=name, fields=fields, based_on=based_on)


def proposals_confirm(*, user: User, data_items: list[dict[str, Any]]) -> list[AreaStandard]:
    """Confirm, as they stand, the proposals that ``data_items`` (an agreement's) name: what a
    data lead does who checks each field and changes none. Returns the versions saved."""
    confirmed = []
    for item in data_items:
        named = AreaStandard.objects.filter(
            name=item.get("standard", ""), version=item.get("version", "")
        ).first()
        if named is not None and named.proposed:
            confirmed.append(
                area_standard_confirm(user=user, name=named.name, based_on=named.version)
            )
    return confirmed


def _follow(*, user: User, proposed: AreaStandard, confirmed: AreaStandard) -> None:
    """Agreements still in draft that name ``proposed`` (a proposal nobody had confirmed, so
    nobody has agreed anything on it) name ``confirmed`` instead, every field of it flowing as
    every field of the proposal did; each change is recorded on the agreement. An agreement
    sent for review keeps its version: its terms change only by a new version of them."""
    names = [spec.name for spec in parse_standard(confirmed.definition, default_name="x").fields]
    pin = (proposed.name, proposed.version)
    drafts = AgreementVersion.objects.filter(
        agreement__state=State.DRAFT, agreement__area=proposed.area, frozen_at__isnull=True
    ).select_related("agreement", "agreement__area")
    for version in drafts:
        if not any((i.get("standard"), i.get("version")) == pin for i in version.data_items):
            continue
        version.data_items = [
            {**item, "version": confirmed.version}
            if (item.get("standard"), item.get("version")) == pin
            else item
            for item in version.data_items
        ]
        version.flows = [
            {**flow, "fields": names} if flow["standard"] == proposed.name else flow
            for flow in version.flows
        ]
        version.save(update_fields=["data_items", "flows"])
        record(
            user=user,
            action="agreement-edited",
            target_type="agreement",
            target_id=version.agreement.reference,
            reason="standard-confirmed",
            standard=proposed.name,
            version=confirmed.version,
            area=version.agreement.area.county_id,
        )


def area_standard_revise(*, user: User, name: str, content: bytes) -> AreaStandard:
    """Save a new version of area standard ``name`` from its edited JSON ``content``: the name
    stays, the version is the next one (``1.2.0`` after ``1.1.0``)."""
    current = current_version(name)
    if current is None:
        raise StandardNotFound(f"There is no area standard called {name!r}")
    access.require_standards(user=user, action=StandardAction.DRAFT, area=current.area.county_id)
    data = parse_standard_text(content, default_name=name).to_json()
    data["name"] = name
    return _save(user=user, area=current.area, data=data, source=AreaStandard.Source.JSON)


def _save(*, user: User, area: Area, data: dict[str, Any], source: str) -> AreaStandard:
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
            source=source,
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
            source=source,
        )
    return saved


def _next_version(version: str) -> str:
    major, minor, _ = (int(part) for part in version.split("."))
    return f"{major}.{minor + 1}.0"
