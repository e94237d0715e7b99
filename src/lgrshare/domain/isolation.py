"""Run the parsing of an untrusted file in a separate process with limits, and say why it failed.

Readers of CSV and XLSX are native code (Polars, calamine): a crafted file can make them panic,
abort on an impossible allocation (a 2 KB workbook whose cell reference asks for 550 GB), or
spend minutes and gigabytes. Run in the service's own process, that takes a worker down or
leaves a request hanging. ``run_limited`` runs ``job(*args)`` in a child process instead, forked
from a ``multiprocessing`` fork server that has imported the readers (so a job starts in
milliseconds, not the second a fresh interpreter takes), with:

- CPU time (``RLIMIT_CPU``, every thread's time counted), and a wall-clock deadline after which
  the child is killed (cut to what is left of the request's own time limit, when one is set:
  ``domain.deadline``, which then raises ``RequestTooSlow``);
- memory (``RLIMIT_AS``: the address space, so a huge allocation fails at once);
- output: the pickled result may be at most ``output_bytes``.

Whatever happens in the child comes back as the job's result, as an ``LgrShareError`` the job
raised on purpose (re-raised here), or as ``FileTooComplex`` (a limit, named) or
``FileUnreadable`` (a crash: a Rust panic is a ``BaseException``, an abort a signal). Never a
hang, a traceback or a dead worker.

Input reaches the child as a path, or as an open file descriptor (``Handed``): an upload is put
in an anonymous in-memory file (``memfd_create``), so its plaintext never touches a disk.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import Any, BinaryIO

from lgrshare.domain.deadline import deadline_check, deadline_remaining, too_slow
from lgrshare.domain.errors import InvalidInput, LgrShareError

# Modules the fork server imports once, so that each child starts with them loaded.
PRELOAD = ["polars", "fastexcel", "openpyxl", "lgrshare.domain.validation.isolated"]
# The most of a dead child's error output read, to tell a failed allocation from a crash.
_STDERR_BYTES = 256 * 1024


class FileUnreadable(InvalidInput):
    code = "file-unreadable"
    title = "The file could not be read"
    status = 400


class FileTooComplex(InvalidInput):
    code = "file-too-complex"
    title = "The file needs more than the service allows to read one file"
    status = 400


@dataclass(frozen=True, slots=True)
class Limits:
    """What one child may use: CPU seconds, wall-clock seconds, address space and output."""

    cpu_seconds: int = 120
    wall_seconds: int = 240
    memory_bytes: int = 4 * 1024**3
    output_bytes: int = 64 * 1024**2


class Handed:
    """An open file handed to the child by descriptor; ``path`` opens it there."""

    def __init__(self, fd: int) -> None:
        self.connection = Connection(fd, readable=True, writable=False)

    @property
    def path(self) -> str:
        return f"/proc/self/fd/{self.connection.fileno()}"

    def close(self) -> None:
        self.connection.close()


def in_memory_copy(source: BinaryIO, *, name: str = "upload") -> Handed:
    """Return ``source`` copied into an anonymous in-memory file (Linux ``memfd_create``),
    to hand to a child: nothing is written to a disk. A source that already is one (an
    upload, ``web.uploads``) is handed as it is, so the server holds its bytes once."""
    anonymous = _anonymous_fd(source)
    if anonymous is not None:
        return Handed(os.dup(anonymous))
    fd = os.memfd_create(name, os.MFD_CLOEXEC)
    with open(os.dup(fd), "wb", closefd=True) as out:
        if source.seekable():
            source.seek(0)
        while chunk := source.read(1024 * 1024):
            out.write(chunk)
    if source.seekable():
        source.seek(0)
    return Handed(fd)


def _anonymous_fd(source: BinaryIO) -> int | None:
    """Return the descriptor of ``source`` if it is an anonymous in-memory file, else None."""
    try:
        fd = source.fileno()
        target = os.readlink(f"/proc/self/fd/{fd}")
    except (AttributeError, OSError, ValueError):
        return None
    return fd if target.startswith("/memfd:") else None


def _mapping(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping(mapping: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mapping, (dict(mapping),)


# Standards hold their constraints in read-only mappings; they cross to the child as copies.
ForkingPickler.register(MappingProxyType, _reduce_mapping)

_context_lock = threading.Lock()
_context: Any = None


def start_early(preload: Sequence[str] = PRELOAD) -> None:
    """Start the fork server now, importing only ``preload``, so that its imports run beside
    the caller's own: a one-shot command (``lgrshare validate``) that will run one job calls
    this first, with what that job needs. A fork server already started is left as it is."""
    _forkserver(preload)
    multiprocessing.forkserver.ensure_running()


def _forkserver(preload: Sequence[str] = PRELOAD) -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            # Each child imports the program that started it (``lgrshare``, gunicorn, pytest)
            # again unless the fork server has: it does, once, when that is a file.
            main = getattr(sys.modules["__main__"], "__file__", None)
            modules = list(preload)
            context.set_forkserver_preload(
                ["__main__", *modules] if main and os.path.isfile(main) else modules
            )
            _context = context
        return _context


def run_limited(
    job: Callable[..., Any],
    *args: Any,
    limits: Limits,
    what: str,
    progress: Callable[[Any], None] | None = None,
) -> Any:
    """Return ``job(*args)``, run in a limited child process (module docstring).

    ``job`` is a module-level function; a ``Handed`` argument arrives open in the child. ``job``
    may call its ``report`` keyword argument to send progress, which ``progress`` receives here.
    ``what`` names the work for messages ("reading the file"). Raises what ``job`` raised if
    an ``LgrShareError``, else ``FileTooComplex`` or ``FileUnreadable``; ``RequestTooSlow``
    when the request's time limit runs out first.
    """
    deadline_check()
    context = _forkserver()
    receive, send = context.Pipe(duplex=False)
    err_receive, err_send = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(job, args, limits, send, err_send),
        name="lgrshare-parse",
        daemon=True,
    )
    child.start()
    send.close()
    err_send.close()
    try:
        return _await(child, receive, limits, what, progress, err_receive)
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
        err_receive.close()


def _await(
    child: Any,
    receive: Connection,
    limits: Limits,
    what: str,
    progress: Callable[[Any], None] | None,
    err_receive: Connection,
) -> Any:
    remaining = deadline_remaining()
    wall = limits.wall_seconds if remaining is None else min(limits.wall_seconds, remaining)
    deadline = _now() + wall
    while True:
        left = deadline - _now()
        if left <= 0:
            child.kill()
            if wall < limits.wall_seconds:
                raise too_slow()
            raise FileTooComplex(
                f"The file took longer than the {limits.wall_seconds:,} seconds allowed for "
                f"{what}, so it was stopped. Split it into smaller files, or send it as CSV."
            )
        if not receive.poll(min(left, 1.0)):
            if not child.is_alive() and not receive.poll(0):
                child.join(5)
                raise _died(child.exitcode, _tail(err_receive), limits, what)
            continue
        try:
            message = receive.recv_bytes(limits.output_bytes)
        except EOFError:
            child.join(5)
            raise _died(child.exitcode, _tail(err_receive), limits, what) from None
        except OSError:
            child.kill()
            raise FileTooComplex(
                f"Reading the file produced more than the {limits.output_bytes // 1024**2:,} MB "
                f"of results allowed for {what}."
            ) from None
        kind, value = _loads(message)
        if kind == "progress":
            if progress is not None:
                progress(value)
            continue
        if kind == "result":
            return value
        if kind == "raised":
            raise _rebuilt(*value)
        if kind == "memory":
            raise _memory(limits)
        raise FileUnreadable(
            f"The file could not be read: the reader failed ({value}) while {what}. "
            "Save it again from the program that made it, or send it as CSV (UTF-8)."
        )


def _now() -> float:
    return time.monotonic()


def _loads(message: bytes) -> tuple[str, Any]:
    loaded = ForkingPickler.loads(message)
    return loaded[0], loaded[1]


def _rebuilt(kind: type[LgrShareError], message: str, code: str) -> LgrShareError:
    """Return the error the job raised, as it was (its code may have been given per raise)."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    error.message, error.code = message, code
    return error


