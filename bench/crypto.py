"""Benchmark of the crypto core: encrypt overhead, decrypt + read throughput, peak memory.

A CSV of a few hundred MB is generated in a temporary directory (removed afterwards), encrypted
and decrypted file to file, and read back into Polars through the decrypting reader. Each timing
is the best of ``--repeats`` runs (the machine is shared). Peak memory is measured in a fresh
child process per operation: the growth of its peak RSS over the same process before the
operation, and the peak of Python allocations (tracemalloc).

    .venv/bin/python bench/crypto.py [--megabytes 320] [--repeats 3]

Prints the figures and writes ``bench/results/crypto.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import cryptography

from lgrshare.domain.crypto import (
    DEFAULT_CHUNK_SIZE,
    EncryptingWriter,
    decrypt_stream,
    encrypt_stream,
    iter_decrypt,
    new_data_key,
    open_decrypted,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer as Buffer

RESULTS = Path(__file__).resolve().parent / "results" / "crypto.json"
FILE_ID = "bench-0000-0000-0000-000000000000"
MB = 1_000_000
PIECE = 64 * 1024  # the size of writes a streaming validator makes
SWEEP = (64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024)


def generate_csv(path: Path, megabytes: int) -> int:
    """Write a CSV shaped like the shared workload (about 82 bytes a row); return its size."""
    import polars as pl  # not imported at the top: the memory children must stay small

    rows = megabytes * MB // 82
    n = pl.col("n")
    frame = pl.select(n=pl.int_range(rows, dtype=pl.Int64)).select(
        record_id=pl.format("REC{}", n.cast(pl.String).str.zfill(9)),
        lad_code=pl.format("E07000{}", (n.hash(1) % 12 + 207).cast(pl.String)),
        lsoa_code=pl.format("E0{}", (n.hash(2) % 9_000_000 + 1_000_000).cast(pl.String)),
        period=pl.format("2024-{}", (n.hash(3) % 12 + 1).cast(pl.String).str.zfill(2)),
        service=pl.lit("Adult Social Care"),
        amount_gbp=(n.hash(4) % 1_000_000).cast(pl.Float64) / 100,
        count=n.hash(5) % 500,
        flag=n.hash(6) % 2 == 0,
        notes=pl.when(n.hash(7) % 5 == 0).then(pl.lit("Part-year adjustment")),
    )
    frame.write_csv(path)
    return path.stat().st_size


def best(repeats: int, run: Callable[[], object]) -> float:
    """Return the fastest of ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def copy(src: Path, dst: Path) -> None:
    with src.open("rb") as source, dst.open("wb") as target:
        shutil.copyfileobj(source, target, DEFAULT_CHUNK_SIZE)


