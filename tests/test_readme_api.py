"""The README's API walkthrough, run as written against a live server on the Surrey demo.

A fresh ``LGRSHARE_HOME`` in a temporary folder (SQLite, whatever DATABASE_URL the suite runs
with), ``lgrshare demo``, ``lgrshare serve`` on a free port, then the shell block between the
``api-walkthrough`` markers of README.md with ``API`` pointing at that server.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LGRSHARE = Path(sys.executable).parent / "lgrshare"
START, END = "<!-- api-walkthrough:start -->", "<!-- api-walkthrough:end -->"


def walkthrough() -> str:
    """The shell block of the README's API walkthrough."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(START) + len(START) : text.index(END)].strip()
    assert block.startswith("```sh\n")
    assert block.endswith("```")
    return block.removeprefix("```sh\n").removesuffix("```")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LGRSHARE_HOME=str(home), LGRSHARE_LOG_LEVEL="WARNING")
    subprocess.run(
        [str(LGRSHARE), "demo"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=900
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(LGRSHARE), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("lgrshare serve did not start") from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/api/v1", env
    finally:
        server.terminate()
        server.wait(timeout=30)


def _documents(text: str) -> list[object]:
    """The JSON documents curl printed one after another."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        document, at = decoder.raw_decode(text, at)
        found.append(document)
    return found


def test_the_readme_api_walkthrough_runs_as_written(
    live_demo: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    api, env = live_demo
    # Run from a folder like the project's (its .venv and docs), so the download lands here.
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()],
        cwd=tmp_path,
        env={**env, "API": api},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    found, request, submission, accepted, appraised = _documents(done.stdout)
    assert isinstance(found, list)
    assert "council-tax-2023-24" in [d["slug"] for d in found]
    assert isinstance(request, dict)
    assert request["reference"].startswith("REQ-")
    assert request["state"] == "draft"
    assert isinstance(submission, dict)
    assert (submission["state"], submission["valid"], submission["rows"]) == ("pending", True, 1)
    assert isinstance(accepted, dict)
    assert accepted["agreement"] == "DSA-00002"

    assert isinstance(appraised, dict)
    population = {
        council["name"]: next(f["value"] for f in council["figures"] if f["key"] == "population")
        for council in appraised["councils"]
    }
    # ONS mid-2024 estimates: the districts' sums, which add up to Surrey's 1,248,649.
    assert population == {"East Surrey": 563_643, "West Surrey": 685_006}

    with zipfile.ZipFile(tmp_path / "guildford-council-tax-base.zip") as bundle:
        csv_name = next(n for n in bundle.namelist() if n.endswith(".csv"))
        rows = io.TextIOWrapper(bundle.open(csv_name), encoding="utf-8-sig").read()
    assert "E07000209,Guildford,2023-24,billing,11392760" in rows


def test_the_example_file_is_the_demos_real_guildford_figures() -> None:
    """The README submits docs/examples/…: the same real MHCLG Table 9 row the demo uses."""
    from lgrshare.demo import GUILDFORD, _council_tax_csv

    example = ROOT / "docs" / "examples" / "council-tax-base-2023-24-E07000209.csv"
    assert example.read_bytes() == _council_tax_csv(GUILDFORD)
