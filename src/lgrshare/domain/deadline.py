"""A time limit for the work of one request, checked by the operations that can run long.

The web layer gives each request a budget (``LGRSHARE_REQUEST_SECONDS``, counted from when its
body has arrived: a slow client is the client timeout's business, not this). Long operations
call ``deadline_check`` between steps (each submission read while compiling, each council), and
the parsing child's wall-clock limit is cut to what is left (``domain.isolation``), so a
request past its limit ends with ``request-too-slow`` (503) and its thread serves the next
request; what it had begun is rolled back with its transaction.

What it cannot do: interrupt Python code between two checks, or native code in the service's
own process. Parsing untrusted files, the one place native code can run away, happens in a
child process that is killed at the limit. Outside a request (the command line) no deadline is
set and every check passes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from lgrshare.domain.errors import LgrShareError


class RequestTooSlow(LgrShareError):
    code = "request-too-slow"
    title = "The request took longer than the service allows"
    status = 503


@dataclass(frozen=True, slots=True)
class _Budget:
    seconds: float
    ends: float


_BUDGET: ContextVar[_Budget | None] = ContextVar("lgrshare_deadline", default=None)


@contextmanager
def deadline_within(seconds: float | None) -> Iterator[None]:
    """Run the block with a budget of ``seconds`` (None: no limit), then restore the one
    before."""
    budget = None if seconds is None else _Budget(seconds, time.monotonic() + seconds)
    token = _BUDGET.set(budget)
    try:
        yield
    finally:
        _BUDGET.reset(token)


def deadline_restart() -> None:
    """Start the current budget again from now (when a request's body has arrived)."""
    budget = _BUDGET.get()
    if budget is not None:
        _BUDGET.set(_Budget(budget.seconds, time.monotonic() + budget.seconds))


def deadline_remaining() -> float | None:
    """Return the seconds left in the current budget (at least 0), or None without one."""
    budget = _BUDGET.get()
    return None if budget is None else max(0.0, budget.ends - time.monotonic())


def deadline_seconds() -> float | None:
    """Return the current budget's length in seconds, or None without one."""
    budget = _BUDGET.get()
    return None if budget is None else budget.seconds


def deadline_check() -> None:
    """Raise ``RequestTooSlow`` when the current budget is spent; return otherwise."""
    if deadline_remaining() == 0.0:
        raise too_slow()


def too_slow() -> RequestTooSlow:
    """Return the error for a spent budget, naming it."""
    seconds = deadline_seconds() or 0
    return RequestTooSlow(
        f"This took longer than the {seconds:g} seconds the service allows for one request, "
        "so it was stopped and nothing was changed. Try again later; if it happens again, "
        "ask your administrator (the limit is LGRSHARE_REQUEST_SECONDS)."
    )
