"""Working with an area's unitary options: appraising, saving a version, exporting the pack."""

from __future__ import annotations

import pytest

from lgrshare.domain.policy import PolicyInputError
from lgrshare.domain.policy.options import OptionsAction, decide_options, options_roles
from tests.domain.policy_subjects import KENT_AREA, SURREY_AREA, guildford_subject

_subject = guildford_subject


@pytest.mark.parametrize(
    ("roles", "action", "reason"),
    [
        ({"analyst"}, "save-option", "allowed"),
        ({"programme-lead"}, "save-option", "allowed"),
        ({"dpo"}, "save-option", "role-not-permitted"),
        ({"senior-signatory"}, "save-option", "role-not-permitted"),
        ({"dpo"}, "appraise-option", "allowed"),
        ({"it-security"}, "export-evidence", "allowed"),
        (set(), "appraise-option", "role-not-permitted"),
    ],
)
def test_roles_decide_who_works_on_options(roles, action, reason):
    assert decide_options(subject=_subject(roles), action=action, area=SURREY_AREA).reason == reason


def test_contractors_and_other_areas_never_work_on_options():
    for action in OptionsAction:
        contractor = decide_options(
            subject=_subject({"analyst"}, contractor=True), action=action, area=SURREY_AREA
        )
        assert contractor.reason == "contractor-not-permitted"
        outsider = decide_options(
            subject=_subject({"analyst"}, areas=(KENT_AREA,)), action=action, area=SURREY_AREA
        )
        assert outsider.reason == "other-area"


def test_every_options_action_has_its_rule_and_unknown_ones_are_refused_loudly():
    assert set(options_roles()) == set(OptionsAction)
    with pytest.raises(PolicyInputError):
        decide_options(subject=_subject({"analyst"}), action="delete-option", area=SURREY_AREA)
