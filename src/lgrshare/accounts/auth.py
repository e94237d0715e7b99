"""The signed-in person behind a request, typed as our ``User``: sign-in is the accounts'."""

from __future__ import annotations

from django.http import HttpRequest

from lgrshare.councils.models import User
from lgrshare.domain.errors import PermissionDenied


def person(request: HttpRequest) -> User:
    """Return the signed-in person; raises ``PermissionDenied`` (``not-signed-in``) otherwise.

    Every page but sign-in requires a person (``SignInRequiredMiddleware``) and the API's
    bearer-token check sets one, so this raises only if a route was wired without either.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first", code="not-signed-in")
    return user
