from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "lgrshare.standards"
    label = "standards"
    verbose_name = "Data standards"
