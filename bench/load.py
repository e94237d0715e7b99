"""Load: 50 signed-in users on the real server, with one worker and with two, SQLite and PostgreSQL.

    .venv/bin/python bench/load.py          # both databases, 1 and 2 workers, 30 s each
    .venv/bin/python bench/load.py --databases sqlite --seconds 20 --users 50

For each database it loads the Surrey demo into a fresh ``LGRSHARE_HOME`` (PostgreSQL: a fresh
database ``lgrshare_load`` on ``--postgres``, dropped afterwards), then for each worker count
starts ``lgrshare serve --workers N`` on a free loopback port, signs the users in through the
sign-in form (each user is a session of one of the demo's analysts and data leads; none of them
needs a second factor), and lets every user loop without pausing for ``--seconds``:

- **browse**: the home page, the Surrey area page or the catalogue;
- **search**: the catalogue searched for a phrase;
- **preview**: a dataset's page with its preview (public tables; shared data for the receiving
  county analyst, through the agreement's policy, decryption and agreed fields);
- **download**: a dataset as CSV (the same read path);
- **upload**: Guildford's council tax base CSV submitted through the API under DSA-00002
  (validated in the isolated parser, encrypted, stored; Guildford's users only).

An error is any answer other than the one the action expects, or no answer. Latencies are per
request, measured by the client. Results (requests, errors, requests per second, p50/p95/p99
overall and per action, and two workers' throughput over one worker's) go to
``bench/results/load.json``. The client is Python threads with ``requests``; it uses a few per
cent of a core at these rates, but it shares the machine with the server: read the figures with
the machine's load, which the JSON records.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
LGRSHARE = Path(sys.executable).parent / "lgrshare"
RESULTS = ROOT / "bench" / "results" / "load.json"
UPLOAD = ROOT / "docs" / "examples" / "council-tax-base-2023-24-E07000209.csv"
AREA = "E10000030"
# Demo accounts with no second factor to set up: (username, what the account may also do).
ACCOUNTS = (
    ("surrey.analyst", "receives"),
    ("guildford.analyst", "uploads"),
    ("guildford.datalead", "uploads"),
    ("woking.datalead", ""),
    ("guildford.ig", ""),
)
PUBLIC_SLUGS = ("council-tax-2023-24", "population-mid-2024", "imd-2025-district", "land-area-2024")
SHARED_SLUG = "dsa-00002-council-tax-base-e07000209"
SEARCHES = ("council tax", "population", "deprivation", "contracts", "reserves")
WEIGHTS = {"browse": 35, "search": 20, "preview": 25, "download": 12, "upload": 8}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class User:
    """One signed-in person: a session (cookies) and an API token of the same account."""

    username: str
    can: str
    session: requests.Session
    token: str
    rng: random.Random


@dataclass
class Tally:
    """What the users saw: latencies by action, and the errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            if problem is not None:
                self.errors[action] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{action}: {problem}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return done.stdout


