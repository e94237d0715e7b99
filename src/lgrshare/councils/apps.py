from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "lgrshare.councils"
    label = "councils"
    verbose_name = "Councils, areas and people"
