"""The notifications page: what the person was told, newest first, and marking it read."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput, PermissionDenied
from lgrshare.notifications import services

SHOWN = 100


class MarkReadForm(forms.Form):
    # Absent: mark them all.
    notification = forms.IntegerField(required=False, min_value=1)


def _person(request: HttpRequest) -> User:
    # Every page but sign-in already requires a person (SignInRequiredMiddleware).
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise PermissionDenied("Sign in first", code="not-signed-in")
    return request.user


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    shown = list(services.notifications_for(user=user)[:SHOWN])
    return render(
        request,
        "notifications/list.html",
        {"notifications": shown, "unread": services.unread_count(user=user)},
    )


@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Choose a notification to mark as read", code="notification-invalid")
    services.notifications_mark_read(
        user=_person(request), notification_id=form.cleaned_data["notification"]
    )
    return redirect("notifications")
