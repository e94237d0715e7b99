"""The production server: gunicorn, run in-process by ``lgrshare serve``.

gunicorn's ``gthread`` worker: ``workers`` processes (one per core by default), each with
``threads`` threads. It reads a request body only when the application asks for it, so a body
refused from its headers (too large, nobody signed in) is never read; what was not read is
drained up to 64 KB and otherwise the connection is closed. A connection that sends nothing
for 5 seconds goes back to the worker's poller rather than holding a thread, and kept-alive
connections idle for ``KEEPALIVE_SECONDS`` are closed. gunicorn has no deadline of its own for
a request that stops half-way (headers or body never finished: a half-open connection, a
"slow loris"), which would hold a thread for ever; ``Worker`` gives each read and write on a
client's socket ``client_timeout`` seconds, after which the connection is closed and the thread
is free again.

gunicorn itself trusts no forwarded header (``forwarded_allow_ips`` empty): the application's
``web.proxy`` layer decides, from ``LGRSHARE_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.workers.gthread import TConn, ThreadWorker

APPLICATION = "lgrshare.wsgi:application"
KEEPALIVE_SECONDS = 5
GRACEFUL_SECONDS = 30
CLIENT_SECONDS = 15


class _DeadlineSocket(socket.socket):
    """A client socket whose blocking mode has a deadline: gthread switches a connection to
    blocking before reading a request, and each read or write then waits at most
    ``deadline`` seconds (a ``TimeoutError``, which gthread answers by closing it)."""

    deadline: float = CLIENT_SECONDS

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(self.deadline)
        else:
            super().setblocking(False)


class Worker(ThreadWorker):
    """gunicorn's gthread worker, its client sockets with a deadline (``_DeadlineSocket``)."""

    def accept(self, listener: socket.socket) -> None:
        try:
            accepted, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        client = _DeadlineSocket(
            accepted.family, accepted.type, accepted.proto, fileno=accepted.detach()
        )
        client.deadline = float(self.cfg.env.get("LGRSHARE_CLIENT_TIMEOUT") or CLIENT_SECONDS)
        client.setblocking(True)
        self.nr_conns += 1
        self.enqueue_req(TConn(self.cfg, client, address, listener.getsockname()))


class Server(BaseApplication):
    """gunicorn serving ``lgrshare.wsgi:application`` with LGR Share's settings."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        workers: int,
        threads: int,
        timeout: int,
        client_timeout: int = CLIENT_SECONDS,
    ) -> None:
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.options: dict[str, Any] = {
            "bind": [bind],
            "workers": workers,
            "worker_class": "lgrshare.web.server.Worker",
            "raw_env": [f"LGRSHARE_CLIENT_TIMEOUT={client_timeout}"],
            "threads": threads,
            "timeout": timeout,
            "graceful_timeout": GRACEFUL_SECONDS,
            "keepalive": KEEPALIVE_SECONDS,
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "proc_name": "lgrshare",
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "warning",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Named as gunicorn names any application: the WSGI module is an interface, above
        # this shell, so it is not imported here.
        return util.import_app(APPLICATION)
