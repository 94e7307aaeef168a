"""KPI engine against a hand-written DuckDB SQL query, on a 1,000,000-row journey table.

Target (the issue): the full KPI catalogue by local authority and financial year, through
``fostering_hub.kpi.compute_kpis`` on polars and on DuckDB, within 1.5x of a hand-written
DuckDB SQL query computing the same figures in the same run, with identical figures.

1. Generates a journey table with numpy (``_journeys.generate``, shared with
   ``bench_sla.py``; ``--rows``, default 1,000,000; ``--quick`` for 100,000; ``--seed``):
   enquiries over two financial years (April 2023 to March 2025, so
   both BST changes of each year and two 31 March / 1 April boundaries), mostly in the
   daytime, ~10% with no LA; first contact for ~88% after minutes to days, a requested
   call-back for ~15%; later milestones for fewer; withdrawals with an Ofsted reason.
   Timestamps are written as a CRM would: ~70% naive London wall time, ~20% with the UTC
   offset then in force, ~10% in UTC with ``Z``. Generation is timed but not counted. The
   table is kept as text columns (as read from the CSV), in polars and in DuckDB.
2. Times, best of ``--repeat`` (default 3; the runs taken in turn, so that a change in
   the machine's load falls on all alike), each returning every figure to Python:
   ``compute_kpis`` on a polars DataFrame, on a polars LazyFrame (collected), on a DuckDB
   relation (fetched), and the hand-written SQL (``SQL`` below: one statement, a CTE that
   parses each timestamp once with ``CAST(... AS TIMESTAMPTZ)`` in the session time zone
   Europe/London, one ``GROUP BY`` per bucketing timestamp, ``UNION ALL``), as of
   2025-06-01 with the North East config (first contact within 24 hours or at the
   requested call-back time, 15 minutes' tolerance; initial visits within 10 days).
3. Checks that the three engine runs and the SQL give identical rows (same periods,
   groups, KPIs, breakdowns, values, numerators and denominators, compared exactly).
4. Prints the wall and CPU time of each (CPU: user + system, all threads, the steadier
   figure on a busy machine), the ratios engine / SQL (PASS at 1.5x or less of wall time;
   a benchmark, never a failure), the load average before and after, and the peak
   memory of one call of each, measured as the peak RSS
   increase over the call (Linux ``VmHWM``, reset through ``/proc/self/clear_refs`` just
   before; ``ru_maxrss`` elsewhere, which cannot be reset, so an upper bound).

Run: ``python benchmarks/bench_kpi.py [--quick] [--rows N] [--repeat N] [--threads N]``.
Needs the ``dataframes`` extra and duckdb (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _journeys as journeys
import duckdb
import narwhals as nw
import numpy as np
import polars as pl
from _journeys import NAT, S, epoch_us
from _measure import best_of, peak_rss_mb

from fostering_hub.config import load_config
from fostering_hub.kpi import KPI_IDS, compute_kpis
from fostering_hub.models import JOURNEY_COLUMNS, NORTH_EAST

START = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)  # roughly: generated as London wall time
AS_OF = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
SOURCES = ["", "", "radio", "social media", "search engine", "word of mouth", "leaflet"]
AUTHORITIES = ["", *(la.gss_code for la in NORTH_EAST)]
LA_WEIGHTS = np.array([0.1] + [0.9 / len(NORTH_EAST)] * len(NORTH_EAST))


# --------------------------------------------------------------------------- the table


class London:
    """Europe/London for 2022-2027 as arrays (BST: last Sunday of March to last Sunday
    of October, 01:00 UTC; the rule since 1996)."""

    def __init__(self) -> None:
        def last_sunday(year: int, month: int) -> dt.datetime:
            day = dt.datetime(year, month, 31, 1, tzinfo=dt.UTC)
            return day - dt.timedelta(days=(day.weekday() + 1) % 7)

        years = range(2022, 2028)
        self.starts = np.array([epoch_us(last_sunday(y, 3)) for y in years])
        self.ends = np.array([epoch_us(last_sunday(y, 10)) for y in years])

    def _bst(self, utc: Any) -> Any:
        index = np.clip(np.searchsorted(self.starts, utc, side="right") - 1, 0, None)
        return (utc >= self.starts[index]) & (utc < self.ends[index])

    def to_local(self, utc: Any) -> Any:
        return np.where(utc == NAT, NAT, utc + self._bst(utc) * 3_600 * S)

    def repeated(self, local: Any) -> Any:
        """Wall times in the hour repeated when BST ends (01:00-02:00 that Sunday)."""
        index = np.clip(np.searchsorted(self.ends, local, side="right") - 1, 0, None)
        return (local >= self.ends[index]) & (local < self.ends[index] + 3_600 * S)

    def to_utc(self, local: Any) -> Any:
        """Wall times as instants: skipped ones move on an hour, repeated ones read as BST."""
        index = np.clip(np.searchsorted(self.starts, local, side="right") - 1, 0, None)
        bst = (local >= self.starts[index] + 3_600 * S) & (local < self.ends[index] + 3_600 * S)
        return np.where(local == NAT, NAT, local - bst * 3_600 * S)


def generate(rows: int, seed: int) -> dict[str, Any]:
    """The journey table's columns as numpy text arrays ("" where not reached): two
    financial years from April 2023 (see :func:`_journeys.generate`)."""
    return journeys.generate(
        rows,
        seed,
        start=START,
        days=731,  # 1 April 2023 to 31 March 2025
        zone_for=lambda wall: London(),
        # No naive text in the hour repeated when BST ends: the journey table (and the
        # engine) reads it as its first run, in BST; DuckDB's ICU, so the hand-written
        # SQL, as GMT.
        naive_ok=lambda zone, local, utc: ~zone.repeated(local),
        authorities=AUTHORITIES,
        la_weights=LA_WEIGHTS,
        sources=SOURCES,
        id_prefix="NE-",
    )


# --------------------------------------------------------------------------- the SQL

_TIMESTAMPS = JOURNEY_COLUMNS[4:13]
_COUNTS = {
    "enquiries": "enquired_at",
    "first_contacts": "first_contact_at",
    "initial_visits": "initial_visit_at",
    "eois": "eoi_at",
    "handovers": "handed_over_at",
    "applications": "application_at",
    "approvals": "approved_at",
    "withdrawals": "withdrawn_at",
}


def build_sql(as_of_us: int, visit_days: int) -> str:
    """The full catalogue by LA and financial year, written by hand for DuckDB.

    Expects ``SET TimeZone = 'Europe/London'`` (naive text is London wall time) and the
    table ``journeys`` (all VARCHAR). The first-contact SLA target is the North East
    config's: 24 hours, or the requested call-back time + 15 minutes. Medians are turned
    into hours or days as the engine documents it, times the reciprocal of the unit.
    """
    parsed = ",\n    ".join(f"CAST(NULLIF({c}, '') AS TIMESTAMPTZ) AS {c}" for c in _TIMESTAMPS)
    counts = "\n  UNION ALL\n".join(
        f"  SELECT fy({c}) AS fy, la, '{kpi}' AS kpi, NULL AS breakdown, count(*)::DOUBLE AS "
        f"value, NULL::BIGINT AS numerator, NULL::BIGINT AS denominator FROM j "
        f"WHERE {c} IS NOT NULL GROUP BY ALL"
        for kpi, c in _COUNTS.items()
    )
    hour, day = 3_600 * S, 86_400 * S
    return f"""
