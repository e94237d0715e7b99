"""Pages ask the policy through one helper (``perms_for``): a form or button shows only to
someone who can use it, and no template or view writes a role set of its own."""

import re
from pathlib import Path

import pytest

from lgrshare.agreements import services
from lgrshare.domain.errors import PermissionDenied
from tests.conftest import GUILDFORD, SURREY, WOKING, _make

SRC = Path(__file__).parents[2] / "src" / "lgrshare"
DPIA_FORM = "Record the DPIA decision"


def test_only_a_partys_dpo_is_offered_the_dpia_form_and_only_they_may_record_it(
    draft, cast, signed_in
):
    woking_dpo = _make("wdpo", ["dpo"], WOKING)  # a DPO of the area, not a party
    page = signed_in(cast["guildford_dpo"]).get(f"/agreements/{draft.pk}/")
    assert page.context["perms_for"]["agreement"]["record_dpia"]
    assert DPIA_FORM in page.content.decode()
    for who in (cast["guildford_lead"], cast["guildford_sign"], woking_dpo):
        page = signed_in(who).get(f"/agreements/{draft.pk}/")
        if page.status_code == 200:
            assert DPIA_FORM not in page.content.decode(), who.username
    with pytest.raises(PermissionDenied) as caught:
        services.dpia_record(user=woking_dpo, agreement=draft, status="complete", outcome="x")
    assert caught.value.code in {"not-a-party", "other-area"}
    with pytest.raises(PermissionDenied) as caught:
        services.dpia_record(
            user=cast["guildford_lead"], agreement=draft, status="complete", outcome="x"
        )
    assert caught.value.code == "role-not-permitted"


def test_the_agreement_page_offers_each_action_as_the_policy_answers(draft, cast, signed_in):
    lead = signed_in(cast["guildford_lead"]).get(f"/agreements/{draft.pk}/")
    assert lead.context["perms_for"]["agreement"]["edit_draft"]
    assert "Change the draft" in lead.content.decode()
    services.agreement_send_for_review(user=cast["guildford_lead"], agreement=draft)
    for who, offered in [
        ("surrey_dpo", {"approve", "record_dpia", "vary"}),  # a DPO drafts too
        ("surrey_sign", {"sign"}),
        ("surrey_lead", {"vary"}),
        ("alice", set()),  # an analyst of a party: nothing to do while it is in review
    ]:
        perms = signed_in(cast[who]).get(f"/agreements/{draft.pk}/").context["perms_for"]
        answered = {action for action, allowed in perms["agreement"].items() if allowed}
        assert answered == offered, who


ROLE_SET = re.compile(r"role_codes|\"(dpo|data-lead|analyst|senior-signatory|area-admin)\" in ")


def test_no_template_view_or_service_writes_a_role_set_of_its_own():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for pattern in ("*/templates/**/*.html", "templates/**/*.html", "*/views.py")
        for path in SRC.glob(pattern)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_SET.search(line)
    ]
    offenders += [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.glob("*/services.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\"[a-z-]+\" (not )?in \w+\.role_codes", line)
    ]
    assert offenders == []


def test_no_template_reads_a_can_flag_of_its_own_only_perms_for():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for pattern in ("*/templates/**/*.html", "templates/**/*.html")
        for path in SRC.glob(pattern)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\{%[^%]*\b(row\.)?can_[a-z_]+", line)
    ]
    assert offenders == []


AREA_BUTTONS = {
    "add_person": "Add a person",
    "add_contractor": "Add a contractor",
    "read_trail": "Audit trail of Surrey",
}


def test_the_area_page_offers_each_button_as_the_policy_answers(signed_in, cast, admin):
    surrey_dpo = cast["surrey_dpo"]
    for who, offered in [
        (cast["alice"], set()),  # an analyst: nothing to manage
        (admin, {"add_person", "add_contractor"}),  # an area administrator
        (surrey_dpo, {"read_trail"}),  # a DPO reads the area's trail
    ]:
        page = signed_in(who).get(f"/areas/{SURREY}/")
        answers = page.context["perms_for"]["area"]
        assert {action for action, allowed in answers.items() if allowed} == offered, who
        html = page.content.decode()
        for action, text in AREA_BUTTONS.items():
            assert (text in html) == (action in offered), (who, action)


def test_a_persons_page_offers_each_form_as_the_policy_answers(signed_in, cast, admin):
    alice = cast["alice"]
    own_admin = _make("gadmin", ["area-admin"], GUILDFORD)
    for who, offered in [(admin, set()), (own_admin, {"deactivate"}), (alice, set())]:
        page = signed_in(who).get(f"/people/{alice.pk}/")
        answers = page.context["perms_for"]["person"]
        assert {action for action, allowed in answers.items() if allowed} == offered, who
        html = page.content.decode()
        assert ("Deactivate this account" in html) == ("deactivate" in offered), who
        removable = [row["perms"]["remove_role"] for row in page.context["grants"]]
        assert ("Remove<span" in html) == any(removable), who
