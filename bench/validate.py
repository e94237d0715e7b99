"""Benchmark the validator against frictionless-py and a bare Polars read of the same file.

    python bench/validate.py [--rows 1000000] [--frictionless-rows 100000] [--big-rows 0]

Generates the workload once (``bench/data/``, not in git) with the issued generator, then runs
each contender in its own child process, timing the work and reading the child's peak memory
(``ru_maxrss``):

- ``lgrshare``: ``validate(file, standard)`` on the whole file;
- ``lgrshare_isolated``: the same through ``validate_isolated``, in a limited child process as
  the service and the CLI run it (``_upload``: from a stream, copied to an in-memory file);
- ``polars_read``: ``pl.read_csv(file, infer_schema=False)`` (every cell as text: the floor;
  inferring types fails on this file's injected errors);
- ``frictionless``: ``frictionless.validate`` on the first ``--frictionless-rows`` rows only,
  because the whole file takes many minutes; its rows per second are what is compared.

And two for scale, not targets: ``polars_rules``, the standard's rules alone in one whole-file
Polars query (``bench/floor.py``: the least a Polars validator must do), and ``lgrshare_reader``,
lgrshare's CSV reader alone (``csv_fast``: blocks parsed and their cell counts proved, nothing
checked).

With rules (issue 15): **lgrshare_rules** validates the same file against the same schema plus
two rules across fields (``lgrshare:rules``): a sum (``amount_gbp`` equals ``count``, within a
tolerance every row meets, so the cost measured is the rule's evaluation on every row, not the
listing of its errors) and a comparison between two fields (``uprn > count``). Its time against
**lgrshare**'s is the rules' cost.

Whole process, as a data team runs it: each contender's wall-clock time in its own process,
start-up and imports included: ``lgrshare validate FILE --standard SCHEMA`` (the command), the
bare Polars read (``python -c`` importing Polars and reading), frictionless-py (``python -c``,
on its sample); and ``lgrshare --version`` against ``python -c "import polars"``.

``--big-rows N`` also validates an N-row file (10,000,000 for the issue's memory target) for
peak memory. Prints the figures and writes ``bench/results/validate.json``.

``--wide`` runs the wide workload instead (issue 19): tables of 1,000, 4,000 and 10,000 columns
by 2 rows, and 1,000 columns by 1,000 rows (half text, half whole numbers, one injected type
error), each validated once by lgrshare and once by frictionless-py (the whole file), in their
own processes: time and peak memory side by side. Writes ``bench/results/validate-wide.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "validate.json"
WIDE_RESULTS = HERE / "results" / "validate-wide.json"
# (columns, rows) of the wide workload.
WIDE = ((1_000, 2), (4_000, 2), (10_000, 2), (1_000, 1_000))
GENERATOR_COPIES = (
    ROOT.parent / "shared" / "bench" / "gen_council_records.py",
    ROOT / "tests" / "domain" / "validation" / "data" / "gen_council_records.py.txt",
)
SCHEMA = ROOT / "tests" / "domain" / "validation" / "data" / "council_records.schema.json"
TARGETS = {
    "x_frictionless_rows_per_second": 50.0,
    "x_bare_read_time": 2.5,
    "x_file_size_memory": 4.0,
}

_CHILD = """
import json, os, resource, sys, tempfile, time
kind, path, schema = sys.argv[1], sys.argv[2], sys.argv[3]
warm = len(sys.argv) > 4 and sys.argv[4] == "warm"
baseline = 0
if warm:
    # A table of two cells validated first: the fixed costs (imports, the library's code read
    # into memory, its threads) are then in the baseline, and the peak over it is the file's.
    tiny = tempfile.mkdtemp()
    with open(os.path.join(tiny, "t.csv"), "w") as out:
        out.write("a,b\\n1,x\\n")
    with open(os.path.join(tiny, "t.json"), "w") as out:
        out.write('{"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}')
    if kind == "lgrshare":
        from lgrshare.domain.standards.model import load_standard
        from lgrshare.domain.validation import validate
        validate(os.path.join(tiny, "t.csv"), load_standard(os.path.join(tiny, "t.json")))
    else:
        import frictionless
        frictionless.validate(os.path.join(tiny, "t.csv"), schema=os.path.join(tiny, "t.json"))
    with open("/proc/self/statm") as statm:
        baseline = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
