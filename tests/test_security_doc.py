"""SECURITY.md names, for each threat, the test that proves its control: every test path it
names exists, and the README links to it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECURITY = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_test_named_in_security_md_exists():
    named = set(re.findall(r"`(tests/[\w/.-]+\.py)`", SECURITY))
    assert len(named) > 20
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_every_threat_row_names_a_test():
    rows = [line for line in SECURITY.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) > 20
    untested = [row.split("|")[2].strip() for row in rows if "`tests/" not in row.split("|")[4]]
    assert not untested, f"Threats without a test in SECURITY.md: {untested}"


def test_security_md_covers_every_actor_and_is_linked_from_the_readme():
    for actor in (
        "Outsiders",
        "Other areas",
        "Non-party insiders",
        "Contractors",
        "Administrators",
    ):
        assert f"**{actor}**" in SECURITY
    for heading in ("## Assets", "## Actors", "## Trust boundaries"):
        assert heading in SECURITY
    assert "(SECURITY.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
