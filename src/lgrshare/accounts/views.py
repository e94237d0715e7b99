"""Sign in, sign out, and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from lgrshare.accounts import services, throttle
from lgrshare.accounts.auth import person
from lgrshare.accounts.forms import PasswordChangeForm, SignInForm, TokenCreateForm
from lgrshare.accounts.models import ApiToken
from lgrshare.domain.errors import InvalidInput


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The body's size limit applies first (reading POST raises it), then spraying across
        # usernames is paused before any password is checked.
        if request.POST is not None and throttle.address_paused(request):
            return render(request, "accounts/locked_out.html", {"spraying": True}, status=429)
        return super().post(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """POST signs out; GET (a bookmarked or typed address) asks first, never signs out."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/sign_out.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("sign-in")
        return render(request, self.template_name)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        user = person(self.request)
        revoked = services.password_change(
            user=user, actor=user, new_password=form.cleaned_data["new_password1"]
        )
        # Keep this session signed in; every other session of the person ends.
        update_session_auth_hash(self.request, user)
        ended = (
            f" Your {revoked} API token{'s' if revoked != 1 else ''} stopped working."
            if revoked
            else ""
        )
        messages.success(self.request, f"Your password has been changed.{ended}")
        return redirect(self.get_success_url())


_SHOW_ONCE_KEY = "lgrshare.new-token"


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.token_create(
                user=person(request),
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"] or services.DEFAULT_TOKEN_DAYS,
            )
        except InvalidInput as exc:
            form.add_error("name", exc.message)
        else:
            # Shown once on the next page, then gone: a reload cannot make a second token.
            request.session[_SHOW_ONCE_KEY] = secret
            return redirect("tokens")
    context = {
        "form": form,
        "new_token": request.session.pop(_SHOW_ONCE_KEY, None) if request.method == "GET" else None,
        "tokens": ApiToken.objects.filter(user=person(request)),
    }
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.token_revoke(user=person(request), token_id=token_id)
    messages.success(request, f"Token '{token.name}' has been revoked")
    return redirect("tokens")