def _tail(err_receive: Connection) -> str:
    os.set_blocking(err_receive.fileno(), False)
    chunks, size = [], 0
    try:
        while size < _STDERR_BYTES and (chunk := os.read(err_receive.fileno(), 65536)):
            chunks.append(chunk)
            size += len(chunk)
    except BlockingIOError:
        pass
    return b"".join(chunks).decode("utf-8", "replace")


def _memory(limits: Limits) -> FileTooComplex:
    return FileTooComplex(
        f"Reading the file needed more than the {limits.memory_bytes // 1024**2:,} MB of memory "
        "allowed for one file, so it was stopped. Check it is one table with the expected "
        "columns; split a very large file, or send it as CSV."
    )


def _died(exitcode: int | None, stderr: str, limits: Limits, what: str) -> LgrShareError:
    signum = -exitcode if exitcode is not None and exitcode < 0 else None
    if signum in (signal.SIGXCPU, signal.SIGKILL):
        return FileTooComplex(
            f"Reading the file took more than the {limits.cpu_seconds:,} seconds of processor "
            f"time allowed for {what}, so it was stopped. Split it into smaller files, or send "
            "it as CSV."
        )
    if "memory allocation" in stderr or "MemoryError" in stderr:
        return _memory(limits)
    how = f"signal {signal.Signals(signum).name}" if signum else f"exit status {exitcode}"
    return FileUnreadable(
        f"The file could not be read: the reader stopped ({how}) while {what}. Save it again "
        "from the program that made it, or send it as CSV (UTF-8)."
    )


_OUT_OF_MEMORY = ("cannot allocate", "memory allocation", "out of memory", "capacity overflow")


def _out_of_memory(message: str) -> bool:
    return any(words in message.lower() for words in _OUT_OF_MEMORY)


def _child(
    job: Callable[..., Any],
    args: tuple[Any, ...],
    limits: Limits,
    send: Connection,
    err_send: Connection,
) -> None:
    """In the child: set the limits, run the job, send back what happened."""
    os.dup2(err_send.fileno(), 2)
    os.environ["RUST_BACKTRACE"] = "0"
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    # Nothing the reader does should write files; core dumps would be plaintext on disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    def reply(kind: str, value: Any) -> None:
        send.send_bytes(bytes(ForkingPickler.dumps((kind, value))))

    def report(value: Any) -> None:
        reply("progress", value)

    try:
        value = job(*args, report=report)
    except LgrShareError as exc:
        reply("raised", (type(exc), exc.message, exc.code))
    except MemoryError:
        reply("memory", None)
    except BaseException as exc:  # a Rust panic (PanicException) is a BaseException
        # A native reader that cannot allocate panics (Polars: "Cannot allocate memory to hold
        # CompactString") rather than raising MemoryError: that is the memory limit too.
        reply("memory" if _out_of_memory(str(exc)) else "crashed", type(exc).__name__)

    else:
        reply("result", value)
