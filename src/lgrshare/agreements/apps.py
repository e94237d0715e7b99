from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lgrshare.agreements"
    label = "agreements"
    verbose_name = "Data sharing agreements"
