"""After a retention run deletes shared data, each council that downloaded it confirms that
its copies are gone, in the browser; the agreement closes when the last one is in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import SURREY

pytestmark = pytest.mark.browser


def test_councils_that_downloaded_the_data_attest_its_deletion_and_the_agreement_closes(
    page, settings, tmp_path
):
    from lgrshare.retention.models import DeletionCertificate
    from lgrshare.retention.services import retention_run
    from tests.conftest import GUILDFORD, WOKING, _make
    from tests.retention.conftest import DELETE_BY, make_agreement, noon, share

    settings.HOME = tmp_path
    cast = {
        "guildford_analyst": _make("gana", ["analyst"], GUILDFORD),
        "guildford_lead": _make("glead", ["data-lead"], GUILDFORD),
        "surrey_analyst": _make("sana", ["analyst"], SURREY),
        "woking_analyst": _make("wana", ["analyst"], WOKING),
        "woking_lead": _make("wlead", ["data-lead"], WOKING),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD), ("woking", WOKING)):
        cast[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        cast[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
        cast[f"{council}_itsec"] = _make(f"{council[0]}itsec", ["it-security"], gss)
    agreement = make_agreement(cast)
    share(cast, agreement)
    retention_run(now=noon(DELETE_BY), run_by="cli:cron")

    sign_in(page, "sdpo")
    page.goto(f"/areas/{SURREY}/")
    page.get_by_role("link", name="Retention and deletion in Surrey").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Surrey County Council for {agreement.reference}").click()
    page.get_by_role("heading", name="Confirm Surrey County Council deleted its copies").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the deletion").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "Say how and where your council" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("How and where were your council's copies deleted?").fill(
        "The zip file was deleted from the analyst's laptop and the recycle bin emptied."
    )
    page.get_by_label("I declare that").check()
    page.get_by_role("button", name="Confirm the deletion").click()
    page.get_by_text("Recorded: Surrey County Council deleted its copies.").wait_for()
    table = page.get_by_test_id("attestations").inner_text()
    assert "Confirmed by Sdpo Test" in table
    assert "Awaited" in table
    assert "Expired: data due for deletion" in page.get_by_test_id("state").inner_text()
    assert_accessible(page)
    # Its number depends on the tests run before (sequences are not reset between them).
    reference = DeletionCertificate.objects.get().reference
    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=f"Deletion certificate {reference}").wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "wlead")
    page.goto(f"/agreements/{agreement.pk}/retention")
    page.get_by_role("link", name="Confirm the deletion for Woking Borough Council").click()
    page.get_by_label("How and where were your council's copies deleted?").fill(
        "Deleted from the team drive."
    )
    page.get_by_label("I declare that").check()
    page.get_by_role("button", name="Confirm the deletion").click()
    page.get_by_text("Recorded: Woking Borough Council deleted its copies.").wait_for()
    assert page.get_by_test_id("state").inner_text().strip() == "Closed"