@contextmanager
def _postgres_database(server: str) -> Iterator[str]:
    """Yield the URL of a fresh database on ``server`` (``postgres://user@host:port``)."""
    import psycopg  # only the PostgreSQL runs need it

    name = "lgrshare_load"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def _demo(database: str, postgres: str) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Yield (environment, demo passwords) for a fresh demo on ``database``."""
    home = Path(tempfile.mkdtemp(prefix=f"lgrshare-load-{database}-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LGRSHARE_HOME=str(home), LGRSHARE_LOG_LEVEL="WARNING")
    try:
        if database == "postgres":
            with _postgres_database(postgres) as url:
                env["DATABASE_URL"] = url
                _run([str(LGRSHARE), "demo"], env)
                yield env, json.loads((home / "demo-sign-ins.json").read_text())
        else:
            _run([str(LGRSHARE), "demo"], env)
            yield env, json.loads((home / "demo-sign-ins.json").read_text())
    finally:
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def _server(env: dict[str, str], workers: int) -> Iterator[str]:
    """Yield the base URL of ``lgrshare serve --workers N``; stop its process group after."""
    port = _free_port()
    log = (Path(env["LGRSHARE_HOME"]) / f"serve-{workers}.log").open("wb")
    process = subprocess.Popen(
        [
            str(LGRSHARE),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/sign-in", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("lgrshare serve did not start")
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
        errors = [
            line
            for line in Path(log.name).read_text(errors="replace").splitlines()
            if "Error" in line or "Traceback" in line
        ]
        if errors:  # the server's own account of what failed
            print("\n".join(errors[-20:]), file=sys.stderr)


def _sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/sign-in", timeout=30)
    match = CSRF.search(page.text)
    if match is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    answer = session.post(
        f"{base}/sign-in",
        data={"csrfmiddlewaretoken": match[1], "username": username, "password": password},
        headers={"Referer": f"{base}/sign-in"},
        timeout=30,
    )
    if "Sign out" not in answer.text:
        raise RuntimeError(f"{username} could not sign in ({answer.status_code})")
    return session


def _users(base: str, env: dict[str, str], passwords: dict[str, str], count: int) -> list[User]:
    label = f"load {time.monotonic_ns()}"  # a token's name is unique to its owner
    tokens = {
        name: _run([str(LGRSHARE), "token", "create", name, "--name", label], env).strip()
        for name, _ in ACCOUNTS
    }
    # The county analyst receives DSA-00002's data once it has accepted the terms.
    accepted = requests.post(
        f"{base}/api/v1/agreements/2/terms-acceptance",
        headers={"Authorization": f"Bearer {tokens['surrey.analyst']}"},
        timeout=30,
    )
    if accepted.status_code not in (200, 201, 409):
        accepted.raise_for_status()
    users = []
    for number in range(count):
        name, can = ACCOUNTS[number % len(ACCOUNTS)]
        session = _sign_in(base, name, passwords[name])
        users.append(User(name, can, session, tokens[name], random.Random(number)))
    return users


def _expect(answer: requests.Response, status: int, marker: str | None = None) -> str | None:
    if answer.status_code != status:
        return f"{answer.status_code} {answer.url}"
    if marker is not None and marker not in answer.text:
        return f"{answer.url} lacks {marker!r}"
    return None


def _act(base: str, user: User, action: str) -> str | None:
    rng, get = user.rng, user.session.get
    if action == "browse":
        where = rng.choice(["/", f"/areas/{AREA}/", "/catalogue/"])
        return _expect(get(base + where, timeout=60), 200, "Sign out")
    if action == "search":
        answer = get(f"{base}/catalogue/", params={"q": rng.choice(SEARCHES)}, timeout=60)
        return _expect(answer, 200, "Sign out")
    slug = SHARED_SLUG if user.can == "receives" and rng.random() < 0.5 else None
    slug = slug or rng.choice(PUBLIC_SLUGS)
    if action == "preview":
        return _expect(get(f"{base}/catalogue/{slug}/", timeout=60), 200, "<table")
    if action == "download":
        answer = get(f"{base}/catalogue/{slug}/download.csv", timeout=60)
        return _expect(answer, 200) or (None if answer.content.count(b"\n") > 1 else "empty CSV")
    # upload
    with UPLOAD.open("rb") as handle:
        answer = requests.post(
            f"{base}/api/v1/submissions",
            headers={"Authorization": f"Bearer {user.token}"},
            files={"file": (UPLOAD.name, handle, "text/csv")},
            data={
                "agreement": "2",
                "standard": "council-tax-base",
                "council": "E07000209",
                "period": "2023-24",
            },
            timeout=120,
        )
    return _expect(answer, 201)


def _choose(user: User) -> str:
    actions = [a for a in WEIGHTS if a != "upload" or user.can == "uploads"]
    return user.rng.choices(actions, weights=[WEIGHTS[a] for a in actions])[0]


def _drive(base: str, users: list[User], seconds: float) -> tuple[Tally, float]:
    tally, stop = Tally(), threading.Event()

    def loop(user: User) -> None:
        while not stop.is_set():
            action = _choose(user)
            started = time.perf_counter()
            try:
                problem = _act(base, user, action)
            except requests.RequestException as exc:
                problem = type(exc).__name__
            if not stop.is_set():
                tally.record(action, time.perf_counter() - started, problem)

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=180)
    return tally, elapsed


def _percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


def _summary(tally: Tally, elapsed: float) -> dict[str, Any]:
    every = [s for values in tally.latencies.values() for s in values]
    return {
        "requests": len(every),
        "errors": sum(tally.errors.values()),
        "error_examples": tally.examples,
        "requests_per_second": round(len(every) / elapsed, 1),
        **_percentiles(every),
        "by_action": {
            action: {
                "requests": len(values),
                "errors": tally.errors.get(action, 0),
                **_percentiles(values),
            }
            for action, values in sorted(tally.latencies.items())
        },
    }


def measure(
    database: str,
    workers: list[int],
    users: int,
    seconds: float,
    postgres: str,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Return the figures of one database at each worker count."""
    figures: dict[str, Any] = {}
    with _demo(database, postgres) as (env, passwords):
        for count in workers:
            with _server(env, count) as base:
                people = _users(base, env, passwords, users)
                _drive(base, people, min(5.0, seconds / 4))  # warm every worker up
                tally, elapsed = _drive(base, people, seconds)
            figures[f"{count}_workers"] = result = _summary(tally, elapsed)
            say(
                f"{database:8} {count} worker(s): {result['requests']:6} requests, "
                f"{result['errors']} errors, {result['requests_per_second']:6.1f}/s, "
                f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
            )
    if "1_workers" in figures and "2_workers" in figures:
        one, two = figures["1_workers"], figures["2_workers"]
        figures["two_over_one"] = round(
            two["requests_per_second"] / max(one["requests_per_second"], 0.1), 2
        )
        say(f"{database:8} two workers / one: {figures['two_over_one']}x")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    workers = [int(n) for n in args.workers.split(",")]
    results: dict[str, Any] = {
        "users": args.users,
        "seconds": args.seconds,
        "weights": WEIGHTS,
        "cores": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    for database in args.databases.split(","):
        results[database] = measure(
            database, workers, args.users, args.seconds, args.postgres, print
        )
    results["load_average_after"] = os.getloadavg()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
