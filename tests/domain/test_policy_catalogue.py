"""Adding to an area's catalogue: importing published figures and recording holdings."""

from __future__ import annotations

import pytest

from lgrshare.domain.policy import PolicyInputError
from lgrshare.domain.policy.catalogue import CatalogueAction, catalogue_roles, decide_catalogue
from tests.domain.policy_subjects import KENT_AREA, SURREY_AREA, guildford_subject

_subject = guildford_subject


@pytest.mark.parametrize(
    ("roles", "action", "reason"),
    [
        ({"analyst"}, "import-metrics", "allowed"),
        ({"programme-lead"}, "import-metrics", "allowed"),
        ({"dpo"}, "import-metrics", "role-not-permitted"),
        ({"it-security"}, "import-metrics", "role-not-permitted"),
        ({"dpo"}, "record-holding", "allowed"),
        ({"senior-signatory"}, "record-holding", "allowed"),
    ],
)
def test_roles_decide_who_adds_to_the_catalogue(roles, action, reason):
    assert (
        decide_catalogue(subject=_subject(roles), action=action, area=SURREY_AREA).reason == reason
    )


def test_contractors_and_other_areas_never_add_to_it():
    for action in CatalogueAction:
        contractor = decide_catalogue(
            subject=_subject({"analyst"}, contractor=True), action=action, area=SURREY_AREA
        )
        assert contractor.reason == "contractor-not-permitted"
        outsider = decide_catalogue(
            subject=_subject({"analyst"}, areas=(KENT_AREA,)), action=action, area=SURREY_AREA
        )
        assert outsider.reason == "other-area"


def test_every_catalogue_action_has_its_rule_and_unknown_ones_are_refused_loudly():
    assert set(catalogue_roles()) == set(CatalogueAction)
    with pytest.raises(PolicyInputError):
        decide_catalogue(
            subject=_subject({"analyst"}), action="delete-everything", area=SURREY_AREA
        )
