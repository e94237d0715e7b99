"""A DPO is told of a review, finds it under "Your tasks", approves, and the task is gone."""

from datetime import date, timedelta

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY

pytestmark = pytest.mark.browser


def test_the_dpo_finds_the_review_in_their_tasks_and_it_goes_once_approved(page):
    from lgrshare.agreements import services
    from lgrshare.councils.models import Area

    lead = make_user("guildford.lead", GUILDFORD, ["data-lead"])
    make_user("guildford.dpo", GUILDFORD, ["dpo"])
    make_user("surrey.dpo", SURREY, ["dpo"])
    agreement = services.agreement_create(
        user=lead,
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "To cost contract transfers.",
            "legal_power": "LGA 1972 s.111",
            "data_items": [{"standard": "contracts-register", "fields": ["end_date"]}],
            "personal_data": "none",
            "delete_by": date.today() + timedelta(days=180),
        },
    )
    services.agreement_send_for_review(user=lead, agreement=agreement)

    sign_in(page, "guildford.dpo")
    page.get_by_role("link", name="Notifications (1)").click()
    assert_accessible(page)
    assert f"{agreement.reference} needs your review as DPO" in page.locator("main").inner_text()
    page.get_by_role("button", name="Mark all as read").click()
    page.get_by_role("link", name="Notifications", exact=True).wait_for()

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your tasks").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"{agreement.reference}: Contracts register").click()
    page.get_by_label("Approve this version").check()
    page.get_by_role("button", name="Send decision").click()
    page.get_by_text("Approved.").wait_for()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your tasks").click()
    page.get_by_text("Nothing is waiting for you.").wait_for()
    assert_accessible(page)
