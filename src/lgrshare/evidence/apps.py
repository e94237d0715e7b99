from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "lgrshare.evidence"
    label = "evidence"
    verbose_name = "Evidence: unitary options and appraisals"
