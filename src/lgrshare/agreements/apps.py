from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "lgrshare.agreements"
    label = "agreements"
    verbose_name = "Data sharing agreements"

    def ready(self) -> None:
        # A person's standing under agreements (contractor agreement, terms accepted) is part of
        # the policy's facts about them: this capability owns it and hands the gate its builder.
        # Imported here, not at the top: models may be imported only once the app registry is
        # ready (tests/test_layers.py allows ``ready`` for that reason alone).
        from lgrshare import access
        from lgrshare.agreements.facts import subject_of

        access.subject_facts_from(subject_of)
