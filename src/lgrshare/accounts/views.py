"""Sign in, sign out, and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from lgrshare.accounts import services
from lgrshare.accounts.auth import person
from lgrshare.accounts.forms import PasswordChangeForm, SignInForm, TokenCreateForm
from lgrshare.accounts.models import ApiToken
from lgrshare.domain.errors import InvalidInput


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


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
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


_SHOW_ONCE_KEY = "lgrshare.new-token"


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.token_create(user=person(request), name=form.cleaned_data["name"])
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
    return render(request, "accounts/tokens.html", context)


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.token_revoke(user=person(request), token_id=token_id)
    messages.success(request, f"Token '{token.name}' has been revoked")
    return redirect("tokens")