if kind in ("lgrshare", "lgrshare_rules"):
    from lgrshare.domain.standards.model import load_standard
    from lgrshare.domain.validation import validate
    standard = load_standard(schema)
    started = time.perf_counter()
    report = validate(path, standard)
    seconds = time.perf_counter() - started
    extra = {"rows": report.stats["rows"], "errors": report.stats["error_count"]}
elif kind in ("lgrshare_isolated", "lgrshare_isolated_upload"):
    import io
    from lgrshare.config import parse_limits
    from lgrshare.domain.standards.model import load_standard
    from lgrshare.domain.validation.isolated import validate_isolated
    standard = load_standard(schema)
    # A server's worker starts its fork server once; time a file, not that start.
    validate_isolated(io.BytesIO(b"a" + bytes([10])), standard, limits=parse_limits())
    source = path
    if kind == "lgrshare_isolated_upload":
        source = io.BytesIO(open(path, "rb").read())  # an upload: copied to an in-memory file
    started = time.perf_counter()
    report = validate_isolated(source, standard, limits=parse_limits())
    seconds = time.perf_counter() - started
    extra = {"rows": report.stats["rows"], "errors": report.stats["error_count"]}
elif kind == "polars_rules":
    sys.path.insert(0, "bench")
    from floor import rules_only
    from lgrshare.domain.standards.model import load_standard
    standard = load_standard(schema)
    started = time.perf_counter()
    errors = rules_only(path, standard)
    seconds = time.perf_counter() - started
    extra = {"errors": errors}
elif kind == "lgrshare_reader":
    import os
    from lgrshare.domain.validation.csv_fast import Unconfirmed, fast_batches
    from lgrshare.domain.validation.csv_layout import read_layout
    from lgrshare.domain.validation.encoding import TextDecoder
    started = time.perf_counter()
    rows = 0
    with open(path, "rb") as handle:
        size, decoder = os.path.getsize(path), TextDecoder()
        layout = read_layout(handle, size=size, decoder=decoder)
        for batch in fast_batches(handle, layout=layout, decoder=decoder, size=size):
            rows += (batch.frame if isinstance(batch, Unconfirmed) else batch).height
    seconds = time.perf_counter() - started
    extra = {"rows": rows}
elif kind == "polars_read":
    import polars as pl
    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False)
    seconds = time.perf_counter() - started
    extra = {"rows": frame.height}
else:
    import frictionless
    started = time.perf_counter()
    report = frictionless.validate(path, schema=schema, limit_errors=10**9)
    assert report.tasks[0].errors and report.tasks[0].errors[0].type != "scheme-error", report
    seconds = time.perf_counter() - started
    rows = sum(1 for _ in open(path, "rb")) - 1  # the generator writes no line breaks in cells
    extra = {"rows": rows, "errors": report.stats["errors"]}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if warm:
    extra["work_bytes"] = peak - baseline
