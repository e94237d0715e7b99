"""Personal API tokens: shown once, stored only as a SHA-256 hash, revocable, and expiring.

A token dies on its expiry date, when it is revoked, when its owner is switched off, and when
its owner's password changes: ``password_binding`` holds an HMAC of the password hash at the
time the token was made (Django's session auth hash), which no longer matches afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    # The public part of the token, so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12, unique=True)
    # Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Who revoked it, when not its owner (an administrator): shown on the token list.
    revoked_by = models.CharField(max_length=150, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    password_binding = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """True while the token can still be used (not revoked, not expired)."""
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
