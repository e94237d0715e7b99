from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "lgrshare.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue of datasets"
