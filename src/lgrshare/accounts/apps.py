from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lgrshare.accounts"
    label = "accounts"
    verbose_name = "Sign-in and API tokens"
