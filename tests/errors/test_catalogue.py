"""The catalogue of error codes (src/lgrshare/domain/error-codes.json) lists exactly the codes the
source can answer with, each with the statuses it is answered with.

The codes are found by reading the source (``tests/errors/raised.py``), so a new code raised
anywhere fails here until it is listed, with the entry to add spelled out.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from lgrshare.domain.error_codes import error_catalogue
from tests.errors.raised import Raised, raised_codes

CATALOGUE = "src/lgrshare/domain/error-codes.json"


def _by_code() -> dict[str, list[Raised]]:
    found: dict[str, list[Raised]] = defaultdict(list)
    for raised in raised_codes():
        found[raised.code].append(raised)
    return found


def _suggested(code: str, sites: list[Raised]) -> str:
    statuses = sorted({s.status for s in sites if s.status is not None})
    status: int | list[int] = statuses[0] if len(statuses) == 1 else statuses
    if any("(DecisionReason)" in s.where for s in sites):
        entry: dict[str, object] = {"status": status, "source": "policy"}
    elif any("(ERROR_TYPES)" in s.where for s in sites):
        entry = {"status": status, "source": "validation"} if statuses else {"source": "validation"}
    else:
        message = next((s.message for s in sites if s.message), "What went wrong, for people")
        title = code.replace("-", " ").capitalize()
        entry = {"status": status, "title": title, "message": message}
    where = "; ".join(s.where for s in sites[:3])
    return f"  {json.dumps(code)}: {json.dumps(entry, ensure_ascii=False)},   <- raised at {where}"


def test_every_code_the_source_raises_is_in_the_catalogue() -> None:
    listed = {entry.code for entry in error_catalogue()}
    missing = {code: sites for code, sites in _by_code().items() if code not in listed}
    assert not missing, (
        f"Add these codes to {CATALOGUE}, in alphabetical order (write a title and a message "
        "a person understands; {name} marks what the raise site fills in):\n"
        + "\n".join(_suggested(code, sites) for code, sites in sorted(missing.items()))
    )


def test_the_catalogue_lists_no_code_that_nothing_raises() -> None:
    raised = _by_code()
    unused = sorted(entry.code for entry in error_catalogue() if entry.code not in raised)
    assert not unused, f"Nothing raises these codes any more: remove them from {CATALOGUE}: " + (
        ", ".join(unused)
    )


def test_each_code_is_listed_with_every_status_it_is_answered_with() -> None:
    catalogue = {entry.code: entry for entry in error_catalogue()}
    wrong = []
    for code, sites in sorted(_by_code().items()):
        if code not in catalogue:
            continue  # reported by the test above
        statuses = {s.status for s in sites if s.status is not None}
        if statuses != set(catalogue[code].statuses):
            where = "; ".join(s.where for s in sites if s.status is not None)
            wanted = sorted(statuses)
            wrong.append(
                f'  "{code}": set "status" to {wanted[0] if len(wanted) == 1 else wanted}'
                f" (raised at {where})"
            )
    assert not wrong, f"In {CATALOGUE}:\n" + "\n".join(wrong)


def test_every_entry_has_words_for_people_and_a_kebab_case_code() -> None:
    for entry in error_catalogue():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry.code), entry.code
        assert entry.title, entry.code
        assert entry.message, entry.code


def test_the_scan_finds_codes_given_at_raise_sites_and_by_error_classes(tmp_path: Path) -> None:
    package = tmp_path / "lgrshare"
    package.mkdir()
    (package / "errors.py").write_text(
        "class LgrShareError(Exception):\n"
        "    code = 'error'\n    title = 'Something went wrong'\n    status = 400\n"
        "class NotFound(LgrShareError):\n    code = 'not-found'\n    status = 404\n"
        "class BlobGone(NotFound):\n    code = 'blob-gone'\n    status = 410\n"
    )
    (package / "services.py").write_text(
        "def f(x):\n"
        "    if x:\n"
        "        raise NotFound(f'There is no thing {x}', code='thing-not-found')\n"
        "    raise BlobGone('gone')\n"
    )
    found = {(r.code, r.status, r.message) for r in raised_codes(package)}
    assert found == {
        ("thing-not-found", 404, "There is no thing {x}"),
        ("blob-gone", 410, "gone"),
    }
