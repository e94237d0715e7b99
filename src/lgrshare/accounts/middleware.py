"""Sessions end after an absolute lifetime, however busy they are; and the second factor is
asked for before any page.

The idle limit (``SESSION_COOKIE_AGE``, refreshed on every request) ends a session nobody
uses; a session used all day would otherwise never end. NCSC and ASVS (3.3.4) ask for both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lgrshare.accounts import two_factor

SIGNED_IN_AT = "lgrshare.signed-in-at"


class SessionLifetimeMiddleware:
    """Sign a person out once ``SESSION_ABSOLUTE_SECONDS`` have passed since they signed in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            now = int(time.time())
            started = session.get(SIGNED_IN_AT)
            if not isinstance(started, int):
                session[SIGNED_IN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(
                    request, "You were signed out because your session ended. Sign in again."
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, the second factor: a person with an authenticator app gives its
    code before any page; a person whose roles need one and has none sets one up first.

    Runs after django-otp's ``OTPMiddleware`` (which tells whether this session gave a code).
    The API is left alone: it takes personal tokens, which only a fully signed-in person can
    create.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith("/api/"):
            return None
        if user.is_verified():
            return None
        if getattr(view_func, "two_factor_pending_allowed", False):
            # Not fully signed in yet: the page shows no service navigation (the context
            # processor reads this), only the way to sign out.
            pending = two_factor.has_second_factor(user) or two_factor.required_for(user)
            request.two_factor_pending = pending  # type: ignore[attr-defined]
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # sign-in, sign-out and the public pages
        wanted = urlencode({"next": request.get_full_path()})
        if two_factor.has_second_factor(user):
            return redirect(f"{reverse('two-factor-code')}?{wanted}")
        if two_factor.required_for(user):
            return redirect(f"{reverse('two-factor-set-up')}?{wanted}")
        return None
