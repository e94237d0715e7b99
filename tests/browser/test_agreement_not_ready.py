"""A DPO approving an agreement that is not ready sees every problem, and what unblocks it."""

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY

pytestmark = pytest.mark.browser


def test_a_dpo_approving_a_blocked_agreement_sees_the_list_of_problems(page):
    from lgrshare.agreements import services
    from lgrshare.agreements.models import Agreement, State
    from lgrshare.councils.models import Area
    from lgrshare.standards import drafts
    from tests.agreements.test_readiness import CHILDREN

    lead = make_user("guildford.lead", GUILDFORD, ["data-lead"])
    make_user("surrey.dpo", SURREY, ["dpo"])
    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Children's services and housing, west Surrey",
        parties={SURREY: True, GUILDFORD: True},
        terms=dict(CHILDREN),
    )
    drafts.proposals_confirm(user=lead, data_items=agreement.current().data_items)
    # As it stood before these rules: sent for review with the DPIA not started.
    Agreement.objects.filter(pk=agreement.pk).update(state=State.IN_REVIEW)

    sign_in(page, "surrey.dpo")
    page.goto(f"/agreements/{agreement.pk}/")
    assert "Before this can go live" in page.get_by_test_id("before-live").inner_text()
    page.get_by_label("Approve this version").check()
    page.get_by_role("button", name="Send decision").click()
    summary = page.get_by_test_id("not-ready")
    summary.wait_for()
    codes = summary.locator("[data-code]").evaluate_all(
        "links => links.map(link => link.dataset.code)"
    )
    assert codes == [
        "dpia-not-completed",
        "schedule-1-condition-missing",
        "appropriate-policy-document-missing",
    ]
    assert "no DPO has recorded a completed DPIA" in summary.inner_text()
    assert_accessible(page)
    assert "Approved by" not in page.get_by_test_id("parties").inner_text()


def test_choosing_special_category_data_marks_the_draft_official_sensitive(page):
    make_user("guildford.lead", GUILDFORD, ["data-lead"])
    sign_in(page, "guildford.lead")
    page.goto(f"/areas/{SURREY}/agreements/new")
    assert page.get_by_label("OFFICIAL", exact=True).is_checked()
    page.get_by_label("Special category personal data").check()
    assert page.get_by_label("OFFICIAL-SENSITIVE").is_checked()
