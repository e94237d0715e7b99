"""Data request use cases: find first, raise, open, answer, discuss, join, fulfil or close."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from lgrshare import access
from lgrshare.catalogue.models import Access, Dataset
from lgrshare.catalogue.search import significant_words
from lgrshare.catalogue.services import dataset_search
from lgrshare.councils.models import Area, Council, Role, User
from lgrshare.domain import request_flow as flow
from lgrshare.domain.errors import InvalidInput, NotFound, PermissionDenied
from lgrshare.domain.policy.requests import RequestAction, RequestFacts
from lgrshare.domain.screening.minimisation import RequestFacts as ScreeningRequest
from lgrshare.domain.screening.minimisation import minimisation_warnings
from lgrshare.notifications.services import notify
from lgrshare.requests.attachments import attachment_check, attachment_store
from lgrshare.requests.models import Comment, DataRequest, HolderResponse
from lgrshare.standards.services import standard_get
from lgrshare.trail import record, record_hidden, refusals_recorded


def _facts(request: DataRequest) -> RequestFacts:
    """The policy's view of a request."""
    state = str(request.state)
    return RequestFacts(
        area=request.area.county_id,
        state=state,
        author=str(request.author_id) if request.author_id is not None else None,
        requesting_council=request.requesting_council_id,
        holders=frozenset(request.responses.values_list("council_id", flat=True)),
        opened=request.opened_at is not None or state in {flow.State.OPEN, flow.State.FULFILLED},
    )


def check(user: User, action: RequestAction, request: DataRequest) -> None:
    """Raise (recorded) ``PermissionDenied`` or ``InvalidInput`` unless ``user`` may do
    ``action`` to ``request`` (``lgrshare.access``, ``rules/request-policy.json``)."""
    access.require_on_request(
        user=user, action=action, request=_facts(request), target_id=request.reference
    )


def _check_area(user: User, action: RequestAction, area: Area) -> None:
    access.require_on_request(
        user=user, action=action, request=None, area=area.county_id, target_id=area.county_id
    )


def _areas(user: User) -> set[str]:
    return {str(a) for a in user.area_memberships.values_list("area__county_id", flat=True)}


def _request_target(kwargs: Mapping[str, Any]) -> tuple[str, str, str]:
    request: DataRequest = kwargs["request"]
    return "request", request.reference, request.area.county_id


def _area_target(kwargs: Mapping[str, Any]) -> tuple[str, str, str]:
    area: Area = kwargs["area"]
    return "area", area.county_id, area.county_id


def _recorded(
    user: User, event: str, request: DataRequest, reason: str = "", **detail: Any
) -> None:
    record(
        user=user,
        action=event,
        target_type="request",
        target_id=request.reference,
        reason=reason,
        area=request.area.county_id,
        **detail,
    )


# A draft closed before it was ever opened: it was never shared, so it stays its author's.
STOPPED_DRAFT = Q(state=flow.State.CLOSED, opened_at__isnull=True)


def permissions(user: User, request: DataRequest) -> dict[str, bool]:
    """What ``user`` may do to ``request``, action by action, keyed by the action without its
    ``-request``/``-on-request``/``-to-request`` ending (``edit``, ``answer``, ``attach``...),
    for a page's forms: one policy decision each, from one set of facts."""
    facts = _facts(request)
    return {
        _short(action): access.may_on_request(user=user, action=action, request=facts)
        for action in RequestAction
        if action is not RequestAction.RAISE
    }


# What may be done to a request from its page (``request_action``), the first the
# representative asked when the action named is unknown.
PAGE_ACTIONS = {
    "comment": RequestAction.COMMENT,
    "open": RequestAction.OPEN,
    "answer": RequestAction.ANSWER,
    "join": RequestAction.JOIN,
    "fulfil": RequestAction.FULFIL,
    "close": RequestAction.CLOSE,
}


def request_require(*, user: User, request: DataRequest, action: str) -> None:
    """Ask the policy, before any input is read, whether ``user`` may take the page's
    ``action`` on ``request`` (an unknown one: any of ``PAGE_ACTIONS``); raises, recorded, as
    ``check`` does otherwise. Someone who may not act on the request is refused (403) however
    malformed their form; the services ask again in their transactions."""
    wanted = PAGE_ACTIONS.get(action)
    if wanted is None:
        facts = _facts(request)
        if any(
            access.may_on_request(user=user, action=each, request=facts)
            for each in PAGE_ACTIONS.values()
        ):
            return
        wanted = RequestAction.COMMENT
    check(user, wanted, request)