CREATE OR REPLACE MACRO fy(ts) AS year(ts) - CASE WHEN month(ts) <= 3 THEN 1 ELSE 0 END;
WITH j AS MATERIALIZED (
  SELECT COALESCE(NULLIF(local_authority, ''), 'unallocated') AS la,
    COALESCE(NULLIF(source, ''), 'unknown') AS source,
    COALESCE(NULLIF(withdrawal_reason, ''), 'unknown') AS reason,
    {parsed}
  FROM journeys
),
d AS (
  SELECT *,
    epoch_us(enquired_at) AS enq_us,
    epoch_us(first_contact_at) AS fc_us,
    CASE WHEN epoch_us(callback_requested_for) >= epoch_us(enquired_at)
         THEN epoch_us(callback_requested_for) + {15 * 60 * S}
         ELSE epoch_us(enquired_at) + {24 * hour} END AS due_us
  FROM j WHERE enquired_at IS NOT NULL
),
cohort AS (
  SELECT fy(enquired_at) AS fy, la,
    count(*) AS enquiries,
    count(application_at) AS cohort_applications,
    median(fc_us - enq_us)::DOUBLE * (1.0 / {hour}) AS median_hours_fc,
    median(epoch_us(initial_visit_at) - enq_us)::DOUBLE * (1.0 / {day}) AS median_days_iv,
    median(epoch_us(application_at) - enq_us)::DOUBLE * (1.0 / {day}) AS median_days_app,
    count(*) FILTER (WHERE enq_us + {24 * hour} <= {as_of_us}) AS w24_d,
    count(*) FILTER (WHERE enq_us + {24 * hour} <= {as_of_us}
                     AND fc_us <= enq_us + {24 * hour}) AS w24_n,
    count(*) FILTER (WHERE due_us <= {as_of_us} AND enq_us <= {as_of_us}) AS sla_d,
    count(*) FILTER (WHERE due_us <= {as_of_us} AND enq_us <= {as_of_us}
                     AND fc_us >= enq_us AND fc_us <= due_us) AS sla_n
  FROM d GROUP BY ALL
),
period_counts AS (
  SELECT fy, la,
    count(*) FILTER (WHERE kind = 'e') AS enquiries,
    count(*) FILTER (WHERE kind = 'a') AS applications,
    count(*) FILTER (WHERE kind = 'p') AS approvals
  FROM (
    SELECT fy(enquired_at) AS fy, la, 'e' AS kind FROM j WHERE enquired_at IS NOT NULL
    UNION ALL
    SELECT fy(application_at), la, 'a' FROM j WHERE application_at IS NOT NULL
    UNION ALL
    SELECT fy(approved_at), la, 'p' FROM j WHERE approved_at IS NOT NULL
  ) GROUP BY ALL
),
approval AS (
  SELECT fy(approved_at) AS fy, la,
    median(epoch_us(approved_at) - epoch_us(application_at))::DOUBLE * (1.0 / {day}) AS med
  FROM j WHERE approved_at IS NOT NULL AND application_at IS NOT NULL GROUP BY ALL
),
visits AS (
  SELECT fy(initial_visit_at) AS fy, la, count(*) AS visits,
    count(*) FILTER (
      WHERE epoch_us(initial_visit_at AT TIME ZONE 'Europe/London')
         <= epoch_us(enquired_at AT TIME ZONE 'Europe/London') + {visit_days * day}
    ) AS within
  FROM j WHERE initial_visit_at IS NOT NULL GROUP BY ALL
),
rates AS (
  SELECT fy, la, 'enquiry_to_application_rate' AS kpi, applications AS n, enquiries AS d
  FROM period_counts
  UNION ALL SELECT fy, la, 'application_to_approval_rate', approvals, applications
  FROM period_counts
  UNION ALL SELECT fy, la, 'cohort_application_rate', cohort_applications, enquiries FROM cohort
  UNION ALL SELECT fy, la, 'first_contact_within_24h_rate', w24_n, w24_d FROM cohort
  UNION ALL SELECT fy, la, 'first_contact_sla_rate', sla_n, sla_d FROM cohort
  UNION ALL SELECT fy, la, 'initial_visit_within_days_rate', within, visits FROM visits
),
medians AS (
  SELECT fy, la, 'median_hours_to_first_contact' AS kpi, median_hours_fc AS value FROM cohort
  UNION ALL SELECT fy, la, 'median_days_application_to_approval', med FROM approval
  UNION ALL SELECT fy, la, 'median_days_enquiry_to_initial_visit', median_days_iv FROM cohort
  UNION ALL SELECT fy, la, 'median_days_enquiry_to_application', median_days_app FROM cohort
)
SELECT fy, la, kpi, breakdown, value, numerator, denominator FROM (
{counts}
  UNION ALL
  SELECT fy, la, kpi, NULL, n::DOUBLE / d, n::BIGINT, d::BIGINT FROM rates WHERE d > 0
  UNION ALL
  SELECT fy, la, kpi, NULL, value, NULL, NULL FROM medians WHERE value IS NOT NULL
  UNION ALL
  SELECT fy(withdrawn_at), la, 'withdrawals_by_reason', reason, count(*)::DOUBLE, NULL, NULL
  FROM j WHERE withdrawn_at IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT fy(enquired_at), la, 'enquiries_by_source', source, count(*)::DOUBLE, NULL, NULL
  FROM j WHERE enquired_at IS NOT NULL GROUP BY ALL
)
"""


def run_sql(connection: Any, sql: str) -> list[tuple[Any, ...]]:
    rows = connection.sql(sql).fetchall()
    return [
        (f"{fy}-{(fy + 1) % 100:02d}", la, kpi, breakdown, value, numerator, denominator)
        for fy, la, kpi, breakdown, value, numerator, denominator in rows
    ]


def canonical(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(rows, key=lambda r: (r[0], r[1], KPI_IDS.index(r[2]), r[3] or ""))


# --------------------------------------------------------------------------- measuring


def memory_in_child(name: str, table: Path, threads: int | None) -> tuple[float, str]:
    """Run ``name`` once in a fresh interpreter on the saved table (so that memory kept
    by the allocator from other runs does not hide this one's) and read its peak."""
    command = [sys.executable, __file__, "--memory", name, "--table", str(table)]
    if threads:
        command += ["--threads", str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return float("nan"), f"failed: {done.stderr.strip().splitlines()[-1:]}"
    megabytes, method = done.stdout.split()
    return float(megabytes), method


# --------------------------------------------------------------------------- main


def _setup(frame: pl.DataFrame, threads: int | None) -> tuple[Any, dict[str, Callable[[], Any]]]:
    """The DuckDB connection (table ``journeys``, all text) and the four runs."""
    config = load_config()
    connection = duckdb.connect()
    if threads:
        connection.execute(f"SET threads = {threads}")
    connection.execute("SET TimeZone = 'Europe/London'")
    arrow = frame.to_arrow()
    connection.register("journeys_arrow", arrow)
    connection.execute("CREATE TABLE journeys AS SELECT * FROM journeys_arrow")
    connection.unregister("journeys_arrow")
    relation = connection.table("journeys")
    kpis = list(KPI_IDS)

    def engine(source: Any) -> list[tuple[Any, ...]]:
        result = nw.from_native(
            compute_kpis(source, kpis, by=["local_authority"], as_of=AS_OF, config=config)
        )
        eager = result.collect() if isinstance(result, nw.LazyFrame) else result
        return list(eager.iter_rows())

    sql = build_sql(epoch_us(AS_OF), config.reporting.initial_visit_within_days)
    runs: dict[str, Callable[[], Any]] = {
        "hand-written DuckDB SQL": lambda: run_sql(connection, sql),
        "engine, polars DataFrame": lambda: engine(frame),
        "engine, polars LazyFrame": lambda: engine(frame.lazy()),
        "engine, DuckDB relation": lambda: engine(relation),
    }
    return connection, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: its own)")
    parser.add_argument("--memory", help=argparse.SUPPRESS)  # child: measure one run
    parser.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory:
        _, runs = _setup(pl.read_parquet(args.table), args.threads)
        megabytes, method = peak_rss_mb(runs[args.memory])
        print(f"{megabytes:.1f} {method}")
        return 0

    rows = 100_000 if args.quick else args.rows
    print(
        f"fostering-hub KPI benchmark: {rows:,} journeys; Python {platform.python_version()}, "
        f"polars {pl.__version__}, duckdb {duckdb.__version__}, narwhals {nw.__version__}"
    )
    print(f"{len(KPI_IDS)} KPIs by local_authority and financial_year, as of {AS_OF.isoformat()}")
    start = time.perf_counter()
    frame = pl.DataFrame(generate(rows, args.seed))
    print(f"generated in {time.perf_counter() - start:.1f} s (not counted)")
    _connection, runs = _setup(frame, args.threads)

    with tempfile.TemporaryDirectory() as directory:
        table = Path(directory) / "journeys.parquet"
        frame.write_parquet(table)
        memory = {name: memory_in_child(name, table, args.threads) for name in runs}
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    # Round-robin, so that a change in the machine's load falls on every run alike.
    wall = dict.fromkeys(runs, float("inf"))
    cpu = dict.fromkeys(runs, float("inf"))
    results: dict[str, list[tuple[Any, ...]]] = {}
    for _ in range(args.repeat):
        for name, call in runs.items():
            seconds, cpu_seconds, result = best_of(1, call)
            wall[name], cpu[name] = min(wall[name], seconds), min(cpu[name], cpu_seconds)
            results[name] = canonical(result)
    sql = "hand-written DuckDB SQL"
    print()
    print(f"{'run':<28} {'best s':>8} {'ratio':>7} {'CPU s':>7} {'ratio':>7} {'peak MiB':>9}")
    for name in runs:
        print(
            f"{name:<28} {wall[name]:8.2f} {wall[name] / wall[sql]:6.2f}x "
            f"{cpu[name]:7.2f} {cpu[name] / cpu[sql]:6.2f}x {memory[name][0]:9.0f}"
        )
    method = memory[sql][1]
    print(
        f"(best of {args.repeat}, taken in turn; CPU: user + system, all threads; peak MiB: "
        f"RSS increase over one call in a fresh process, {method})"
    )
    if load is not None:
        after = os.getloadavg()
        print(
            f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before the runs, "
            f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} after ({os.cpu_count()} CPUs)"
        )

    print()
    reference = results[sql]
    print(f"figures: {len(reference):,} rows from the SQL")
    for name, result in results.items():
        if name == sql:
            continue
        same = result == reference
        differing = sum(a != b for a, b in zip(result, reference, strict=False))
        detail = "identical" if same else f"DIFFERENT ({differing} rows, {len(result)} rows)"
        print(f"  {name:<26} {detail}")
    for name in ("engine, polars DataFrame", "engine, polars LazyFrame", "engine, DuckDB relation"):
        ratio = wall[name] / wall[sql]
        verdict = "PASS" if ratio <= 1.5 else "MISS"
        print(
            f"ratio {name} / SQL: {ratio:.2f}x wall, {cpu[name] / cpu[sql]:.2f}x CPU  "
            f"[{verdict}: target <= 1.5x]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
