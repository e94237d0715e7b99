"""What the accounts room announces, for the audit trail to record.

Accounts sit below the audit trail in the layers, so they cannot record an event themselves:
they send these signals inside the same transaction, and ``lgrshare.audit`` (which may import
accounts) records each one. Django's own ``user_logged_in``, ``user_login_failed`` and
``user_logged_out`` are handled the same way.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender: the ApiToken; kwargs: user (the actor), token
token_created = Signal()
token_revoked = Signal()
# sender: the User whose password changed; kwargs: user (the actor), revoked (tokens ended)
password_changed = Signal()
# sender: "sign-in"; kwargs: request, address, failures (the client's recent failures)
sign_in_throttled = Signal()
# sender: User; kwargs: user (the actor), person, change ("set-up", "removed",
# "recovery-codes-renewed", "recovery-code-used")
two_factor_changed = Signal()
# sender: User; kwargs: user (who gave a wrong code)
two_factor_failed = Signal()