def _short(action: RequestAction) -> str:
    return action.value.split("-")[0]


def can(user: User, action: RequestAction, request: DataRequest) -> bool:
    return access.may_on_request(user=user, action=action, request=_facts(request))


def request_register(*, user: User, area: Area) -> QuerySet[DataRequest]:
    """The area's requests for its members, newest first: all but other people's drafts and
    every stopped draft (closed before it was opened: it was never shared)."""
    if area.county_id not in _areas(user):
        raise PermissionDenied("That area is not one of yours", code="other-area")
    return (
        DataRequest.objects.filter(area=area)
        .exclude(Q(state=flow.State.DRAFT) & ~Q(author=user))
        .exclude(STOPPED_DRAFT)
        .select_related("requesting_council", "author")
        .prefetch_related("responses__council")
    )


def request_get_for_user(*, pk: int, user: User) -> DataRequest:
    """Return a request ``user`` may read; ``NotFound`` (``request-not-found``) otherwise.

    A request of another area, or someone else's draft (stopped or not), answers exactly like
    a missing one; a request of another area is recorded as refused (``other-area``).
    """
    request = (
        DataRequest.objects.select_related("area", "requesting_council", "author")
        .filter(pk=pk)
        .first()
    )
    if request is not None and request.area.county_id not in _areas(user):
        record_hidden(
            user=user,
            target_type="request",
            target_id=request.reference,
            area=request.area.county_id,
        )
        request = None
    # Someone else's unshared draft answers like a missing request (the policy's
    # ``request-draft``), as does a request of another area.
    if request is None or not can(user, RequestAction.READ, request):
        raise NotFound(f"There is no request {pk} that you can see", code="request-not-found")
    return request


@dataclass(frozen=True)
class FindResult:
    """What already answers a need, in the order a person should consider it."""

    public: list[Dataset]
    under_agreement: list[Dataset]
    held: list[Dataset]
    open_requests: list[DataRequest]


def find(*, user: User, area: Area, question: str, standard: str = "") -> FindResult:
    """Search public data, then agreements, then held data, then open requests in the area."""
    if area.county_id not in _areas(user):
        raise PermissionDenied("That area is not one of yours", code="other-area")
    # Within an area its own place names say nothing about which dataset is meant.
    places = frozenset(w for c in area.councils() for w in c.name.lower().split())
    matches = list(dataset_search(user=user, text=question, any_word=True, ignore=places)[:50])
    if standard:
        by_standard = Dataset.objects.visible_to(user).filter(standard_name=standard)
        matches += [d for d in by_standard if d not in matches]
    in_area = [d for d in matches if d.area_id in (None, area.pk)]
    if standard:
        # With a kind of data chosen, only entries of that standard answer for the area's own
        # data; public reference tables still match on the question's words.
        in_area = [d for d in in_area if d.area_id is None or d.standard_name == standard]
    open_requests = DataRequest.objects.filter(area=area, state=flow.State.OPEN)
    same: list[DataRequest] = []
    words = set(significant_words(question, ignore=places))
    for candidate in open_requests.select_related("requesting_council"):
        same_standard = bool(standard) and candidate.standard_name == standard
        shared_words = words & set(significant_words(candidate.question, ignore=places))
        if same_standard or len(shared_words) >= 2:
            same.append(candidate)
    return FindResult(
        public=[d for d in in_area if d.access == Access.PUBLIC][:10],
        under_agreement=[d for d in in_area if d.access == Access.UNDER_AGREEMENT],
        held=[d for d in in_area if d.access == Access.HELD],
        open_requests=same,
    )


def _holders(area: Area, codes: list[str], requesting: Council) -> list[Council]:
    councils = {c.gss_code: c for c in area.councils()}
    unknown = [code for code in codes if code not in councils]
    if unknown or not codes:
        raise InvalidInput(
            "Choose the councils in the area that hold the data", code="holders-invalid"
        )
    if requesting.gss_code in codes:
        raise InvalidInput("Your own council cannot be asked for data", code="holders-invalid")
    return [councils[code] for code in codes]


