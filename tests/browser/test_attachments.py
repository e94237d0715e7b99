"""In the browser: a file of NHS numbers renamed .txt is refused on the request page with the
reason and what to do instead; a specification is attached and downloads."""

from pathlib import Path

import pytest

from tests.browser.conftest import assert_accessible, make_user, sign_in
from tests.conftest import GUILDFORD, SURREY
from tests.domain.test_personal_data import nhs_number
from tests.requests.test_requests import form_data

pytestmark = pytest.mark.browser


def test_a_renamed_file_of_nhs_numbers_is_refused_and_a_specification_is_attached(page):
    from lgrshare.councils.models import Area
    from lgrshare.requests import services
    from lgrshare.requests.models import Attachment

    analyst = make_user("guildford.analyst", GUILDFORD, ["analyst"])
    make_user("surrey.datalead", SURREY, ["data-lead"])
    area = Area.objects.get(county_id=SURREY)
    request = services.request_create_from_form(user=analyst, area=area, data=form_data())
    services.request_open(user=analyst, request=request)

    sign_in(page, "surrey.datalead")
    page.goto(f"/requests/{request.pk}/")
    people = (
        "nhs_number,date_of_birth\n"
        f"{nhs_number('999000011')},12/03/1984\n{nhs_number('999000012')},30/07/1971\n"
    )
    page.get_by_label("Add a comment").fill("The list you asked about")
    page.get_by_label("Attach a file").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": people.encode()}]
    )
    page.get_by_role("button", name="Add comment").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "looks like personal data" in summary.inner_text()
    assert "data sharing agreement" in summary.inner_text()
    assert_accessible(page)
    assert not Attachment.objects.exists()

    spec = b"# Contracts register\n\nOne row per contract; values in pounds excluding VAT.\n"
    page.get_by_label("Add a comment").fill("What we would send")
    page.get_by_label("Attach a file").set_input_files(
        files=[{"name": "contracts-spec.md", "mimeType": "text/markdown", "buffer": spec}]
    )
    page.get_by_role("button", name="Add comment").click()
    link = page.get_by_role("link", name="contracts-spec.md")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "contracts-spec.md"
    assert Path(download.value.path()).read_bytes() == spec