print(json.dumps({"seconds": seconds, "peak_bytes": peak, **extra}))
"""


# The rules of the ``lgrshare_rules`` workload (see the module's docstring).
RULES = [
    {"type": "sum", "id": "amount-near-count", "field": "amount_gbp", "of": ["count"],
     "tolerance": 1_000_000},
    {"type": "compare", "id": "uprn-above-count", "field": "uprn", "operator": ">",
     "other": "count"},
]  # fmt: skip


def rules_schema() -> Path:
    """Return the workload's schema with ``RULES`` added (written to ``bench/data/``)."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema["lgrshare:rules"] = RULES
    path = DATA / "council_records_rules.schema.json"
    DATA.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, indent=1), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frictionless-rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast contenders")
    parser.add_argument("--wide", action="store_true", help="the wide workload only")
    args = parser.parse_args()
    if args.wide:
        wide()
        return

    data = workload(args.rows)
    sample = head(data, args.frictionless_rows)
    size = data.stat().st_size
    ours, floor, rules, reader, with_rules, isolated, upload = best_of(
        args.repeat,
        ["lgrshare", "polars_read", "polars_rules", "lgrshare_reader", "lgrshare_rules",
         "lgrshare_isolated", "lgrshare_isolated_upload"],
        data,
    )  # fmt: skip
    (reference,) = best_of(2, ["frictionless"], sample)
    cli, version, polars_import = best_processes(
        args.repeat,
        [
            ["-m", "lgrshare.cli", "validate", rel(data), "--standard", rel(SCHEMA)],
            ["-m", "lgrshare.cli", "--version"],
            ["-c", "import polars"],
        ],
    )
    figures = {
        "file": {"rows": args.rows, "bytes": size},
        "lgrshare": ours | {"rows_per_second": args.rows / ours["seconds"]},
        "polars_read": floor | {"rows_per_second": args.rows / floor["seconds"]},
        "polars_rules": rules | {"rows_per_second": args.rows / rules["seconds"]},
        "lgrshare_reader": reader | {"rows_per_second": args.rows / reader["seconds"]},
        "lgrshare_rules": with_rules | {"rows_per_second": args.rows / with_rules["seconds"]},
        # As the service and the CLI run it: in a limited child process (its peak memory is
        # the child's, not measured here); "upload" adds the copy into an in-memory file.
        "lgrshare_isolated": {
            "seconds": isolated["seconds"],
            "rows_per_second": args.rows / isolated["seconds"],
            "x_in_process": isolated["seconds"] / ours["seconds"],
        },
        "lgrshare_isolated_upload": {
            "seconds": upload["seconds"],
            "x_in_process": upload["seconds"] / ours["seconds"],
        },
        "frictionless": reference
        | {
            "rows_per_second": reference["rows"] / reference["seconds"],
            "note": f"first {reference['rows']:,} rows only: the whole file takes too long",
        },
    }
    figures["ratios"] = {
        "x_frictionless_rows_per_second": figures["lgrshare"]["rows_per_second"]
        / figures["frictionless"]["rows_per_second"],
        "x_bare_read_time": ours["seconds"] / floor["seconds"],
        "x_file_size_memory": ours["peak_bytes"] / size,
    }
    figures["rules"] = {
        "rules": RULES,
        "x_without_rules_time": with_rules["seconds"] / ours["seconds"],
        "seconds_added": with_rules["seconds"] - ours["seconds"],
    }
    sample_rows = reference["rows"]
    figures["whole_process"] = {
        "lgrshare_validate_seconds": cli,
        "polars_read_seconds": floor["wall_seconds"],
        "frictionless_seconds": reference["wall_seconds"],
        "frictionless_rows": sample_rows,
        "x_bare_read_time": cli / floor["wall_seconds"],
        "x_frictionless_rows_per_second": (args.rows / cli)
        / (sample_rows / reference["wall_seconds"]),
        "lgrshare_version_seconds": version,
        "python_import_polars_seconds": polars_import,
    }
    # For scale: how the rules alone and the reader alone compare with the same targets.
    figures["scale"] = {
        f"{name}_x_bare_read_time": figures[name]["seconds"] / floor["seconds"]
        for name in ("polars_rules", "lgrshare_reader")
    } | {
        f"{name}_x_frictionless_rows_per_second": figures[name]["rows_per_second"]
        / figures["frictionless"]["rows_per_second"]
        for name in ("polars_rules", "lgrshare_reader")
    }
    if args.big_rows:
        big = workload(args.big_rows)
        figures["big"] = child("lgrshare", big) | {
            "file_rows": args.big_rows,
            "file_bytes": big.stat().st_size,
        }
    figures["targets"] = TARGETS
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    report(figures)