@refusals_recorded("request-raised", _area_target)
@transaction.atomic
def request_create(
    *,
    user: User,
    area: Area,
    question: str,
    holders: list[str],
    purpose: str = "",
    legal_power: str = "",
    standard_name: str = "",
    data_items: list[dict[str, str]] | None = None,
    geography_level: str = "",
    period: str = "",
    needed_by: date | None = None,
    flags: dict[str, bool] | None = None,
    discovery: dict[str, Any] | None = None,
) -> DataRequest:
    """Create a draft request; raises ``PermissionDenied`` or ``InvalidInput``."""
    _check_area(user, RequestAction.RAISE, area)
    if not question.strip():
        raise InvalidInput("Say what question the data will answer", code="question-required")
    requesting = Council.objects.get(pk=user.council_id)
    chosen = _holders(area, holders, requesting)
    _check_items(standard_name, data_items or [])
    flags = flags or {}
    request = DataRequest.objects.create(
        area=area,
        question=question.strip(),
        purpose=purpose,
        legal_power=legal_power,
        requesting_council=requesting,
        author=user,
        standard_name=standard_name,
        data_items=data_items or [],
        geography_level=geography_level,
        period=period,
        needed_by=needed_by,
        discovery=discovery or {},
        **{name: bool(flags.get(name)) for name in FLAGS},
    )
    HolderResponse.objects.bulk_create(HolderResponse(request=request, council=c) for c in chosen)
    _recorded(user, "request-raised", request, holders=",".join(c.gss_code for c in chosen))
    return request


@refusals_recorded("request-edited", _request_target)
def request_require_editor(*, user: User, request: DataRequest) -> None:
    """Raise (and record) ``PermissionDenied`` or ``InvalidInput`` unless ``user`` may change
    ``request`` now: for the edit page, which shows its form only to someone who can use it."""
    check(user, RequestAction.EDIT, request)


@refusals_recorded("request-edited", _request_target)
@transaction.atomic
def request_update(
    *,
    user: User,
    request: DataRequest,
    question: str,
    holders: list[str],
    purpose: str = "",
    legal_power: str = "",
    standard_name: str = "",
    data_items: list[dict[str, str]] | None = None,
    geography_level: str = "",
    period: str = "",
    needed_by: date | None = None,
    flags: dict[str, bool] | None = None,
    discovery: dict[str, Any] | None = None,
) -> DataRequest:
    """Change a draft before it is opened (its author, or their council's data lead); the
    holders asked are replaced by ``holders``. Raises ``PermissionDenied`` or ``InvalidInput``
    (``request-state-invalid`` once it is open)."""
    request = DataRequest.objects.select_for_update().get(pk=request.pk)
    check(user, RequestAction.EDIT, request)
    if not question.strip():
        raise InvalidInput("Say what question the data will answer", code="question-required")
    chosen = _holders(request.area, holders, request.requesting_council)
    _check_items(standard_name, data_items or [])
    flags = flags or {}
    values: dict[str, Any] = {
        "question": question.strip(),
        "purpose": purpose,
        "legal_power": legal_power,
        "standard_name": standard_name,
        "data_items": data_items or [],
        "geography_level": geography_level,
        "period": period,
        "needed_by": needed_by,
        **{name: bool(flags.get(name)) for name in FLAGS},
    }
    if discovery is not None:
        values["discovery"] = discovery
    changed = sorted(name for name, value in values.items() if getattr(request, name) != value)
    for name, value in values.items():
        setattr(request, name, value)
    request.save(update_fields=list(values))
    before = set(request.responses.values_list("council_id", flat=True))
    after = {c.gss_code for c in chosen}
    if before != after:
        changed.append("holders")
        request.responses.exclude(council_id__in=after).delete()
        HolderResponse.objects.bulk_create(
            HolderResponse(request=request, council=c) for c in chosen if c.gss_code not in before
        )
    _recorded(user, "request-edited", request, changed=",".join(sorted(changed)))
    return request


def _check_items(standard_name: str, items: list[dict[str, str]]) -> None:
    if not items:
        raise InvalidInput("Name the data items the question needs", code="data-items-required")
    wanted = [i["field"] for i in items if "field" in i]
    if not wanted:
        return
    if not standard_name:
        raise InvalidInput("Fields can be named only from a data standard", code="unknown-field")
    known = {f.name for f in standard_get(name=standard_name).fields}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the "
            f"{standard_name} standard",
            code="unknown-field",
        )


