"""Your tasks: every open action for the person, derived from the current state, gone once done,
and never another council's."""

from __future__ import annotations

import io

from lgrshare.agreements import services as agreements
from lgrshare.councils.models import Area
from lgrshare.requests import services as requests
from lgrshare.submissions import services as submissions
from lgrshare.tasks import tasks_of
from tests.conftest import SURREY
from tests.experts import experts_reviewed
from tests.notifications.conftest import STANDARD
from tests.notifications.test_events import _contracts_csv


def titles(user) -> list[str]:
    return [task.title for _, tasks in tasks_of(user) for task in tasks]


def headings(user) -> list[str]:
    return [heading for heading, _ in tasks_of(user)]


def test_the_page_lists_a_review_for_the_dpo_and_drops_it_once_approved(in_review, cast, signed_in):
    page = signed_in(cast["gdpo"]).get("/tasks/")
    assert page.status_code == 200
    assert in_review.reference in page.content.decode()
    assert f'href="/agreements/{in_review.pk}/"' in page.content.decode()
    agreements.agreement_dpo_review(user=cast["gdpo"], agreement=in_review, approve=True)
    assert in_review.reference not in signed_in(cast["gdpo"]).get("/tasks/").content.decode()


def test_another_councils_people_never_see_the_review(in_review, cast, dave, signed_in):
    for who in ("wdpo", "wanalyst", "charlie", "alice", "gsign"):
        assert not titles(cast[who]), who
    assert not titles(dave)  # contractor staff: no council, nothing to review
    for user in (cast["charlie"], dave):
        page = signed_in(user).get("/tasks/").content.decode()
        assert in_review.reference not in page


def test_a_signatory_is_asked_only_once_their_own_dpo_has_approved(in_review, cast):
    assert not titles(cast["gsign"])
    agreements.agreement_dpo_review(user=cast["sdpo"], agreement=in_review, approve=True)
    assert not titles(cast["gsign"])  # Surrey's DPO approved, not Guildford's
    agreements.agreement_dpo_review(user=cast["gdpo"], agreement=in_review, approve=True)
    assert headings(cast["gsign"]) == ["Agreements to sign"]
    experts_reviewed(in_review)
    agreements.agreement_sign(user=cast["gsign"], agreement=in_review)
    assert not titles(cast["gsign"])


def test_a_returned_draft_waits_for_its_drafter_until_sent_again(in_review, cast):
    agreements.agreement_dpo_review(
        user=cast["sdpo"], agreement=in_review, approve=False, comments="Name the fields"
    )
    [(heading, [task])] = tasks_of(cast["gary"])
    assert heading == "Agreements returned to you with comments"
    assert "Name the fields" in task.detail
    assert not titles(cast["sue"])
    agreements.agreement_send_for_review(user=cast["gary"], agreement=in_review)
    assert not titles(cast["gary"])


def test_a_request_waits_for_the_holders_data_lead_until_answered(cast):
    request = requests.request_create_from_form(
        user=cast["alice"],
        area=Area.objects.get(county_id=SURREY),
        data={
            "question": "Which county contracts end after vesting day?",
            "not_enough": "Spending data has no end dates",
            "purpose": "Costing",
            "standard": STANDARD,
            "holders": [SURREY],
            "fields_wanted": ["end_date"],
            "legal_power": "LGA 1972 s.111",
        },
    )
    assert not titles(cast["sue"])  # a draft asks nobody yet
    requests.request_open(user=cast["alice"], request=request)
    assert headings(cast["sue"]) == ["Requests waiting for your council's answer"]
    for who in ("alice", "sdpo", "charlie"):
        assert not titles(cast[who]), who
    requests.request_answer(user=cast["sue"], request=request, answer="will-provide")
    assert not titles(cast["sue"])


def test_a_submission_waits_for_the_providers_data_lead_and_terms_for_the_reader(active, cast):
    dataset = submissions.dataset_for(agreement=active, standard=STANDARD, council=SURREY)
    content = _contracts_csv()
    submission = submissions.submission_create(
        user=cast["sue"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="contracts.csv",
        size=len(content),
        period="2026-27",
    )
    assert "Submissions waiting for you to accept" in headings(cast["sue"])
    assert "Submissions waiting for you to accept" not in headings(cast["gary"])
    submissions.submission_accept(user=cast["sue"], submission=submission)
    assert "Submissions waiting for you to accept" not in headings(cast["sue"])
    # Guildford's analyst may read it once they accept the terms: that is their task.
    assert headings(cast["alice"]) == ["Terms to accept before you can read the data"]
    for who in ("wanalyst", "charlie", "gdpo"):
        assert not titles(cast[who]), who
    agreements.terms_accept(user=cast["alice"], agreement=active)
    assert not titles(cast["alice"])


def test_the_header_links_to_your_tasks(cast, signed_in):
    page = signed_in(cast["alice"]).get("/").content.decode()
    assert '<a class="govuk-service-navigation__link" href="/tasks/"' in page
    assert "Nothing is waiting for you." in signed_in(cast["alice"]).get("/tasks/").content.decode()