def workload(rows: int) -> Path:
    """Return the generated file of ``rows`` rows, generating it the first time."""
    path = DATA / f"data_{rows}.csv"
    if path.exists():
        return path
    generator = next(copy for copy in GENERATOR_COPIES if copy.exists())
    DATA.mkdir(parents=True, exist_ok=True)
    print(f"generating {path.name} (once) ...", flush=True)
    subprocess.run(
        [sys.executable, str(generator), "--rows", str(rows), "--out", str(path),
         "--schema", str(DATA / "schema.json")],
        check=True,
    )  # fmt: skip
    return path


def head(path: Path, rows: int) -> Path:
    """Return a file of the header and the first ``rows`` rows of ``path``."""
    sample = path.with_name(f"{path.stem}_head{rows}.csv")
    if not sample.exists():
        with path.open("rb") as source, sample.open("wb") as target:
            for _ in range(rows + 1):
                target.write(source.readline())
    return sample


def rel(path: Path) -> str:
    """Return ``path`` relative to the project (frictionless refuses absolute paths)."""
    return os.path.relpath(path, ROOT)


def wide() -> None:
    """Run the wide workload (see the module's docstring): print and write its figures."""
    figures: dict[str, object] = {}
    for columns, rows in WIDE:
        path, schema = wide_table(columns, rows)
        ours = child("lgrshare", path, schema, warm=True)
        theirs = child("frictionless", path, schema, warm=True)
        figures[f"{columns}x{rows}"] = {
            "columns": columns,
            "rows": rows,
            "bytes": path.stat().st_size,
            "lgrshare": ours,
            "frictionless": theirs,
            "x_frictionless_time": theirs["seconds"] / ours["seconds"],
            "x_frictionless_memory": theirs["peak_bytes"] / ours["peak_bytes"],
            "x_frictionless_work_memory": theirs["work_bytes"] / ours["work_bytes"],
        }
        print(
            f"{columns:>6,} columns x {rows:>5,} rows: lgrshare {ours['seconds']:6.2f} s "
            f"{ours['peak_bytes'] / 2**20:4.0f} MB peak, {ours['work_bytes'] / 2**20:4.0f} MB "
            f"for the file; frictionless {theirs['seconds']:6.2f} s "
            f"{theirs['peak_bytes'] / 2**20:4.0f} MB peak, {theirs['work_bytes'] / 2**20:4.0f} MB "
            "for the file",
            flush=True,
        )
    figures["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    WIDE_RESULTS.parent.mkdir(parents=True, exist_ok=True)
    WIDE_RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written {WIDE_RESULTS.relative_to(ROOT)}")


def wide_table(columns: int, rows: int) -> tuple[Path, Path]:
    """Return a table of ``columns`` by ``rows`` and its Table Schema (written once): text and
    whole numbers in turn, one cell of the last row not a number."""
    path = DATA / f"wide_{columns}x{rows}.csv"
    schema = DATA / f"wide_{columns}.schema.json"
    if not schema.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        fields = [
            {"name": f"c{j}", "type": "integer" if j % 2 else "string"} for j in range(columns)
        ]
        schema.write_text(json.dumps({"fields": fields}), encoding="utf-8")
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            out.write(",".join(f"c{j}" for j in range(columns)) + "\n")
            for i in range(rows):
                cells = [str(i * 7 + j) if j % 2 else f"t{i}-{j}" for j in range(columns)]
                if i == rows - 1:
                    cells[1] = "x"
                out.write(",".join(cells) + "\n")
    return path, schema


def child(
    kind: str, path: Path, schema: Path | None = None, *, warm: bool = False
) -> dict[str, float]:
    """Run one contender in a fresh process; return its seconds (the work), peak memory and
    wall-clock seconds (the whole process)."""
    if schema is None:
        schema = rules_schema() if kind == "lgrshare_rules" else SCHEMA
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, rel(path), rel(schema), *(["warm"] if warm else [])],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - started
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {"wall_seconds": wall}


