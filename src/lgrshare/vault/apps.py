from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "lgrshare.vault"
    label = "vault"
    verbose_name = "Encrypted vault"

    def ready(self) -> None:
        from lgrshare.vault import checks  # noqa: F401  (registers the KEK file check)
