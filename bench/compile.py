"""Benchmark compile: 12 councils x 100,000 rows, compiled and aggregated with disclosure control.

    .venv/bin/python bench/compile.py [--rows 100000] [--repeat 3]

The workload is generated here (the shared generator's LSOA and ward codes are random, not
real ones): for Surrey County Council and its 11 districts, 100,000 case-level rows each of the
``service-demand-lsoa`` shape, every row at a real LSOA 2021 of the council's area (ONS
best-fit lookup, shipped), a service area and measure from the standard, a period and a count
of 1 to 3. The counts are random: the figures are synthetic, the geography is real.

Two contenders, each on the same 1.2M rows already in memory, best of ``--repeat`` runs:

- **bare**: ``pl.concat`` of the 12 tables, then a Polars group-by summing ``count`` at each of
  LSOA, ward, district and a three-council option (East, North, West Surrey from issue 13);
- **lgrshare**: what ``datasets.compile`` does after reading: lineage columns and the council
  code check on each council's table (``domain.lineage.with_council``), the concat, then
  ``domain.disclosure.protect`` at the same four geographies: the sums, primary and secondary
  suppression (totals, nesting, slivers between geographies) and rounding.

Prints the figures and writes ``bench/results/compile.json``. Target (issue 13): at most 3x the
bare time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from lgrshare.domain.disclosure import Rules, protect  # noqa: E402
from lgrshare.domain.lineage import with_council  # noqa: E402
from lgrshare.domain.public_data import load_public_table  # noqa: E402

RESULTS = HERE / "results" / "compile.json"
SURREY = "E10000030"
OPTION = {  # issue 13's three-council Surrey
    "East Surrey": ["E07000208", "E07000210", "E07000211", "E07000215"],
    "North Surrey": ["E07000207", "E07000212", "E07000213"],
    "West Surrey": ["E07000209", "E07000214", "E07000216", "E07000217"],
}
SERVICES = [
    "adult-social-care",
    "childrens-social-care",
    "housing",
    "revenues-benefits",
    "public-health",
]
SERVICE_WEIGHTS = [0.55, 0.3, 0.13, 0.019, 0.001]
MEASURES = ["new-contacts", "open-cases"]
PERIODS = ["2023-04", "2024-04"]


def workload(rows: int, seed: int = 13) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """Each council's table (text columns, as the read path returns them) and the lookup."""
    lookup = load_public_table("lookup-lsoa-ward-district")
    districts = [d for codes in OPTION.values() for d in codes]
    lookup = lookup.filter(pl.col("ltla24_code").is_in(districts)).select(
        "lsoa21_code", "ward24_code", "ltla24_code"
    )
    rng = random.Random(seed)
    tables = {}
    for council in [*districts, SURREY]:
        lsoas = (
            (lookup if council == SURREY else lookup.filter(pl.col("ltla24_code") == council))
            .get_column("lsoa21_code")
            .to_list()
        )
        tables[council] = pl.DataFrame(
            {
                "lsoa21_code": rng.choices(lsoas, k=rows),
                "council_gss_code": [council] * rows,
                # Rare services make small counts, as real demand data has.
                "service_area": rng.choices(SERVICES, weights=SERVICE_WEIGHTS, k=rows),
                "measure": rng.choices(MEASURES, k=rows),
                "period_start": rng.choices(PERIODS, k=rows),
                "count": rng.choices(["1", "1", "1", "2", "3"], k=rows),
            }
        )
    option = pl.DataFrame(
        [(d, name) for name, codes in OPTION.items() for d in codes],
        schema=["ltla24_code", "option"],
        orient="row",
    )
    return tables, lookup.join(option, on="ltla24_code")


def _placed(frame: pl.DataFrame, lookup: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("count").cast(pl.Int64)).join(
        lookup, on="lsoa21_code", how="left"
    )


GEOGRAPHIES = {
    "lsoa": "lsoa21_code",
    "ward": "ward24_code",
    "district": "ltla24_code",
    "option": "option",
}


def bare(tables: dict[str, pl.DataFrame], lookup: pl.DataFrame) -> int:
    frame = _placed(pl.concat(list(tables.values())), lookup)
    cells = 0
    for column in GEOGRAPHIES.values():
        cells += (
            frame.group_by(column, "service_area", "measure", "period_start")
            .agg(pl.col("count").sum())
            .height
        )
    return cells


def bare_rollup(tables: dict[str, pl.DataFrame], lookup: pl.DataFrame) -> int:
    """The quicker bare way: one group-by of the rows to the finest cells, then roll them up."""
    frame = _placed(pl.concat(list(tables.values())), lookup)
    keys = ["service_area", "measure", "period_start"]
    finest = frame.group_by(*GEOGRAPHIES.values(), *keys).agg(pl.col("count").sum())
    return sum(
        finest.group_by(column, *keys).agg(pl.col("count").sum()).height
        for column in GEOGRAPHIES.values()
    )


def lgrshare(tables: dict[str, pl.DataFrame], lookup: pl.DataFrame) -> tuple[int, int]:
    compiled = pl.concat(
        [with_council(frame, council=council)[0] for council, frame in tables.items()]
    )
    frame = _placed(compiled, lookup).with_columns(
        pl.concat_str(["service_area", "measure", "period_start"], separator=" / ").alias(
            "category"
        )
    )
    out = protect(frame, count="count", geographies=GEOGRAPHIES, category="category", rules=Rules())
    return sum(t.height for t in out.outputs.values()), len(out.note.withheld)


def _best(run, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per council")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tables, lookup = workload(args.rows)
    total = sum(t.height for t in tables.values())
    bare_s, bare_cells = _best(lambda: bare(tables, lookup), args.repeat)
    rollup_s, _ = _best(lambda: bare_rollup(tables, lookup), args.repeat)
    floor = min(bare_s, rollup_s)
    ours_s, (cells, withheld) = _best(lambda: lgrshare(tables, lookup), args.repeat)  # type: ignore[misc]
    result = {
        "councils": len(tables),
        "rows": total,
        "geographies": list(GEOGRAPHIES),
        "bare_seconds": round(bare_s, 4),
        "bare_cells": bare_cells,
        "bare_rollup_seconds": round(rollup_s, 4),
        "lgrshare_seconds": round(ours_s, 4),
        "lgrshare_cells_with_totals": cells,
        "withheld": withheld,
        "x_bare": round(ours_s / floor, 2),
        "x_bare_note": "against the quicker of the two bare ways",
        "target_x_bare_max": 3.0,
        "machine": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
    }
    print(
        f"{total:,} rows from {len(tables)} councils, 4 geographies: bare Polars "
        f"{bare_s:.3f} s (four group-bys, {bare_cells:,} cells), {rollup_s:.3f} s (one group-by "
        f"rolled up); lgrshare compile + disclosure {ours_s:.3f} s ({cells:,} cells with "
        f"totals, {withheld:,} withheld): {ours_s / floor:.1f}x the quicker bare way "
        "(target at most 3x)"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
