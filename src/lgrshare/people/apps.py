from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lgrshare.people"
    label = "people"
    verbose_name = "People and contractors"
