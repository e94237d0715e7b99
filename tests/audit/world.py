"""A small Surrey world for audit tests: its people, and agreements, requests and submissions
made through the services when a test first uses them."""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile

from lgrshare.agreements import services as agreements
from lgrshare.agreements.models import Agreement
from lgrshare.catalogue.models import Dataset
from lgrshare.councils.models import Area, User
from lgrshare.requests import services as requests
from lgrshare.requests.models import Attachment, DataRequest
from lgrshare.submissions import services as submissions
from lgrshare.submissions.models import Submission
from tests.conftest import GUILDFORD, SURREY
from tests.experts import experts_reviewed
from tests.submissions.test_submissions import STANDARD, contracts_csv

TERMS = {
    "purposes": "To cost the transfer of county contracts in the west Surrey proposal.",
    "data_items": [{"standard": STANDARD, "fields": []}],
    "legal_power": "Local Government Act 1972 s.111",
    "personal_data": "none",
    "delete_by": date.today() + timedelta(days=200),
}
PARTIES = {SURREY: True, GUILDFORD: False}


class World:
    """Surrey's people, and its agreements, requests and submissions, made when first used."""

    def __init__(self, people: dict[str, User]) -> None:
        self.p = people
        self.area = Area.objects.get(county_id=SURREY)

    def draft(self) -> Agreement:
        return agreements.agreement_create(
            user=self.p["gary"],
            area=self.area,
            title="Contracts register for west Surrey",
            parties=dict(PARTIES),
            terms=dict(TERMS),
        )

    @cached_property
    def draft_agreement(self) -> Agreement:
        return self.draft()

    @cached_property
    def in_review(self) -> Agreement:
        agreement = self.draft()
        agreements.agreement_send_for_review(user=self.p["gary"], agreement=agreement)
        experts_reviewed(agreement)
        return agreement

    @cached_property
    def approved(self) -> Agreement:
        for dpo in ("sdpo", "gdpo"):
            agreements.agreement_dpo_review(
                user=self.p[dpo], agreement=self.in_review, approve=True
            )
        return self.in_review

    @cached_property
    def active(self) -> Agreement:
        for signatory in ("ssign", "gsign"):
            agreements.agreement_sign(user=self.p[signatory], agreement=self.approved)
        self.approved.refresh_from_db()
        return self.approved

    @cached_property
    def dataset(self) -> Dataset:
        return submissions.dataset_for(agreement=self.active, standard=STANDARD, council=SURREY)

    def reader(self) -> User:
        """Sam, a Surrey analyst who accepted the active agreement's terms."""
        agreements.terms_accept(user=self.p["sam"], agreement=self.active)
        return self.p["sam"]

    def submit(self, who: str = "sam") -> Submission:
        content = contracts_csv()
        return submissions.submission_create(
            user=self.p[who],
            dataset=self.dataset,
            source=io.BytesIO(content),
            file_name="contracts.csv",
            size=len(content),
            period="2026-27",
        )

    @cached_property
    def submission(self) -> Submission:
        return self.submit()

    @cached_property
    def request_draft(self) -> DataRequest:
        return requests.request_create(
            user=self.p["alice"],
            area=self.area,
            question="Which county contracts end after vesting day?",
            holders=[SURREY],
            purpose="Costing contract transfers",
            standard_name=STANDARD,
            data_items=[{"field": "end_date"}],
        )

    @cached_property
    def request_open(self) -> DataRequest:
        requests.request_open(user=self.p["alice"], request=self.request_draft)
        self.request_draft.refresh_from_db()
        return self.request_draft

    @cached_property
    def attachment(self) -> Attachment:
        """A data specification Alice attached to her open request's thread."""
        spec = b"# Contracts data specification\n\nEnd dates as ISO 8601 dates.\n"
        comment = requests.request_comment(
            user=self.p["alice"],
            request=self.request_open,
            body="The specification we need",
            upload=SimpleUploadedFile("specification.md", spec, content_type="text/markdown"),
        )
        assert comment.attachment is not None
        return comment.attachment

    @cached_property
    def dpia_document(self) -> Agreement:
        """The agreement in review, with a DPIA document Surrey's DPO recorded."""
        agreements.dpia_record(
            user=self.p["sdpo"],
            agreement=self.in_review,
            status="complete",
            outcome="Low residual risk",
            document_name="dpia.txt",
            document=b"DPIA: contracts register for west Surrey. Low residual risk.\n",
            document_type="text/plain",
        )
        return self.in_review
