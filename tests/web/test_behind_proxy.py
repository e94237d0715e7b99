"""Production as the README documents it: ``lgrshare serve`` (gunicorn, two workers) with
``LGRSHARE_HTTPS=true`` behind a TLS-terminating proxy on loopback, driven over HTTPS.

The server runs in its own process with its own ``LGRSHARE_HOME`` (SQLite, the Surrey demo);
the proxy (``tls_proxy``) connects to it from 127.0.0.2, the only trusted proxy address.
"""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import requests
from lgrshare.demo import _council_tax_csv
from tests.conftest import GUILDFORD
from tests.web.tls_proxy import TlsProxy, self_signed

LGRSHARE = Path(sys.executable).with_name("lgrshare")
# Short, so that the half-open connections' test ends soon.
CLIENT_TIMEOUT = ("--client-timeout", "5")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Site:
    url: str  # through the proxy, https://localhost:PORT
    direct: str  # the server itself, http://127.0.0.1:PORT
    cert: Path
    home: Path
    proxy_port: int
    server_port: int

    def session(self) -> requests.Session:
        session = requests.Session()
        # Only this proxy's certificate, whatever REQUESTS_CA_BUNDLE or a proxy variable says.
        session.trust_env = False
        session.verify = str(self.cert)
        return session

    def sign_in(self, username: str) -> requests.Session:
        password = json.loads((self.home / "demo-sign-ins.json").read_text())[username]
        session = self.session()
        form = session.get(f"{self.url}/sign-in", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token is not None
        answer = session.post(
            f"{self.url}/sign-in",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": password,
            },
            headers={"Referer": f"{self.url}/sign-in"},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:500]
        return session


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("production")
    cert, key = self_signed(home)
    server_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_"))}
    modules = str(Path(__file__).resolve().parents[2] / "node_modules")
    env.update(
        LGRSHARE_HOME=str(home / "state"),
        LGRSHARE_NODE_MODULES=os.environ.get("LGRSHARE_NODE_MODULES", modules),
    )
    subprocess.run([LGRSHARE, "demo"], env=env, check=True, capture_output=True, timeout=300)
    with TlsProxy(
        cert=cert, key=key, upstream=("127.0.0.1", server_port), source_address="127.0.0.2"
    ) as proxy:
        origin = f"https://localhost:{proxy.port}"
        env.update(
            LGRSHARE_HTTPS="true",
            LGRSHARE_TRUSTED_PROXIES="127.0.0.2",
            LGRSHARE_ALLOWED_HOSTS="localhost,127.0.0.1",
            LGRSHARE_CSRF_TRUSTED_ORIGINS=origin,
        )
        log = (home / "server.log").open("wb")
        server = subprocess.Popen(
            [LGRSHARE, "serve", "--port", str(server_port), *("--workers", "2"), *CLIENT_TIMEOUT],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(server_port, server)
            yield Site(
                url=origin,
                direct=f"http://127.0.0.1:{server_port}",
                cert=cert,
                home=home / "state",
                proxy_port=proxy.port,
                server_port=server_port,
            )
        finally:
            server.terminate()
            server.wait(30)
            log.close()


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError(f"lgrshare serve stopped with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("lgrshare serve did not start listening")


def test_https_through_the_proxy_is_served_not_redirected_in_a_loop(site: Site) -> None:
    # The trial's scenario: with LGRSHARE_HTTPS=true every request came back as a redirect
    # to the same https address.
    answer = site.session().get(f"{site.url}/sign-in", allow_redirects=False, timeout=30)
    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["Strict-Transport-Security"]


def test_forwarded_headers_from_a_client_are_not_believed(site: Site) -> None:
    # Straight to the server from 127.0.0.1, which is not the trusted proxy: its claim to have
    # come over HTTPS is dropped, so it is sent to HTTPS.
    answer = site.session().get(
        f"{site.direct}/sign-in",
        headers={"X-Forwarded-Proto": "https", "Host": "localhost"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://localhost/")


def test_sign_in_upload_and_download_through_the_proxy(site: Site) -> None:
    session = site.sign_in("guildford.analyst")
    assert all(cookie.secure for cookie in session.cookies), "cookies must be Secure"
    assert session.get(f"{site.url}/", timeout=30).status_code == 200
    # The agreed template of DSA-00002 (agreement 2 on a fresh SQLite demo), downloaded...
    template = session.get(f"{site.url}/agreements/2/templates/council-tax-base.csv", timeout=30)
    assert template.status_code == 200
    header = template.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("gss_code,council_name")
    # ...filled with Guildford's real 2023-24 return and submitted as a new version...
    content = _council_tax_csv(GUILDFORD)
    assert content.decode().splitlines()[0] == header
    page = session.get(f"{site.url}/agreements/2/submit", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    sent = session.post(
        f"{site.url}/agreements/2/submit",
        data={
            "csrfmiddlewaretoken": token.group(1),
            "standard": "council-tax-base",
            "period": "2023-24",
        },
        files={"file": ("council-tax-base-guildford.csv", content, "text/csv")},
        headers={"Referer": f"{site.url}/agreements/2/submit"},
        allow_redirects=False,
        timeout=120,
    )
    assert sent.status_code == 302, sent.text[:1000]
    created = re.fullmatch(r"/submissions/(\d+)/", sent.headers["Location"])
    assert created is not None
    # ...recorded with its report, which is downloaded.
    shown = session.get(f"{site.url}/submissions/{created.group(1)}/", timeout=60)
    assert shown.status_code == 200
    assert "council-tax-base-guildford.csv" in shown.text
    report = session.get(f"{site.url}/submissions/{created.group(1)}/report.json", timeout=60)
    assert report.status_code == 200
    assert report.json()["file"]["name"] == "council-tax-base-guildford.csv"
    assert report.json()["stats"]["rows"] == 1


def _raw_request(site: Site, head: str) -> bytes:
    """Send only ``head`` through the proxy, no body, and return what the server answers
    (a socket timeout, failing the test, if it waits for the body instead)."""
    context = ssl.create_default_context(cafile=str(site.cert))
    with (
        socket.create_connection(("127.0.0.1", site.proxy_port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(head.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = tls.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(site: Site) -> None:
    head = (
        f"POST /agreements/2/submit HTTP/1.1\r\nHost: localhost:{site.proxy_port}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 300000000\r\n\r\n"
    )
    assert _raw_request(site, head).startswith(b"HTTP/1.1 413")


def test_an_anonymous_upload_is_refused_before_its_body_is_read(site: Site) -> None:
    for path, status in (("/agreements/2/submit", b"413"), ("/api/v1/submissions", b"401")):
        head = (
            f"POST {path} HTTP/1.1\r\nHost: localhost:{site.proxy_port}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000000\r\n\r\n"
        )
        assert _raw_request(site, head).startswith(b"HTTP/1.1 " + status), path


def test_half_open_connections_do_not_stop_others_being_served(site: Site) -> None:
    # Twice as many half-sent requests, never finished, as the two workers have threads
    # (2 x 4): each is closed after the client timeout, and the threads serve others.
    held = []
    try:
        for _ in range(16):
            conn = socket.create_connection(("127.0.0.1", site.server_port), timeout=30)
            conn.sendall(b"GET /sign-in HTTP/1.1\r\nHost: localhost\r\n")
            held.append(conn)
        answer = site.session().get(f"{site.url}/sign-in", allow_redirects=False, timeout=60)
        assert answer.status_code == 200
        held[0].settimeout(30)
        assert held[0].recv(1024) == b"", "a half-open connection was never closed"
    finally:
        for conn in held:
            conn.close()
