from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "lgrshare.requests"
    label = "requests"
    verbose_name = "Data requests and the area forum"
