"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238) with single-use recovery codes.

django-otp holds the devices and checks codes (with its own throttling: each wrong code doubles
the wait before the next try). Who must use a second factor is the domain's rule
(``domain/policy/two_factor.py``); the setting ``TWO_FACTOR_REQUIRED`` can switch the
requirement off for a whole installation, and the test suite does so except where it tests it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lgrshare.accounts import signals
from lgrshare.councils.models import User
from lgrshare.domain.errors import InvalidInput
from lgrshare.domain.policy.two_factor import two_factor_required

RECOVERY_CODES = 10
APP = "Authenticator app"
RECOVERY = "Recovery codes"


def required_for(user: User) -> bool:
    """Return True when ``user`` must sign in with a second factor."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    return two_factor_required(
        roles=frozenset(user.role_codes), contractor_staff=user.contractor_id is not None
    )


def is_set_up(user: User) -> bool:
    """Return True when ``user`` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


@transaction.atomic
def app_begin(*, user: User) -> TOTPDevice:
    """Return a new, unconfirmed authenticator for ``user`` to scan (any earlier unconfirmed
    one is discarded, so a reloaded page never leaves two secrets behind)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP, confirmed=False)


def app_pending(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def app_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with a code from the app; replace any earlier app and recovery codes;
    return the new recovery codes (shown once).

    Raises ``InvalidInput`` (``two-factor-code-wrong``) when the code does not match.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.strip()):
        raise InvalidInput(
            "That code is not right. Enter the 6-digit code your app shows now.",
            code="two-factor-code-wrong",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    signals.two_factor_changed.send(sender=User, user=user, person=user, change="set-up")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace ``user``'s recovery codes; return the new ones (shown once)."""
    codes = _recovery_codes_replace(user)
    signals.two_factor_changed.send(
        sender=User, user=user, person=user, change="recovery-codes-renewed"
    )
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() + StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_remove(*, user: User) -> None:
    """Remove ``user``'s second factor. Raises ``InvalidInput`` (``two-factor-required``) when
    their roles need one."""
    if required_for(user):
        raise InvalidInput(
            "Your roles need two-factor sign-in, so it cannot be turned off",
            code="two-factor-required",
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    signals.two_factor_changed.send(sender=User, user=user, person=user, change="removed")


def verify(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Return the device that accepts ``code`` (the app's code or an unused recovery code),
    or None; a failure is announced for the audit trail. A recovery code works once."""
    cleaned = code.strip().replace(" ", "").replace("-", "").lower()
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(cleaned):
                if isinstance(device, StaticDevice):
                    signals.two_factor_changed.send(
                        sender=User, user=user, person=user, change="recovery-code-used"
                    )
                return device
    signals.two_factor_failed.send(sender=User, user=user)
    return None
