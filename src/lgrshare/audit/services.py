"""Use cases of the audit trail: append a record, and show the trail to data protection
officers.

``audit_record`` is called by every other app's services, inside their own transaction, so the
record commits (or rolls back) with what it records. Appends are serialised: the lock row is
taken ``FOR UPDATE`` before the last record is read, so two transactions never chain onto the
same record; on PostgreSQL an audited transaction therefore holds that lock until it commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.models import AuditEntry, AuditEntryQuerySet, AuditLock
from lgrshare.councils.models import Area, User
from lgrshare.domain.audit import EVENT_NAMES, AuditError, AuditEvent, chain_event
from lgrshare.domain.errors import InvalidInput, NotFound, PermissionDenied
from lgrshare.domain.policy.audit_reading import AuditAction, decide_audit

_LIMITS = {"actor": 200, "target_type": 40, "target_id": 200, "reason": 100}


def _check_fits(event: AuditEvent) -> None:
    for name, limit in _LIMITS.items():
        value = getattr(event, name)
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            raise AuditError(f"{name} must be text of at most {limit} characters, without NUL")


@transaction.atomic
def audit_record(*, event: AuditEvent) -> AuditEntry:
    """Append ``event`` to the chain, timed now; return the stored row.

    After the commit the head anchor moves to it (``audit.anchor``). Raises
    ``AuditActionUnknown`` for an action not in ``EVENT_NAMES`` and ``AuditError`` for an
    empty actor or target, a field too long to store, NUL in a field, or a detail value that is
    not str, int, bool or None. Those are programming errors: the caller's transaction fails.
    """
    _check_fits(event)
    AuditLock.objects.select_for_update().get_or_create(pk=1)
    last = AuditEntry.objects.order_by("-seq").first()
    record = chain_event(None if last is None else last.to_record(), event, at=timezone.now())
    entry = AuditEntry.from_record(record)
    entry.save(force_insert=True)
    transaction.on_commit(lambda: anchor_write(record.head), robust=True)
    return entry


def _visible_actors(viewer: User) -> QuerySet[User, str]:
    """The usernames of everyone who shares an area with ``viewer``."""
    areas = Area.objects.visible_to(viewer)
    return (
        User.objects.filter(area_memberships__area__in=areas)
        .values_list("username", flat=True)
        .distinct()
    )


def _areas_of(user: User) -> frozenset[str]:
    return frozenset(
        str(code) for code in user.area_memberships.values_list("area__county_id", flat=True)
    )


def may_read_trail(*, viewer: User, area: str | None) -> bool:
    """Whether the policy lets ``viewer`` read a target's trail in ``area`` (for a page's link)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    return decide_audit(
        roles=frozenset(viewer.role_codes),
        areas=_areas_of(viewer),
        action=AuditAction.READ_TRAIL,
        area=area,
    ).allowed


def _require(
    viewer: User,
    action: AuditAction,
    *,
    target: str,
    code: str,
    message: str,
    area: str | None = None,
) -> None:
    decision = decide_audit(
        roles=frozenset(viewer.role_codes), areas=_areas_of(viewer), action=action, area=area
    )
    if decision.allowed:
        return
    audit_record(
        event=AuditEvent(
            name="access-refused",
            actor=viewer.username,
            target_type="audit-trail",
            target_id=target,
            reason=str(decision.reason),
            detail={"attempted": str(action), **({"area": area} if area else {})},
        )
    )
    raise PermissionDenied(message, code=code)


def _require_dpo(viewer: User, target: str) -> None:
    _require(
        viewer,
        AuditAction.READ_TRAIL,
        target=target,
        code="dpo-only",
        message="Only a data protection officer can see the audit trail",
    )


# Paging through or reloading the same view of a trail within this window is one reading.
READ_RECORDED_ONCE_PER = timedelta(minutes=10)


def _record_view(
    viewer: User, target: str, shown: int, reason: str = "dpo", **detail: str | None
) -> None:
    """Record that ``viewer`` read a trail: once per trail and filter in
    ``READ_RECORDED_ONCE_PER``, so paging, reloading or crawling a trail does not flood it."""
    event = AuditEvent(
        name="audit-trail-read",
        actor=viewer.username,
        target_type="audit-trail",
        target_id=target,
        reason=reason,
        detail={"entries": shown, **{k: v for k, v in detail.items() if v}},
    )
    since = timezone.now() - READ_RECORDED_ONCE_PER
    same = AuditEntry.objects.filter(
        actor=event.actor,
        action=event.name,
        target_type=event.target_type,
        target_id=event.target_id,
        at__gte=since,
    ).order_by("-seq")
    latest = same.first()
    if latest is not None and _same_filter(latest, event):
        return
    audit_record(event=event)


def _same_filter(entry: AuditEntry, event: AuditEvent) -> bool:
    # The entry count may have grown since; the filter is what makes it the same reading.
    recorded = {k: v for k, v in entry.detail_items if k != "entries"}
    wanted = {k: v for k, v in event.detail.items() if k != "entries"}
    return recorded == wanted