def best_processes(times: int, commands: list[list[str]]) -> list[float]:
    """Return the fastest wall-clock seconds of each Python command line (arguments after the
    interpreter), the runs interleaved; an exit status of 1 (an invalid file) is expected."""
    best = [float("inf")] * len(commands)
    for _ in range(max(times, 1)):
        for i, command in enumerate(commands):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, *command], capture_output=True, cwd=ROOT)
            assert done.returncode in (0, 1), done.stderr
            best[i] = min(best[i], time.perf_counter() - started)
    return best


def best_of(times: int, kinds: list[str], path: Path) -> list[dict[str, float]]:
    """Return each contender's fastest of ``times`` runs, the runs interleaved.

    The machine is shared: interleaving exposes every contender to the same load, and the best
    run is the least disturbed.
    """
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    for _ in range(max(times, 1)):
        for kind in kinds:
            runs[kind].append(child(kind, path))
    return [min(runs[kind], key=lambda run: run["seconds"]) for kind in kinds]


def report(figures: dict) -> None:  # type: ignore[type-arg]
    size = figures["file"]["bytes"]
    print(f"file: {figures['file']['rows']:,} rows, {size / 1e6:.1f} MB")
    for name in (
        "lgrshare", "polars_read", "frictionless", "polars_rules", "lgrshare_reader",
        "lgrshare_rules",
    ):  # fmt: skip
        run = figures[name]
        print(
            f"  {name:15s} {run['seconds']:8.2f} s  {run['rows_per_second']:>12,.0f} rows/s  "
            f"peak {run['peak_bytes'] / 1e6:7.0f} MB"
            + (f"  ({run['note']})" if "note" in run else "")
        )
    for name in ("lgrshare_isolated", "lgrshare_isolated_upload"):
        run = figures[name]
        print(
            f"  {name:15s} {run['seconds']:8.2f} s  {run['x_in_process']:.2f}x in-process  "
            "(limited child process)"
        )
    for key, value in figures["ratios"].items():
        target = TARGETS[key]
        good = value >= target if key.startswith("x_frictionless") else value <= target
        print(f"  {key:32s} {value:8.2f}  target {target}  {'met' if good else 'NOT MET'}")
    rules = figures["rules"]
    print(
        f"  rules: {rules['x_without_rules_time']:.2f}x the time without them "
        f"(+{rules['seconds_added']:.2f} s)"
    )
    whole = figures["whole_process"]
    print(
        f"  whole process: lgrshare validate {whole['lgrshare_validate_seconds']:.2f} s, "
        f"bare read {whole['polars_read_seconds']:.2f} s, frictionless "
        f"{whole['frictionless_seconds']:.2f} s ({whole['frictionless_rows']:,} rows)"
    )
    for key in ("x_bare_read_time", "x_frictionless_rows_per_second"):
        target = TARGETS[key]
        value = whole[key]
        good = value >= target if key.startswith("x_frictionless") else value <= target
        print(
            f"  whole-process {key:32s} {value:8.2f}  target {target}  "
            f"{'met' if good else 'NOT MET'}"
        )
    print(
        f"  lgrshare --version {whole['lgrshare_version_seconds']:.2f} s; python -c 'import "
        f"polars' {whole['python_import_polars_seconds']:.2f} s"
    )
    for key, value in figures["scale"].items():
        print(f"  {key:48s} {value:8.2f}  (for scale)")
    if "big" in figures:
        big = figures["big"]
        print(
            f"  {big['file_rows']:,} rows ({big['file_bytes'] / 1e9:.2f} GB): "
            f"{big['seconds']:.1f} s, peak {big['peak_bytes'] / 1e9:.2f} GB (target < 2 GB)"
        )
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
