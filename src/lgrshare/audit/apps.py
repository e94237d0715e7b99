from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lgrshare.audit"
    label = "audit"
    verbose_name = "Audit trail"
