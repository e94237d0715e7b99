"""Faults in the running service: the server's whole process group (gunicorn's arbiter, its
workers, their parsing children) is killed with SIGKILL during an upload, a compile and a
deletion, and ``lgrshare retention run`` is killed the same way; a database error is injected
mid-upload with a trigger. After each, the service restarts and must be consistent:

- no submission without its blob, no live blob without its file or its owner, no file without
  its row once ``lgrshare vault check --repair`` has run (and a second check finds nothing);
- no plaintext of the upload anywhere under ``LGRSHARE_HOME`` or the server's temporary folder
  (a marker string in every row of the file is looked for in every file there);
- every file under ``LGRSHARE_HOME`` private to its owner;
- ``lgrshare audit verify`` intact, ``lgrshare retention verify`` clean.

The server is the real ``lgrshare serve`` (gunicorn, two workers) on a free loopback port, on a
copy of one Surrey demo: SQLite, or PostgreSQL when ``DATABASE_URL`` names one (a database of
the test's own, copied from a template per case). It is killed at a known step, never on a
timer: ``tests/web/faultpoints/sitecustomize.py`` marks the step and waits there.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import requests
from lgrshare.demo import _council_tax_csv

LGRSHARE = Path(sys.executable).with_name("lgrshare")
FAULT_POINTS = Path(__file__).with_name("faultpoints")
GUILDFORD = "E07000209"
MARKED_ROWS = 5_000  # about 1 MB: long enough to be cut in half on the wire
PG_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith(("postgres://", "postgresql://"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_"))}
    env["LGRSHARE_NODE_MODULES"] = os.environ.get(
        "LGRSHARE_NODE_MODULES", str(Path(__file__).resolve().parents[2] / "node_modules")
    )
    # The DPO deletes early in one case: the second factor is tested elsewhere.
    env["LGRSHARE_TWO_FACTOR_REQUIRED"] = "false"
    return env


class Database:
    """The demo's database and its copies: SQLite files, or PostgreSQL databases."""

    def __init__(self, template_home: Path) -> None:
        self.template_home = template_home
        self.template = f"lgrshare_faults_{secrets.token_hex(4)}"
        self.copies: list[str] = []

    def url(self, name: str) -> str:
        return re.sub(r"/[^/]*$", f"/{name}", PG_URL)

    def env(self, home: Path, name: str | None) -> dict[str, str]:
        env = {**_base_env(), "LGRSHARE_HOME": str(home)}
        if ON_POSTGRES and name is not None:
            env["DATABASE_URL"] = self.url(name)
        return env

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(statement)  # type: ignore[arg-type]

    def create_template(self) -> None:
        if ON_POSTGRES:
            self._admin(f"CREATE DATABASE {self.template}")

    def copy(self, home: Path) -> str | None:
        """Copy the demo's home (and on PostgreSQL its database) to ``home``; return the
        database name."""
        shutil.copytree(self.template_home, home)
        if not ON_POSTGRES:
            return None
        name = f"{self.template}_{len(self.copies)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        self.copies.append(name)
        return name

    def drop_all(self) -> None:
        if ON_POSTGRES:
            for name in [*self.copies, self.template]:
                self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Home:
    """One case's LGRSHARE_HOME, its database and its temporary folder."""

    path: Path
    tmp: Path
    database: Database
    name: str | None

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.database.env(self.path, self.name), "TMPDIR": str(self.tmp), **extra}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.name is None:
            with closing(sqlite3.connect(self.path / "lgrshare.sqlite3")) as connection, connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database.url(self.name), autocommit=True) as connection:
            cursor = connection.execute(sql)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def lgrshare(
        self, *args: str, fault: str = "", timeout: int = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [LGRSHARE, *args],
            env=self.env(**_fault_env(self, fault)),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def password(self, username: str) -> str:
        return str(json.loads((self.path / "demo-sign-ins.json").read_text())[username])


def _fault_env(home: Home, point: str) -> dict[str, str]:
    if not point:
        return {}
    return {
        "PYTHONPATH": str(FAULT_POINTS),
        "LGRSHARE_FAULT_AT": point,
        "LGRSHARE_FAULT_MARK": str(home.tmp.parent / "reached"),
    }


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    template_home = tmp_path_factory.mktemp("faults-demo") / "home"
    template = Database(template_home)
    template.create_template()
    try:
        demo = subprocess.run(
            [LGRSHARE, "demo"],
            env=template.env(template_home, template.template),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
        yield template
    finally:
        template.drop_all()


@pytest.fixture
def home(database: Database, tmp_path: Path) -> Home:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return Home(tmp_path / "home", tmp, database, database.copy(tmp_path / "home"))


class Server:
    """``lgrshare serve`` in a process group of its own."""

    def __init__(
        self, home: Home, fault: str = "", *, workers: int = 2, threads: int = 2, **env: str
    ) -> None:
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (home.tmp.parent / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [
                *(LGRSHARE, "serve", "--port", str(self.port)),
                *("--workers", str(workers), "--threads", str(threads)),
            ],
            env=home.env(**_fault_env(home, fault), **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"lgrshare serve stopped with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("lgrshare serve did not start listening")

    def kill(self) -> None:
        """SIGKILL every process of the server's group, and wait until none is left."""
        _kill_group(self.process)
        self.log.close()

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(60)
        self.log.close()

    def sign_in(self, username: str) -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        form = session.get(f"{self.url}/sign-in", timeout=60)
        answer = session.post(
            f"{self.url}/sign-in",
            data={
                "csrfmiddlewaretoken": _csrf(form.text),
                "username": username,
                "password": self.home.password(username),
            },
            allow_redirects=False,
            timeout=60,
        )
        assert answer.status_code == 302, answer.text[:500]
        return session


def _kill_group(process: subprocess.Popen[Any]) -> None:
    group = process.pid
    os.killpg(group, signal.SIGKILL)
    process.wait(60)
    for _ in range(300):
        if not _living_in_group(group):
            return
        time.sleep(0.1)
    raise AssertionError(f"processes of group {group} outlived SIGKILL")


def _living_in_group(group: int) -> list[int]:
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            living.append(int(stat.parent.name))
    return living


def _csrf(page: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None, page[:500]
    return token.group(1)


def _wait_for_mark(home: Home, process: subprocess.Popen[Any]) -> str:
    mark = home.tmp.parent / "reached"
    for _ in range(1200):
        if mark.exists() and mark.read_text().endswith("\n"):
            return mark.read_text()
        if process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before the fault")
        time.sleep(0.1)
    raise AssertionError("the fault point was never reached")


def _marked_csv(marker: str) -> bytes:
    """Guildford's real 2023-24 council tax base, then rows naming the marker (invalid, but
    an invalid file is stored with its report too)."""
    lines = list(csv.reader(io.StringIO(_council_tax_csv(GUILDFORD).decode())))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(lines)
    name = lines[0].index("council_name")
    for n in range(MARKED_ROWS):
        row = list(lines[1])
        row[name] = f"{marker} {n}"
        writer.writerow(row)
    return out.getvalue().encode()


@dataclass
class Upload:
    head: bytes
    body: bytes
    sent: list[socket.socket] = field(default_factory=list)

    def send(self, port: int, *, fraction: float = 1.0) -> socket.socket:
        """Send the head and ``fraction`` of the body; return the open connection."""
        connection = socket.create_connection(("127.0.0.1", port), timeout=120)
        connection.sendall(self.head + self.body[: int(len(self.body) * fraction)])
        self.sent.append(connection)
        return connection


def _upload(server: Server, session: requests.Session, content: bytes) -> Upload:
    page = session.get(f"{server.url}/agreements/2/submit", timeout=60)
    boundary = f"fault{secrets.token_hex(8)}"
    parts = [
        ("csrfmiddlewaretoken", _csrf(page.text)),
        ("standard", "council-tax-base"),
        ("period", "2023-24"),
    ]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in parts
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="council-tax-base-guildford.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    head = (
        f"POST /agreements/2/submit HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Cookie: {cookies}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return Upload(head, body)


def _answer(connection: socket.socket) -> bytes:
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    connection.close()
    return answer


def _uuid(value: Any) -> str:
    return str(uuid.UUID(str(value)))


def _submissions(home: Home) -> int:
    return int(home.query("SELECT count(*) FROM submissions_submission")[0][0])


def _blob_rows(home: Home) -> dict[str, tuple[bool, bool]]:
    rows = home.query("SELECT id, destroyed_at, lost_at FROM vault_blob")
    return {_uuid(i): (destroyed is not None, lost is not None) for i, destroyed, lost in rows}


def _owned_blobs(home: Home) -> set[str]:
    owners = (
        "SELECT blob_id FROM submissions_submission UNION "
        "SELECT document_blob_id FROM agreements_dpia UNION "
        "SELECT document_id FROM agreements_contractoragreement UNION "
        "SELECT blob_id FROM requests_attachment"
    )
    return {_uuid(i) for (i,) in home.query(owners) if i is not None}


def _vault_check(home: Home, *args: str) -> tuple[int, set[str], str]:
    result = home.lgrshare("vault", "check", *args)
    codes = {line.split("[")[1].split("]")[0] for line in result.stdout.splitlines() if "[" in line}
    return result.returncode, codes, result.stdout + result.stderr


def assert_consistent(home: Home, *, marker: str, leftovers: set[str]) -> None:
    """The checks every case ends with (module docstring); ``leftovers`` are the codes the
    first ``vault check`` must report (straight after the crash) and ``--repair`` clear."""
    code, found, output = _vault_check(home)
    assert found == leftovers, output
    assert code == (1 if found else 0), output
    code, _, output = _vault_check(home, "--repair")
    assert code == 0, output
    code, found, output = _vault_check(home)
    assert (code, found) == (0, set()), output
    assert "0 problem(s) remain, 0 repaired" in output

    blobs = _blob_rows(home)
    files = {p.name for p in (home.path / "vault").iterdir()}
    live = {blob for blob, (destroyed, lost) in blobs.items() if not destroyed and not lost}
    assert files == live, "a live blob without its file, or a file without its live row"
    assert set(blobs) == _owned_blobs(home), "a blob that nothing owns, or a missing blob"

    for path in [*home.path.rglob("*"), *home.tmp.rglob("*")]:
        if path.is_file() and not path.is_symlink():
            assert marker.encode() not in path.read_bytes(), f"plaintext of the upload in {path}"
    for path in [home.path, *home.path.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, f"{path} is open to others"

    verified = home.lgrshare("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    retention = home.lgrshare("retention", "verify")
    assert retention.returncode == 0, retention.stdout + retention.stderr


def _upload_marked(home: Home) -> tuple[str, int]:
    """Upload a marked file through a server; return the marker and the submission's id."""
    marker = f"FAULTMARK{secrets.token_hex(6)}"
    server = Server(home)
    try:
        session = server.sign_in("guildford.analyst")
        answer = _answer(_upload(server, session, _marked_csv(marker)).send(server.port))
    finally:
        server.stop()
    created = re.search(rb"Location: /submissions/(\d+)/", answer)
    assert created is not None, answer[:500]
    return marker, int(created.group(1))


def assert_serves_again(home: Home) -> None:
    server = Server(home)
    try:
        session = server.sign_in("guildford.analyst")
        assert session.get(f"{server.url}/agreements/2/", timeout=60).status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("point", "fraction", "leftovers"),
    [
        # Half the body is in the server's memory when it dies.
        ("upload-receiving", 0.5, set()),
        # Encrypting into the vault's temporary file.
        ("blob-writing", 1.0, {"temporary-file"}),
        # The blob renamed into place, its row inserted, the transaction not committed.
        ("blob-stored", 1.0, {"orphan-file"}),
    ],
)
def test_a_server_killed_during_an_upload_leaves_nothing_of_it(
    home: Home, point: str, fraction: float, leftovers: set[str]
) -> None:
    marker = f"FAULTMARK{secrets.token_hex(6)}"
    before = (_submissions(home), _blob_rows(home))
    server = Server(home, fault=point)
    try:
        upload = _upload(server, server.sign_in("guildford.analyst"), _marked_csv(marker))
        upload.send(server.port, fraction=fraction)
        assert _wait_for_mark(home, server.process).startswith(point)
    finally:
        server.kill()
    assert (_submissions(home), _blob_rows(home)) == before
    assert_consistent(home, marker=marker, leftovers=leftovers)
    assert_serves_again(home)


def _analyst_with_terms(server: Server) -> requests.Session:
    """The area's programme analyst, signed in, having accepted agreement 2's terms (as
    everyone must before its data)."""
    session = server.sign_in("surrey.analyst")
    page = session.get(f"{server.url}/agreements/2/", timeout=60)
    accepted = session.post(
        f"{server.url}/agreements/2/accept",
        data={"csrfmiddlewaretoken": _csrf(page.text), "declaration": "on"},
        allow_redirects=False,
        timeout=60,
    )
    assert accepted.status_code == 302, accepted.text[:500]
    return session


def test_a_request_past_its_time_limit_ends_with_a_clear_error_and_frees_the_worker(
    home: Home,
) -> None:
    # One worker with one thread: only if the slow request lets go of it is the next served.
    # Reading each file back takes two seconds more (the fault point); the limit is one.
    token = home.lgrshare("token", "create", "surrey.analyst").stdout.split()[-1]
    server = Server(home, "slow-decrypting", workers=1, threads=1, LGRSHARE_REQUEST_SECONDS="1")
    try:
        session = _analyst_with_terms(server)
        page = session.get(f"{server.url}/agreements/2/compile/council-tax-base/", timeout=120)
        assert page.status_code == 503
        assert "request-too-slow" in page.text
        assert "1 seconds the service allows" in page.text
        api = requests.get(
            f"{server.url}/api/v1/agreements/2/compile/council-tax-base",
            headers={"Authorization": f"Bearer {token}"},
            timeout=120,
        )
        assert api.status_code == 503
        assert api.json()["code"] == "request-too-slow"
        assert session.get(f"{server.url}/agreements/2/", timeout=30).status_code == 200
    finally:
        server.stop()


def test_a_server_killed_while_compiling_leaves_the_trail_intact(home: Home) -> None:
    marker, _ = _upload_marked(home)
    before = (_submissions(home), _blob_rows(home))
    server = Server(home, fault="decrypting")
    try:
        session = _analyst_with_terms(server)
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=120)
        cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        connection.sendall(
            f"GET /agreements/2/compile/council-tax-base/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookies}\r\nConnection: close\r\n\r\n".encode()
        )
        assert _wait_for_mark(home, server.process).startswith("decrypting")
    finally:
        server.kill()
    assert (_submissions(home), _blob_rows(home)) == before
    assert_consistent(home, marker=marker, leftovers=set())
    assert_serves_again(home)


def _blob_of(home: Home, submission: int) -> str:
    blobs = dict(home.query("SELECT id, blob_id FROM submissions_submission"))
    return _uuid(blobs[submission])


def _delete_early(server: Server, submission: int) -> socket.socket:
    session = server.sign_in("guildford.dpo")
    path = f"/submissions/{submission}/delete-early"
    page = session.get(f"{server.url}{path}", timeout=60)
    assert page.status_code == 200, page.text[:500]
    body = f"csrfmiddlewaretoken={_csrf(page.text)}&reason=Sent+in+error".encode()
    cookies = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=120)
    connection.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    return connection


@pytest.mark.parametrize(
    ("point", "destroyed", "leftovers"),
    [
        # Inside the deletion's transaction: nothing of it may stay.
        ("retention-destroying", False, set()),
        # Committed, the file not yet deleted: a file no key opens, which repair removes.
        ("file-deleting", True, {"orphan-file"}),
    ],
)
def test_a_server_killed_during_an_early_deletion_leaves_all_or_nothing(
    home: Home, point: str, destroyed: bool, leftovers: set[str]
) -> None:
    marker, submission = _upload_marked(home)
    blob = _blob_of(home, submission)
    server = Server(home, fault=point)
    try:
        _delete_early(server, submission)
        assert _wait_for_mark(home, server.process).startswith(point)
    finally:
        server.kill()
    assert _blob_rows(home)[blob][0] is destroyed
    certificates = home.query("SELECT count(*) FROM retention_deletioncertificate")[0][0]
    assert_consistent(home, marker=marker, leftovers=leftovers)
    assert not (home.path / "vault" / blob).exists() or not destroyed

    # Restarted, the deletion is finished (or done again) and certified once.
    server = Server(home)
    try:
        if not destroyed:
            assert _answer(_delete_early(server, submission)).startswith(b"HTTP/1.1 302")
    finally:
        server.stop()
    assert _blob_rows(home)[blob][0] is True
    after = home.query("SELECT count(*) FROM retention_deletioncertificate")[0][0]
    assert after == certificates + (0 if destroyed else 1)
    assert_consistent(home, marker=marker, leftovers=set())


@pytest.mark.parametrize(
    ("point", "leftovers"),
    [("retention-destroying", set()), ("file-deleting", {"orphan-file"})],
)
def test_a_killed_retention_run_is_finished_by_the_next(
    home: Home, point: str, leftovers: set[str]
) -> None:
    marker, _ = _upload_marked(home)
    # The agreements' delete-by date has passed (the demo's is in 2027).
    home.query("UPDATE agreements_agreementversion SET delete_by = '2026-01-01'")
    run = subprocess.Popen(
        [LGRSHARE, "retention", "run"],
        env=home.env(**_fault_env(home, point)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for_mark(home, run).startswith(point)
    finally:
        _kill_group(run)
    assert_consistent(home, marker=marker, leftovers=leftovers)

    again = home.lgrshare("retention", "run")
    assert again.returncode == 0, again.stdout + again.stderr
    live = home.query(
        "SELECT count(*) FROM submissions_submission s JOIN vault_blob b ON b.id = s.blob_id "
        "WHERE b.destroyed_at IS NULL"
    )[0][0]
    assert live == 0
    assert_consistent(home, marker=marker, leftovers=set())
    assert_serves_again(home)


def _refuse_upload_audit(home: Home) -> None:
    if home.name is None:
        home.query(
            "CREATE TRIGGER refuse_upload BEFORE INSERT ON audit_auditentry "
            "WHEN NEW.action = 'upload' BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
        )
        return
    home.query(
        "CREATE FUNCTION refuse_upload() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'injected fault'; END $$ LANGUAGE plpgsql"
    )
    home.query(
        "CREATE TRIGGER refuse_upload BEFORE INSERT ON audit_auditentry FOR EACH ROW "
        "WHEN (NEW.action = 'upload') EXECUTE FUNCTION refuse_upload()"
    )


def _allow_upload_audit(home: Home) -> None:
    if home.name is None:
        home.query("DROP TRIGGER refuse_upload")
    else:
        home.query("DROP TRIGGER refuse_upload ON audit_auditentry")


def test_a_database_error_mid_upload_rolls_back_blob_and_row_together(home: Home) -> None:
    # The blob is written and its row inserted before the audit record fails.
    marker = f"FAULTMARK{secrets.token_hex(6)}"
    before = (_submissions(home), _blob_rows(home))
    _refuse_upload_audit(home)
    server = Server(home)
    try:
        session = server.sign_in("guildford.analyst")
        answer = _answer(_upload(server, session, _marked_csv(marker)).send(server.port))
        assert answer.startswith(b"HTTP/1.1 500"), answer[:300]
        assert b"server-error" in answer
        assert (_submissions(home), _blob_rows(home)) == before
        # Nothing to repair: the rolled-back blob's file went with its row.
        assert_consistent(home, marker=marker, leftovers=set())

        _allow_upload_audit(home)
        answer = _answer(_upload(server, session, _marked_csv(marker)).send(server.port))
        assert answer.startswith(b"HTTP/1.1 302"), answer[:300]
    finally:
        server.stop()
    assert _submissions(home) == before[0] + 1