def encrypt(src: Path, dst: Path, key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
    with src.open("rb") as source, dst.open("wb") as target:
        encrypt_stream(source, target, data_key=key, file_id=FILE_ID, chunk_size=chunk_size)


def encrypt_by_writer(src: Path, dst: Path, key: bytes) -> None:
    with (
        src.open("rb") as source,
        dst.open("wb") as target,
        EncryptingWriter(target, data_key=key, file_id=FILE_ID) as writer,
    ):
        while piece := source.read(PIECE):
            writer.write(piece)


def decrypt(src: Path, dst: Path | None, key: bytes) -> None:
    with src.open("rb") as source:
        if dst is None:
            decrypt_stream(source, None, data_key=key, file_id=FILE_ID)
            return
        with dst.open("wb") as target:
            decrypt_stream(source, target, data_key=key, file_id=FILE_ID)


def iterate(src: Path, key: bytes) -> None:
    with src.open("rb") as source:
        for _ in iter_decrypt(source, data_key=key, file_id=FILE_ID):
            pass


def read_pieces(src: Path, key: bytes) -> None:
    with src.open("rb") as source, open_decrypted(source, data_key=key, file_id=FILE_ID) as plain:
        while plain.read(PIECE):
            pass


def read_frame(src: Path, key: bytes) -> int:
    """Decrypt into memory (one join of verified chunks) and parse with Polars."""
    import polars as pl

    with src.open("rb") as source:
        plaintext = b"".join(iter_decrypt(source, data_key=key, file_id=FILE_ID))
    return pl.read_csv(plaintext, infer_schema=False).height


def read_frame_from_file_object(src: Path, key: bytes) -> int:
    """Hand Polars the decrypting file object."""
    import polars as pl

    with src.open("rb") as source, open_decrypted(source, data_key=key, file_id=FILE_ID) as plain:
        return pl.read_csv(plain, infer_schema=False).height


def read_plain(src: Path) -> int:
    import polars as pl

    return pl.read_csv(src, infer_schema=False).height


class Discard(io.RawIOBase):
    """A sink, so the in-memory figures are the crypto's own cost, without the disk."""

    def writable(self) -> bool:
        return True

    def write(self, b: Buffer) -> int:
        return len(memoryview(b))


# Peak memory, measured in a child process per operation ---------------------------------------

OPERATIONS: dict[str, Callable[[Path, Path, bytes], object]] = {
    "encrypt_stream": lambda src, dst, key: encrypt(src, dst, key),
    "encrypting_writer": lambda src, dst, key: encrypt_by_writer(src, dst, key),
    "decrypt_stream": lambda src, dst, key: decrypt(src, dst, key),
    "iter_decrypt": lambda src, dst, key: iterate(src, key),
    "open_decrypted": lambda src, dst, key: read_pieces(src, key),
}


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def child(operation: str, src: Path, dst: Path, key: bytes) -> None:
    """Run one operation and print its memory figures as JSON (the child process's side).

    The peak RSS (VmHWM) is reset first (Linux ``clear_refs``), so the growth is the
    operation's own: the peak during it less the RSS just before it.
    """
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    tracemalloc.start()
    OPERATIONS[operation](src, dst, key)
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    growth = _status_kib("VmHWM") - before
    print(json.dumps({"rss_growth_kib": growth, "python_peak_bytes": python_peak}))


def measure_memory(operation: str, src: Path, dst: Path, key: bytes) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", operation, str(src), str(dst), key.hex()]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = json.loads(output)
    return {
        "rss_growth_mib": round(figures["rss_growth_kib"] / 1024, 1),
        "python_peak_mib": round(figures["python_peak_bytes"] / 2**20, 2),
    }


# The run -------------------------------------------------------------------------------------


def rate(size: int, seconds: float) -> float:
    return round(size / MB / seconds, 1)


def run(megabytes: int, repeats: int) -> dict[str, object]:
    import polars as pl

    key = new_data_key()
    with tempfile.TemporaryDirectory(prefix="lgrshare-bench-crypto-") as directory:
        tmp = Path(directory)
        plain, sealed, out = tmp / "data.csv", tmp / "data.enc", tmp / "out.csv"
        size = generate_csv(plain, megabytes)
        print(f"generated {size / MB:.0f} MB of CSV in {tmp}", flush=True)
        encrypt(plain, sealed, key)
        sealed_size = sealed.stat().st_size
        plaintext, container = plain.read_bytes(), sealed.read_bytes()

        def in_memory_encrypt() -> None:
            encrypt_stream(io.BytesIO(plaintext), Discard(), data_key=key, file_id=FILE_ID)

        def in_memory_decrypt() -> None:
            decrypt_stream(io.BytesIO(container), Discard(), data_key=key, file_id=FILE_ID)

        def in_memory_iterate() -> None:
            for _ in iter_decrypt(io.BytesIO(container), data_key=key, file_id=FILE_ID):
                pass

        timings: dict[str, Callable[[], object]] = {
            "copy_file": lambda: copy(plain, out),
            "encrypt_stream_file": lambda: encrypt(plain, sealed, key),
            "encrypting_writer_file_64k_writes": lambda: encrypt_by_writer(plain, out, key),
            "decrypt_stream_file": lambda: decrypt(sealed, out, key),
            "decrypt_stream_verify_only_file": lambda: decrypt(sealed, None, key),
            "iter_decrypt_file": lambda: iterate(sealed, key),
            "encrypt_stream_in_memory": in_memory_encrypt,
            "decrypt_stream_in_memory": in_memory_decrypt,
            "iter_decrypt_in_memory": in_memory_iterate,
            "polars_read_plain_file": lambda: read_plain(plain),
            "decrypt_and_polars_read": lambda: read_frame(sealed, key),
            "decrypt_and_polars_read_file_object": lambda: read_frame_from_file_object(sealed, key),
        }
        seconds = {}
        for name, operation in timings.items():
            seconds[name] = best(repeats, operation)
            print(f"{name:40s} {seconds[name]:7.3f} s {rate(size, seconds[name]):8.1f} MB/s")
        plaintext = container = b""  # free them before the memory runs
        rows = read_frame(sealed, key)

        sweep = {}
        for chunk_size in SWEEP:
            encrypt(plain, sealed, key, chunk_size)
            sweep[str(chunk_size)] = {
                "encrypt_file_mb_s": rate(
                    size, best(repeats, lambda c=chunk_size: encrypt(plain, sealed, key, c))
                ),
                "decrypt_file_mb_s": rate(size, best(repeats, lambda: decrypt(sealed, out, key))),
            }
            print(f"chunk size {chunk_size:>8}: {sweep[str(chunk_size)]}")
        encrypt(plain, sealed, key)  # the default chunk size again, for the memory runs

        memory = {
            name: measure_memory(name, plain if name.startswith("encrypt") else sealed, out, key)
            for name in OPERATIONS
        }
        for name, figures in memory.items():
            print(f"peak memory {name:24s} {figures}")

    return {
        "machine": {
            "python": platform.python_version(),
            "cryptography": cryptography.__version__,
            "polars": pl.__version__,
            "cpus": os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "platform": platform.platform(),
        },
        "file": {
            "plaintext_mb": round(size / MB, 1),
            "rows": rows,
            "chunk_size": DEFAULT_CHUNK_SIZE,
        },
        "container_overhead_bytes": sealed_size - size,
        "seconds": {name: round(value, 3) for name, value in seconds.items()},
        "mb_per_s": {name: rate(size, value) for name, value in seconds.items()},
        "encrypt_overhead": {
            "in_memory_seconds_per_100_mb": round(
                seconds["encrypt_stream_in_memory"] * 100 * MB / size, 3
            ),
            "file_vs_plain_copy_percent": round(
                100 * (seconds["encrypt_stream_file"] / seconds["copy_file"] - 1), 1
            ),
        },
        "decrypt_and_read_vs_plain_read_percent": round(
            100 * (seconds["decrypt_and_polars_read"] / seconds["polars_read_plain_file"] - 1), 1
        ),
        "chunk_size_sweep": sweep,
        "peak_memory": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=320)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("OPERATION", "SRC", "DST", "KEY"))
    args = parser.parse_args()
    if args.child:
        operation, src, dst, key = args.child
        child(operation, Path(src), Path(dst), bytes.fromhex(key))
        return
    results = run(args.megabytes, args.repeats)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
