"""Two-factor pages: set up an authenticator app, give a code at sign-in, manage it."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from lgrshare.accounts import two_factor
from lgrshare.accounts.auth import person
from lgrshare.domain.errors import InvalidInput

_SHOW_ONCE_KEY = "lgrshare.recovery-codes"
_CONTINUE_KEY = "lgrshare.recovery-codes-next"
NEXT = "next"


def pending_allowed(view):  # type: ignore[no-untyped-def]
    """Mark a view as reachable by someone signed in with a password who has not yet given
    their second factor (the code and set-up pages, sign-out)."""
    view.two_factor_pending_allowed = True
    return view


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=24,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args: object, help_text: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if help_text is not None:
            self.fields["code"].help_text = help_text
        attrs = self.fields["code"].widget.attrs
        attrs.update({"autocomplete": "one-time-code", "spellcheck": "false"})
        attrs["class"] = "govuk-input govuk-input--width-10"


def _next(request: HttpRequest, default: str = "/") -> str:
    """Where the person was going (``next``, sent or in the address), if it is a page of this
    service; ``default`` otherwise."""
    target = request.POST.get(NEXT) or request.GET.get(NEXT) or default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


# Set-up comes before any recovery code exists: those are given once the app's code is right.
_SET_UP_HINT = "The 6-digit code your authenticator app shows for LGR Share"


@pending_allowed
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor after the password."""
    user = person(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    if not two_factor.has_second_factor(user):
        return redirect("two-factor-set-up")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.name == two_factor.RECOVERY:
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: make new ones from "
                    "your two-factor settings if you are running low.",
                )
            return redirect(_next(request))
        form.add_error(
            "code",
            "That code is not right, or it came too soon after a wrong one. Wait a few seconds, "
            "then enter the code your app shows now.",
        )
    return render(request, "accounts/two_factor_code.html", {"form": form, "next": _next(request)})


@pending_allowed
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then confirm with the app's first code."""
    user = person(request)
    form = CodeForm(request.POST or None, help_text=_SET_UP_HINT)
    device = two_factor.app_pending(user=user)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = two_factor.app_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except InvalidInput as exc:
            form.add_error("code", exc.message)
        else:
            otp_login(request, device)
            request.session[_SHOW_ONCE_KEY] = codes
            # After the codes, on to where they were going (or their two-factor settings).
            request.session[_CONTINUE_KEY] = _next(request, default=reverse("two-factor"))
            return redirect("two-factor-recovery-codes")
    if device is None or request.method == "GET":
        device = two_factor.app_begin(user=user)
    key = _base32(device.bin_key)
    context = {
        "form": form,
        "next": request.POST.get(NEXT) or request.GET.get(NEXT) or "",
        "required": two_factor.required_for(user),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code"),
        # Grouped in fours, as authenticator apps show keys typed in by hand.
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode("ascii").rstrip("=")


@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once."""
    codes = request.session.pop(_SHOW_ONCE_KEY, None)
    onward = request.session.pop(_CONTINUE_KEY, None) or reverse("two-factor")
    if not codes:
        return redirect("two-factor")
    context = {"codes": codes, "continue_to": onward}
    return render(request, "accounts/two_factor_recovery_codes.html", context)


@require_http_methods(["GET"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = person(request)
    context = {
        "set_up": two_factor.is_set_up(user),
        "required": two_factor.required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/two_factor.html", context)


_CONFIRM = {
    "renew": (
        "Make new recovery codes?",
        "Your current recovery codes will stop working at once. Keep the new ones somewhere "
        "safe, away from your phone.",
        "Make new recovery codes",
        "govuk-button",
    ),
    "remove": (
        "Turn off two-factor sign-in?",
        "You will sign in with your password alone, and your recovery codes will stop working.",
        "Turn off two-factor sign-in",
        "govuk-button govuk-button--warning",
    ),
}


def _confirm(request: HttpRequest, which: str) -> HttpResponse:
    """The page that asks before an action that cannot be undone."""
    title, warning, button, style = _CONFIRM[which]
    context = {"title": title, "warning": warning, "button": button, "style": style}
    return render(request, "accounts/two_factor_confirm.html", context)


@require_http_methods(["GET", "POST"])
def renew_codes(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _confirm(request, "renew")
    request.session[_SHOW_ONCE_KEY] = two_factor.recovery_codes_renew(user=person(request))
    request.session[_CONTINUE_KEY] = reverse("two-factor")
    return redirect("two-factor-recovery-codes")


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _confirm(request, "remove")
    two_factor.two_factor_remove(user=person(request))
    messages.success(request, "Two-factor sign-in is turned off.")
    return redirect("two-factor")
