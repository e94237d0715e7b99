from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lgrshare.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # Sign-ins, passwords and tokens are announced by accounts (a lower layer) as signals.
        from lgrshare.audit import receivers

        receivers.connect()