FLAGS = (
    "personal_data",
    "special_category",
    "children_or_vulnerable",
    "data_matching",
    "contractor_access",
)


def _notify(
    users: list[User], request: DataRequest, text: str, kind: str = "request-update"
) -> None:
    notify(users=users, text=text, link=reverse("request", args=[request.pk]), kind=kind)


def _data_leads(councils: list[str]) -> list[User]:
    return list(
        User.objects.filter(
            council_id__in=councils, is_active=True, role_grants__role=Role.DATA_LEAD
        ).distinct()
    )


@refusals_recorded("request-opened", _request_target)
@transaction.atomic
def request_open(*, user: User, request: DataRequest) -> DataRequest:
    """Open a draft so the holders can answer; notifies the holders' data leads."""
    check(user, RequestAction.OPEN, request)
    request.state = flow.State.OPEN
    request.opened_at = timezone.now()
    request.save(update_fields=["state", "opened_at"])
    holders = list(request.responses.values_list("council_id", flat=True))
    _recorded(user, "request-opened", request, holders=",".join(sorted(holders)))
    _notify(
        _data_leads(holders),
        request,
        f"{request.reference}: {request.requesting_council.name} asks for data: "
        f"{request.question[:140]}",
        kind="request-to-answer",
    )
    return request


@refusals_recorded("request-answered", _request_target)
@transaction.atomic
def request_answer(
    *, user: User, request: DataRequest, answer: str, reason: str = ""
) -> HolderResponse:
    """Record the answer of the user's council; notifies the requester."""
    check(user, RequestAction.ANSWER, request)
    chosen = flow.answer_of(answer, reason)
    response = request.responses.select_for_update().get(council_id=user.council_id)
    response.answer = chosen.value
    response.reason = reason.strip()
    response.answered_by = user
    response.answered_at = timezone.now()
    response.save()
    _recorded(user, "request-answered", request, chosen.value, council=str(user.council_id))
    if request.author is not None:
        _notify(
            [request.author],
            request,
            f"{response.council.name} answered {request.reference}: {chosen.label}",
        )
    return response


@refusals_recorded("request-commented", _request_target)
def request_comment(
    *, user: User, request: DataRequest, body: str, upload: UploadedFile | None = None
) -> Comment:
    """Add a comment, and optionally an attachment, to the request's thread.

    The attachment is checked and screened first (``requests.attachments``): a refused file
    is audited and nothing is stored. Raises ``PermissionDenied`` or ``InvalidInput``.
    """
    check(user, RequestAction.COMMENT, request)
    if not body.strip():
        raise InvalidInput("Write a comment", code="comment-required")
    checked = None
    if upload is not None:
        check(user, RequestAction.ATTACH, request)
        checked = attachment_check(user=user, request=request, upload=upload)
    with transaction.atomic():
        attachment = None
        if checked is not None:
            attachment = attachment_store(user=user, request=request, upload=checked)
        comment = Comment.objects.create(
            request=request, author=user, body=body.strip(), attachment=attachment
        )
        _recorded(
            user,
            "request-commented",
            request,
            comment=comment.pk,
            attachment=attachment.pk if attachment else None,
        )
        others: set[int] = set(request.joined.values_list("pk", flat=True))
        if request.author_id is not None:
            others.add(request.author_id)
        others.discard(user.pk)
        _notify(
            list(User.objects.filter(pk__in=others)),
            request,
            f"{user.get_full_name() or user.username} commented on {request.reference}",
        )
    return comment


@refusals_recorded("request-joined", _request_target)
@transaction.atomic
def request_join(*, user: User, request: DataRequest) -> DataRequest:
    """Join an open request instead of raising a duplicate; the requester is told."""
    check(user, RequestAction.JOIN, request)
    request.joined.add(user)
    _recorded(user, "request-joined", request)
    if request.author is not None and request.author != user:
        _notify(
            [request.author],
            request,
            f"{user.get_full_name() or user.username} ({user.organisation_name}) "
            f"needs the same data and joined {request.reference}",
        )
    return request


