"""Benchmark a submission's path: validate, encrypt and store; then decrypt and read back.

    python bench/upload.py [--rows 1000000] [--repeat 3]

Uses the shared workload (generated once into ``bench/data/`` by ``bench/validate.py``'s
``workload``). Each stage runs in its own child process against a fresh ``LGRSHARE_HOME`` (SQLite
and a local vault), timed inside the child, with the child's peak memory (``ru_maxrss``):

- ``validate``: the validator alone on the file (the baseline);
- ``validate_store``: the same validation, then ``vault.services.blob_store`` (AES-256-GCM
  chunks, temporary file, fsync, rename, the row) in one transaction, as a submission does;
- ``decrypt``: every chunk of the stored blob decrypted and verified into memory;
- ``decrypt_read``: decrypted, then read by Polars as a table.

Targets (issue 6): encryption and storage add at most 25% to validation alone; decrypt and read
at least 500 MB/s; peak memory bounded by the chunk size plus the validator's needs. Prints the
figures and writes ``bench/results/upload.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from validate import SCHEMA, workload  # noqa: E402

RESULTS = HERE / "results" / "upload.json"
TARGETS = {"x_store_overhead_max": 0.25, "decrypt_read_mb_per_second_min": 500.0}

_CHILD = """
import io, json, os, resource, sys, time
kind, path, schema = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["DJANGO_SETTINGS_MODULE"] = "lgrshare.settings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import transaction
from lgrshare.domain.standards.model import load_standard
from lgrshare.domain.validation import validate
from lgrshare.vault.models import Blob
from lgrshare.vault.services import blob_open, blob_store
standard = load_standard(schema)
out = {}
if kind in ("validate", "validate_store"):
    started = time.perf_counter()
    report = validate(path, standard)
    out["validate_seconds"] = time.perf_counter() - started
    out["rows"] = report.stats["rows"]
    if kind == "validate_store":
        started = time.perf_counter()
        with open(path, "rb") as source, transaction.atomic():
            blob = blob_store(source=source)
        out["store_seconds"] = time.perf_counter() - started
        out["stored_bytes"] = blob.ciphertext_bytes
else:
    with open(path, "rb") as source, transaction.atomic():
        blob = blob_store(source=source)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    if kind == "decrypt":
        size = sum(len(chunk) for chunk in blob_open(blob=blob))
    else:
        import polars as pl
        data = b"".join(blob_open(blob=blob))
        size = len(data)
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False)
        out["rows"] = frame.height
    out["seconds"] = time.perf_counter() - started
    out["bytes"] = size
    out["peak_before_bytes"] = before
out["peak_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
"""


def child(kind: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("LGRSHARE_", "DATABASE_URL"))
        }
        env["LGRSHARE_HOME"] = home
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, kind, str(path), str(SCHEMA)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(kind: str, path: Path, repeat: int, key: str) -> dict[str, float]:
    runs = [child(kind, path) for _ in range(repeat)]
    return min(runs, key=lambda r: r[key])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = workload(args.rows)
    size = path.stat().st_size
    print(
        f"{path.name}: {size / 1e6:.1f} MB, {args.rows:,} rows; best of {args.repeat}", flush=True
    )
    validate_only = best("validate", path, args.repeat, "validate_seconds")
    stored = best("validate_store", path, args.repeat, "store_seconds")
    decrypt = best("decrypt", path, args.repeat, "seconds")
    decrypt_read = best("decrypt_read", path, args.repeat, "seconds")
    overhead = stored["store_seconds"] / validate_only["validate_seconds"]
    figures = {
        "file": {"rows": args.rows, "bytes": size},
        "validate": validate_only,
        "validate_store": stored,
        "decrypt": decrypt,
        "decrypt_read": decrypt_read,
        "results": {
            "x_store_overhead": overhead,
            "encrypt_store_mb_per_second": size / 1e6 / stored["store_seconds"],
            "decrypt_mb_per_second": size / 1e6 / decrypt["seconds"],
            "decrypt_read_mb_per_second": size / 1e6 / decrypt_read["seconds"],
            "decrypt_extra_peak_mb": (decrypt["peak_bytes"] - decrypt["peak_before_bytes"]) / 1e6,
        },
        "targets": TARGETS,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": list(os.getloadavg()),
        },
    }
    r = figures["results"]
    print(
        f"validate alone          {validate_only['validate_seconds']:.2f} s, "
        f"peak {validate_only['peak_bytes'] / 1e6:.0f} MB"
    )
    print(
        f"encrypt + store         {stored['store_seconds']:.2f} s "
        f"({r['encrypt_store_mb_per_second']:.0f} MB/s): +{overhead:.0%} on validation "
        f"(target at most +{TARGETS['x_store_overhead_max']:.0%}); "
        f"peak {stored['peak_bytes'] / 1e6:.0f} MB"
    )
    print(
        f"decrypt (verify all)    {r['decrypt_mb_per_second']:.0f} MB/s, "
        f"extra peak {r['decrypt_extra_peak_mb']:.1f} MB"
    )
    print(
        f"decrypt + Polars read   {r['decrypt_read_mb_per_second']:.0f} MB/s "
        f"(target at least {TARGETS['decrypt_read_mb_per_second_min']:.0f} MB/s)"
    )
    print(f"load average            {figures['machine']['load_average']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
