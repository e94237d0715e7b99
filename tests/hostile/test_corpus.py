"""Every hostile file of the corpus gets the same verdict and code from ``lgrshare validate``
(offline), the web upload and the API, within bounded time and memory, and a refusal stores
nothing: no blob, no row, no plaintext under LGRSHARE_HOME."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from lgrshare.accounts.services import token_create
from lgrshare.agreements import services as agreements
from lgrshare.catalogue.models import Dataset
from lgrshare.cli import main
from lgrshare.councils.models import Area
from lgrshare.domain.isolation import Limits
from lgrshare.submissions import services
from lgrshare.submissions.models import Submission
from lgrshare.vault.models import Blob
from tests.conftest import GUILDFORD, SURREY, _make
from tests.experts import experts_reviewed
from tests.hostile.corpus import CASES, ORGANISATION, PERIOD, STANDARD, Case, Verdict

pytestmark = pytest.mark.django_db

# The limits every reading runs under here: half the service's memory (address space, which
# Polars' thread pools reserve generously) and a half of its time, so a case that needed more
# would fail here as ``file-too-complex``. (At 1 GB the 17 MB quoted cells do: a cell spread
# over many lines costs some 200 to 370 MB of resident memory to read, against nothing for one
# long line.)
MEMORY_MB = 2048
CPU_SECONDS = 60
LIMITS = Limits(
    cpu_seconds=CPU_SECONDS, wall_seconds=2 * CPU_SECONDS, memory_bytes=MEMORY_MB * 1024**2
)


@pytest.fixture
def parties(db, settings):
    settings.PARSE_LIMITS = LIMITS
    people = {
        "analyst": _make("sam", ["analyst"], SURREY),
        "lead": _make("gary", ["data-lead"], GUILDFORD),
    }
    for council, gss in (("surrey", SURREY), ("guildford", GUILDFORD)):
        people[f"{council}_dpo"] = _make(f"{council[0]}dpo", ["dpo"], gss)
        people[f"{council}_sign"] = _make(f"{council[0]}sign", ["senior-signatory"], gss)
    return people


@pytest.fixture
def dataset(parties) -> Dataset:
    agreement = agreements.agreement_create(
        user=parties["lead"],
        area=Area.objects.get(county_id=SURREY),
        title="Contracts register",
        parties={SURREY: True, GUILDFORD: False},
        terms={
            "purposes": "Costing contract transfers",
            "legal_power": "LGA 1972 s.111",
            "data_items": [{"standard": STANDARD, "fields": []}],
            "personal_data": "none",
            "delete_by": "2027-03-31",
        },
    )
    agreements.agreement_send_for_review(user=parties["lead"], agreement=agreement)
    experts_reviewed(agreement)
    for council in ("surrey", "guildford"):
        agreements.agreement_dpo_review(
            user=parties[f"{council}_dpo"], agreement=agreement, approve=True
        )
        agreements.agreement_sign(user=parties[f"{council}_sign"], agreement=agreement)
    return services.dataset_for(agreement=agreement, standard=STANDARD, council=SURREY)


def _counted(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(code for code, number in counts.items() if number))


def cli_verdict(case: Case, content: bytes, folder: Path, monkeypatch) -> Verdict:
    """``lgrshare validate --json`` on the file saved under its name (what a browser sends of
    a name with folders is its last part, so that is the name it has on disk)."""
    monkeypatch.setenv("LGRSHARE_PARSE_MEMORY_MB", str(MEMORY_MB))
    monkeypatch.setenv("LGRSHARE_PARSE_CPU_SECONDS", str(CPU_SECONDS))
    path = folder / case.name.replace("\\", "/").rsplit("/", 1)[-1]
    path.write_bytes(content)
    result = CliRunner().invoke(
        main,
        ["validate", str(path), "--standard", STANDARD, "--organisation", ORGANISATION,
         "--period", PERIOD, "--json"],
    )  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    answer = json.loads(result.stdout)
    if result.exit_code == 0:
        return Verdict("valid")
    if result.exit_code == 1:
        return Verdict("invalid", _counted(answer["stats"]["counts"]))
    if "error" in answer:  # no report: refused before reading
        return Verdict("refused", (answer["error"]["code"],))
    assert not answer["stats"]["readable"], answer
    (error,) = answer["errors"]
    return Verdict("refused", (error["code"],))


def _stored(submission: Submission) -> Verdict:
    if submission.valid:
        return Verdict("valid")
    return Verdict("invalid", _counted(submission.report["stats"]["counts"]))


def web_verdict(case: Case, content: bytes, dataset: Dataset, user) -> Verdict:
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/agreements/{dataset.agreement_id}/submit",
        {
            "standard": STANDARD,
            "period": PERIOD,
            "file": SimpleUploadedFile(case.name, content),
        },
    )
    if response.status_code == 302:
        return _stored(Submission.objects.get(pk=int(response["Location"].split("/")[-2])))
    assert response.status_code == 400, (response.status_code, response.content[:500])
    (error,) = response.context["form"].errors.as_data()["file"]
    # The page shows the code too, so people (and support) can quote it.
    assert f'data-error-code="{error.code}"'.encode() in response.content
    return Verdict("refused", (str(error.code),))


def api_verdict(case: Case, content: bytes, dataset: Dataset, user) -> Verdict:
    _, secret = token_create(user=user, name=f"corpus {case.id}")
    response = Client().post(
        "/api/v1/submissions",
        {
            "agreement": dataset.agreement_id,
            "standard": STANDARD,
            "council": SURREY,
            "period": PERIOD,
            "file": SimpleUploadedFile(case.name, content),
        },
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    body = response.json()
    if response.status_code == 201:
        stored = Submission.objects.get(pk=body["id"])
        assert stored.valid is body["valid"]
        assert _counted(body["error_counts"]) == _stored(stored).codes
        return _stored(stored)
    assert response.status_code in (400, 413), (response.status_code, body)
    assert set(body) >= {"code", "message"}, body
    return Verdict("refused", (body["code"],))


def _files(home: Path) -> dict[Path, tuple[int, int]]:
    found = {}
    for root, _, names in os.walk(home):
        for name in names:
            path = Path(root, name)
            try:
                stat = path.stat()
            except FileNotFoundError:  # a file of another test's, gone as we looked
                continue
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.fixture
def home_watch() -> dict[Path, tuple[int, int]]:
    return _files(Path(settings.HOME))


def _written_since(before: dict[Path, tuple[int, int]]) -> list[Path]:
    after = _files(Path(settings.HOME))
    return [path for path, seen in after.items() if before.get(path) != seen]


def _holds(path: Path, marker: bytes) -> bool:
    try:
        return marker in path.read_bytes()
    except OSError:
        return False


def _ids(case: Case) -> str:
    return case.id


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_validate_and_submission_agree_and_a_refusal_stores_nothing(
    case: Case, dataset, parties, tmp_path, monkeypatch, home_watch
) -> None:
    content = case.build()
    blobs, rows = Blob.objects.count(), Submission.objects.count()

    verdicts = {
        "validate": cli_verdict(case, content, tmp_path, monkeypatch),
        "web": web_verdict(case, content, dataset, parties["analyst"]),
        "api": api_verdict(case, content, dataset, parties["analyst"]),
    }

    assert verdicts == dict.fromkeys(verdicts, case.expected), case.why
    stored = 0 if case.expected.outcome == "refused" else 2
    assert Submission.objects.count() == rows + stored
    assert Blob.objects.count() == blobs + stored
    # Whatever was written under LGRSHARE_HOME (vault blobs, sealed reports) holds no plaintext.
    if case.marker:
        assert not [p for p in _written_since(home_watch) if _holds(p, case.marker)]
    for submission in Submission.objects.order_by("pk")[rows:]:
        assert not {"/", "\\", "\u202e", "\u2067", "\u200b"} & set(submission.file_name)


def test_the_corpus_is_large_and_every_case_is_named_once() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


def test_the_corpus_is_the_same_on_every_build() -> None:
    for case in CASES:
        if not case.large:
            assert case.build() == case.build(), case.id


@pytest.mark.parametrize("case_id", ["formula-cells", "tab-formula", "xlsx-formula-cells"])
def test_formula_like_cells_are_stored_as_sent_and_neutralised_in_every_export(
    case_id: str, dataset, parties, signed_in
) -> None:
    case = next(c for c in CASES if c.id == case_id)
    created = services.submission_create(
        user=parties["analyst"], dataset=dataset, source=io.BytesIO(case.build()),
        file_name=case.name, size=len(case.build()), period=PERIOD,
    )  # fmt: skip
    assert created.valid
    services.submission_accept(user=_make("sue", ["data-lead"], SURREY), submission=created)
    agreements.terms_accept(user=parties["lead"], agreement=dataset.agreement)
    client = signed_in(parties["lead"])
    exports = {
        "csv": client.get(f"/submissions/{created.pk}/download.zip"),
        "xlsx": client.get(f"/submissions/{created.pk}/download.xlsx"),
    }
    assert {kind: r.status_code for kind, r in exports.items()} == {"csv": 200, "xlsx": 200}
    data = zipfile.ZipFile(io.BytesIO(exports["csv"].content)).read("data.csv").decode()
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    sheet = load_workbook(io.BytesIO(exports["xlsx"].content))["Data"]
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    for shown in (cells, values):
        risky = [v for v in shown if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert not [v for v in risky if not v.lstrip("-").replace(".", "").isdigit()], risky
    assert any(v.startswith("'") for v in values)
