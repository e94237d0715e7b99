from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "lgrshare.submissions"
    label = "submissions"
    verbose_name = "Submissions"
