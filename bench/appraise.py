"""Benchmark an option appraisal: Surrey's three unitaries given at LSOA level, in-process.

    python bench/appraise.py [--repeat 50]

The option lists each proposed council's LSOAs (719 codes), so the whole path runs at its
finest grain: reading the option, the check that every LSOA of Surrey is given exactly once,
and the appraisal of each council (population by age, land, IMD 2025, council tax, outturn and
service lines with the county shared by rule, nearest unitaries, spread). The reference files
are loaded once first (the hub keeps them cached), as a running server would have them.

For scale, a bare Polars join and group-by of the same assignment: the LSOA frame joined to the
719 (LSOA, council) pairs and grouped by council for population and weighted IMD score, the
least an appraisal must do. Each is run ``--repeat`` times, interleaved; the median counts.
Prints the figures and writes ``bench/results/appraise.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import polars as pl

from lgrshare.domain.appraisal import appraise
from lgrshare.domain.geography import lsoa_frame
from lgrshare.domain.options import option_check, option_from_json

RESULTS = Path(__file__).resolve().parent / "results" / "appraise.json"
SURREY = "E10000030"
THREE = {
    "East Surrey": ["E07000208", "E07000210", "E07000211", "E07000215"],
    "North Surrey": ["E07000207", "E07000212", "E07000213"],
    "West Surrey": ["E07000209", "E07000214", "E07000216", "E07000217"],
}
TARGET_MS = 200.0


def lsoa_body() -> dict[str, object]:
    frame = lsoa_frame()
    return {
        "name": "Three unitaries, by LSOA",
        "councils": {
            council: frame.filter(pl.col("district_code").is_in(districts))["lsoa_code"].to_list()
            for council, districts in THREE.items()
        },
    }


def ours(body: dict[str, object]) -> float:
    started = time.perf_counter()
    report = option_check(option=option_from_json(body), area=SURREY)
    appraisal = appraise(report=report)
    seconds = time.perf_counter() - started
    assert len(appraisal.councils) == 3
    return seconds


def bare(body: dict[str, object]) -> float:
    councils = body["councils"]
    assert isinstance(councils, dict)
    started = time.perf_counter()
    assignment = pl.DataFrame(
        {
            "council": [c for c, codes in councils.items() for _ in codes],
            "lsoa_code": [code for codes in councils.values() for code in codes],
        }
    )
    result = (
        assignment.join(lsoa_frame(), on="lsoa_code")
        .group_by("council")
        .agg(
            pl.col("est_population").sum(),
            (pl.col("imd_score") * pl.col("est_population")).sum(),
            pl.len(),
        )
    )
    seconds = time.perf_counter() - started
    assert result.height == 3
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    body = lsoa_body()
    codes = sum(len(v) for v in body["councils"].values())  # type: ignore[union-attr]
    ours(body), bare(body)  # warm: the reference files are read and cached once
    timings: dict[str, list[float]] = {"lgrshare": [], "polars_join_group_by": []}
    for _ in range(args.repeat):
        timings["lgrshare"].append(ours(body))
        timings["polars_join_group_by"].append(bare(body))
    median = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    figures = {
        "workload": {"area": SURREY, "councils": 3, "lsoa_codes": codes, "repeat": args.repeat},
        "lgrshare_ms": round(median["lgrshare"], 2),
        "lgrshare_best_ms": round(min(timings["lgrshare"]) * 1000, 2),
        "polars_join_group_by_ms": round(median["polars_join_group_by"], 3),
        "ratio_to_bare_polars": round(median["lgrshare"] / median["polars_join_group_by"], 1),
        "target_ms": TARGET_MS,
        "met": median["lgrshare"] < TARGET_MS,
        "machine": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(
        f"appraisal of Surrey, 3 councils from {codes} LSOA codes: "
        f"{figures['lgrshare_ms']} ms (median of {args.repeat}; target < {TARGET_MS:.0f} ms), "
        f"a bare Polars join + group-by {figures['polars_join_group_by_ms']} ms: "
        f"{figures['ratio_to_bare_polars']}x"
    )


if __name__ == "__main__":
    main()
