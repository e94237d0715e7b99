"""A world for retention: Guildford shares its contracts register with Surrey County Council
and Woking; people at Surrey and Woking download it. Each test gets its own vault and KEK."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from lgrshare.agreements import services as agreements
from lgrshare.audit.anchor import anchor_write
from lgrshare.audit.models import AuditEntry
from lgrshare.councils.models import Area
from lgrshare.datasets import downloads
from lgrshare.domain.policy import UK
from lgrshare.submissions import services as submissions
from lgrshare.submissions.models import Submission
from tests.conftest import GUILDFORD, SURREY, WOKING, _make
from tests.submissions.test_submissions import STANDARD, contracts_csv

DELETE_BY = date.today() + timedelta(days=40)


def noon(day: date) -> datetime:
    """Midday in the UK on ``day``: the clock a run is given."""
    return datetime.combine(day, time(12), tzinfo=UK)


@pytest.fixture(autouse=True)
def vault_home(tmp_path: Path, settings, monkeypatch) -> Path:
    for name in (
        "LGRSHARE_KEK_FILE",
        "LGRSHARE_KEK_PREVIOUS_FILES",
        "LGRSHARE_VAULT_DIR",
        "LGRSHARE_AUDIT_HEAD_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    settings.HOME = tmp_path
    return tmp_path


def anchor_head() -> None:
    """Write the audit chain's head anchor as a commit would: a test's transaction never
    commits, so ``audit_record`` never writes it (``audit verify`` then says anchor-missing)."""
    last = AuditEntry.objects.order_by("-seq").first()
    if last is not None:
        anchor_write(last.to_record().head)


@pytest.fixture
def cast(db):
    people = {
        "guildford_analyst": _make("gana", ["analyst"], GUILDFORD),
        "guildford_lead": _make("glead", ["data-lead"], GUILDFORD),
        "surrey_analyst": _make("sana", ["analyst"], SURREY),
        "woking_analyst": _make("wana", ["analyst"], WOKING),
        "woking_lead": _make("wlead", ["data-lead"], WOKING),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD), ("woking", WOKING)):
        people[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        people[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
        people[f"{council}_itsec"] = _make(f"{council[0]}itsec", ["it-security"], gss)
    return people


def make_agreement(cast, **terms):
    agreement = agreements.agreement_create(
        user=cast["guildford_lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register for the contract transfer",
        parties={GUILDFORD: True, SURREY: False, WOKING: False},
        terms={
            "purposes": "To cost the transfer of contracts to the new councils",
            "legal_power": "Local Government Act 1972 s.111",
            "data_items": [{"standard": STANDARD, "fields": []}],
            "personal_data": "none",
            "delete_by": DELETE_BY,
            **terms,
        },
    )
    agreements.agreement_send_for_review(user=cast["guildford_lead"], agreement=agreement)
    for council in ("surrey", "guildford", "woking"):
        # The contracts register is OFFICIAL-SENSITIVE: each party's IT security agrees first.
        agreements.expert_review_record(
            user=cast[f"{council}_itsec"],
            agreement=agreement,
            kind="it-security",
            outcome="reviewed",
        )
        agreements.agreement_dpo_review(
            user=cast[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=cast[f"{council}_sign"], agreement=agreement)
    agreement.refresh_from_db()
    return agreement


def share(cast, agreement):
    """Guildford submits and accepts its file; Surrey's and Woking's analysts download it."""
    dataset = submissions.dataset_for(agreement=agreement, standard=STANDARD, council=GUILDFORD)
    content = contracts_csv(bad_date=True)
    submission = submissions.submission_create(
        user=cast["guildford_analyst"],
        dataset=dataset,
        source=io.BytesIO(content),
        file_name="contracts.csv",
        size=len(content),
        period="2026-27",
    )
    submissions.submission_add_caveat(
        user=cast["guildford_analyst"],
        submission=submission,
        kind="known-error",
        field="end_date",
        explains="type-error",
        text="One end date was typed as 31 February.",
    )
    submissions.submission_accept(user=cast["guildford_lead"], submission=submission)
    submission = Submission.objects.select_related("dataset").get(pk=submission.pk)
    for reader in ("surrey_analyst", "woking_analyst"):
        agreements.terms_accept(user=cast[reader], agreement=agreement)
        downloads.submission_download(user=cast[reader], submission=submission, fmt="zip")
    submission.refresh_from_db()
    return dataset, submission


@pytest.fixture
def shared(cast):
    agreement = make_agreement(cast)
    dataset, submission = share(cast, agreement)
    return agreement, dataset, submission