@refusals_recorded("request-fulfilled", _request_target)
@transaction.atomic
def request_fulfil(*, user: User, request: DataRequest) -> DataRequest:
    check(user, RequestAction.FULFIL, request)
    request.state = flow.State.FULFILLED
    request.ended_at = timezone.now()
    request.save(update_fields=["state", "ended_at"])
    _recorded(user, "request-fulfilled", request)
    return request


@refusals_recorded("request-closed", _request_target)
@transaction.atomic
def request_close(*, user: User, request: DataRequest, reason: str, note: str) -> DataRequest:
    """Close with an explicit stop reason and an explanation; raises ``InvalidInput``."""
    check(user, RequestAction.CLOSE, request)
    stop = flow.stop_reason(reason, note)
    was_draft = request.state == flow.State.DRAFT
    request.state = flow.State.CLOSED
    request.stop_reason = stop.value
    request.stop_note = note.strip()
    request.ended_at = timezone.now()
    request.save(update_fields=["state", "stop_reason", "stop_note", "ended_at"])
    _recorded(user, "request-closed", request, stop.value, stopped_draft=was_draft)
    return request


def _from_form(user: User, area: Area, data: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from the request form, with a fresh record of what was
    checked first and why not enough (made here, by searching again, not taken from the form).
    """
    found = find(user=user, area=area, question=data["question"], standard=data["standard"])
    items = [{"field": name} for name in data.get("fields_wanted") or []]
    items += [
        {"item": line.strip()} for line in (data.get("items") or "").splitlines() if line.strip()
    ]
    discovery = {
        "checked_at": timezone.now().isoformat(),
        "public": [d.slug for d in found.public],
        "under_agreement": [d.slug for d in found.under_agreement],
        "held": [d.slug for d in found.held],
        "open_requests": [r.pk for r in found.open_requests],
        "why_not_enough": data["not_enough"],
    }
    return {
        "question": data["question"],
        "holders": list(data["holders"]),
        "purpose": data["purpose"],
        "legal_power": data.get("legal_power", ""),
        "standard_name": data.get("standard", ""),
        "data_items": items,
        "geography_level": data.get("geography_level", ""),
        "period": data.get("period", ""),
        "needed_by": data.get("needed_by"),
        "flags": {name: bool(data.get(name)) for name in FLAGS},
        "discovery": discovery,
    }


def request_create_from_form(*, user: User, area: Area, data: dict[str, Any]) -> DataRequest:
    """Create a draft from the request form, recording what was checked first and why not enough."""
    return request_create(user=user, area=area, **_from_form(user, area, data))


def request_update_from_form(
    *, user: User, request: DataRequest, data: dict[str, Any]
) -> DataRequest:
    """Change a draft from the request form; what was checked first is searched again."""
    return request_update(user=user, request=request, **_from_form(user, request.area, data))


def request_form_initial(request: DataRequest) -> dict[str, Any]:
    """The request form's values for an existing draft, to edit it."""
    return {
        "question": request.question,
        "standard": request.standard_name,
        "geography_level": request.geography_level,
        "period": request.period,
        "not_enough": (request.discovery or {}).get("why_not_enough", ""),
        "purpose": request.purpose,
        "legal_power": request.legal_power,
        "holders": list(request.responses.values_list("council_id", flat=True)),
        "fields_wanted": [i["field"] for i in request.data_items if "field" in i],
        "items": "\n".join(i["item"] for i in request.data_items if "item" in i),
        "needed_by": request.needed_by,
        **{name: getattr(request, name) for name in FLAGS},
    }


def _personal_data_class(request: DataRequest) -> str:
    if request.special_category:
        return "special-category"
    if request.personal_data:
        return "personal"
    if request.standard_name:
        try:
            return standard_get(name=request.standard_name).personal_data
        except NotFound:
            return "none"
    return "none"


def request_warnings(request: DataRequest) -> list[tuple[str, str]]:
    """Warnings that the request asks for more than its question needs: (code, message).

    Direct identifiers, a finer geography than the question implies, whole records where
    counts would do; the rules are data in ``lgrshare/domain/rules/minimisation.json``.
    """
    facts = ScreeningRequest(
        question=request.question,
        fields=tuple(i["field"] for i in request.data_items if "field" in i),
        described_items=tuple(i["item"] for i in request.data_items if "item" in i),
        geography_level=request.geography_level or None,
        personal_data=_personal_data_class(request),
    )
    return [(w.code, w.message) for w in minimisation_warnings(facts)]
