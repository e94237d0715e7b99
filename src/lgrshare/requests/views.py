"""Pages: where can I get it, raising a request, the area register, a request's thread."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lgrshare import access
from lgrshare.accounts.auth import person
from lgrshare.councils.services import area_get_for_user
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.standards.model import StandardNotFound
from lgrshare.requests import services
from lgrshare.requests.attachments import attachment_decision, attachment_download
from lgrshare.requests.forms import AnswerForm, CloseForm, CommentForm, FindForm, RequestForm
from lgrshare.requests.models import DataRequest
from lgrshare.standards.services import standard_get


@require_http_methods(["GET", "POST"])
def find_start(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        query = urlencode({k: v for k, v in form.cleaned_data.items() if v})
        return redirect(f"/areas/{area.gss_code}/find/results?{query}")
    return render(request, "requests/find_start.html", {"area": area, "form": form})


@require_safe
def find_results(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    form = FindForm(request.GET)
    if not form.is_valid():
        return render(request, "requests/find_start.html", {"area": area, "form": form})
    need = form.cleaned_data
    result = services.find(
        user=person(request),
        area=area,
        question=need["question"],
        standard=need["standard"],
    )
    user = person(request)
    party_to = {
        d.pk
        for d in result.under_agreement
        if d.agreement and d.agreement.current().parties.filter(council_id=user.council_id).exists()
    }
    context = {
        "area": area,
        "need": need,
        "result": result,
        "query": request.GET.urlencode(),
        "party_to": party_to,
    }
    return render(request, "requests/find_results.html", context)


def _standard_fields(name: str) -> list[str]:
    if not name:
        return []
    try:
        return [f.name for f in standard_get(name=name).fields]
    except StandardNotFound:
        return []


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    data = request.POST if request.method == "POST" else None
    initial = {
        k: request.GET.get(k, "") for k in ("question", "standard", "geography_level", "period")
    }
    standard = (data or request.GET).get("standard", "")
    form = RequestForm(
        data,
        initial=initial,
        area=area,
        own_council=request.user.council_id or "",  # type: ignore[union-attr]
        fields=_standard_fields(standard),
    )
    if data is not None and form.is_valid():
        created = services.request_create_from_form(
            user=person(request), area=area, data=form.cleaned_data
        )
        return redirect("request", pk=created.pk)
    return render(request, "requests/request_new.html", {"area": area, "form": form})


@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft before it is opened: the request form, filled in with the draft."""
    user = person(request)
    found = services.request_get_for_user(pk=pk, user=user)
    services.request_require_editor(user=user, request=found)  # no form they cannot use
    data = request.POST if request.method == "POST" else None
    form = RequestForm(
        data,
        initial=services.request_form_initial(found),
        area=found.area,
        own_council=found.requesting_council_id,
        fields=_standard_fields(data.get("standard", "") if data else found.standard_name),
    )
    if data is not None and form.is_valid():
        try:
            services.request_update_from_form(user=user, request=found, data=form.cleaned_data)
        except InvalidInput as exc:
            form.add_error(_EDIT_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(request, f"{found.reference} is changed. Check it, then open it.")
            return redirect("request", pk=found.pk)
    context = {"area": found.area, "form": form, "req": found}
    return render(
        request, "requests/request_edit.html", context, status=400 if form.errors else 200
    )


# Which field of the request form a service's refusal belongs to.
_EDIT_ERROR_FIELDS = {
    "question-required": "question",
    "holders-invalid": "holders",
    "data-items-required": "items",
    "unknown-field": "fields_wanted",
}


@require_safe
def register(request: HttpRequest, county_gss: str) -> HttpResponse:
    area = area_get_for_user(county_gss=county_gss, user=person(request))
    rows = services.request_register(user=person(request), area=area)
    return render(
        request, "requests/register.html", {"area": area, "requests": rows, "now": timezone.now()}
    )


@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = services.request_get_for_user(pk=pk, user=person(request))
    return _detail(request, found)


def _detail(request: HttpRequest, found: DataRequest, **forms: object) -> HttpResponse:
    user = person(request)
    can = services.permissions(user, found)
    readable = attachment_decision(user=user, request=found)
    context = {
        "req": found,
        "area": found.area,
        # Every form and button of the page, as the policy answers for this person.
        "perms_for": access.perms_for(request=can),
        "responses": found.responses.select_related("council", "answered_by"),
        "comments": found.comments.select_related("author", "attachment"),
        "warnings": services.request_warnings(found),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "comment_form": forms.get("comment_form") or CommentForm(attach=can["attach"]),
        "close_form": forms.get("close_form") or CloseForm(),
        "joined": found.joined.filter(pk=user.pk).exists(),
        "needs_agreement": found.responses.filter(answer="needs-agreement").exists(),
        "attachments_readable": readable.allowed,
        "attachments_refusal": readable.message,
    }
    status = (
        400 if any(f is not None and getattr(f, "errors", None) for f in forms.values()) else 200
    )
    return render(request, "requests/request_detail.html", context, status=status)


_FORMS: dict[str, type[forms.Form]] = {
    "answer": AnswerForm,
    "comment": CommentForm,
    "close": CloseForm,
}
# Which field a service's refusal belongs to, so the error shows next to it.
_ERROR_FIELDS = {
    "decline-reason-required": "reason",
    "answer-invalid": "answer",
    "comment-required": "body",
    "stop-note-required": "note",
    "stop-reason-required": "reason",
    "attachment-looks-like-personal-data": "attachment",
}


@require_POST
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Open, answer, comment, join, fulfil or close: each one service call.

    Form errors and the services' refusals of bad input are shown on the request page, next to
    the field they concern; refusals of permission become the GOV.UK error page.
    """
    found = services.request_get_for_user(pk=pk, user=person(request))
    user = person(request)
    # The policy first, whatever was sent: someone who may not act on this request is refused
    # (403) before an unknown action or a form is answered (400).
    services.request_require(user=user, request=found, action=action)
    form = _FORMS[action](request.POST, request.FILES) if action in _FORMS else None
    if form is not None and not form.is_valid():
        return _detail(request, found, **{f"{action}_form": form})
    data = form.cleaned_data if form is not None else {}
    try:
        done = _ACTIONS[action](user, found, data)
    except KeyError:
        raise InvalidInput(f"Unknown action {action!r}", code="unknown-action") from None
    except InvalidInput as exc:
        if form is None:
            raise
        field = "attachment" if exc.code.startswith("file") else _ERROR_FIELDS.get(exc.code)
        form.add_error(field if field in form.fields else None, exc.message)
        return _detail(request, found, **{f"{action}_form": form})
    if done:
        messages.success(request, done)
    return redirect("request", pk=found.pk)


def _open(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_open(user=user, request=found)
    return f"{found.reference} is open. The holders' data leads have been told."


def _answer(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_answer(user=user, request=found, answer=data["answer"], reason=data["reason"])
    return "Your council's answer has been recorded."


def _comment(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_comment(user=user, request=found, body=data["body"], upload=data["attachment"])
    return ""


def _join(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_join(user=user, request=found)
    return f"You have joined {found.reference}: you will hear about its answers."


def _fulfil(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_fulfil(user=user, request=found)
    return f"{found.reference} is marked as fulfilled."


def _close(user: Any, found: DataRequest, data: dict[str, Any]) -> str:
    services.request_close(user=user, request=found, reason=data["reason"], note=data["note"])
    return f"{found.reference} is closed."


_ACTIONS = {
    "open": _open,
    "answer": _answer,
    "comment": _comment,
    "join": _join,
    "fulfil": _fulfil,
    "close": _close,
}


@require_safe
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    found = services.request_get_for_user(pk=pk, user=person(request))
    item, content = attachment_download(
        user=person(request), request=found, attachment_id=attachment_id
    )
    response = HttpResponse(content, content_type=item.content_type)
    # Django quotes or encodes the name safely (it came from the uploader).
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
