from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "lgrshare.datasets"
    label = "datasets"
    verbose_name = "Datasets"
