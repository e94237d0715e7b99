from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "lgrshare.retention"
    label = "retention"
    verbose_name = "Retention and deletion"
