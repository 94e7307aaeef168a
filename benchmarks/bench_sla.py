"""SLA evaluation over a journey table: the bulk path against a loop of the scalar path.

Target (the issue): on 1,000,000 journeys, a first-contact target in working hours with
England's bank holidays, the bulk path (``evaluate_table``) is at least 100x faster than
looping the scalar path over the same rows; printed as a ratio, with peak memory.

1. Generates a journey table with numpy (``--rows``, default 1,000,000; ``--quick`` for
   100,000; ``--seed``): enquiries spread over 2024 (every bank holiday, Easter, Christmas
   and both BST changes), mostly in the daytime; first contact for ~88% after minutes to
   days, a requested call-back for ~15%, later milestones for fewer, withdrawals with an
   Ofsted reason. Timestamps are written as a CRM would: ~70% naive London wall time,
   ~20% with the UTC offset then in force, ~10% in UTC with ``Z``. Generation is timed
   but not counted. The table is kept as an in-memory polars frame (all text columns,
   as read from CSV) and written to a temporary CSV (deleted at the end).
2. Target: ``first_contact``, enquired -> first contact, ``8 working hours``, Monday to
   Friday 09:00-17:00, England and Wales bank holidays; as of 2025-01-06 09:00, so open
   journeys have been waiting up to a year.
3. Times ``evaluate_table`` on the polars frame (best of ``--repeat``, default 3), on the
   same rows as a pandas frame (once), and from the CSV path (best of ``--repeat``,
   reading included).
4. Times the scalar loop, ``Journey.from_row(row)`` then ``evaluate_journey``, on a
   random sample of ``--sample`` rows (default 5,000), and scales it to all rows; the
   evaluation alone (journeys built beforehand) is shown too. The sampled rows' bulk
   results are checked against the scalar ones.
5. Prints microseconds per row for each (wall and CPU time; CPU time, all threads, is
   the steadier figure on a busy machine), and the ratio scalar loop / bulk (PASS at
   100x or more; a benchmark, never a failure).
6. Peak memory of one bulk call, on the polars frame (read from the CSV beforehand) and
   from the CSV path, each in a fresh process so that earlier work does not hide it,
   measured two ways: the peak RSS increase over the call (Linux ``VmHWM``, reset through
   ``/proc/self/clear_refs`` just before; elsewhere ``ru_maxrss``, which cannot be reset,
   so an upper bound), and the ``tracemalloc`` peak, which sees numpy's and Python's
   allocations but not polars' own (Rust) buffers.

Run: ``python benchmarks/bench_sla.py [--quick] [--rows N] [--sample N] [--repeat N]``.
Needs the ``dataframes`` extra (numpy, narwhals, polars, pandas).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _journeys as journeys
import numpy as np
import pandas as pd
import polars as pl
from _journeys import DAY, S
from _measure import best_of, peak_rss_mb

from fostering_hub.config import SLATarget
from fostering_hub.models import NORTH_EAST, Journey
from fostering_hub.sla import Target, WorkingCalendar, evaluate_journey, evaluate_table
from fostering_hub.sla._bulk import zone_for

YEAR_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)  # a Monday, GMT
TARGET = Target(
    SLATarget.model_validate(
        {
            "name": "first_contact",
            "start": "enquired",
            "stop": "first_contact",
            "duration": "8 working hours",
        }
    ),
    WorkingCalendar(nation="ENG"),
)
SOURCES = ["", "", "radio", "social media", "search", "friend", "bus advert"]
AUTHORITIES = ["", *(la.gss_code for la in NORTH_EAST)]


# --------------------------------------------------------------------------- the table


def generate(rows: int, seed: int) -> dict[str, Any]:
    """The journey table's columns as numpy text arrays ("" where not reached): a year
    of enquiries, 2024 (see :func:`_journeys.generate`)."""
    return journeys.generate(
        rows,
        seed,
        start=YEAR_START,
        days=366,  # a local day in 2024
        zone_for=lambda wall: zone_for(np.array([wall.min(), wall.max() + 800 * DAY * S])),
        # Naive text in the hour repeated when BST ends would be read as its first run.
        naive_ok=lambda zone, local, utc: zone.to_utc(local) == utc,
        authorities=AUTHORITIES,
        sources=SOURCES,
        id_prefix="NE-2024-",
    )


# --------------------------------------------------------------------------- measuring


def tracemalloc_peak_mb(call: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def scalar_rows(frame: pl.DataFrame, sample: Any) -> list[dict[str, str]]:
    return [
        {k: ("" if v is None else v) for k, v in row.items()}
        for row in frame[sample.tolist()].to_dicts()
    ]


def check_sample(bulk: pl.DataFrame, rows: list[dict[str, str]], sample: Any) -> int:
    """How many sampled rows the bulk result gets exactly as the scalar path does."""
    picked = bulk[sample.tolist()].to_dicts()
    agree = 0
    for row, got in zip(rows, picked, strict=True):
        (want,) = evaluate_journey(Journey.from_row(row), [TARGET], NOW)
        same = (
            got["status"] == want.status.value
            and got["due_at"] == want.due_at
            and got["used"] == want.used
            and got["remaining"] == want.remaining
        )
        agree += same
    return agree


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--sample", type=int, default=5_000, help="rows for the scalar loop")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--memory-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        return memory_child(*args.memory_child)
    rows = 100_000 if args.quick else args.rows
    print(
        f"fostering-hub SLA benchmark: {rows:,} journeys; Python {platform.python_version()}, "
        f"numpy {np.__version__}, polars {pl.__version__}, pandas {pd.__version__}"
    )
    print(f"target: {TARGET.name}, {TARGET.rule.duration}, England bank holidays, as of {NOW}")

    start = time.perf_counter()
    columns = generate(rows, args.seed)
    frame = pl.DataFrame(columns)
    pandas = pd.DataFrame({k: v.astype(object) for k, v in columns.items()})
    del columns
    directory = tempfile.TemporaryDirectory()
    path = Path(directory.name) / "journeys.csv"
    frame.write_csv(path)
    size = path.stat().st_size
    took = time.perf_counter() - start
    print(f"generated in {took:.1f} s (not counted); CSV {size / 2**20:.0f} MiB")

    evaluate_table(frame.head(1000), [TARGET], NOW)  # warm-up: imports, zone, holidays
    times = {
        "bulk, polars frame": best_of(args.repeat, lambda: evaluate_table(frame, [TARGET], NOW)),
        "bulk, pandas frame": best_of(1, lambda: evaluate_table(pandas, [TARGET], NOW)),
        "bulk, from CSV (read included)": best_of(
            args.repeat, lambda: evaluate_table(path, [TARGET], NOW)
        ),
    }
    bulk = times["bulk, polars frame"][2]

    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(rows, size=min(args.sample, rows), replace=False))
    sampled = scalar_rows(frame, sample)

    def loop() -> None:
        for row in sampled:
            evaluate_journey(Journey.from_row(row), [TARGET], NOW)

    journeys = [Journey.from_row(row) for row in sampled]

    def evaluate_only() -> None:
        for journey in journeys:
            evaluate_journey(journey, [TARGET], NOW)

    times["scalar loop, from_row + evaluate"] = best_of(1, loop)
    times["scalar, evaluate only"] = best_of(1, evaluate_only)
    # Microseconds per row, wall and CPU.
    per_row = {
        name: (wall / count * 1e6, cpu / count * 1e6)
        for name, (wall, cpu, _) in times.items()
        for count in [rows if name.startswith("bulk") else len(sampled)]
    }
    print()
    print(f"{'path':<34} {'us/row':>8} {'cpu us/row':>11} {'total s':>9}")
    for name, (wall, cpu) in per_row.items():
        scaled = "" if name.startswith("bulk") else " (scaled)"
        print(f"{name:<34} {wall:>8.2f} {cpu:>11.2f} {wall * rows / 1e6:>9.2f}{scaled}")
    loop = per_row["scalar loop, from_row + evaluate"]
    print()
    for name in ("bulk, polars frame", "bulk, from CSV (read included)"):
        ratio, cpu_ratio = loop[0] / per_row[name][0], loop[1] / per_row[name][1]
        verdict = "PASS" if ratio >= 100 else "MISS"
        print(
            f"ratio scalar loop / {name}: {ratio:,.0f}x wall, {cpu_ratio:,.0f}x CPU"
            f"  [{verdict}: target >= 100x]"
        )
    only = per_row["scalar, evaluate only"][0] / per_row["bulk, polars frame"][0]
    print(f"ratio scalar evaluate only (journeys built beforehand) / bulk, polars: {only:,.0f}x")

    agree = check_sample(bulk, sampled, sample)
    print(f"\nsample check: bulk == scalar on {agree:,} of {len(sampled):,} sampled rows")
    counts = bulk["status"].value_counts(sort=True)
    print("statuses: " + ", ".join(f"{s} {n:,}" for s, n in counts.iter_rows()))

    print(f"\npeak memory of one bulk call, in a fresh process ({rows:,} rows):")
    for source in ("frame", "csv"):
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", source, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        got = json.loads(child.stdout)
        how = "VmHWM, reset just before" if got["method"] == "VmHWM" else "ru_maxrss, upper bound"
        what = "polars frame (read beforehand)" if source == "frame" else "CSV path"
        print(
            f"  {what:<31} peak RSS increase {got['rss']:>6,.0f} MiB ({how}); "
            f"tracemalloc peak {got['traced']:>6,.0f} MiB"
        )
    print(
        "  (RSS: resident memory the call added at its peak, whatever allocated it; "
        "tracemalloc:\n  what numpy and Python allocated, not polars' own Rust buffers. "
        "The input frame holds\n"
        f"  {frame.estimated_size() / 2**20:,.0f} MiB of text.)"
    )
    directory.cleanup()
    return 0 if agree == len(sampled) else 1


def memory_child(source: str, path: str) -> int:
    """Measure one bulk call in this fresh process; print the figures as JSON."""
    table: Any = pl.read_csv(path, infer_schema=False) if source == "frame" else path
    evaluate_table(pl.read_csv(path, infer_schema=False, n_rows=100), [TARGET], NOW)  # warm
    rss, method = peak_rss_mb(lambda: evaluate_table(table, [TARGET], NOW))
    traced = tracemalloc_peak_mb(lambda: evaluate_table(table, [TARGET], NOW))
    print(json.dumps({"rss": rss, "method": method, "traced": traced}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
