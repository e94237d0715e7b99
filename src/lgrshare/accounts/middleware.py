"""Sessions end after an absolute lifetime, however busy they are.

The idle limit (``SESSION_COOKIE_AGE``, refreshed on every request) ends a session nobody
uses; a session used all day would otherwise never end. NCSC and ASVS (3.3.4) ask for both.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

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