def audit_trail_for_target(*, viewer: User, target_type: str, target_id: str) -> AuditEntryQuerySet:
    """Return the entries about a target made by people in ``viewer``'s areas, newest first,
    and record that ``viewer`` looked.

    Raises ``PermissionDenied`` (``dpo-only``, recorded as ``access-refused``) unless
    ``viewer`` is a DPO, and ``NotFound`` (``audit-target-not-found``) when the target has no
    entry the DPO may see, which answers the same as an unknown target.
    """
    target = f"target:{target_type}:{target_id}"
    _require_dpo(viewer, target)
    if target_type == "audit-trail":
        # Reads of a trail are in the area's and the reader's trails; a trail of the reads of a
        # trail would only nest (each look recording a look at a look).
        raise NotFound(
            "Reads of an audit trail are listed in the area's trail and the reader's trail",
            code="audit-target-not-found",
        )
    entries = AuditEntry.objects.for_target(target_type, target_id).filter(
        actor__in=_visible_actors(viewer)
    )
    shown = entries.count()
    if not shown:
        raise NotFound(
            f"There is no audit trail for {target_type} {target_id!r} that you can see",
            code="audit-target-not-found",
        )
    _record_view(viewer, target, shown)
    return entries


def audit_trail_for_person(*, viewer: User, username: str) -> tuple[User, AuditEntryQuerySet]:
    """Return the person and the entries they made, newest first, and record that ``viewer``
    looked.

    Raises ``PermissionDenied`` (``dpo-only``, recorded as ``access-refused``) unless
    ``viewer`` is a DPO, and ``NotFound`` (``person-not-found``) for anyone who does not share
    an area with the DPO, which answers the same as an unknown username.
    """
    target = f"person:{username}"
    _require_dpo(viewer, target)
    person = User.objects.filter(username=username, username__in=_visible_actors(viewer)).first()
    if person is None:
        raise NotFound(
            f"There is nobody called {username!r} in your areas", code="person-not-found"
        )
    entries = AuditEntry.objects.by_actor(person.username)
    _record_view(viewer, target, entries.count())
    return person, entries


def audit_require_verifier(*, viewer: User) -> None:
    """Raise ``PermissionDenied`` (``audit-verify-not-permitted``, recorded) unless
    ``viewer`` holds a role that may verify the whole chain (``rules/audit-policy.json``)."""
    _require(
        viewer,
        AuditAction.VERIFY,
        target="chain",
        code="audit-verify-not-permitted",
        message="Only a data protection officer or IT security can verify the audit trail",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrailFilter:
    """What to narrow an area's trail to; an empty field does not narrow it."""

    actor: str = ""
    target_type: str = ""
    target_id: str = ""
    event: str = ""


def _area_entries(area: Area) -> AuditEntryQuerySet:
    # Events recorded since the trail grew an area (detail "area") belong to that area, whoever
    # the actor (an outsider's refused attempt too); older events belong to their actor's areas.
    # ``detail`` is canonical JSON (sorted keys, no spaces, every quote inside a value escaped),
    # so the text "area":"<code>" can only be that key with that value.
    tagged = Q(detail__contains='"area":')
    members = User.objects.filter(area_memberships__area=area).values_list("username", flat=True)
    return AuditEntry.objects.filter(
        Q(detail__contains=f'"area":"{area.county_id}"') | (~tagged & Q(actor__in=members))
    )


def audit_trail_for_area(
    *, viewer: User, area: Area, narrow: TrailFilter | None = None
) -> AuditEntryQuerySet:
    """Return ``area``'s trail, newest first, narrowed by ``narrow`` (person, target type and
    id, event), and record that ``viewer`` looked.

    Raises ``PermissionDenied`` (``audit-area-not-permitted``, recorded as ``access-refused``)
    unless ``viewer`` is in the area and holds a role that may read its trail (a DPO or IT
    security), and ``InvalidInput`` (``audit-event-unknown``) for an event that is not in the
    vocabulary.
    """
    narrow = narrow or TrailFilter()
    target = f"area:{area.county_id}"
    _require(
        viewer,
        AuditAction.READ_AREA_TRAIL,
        target=target,
        code="audit-area-not-permitted",
        message="Only a data protection officer or IT security can see the area's audit trail",
        area=area.county_id,
    )
    if narrow.event and narrow.event not in EVENT_NAMES:
        raise InvalidInput(f"{narrow.event!r} is not an audit event", code="audit-event-unknown")
    entries = _area_entries(area)
    for name, value in (
        ("actor", narrow.actor),
        ("target_type", narrow.target_type),
        ("target_id", narrow.target_id),
        ("action", narrow.event),
    ):
        if value:
            entries = entries.filter(**{name: value})
    entries = entries.order_by("-seq")
    _record_view(
        viewer,
        target,
        entries.count(),
        reason=str(AuditAction.READ_AREA_TRAIL),
        area=area.county_id,
        actor=narrow.actor or None,
        target_type=narrow.target_type or None,
        target_id=narrow.target_id or None,
        event=narrow.event or None,
    )
    return entries
