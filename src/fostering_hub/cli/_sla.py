"""``fostering-hub sla FILE``: where each journey of a journey table stands on its SLAs.

Reads a journey table (CSV with a header, ``-`` for standard input) and checks every row
first, as :func:`~fostering_hub.models.iter_journey_table` does: a row that is not a
valid journey is reported with its line, column and error code and left out, and the
rest still run. Each valid journey is then evaluated against every SLA target of the hub
config as of ``--as-of`` (default: now): status, due time, time used and time left in
the target's unit; then a summary per target (journeys it applies to, met, breached,
met % of those decided, at risk, pending, ...).

This command uses the scalar path (:func:`fostering_hub.sla.evaluate_journey`), not the
bulk one (``evaluate_table``), because:

* every row has to be validated first, and validating builds the row's
  :class:`~fostering_hub.models.Journey`, at a cost of the same order as evaluating it
  (on the benchmark's table, about 150 us a row to validate and 170-340 us to evaluate
  the example hub's three targets, more for clocks open longer): the bulk path would
  make the command two or three times faster at best, while parsing every timestamp a
  second time and holding every row until the end;
* results come out in file order, row by row, next to the invalid rows' reports, in flat
  memory however long the table is;
* it runs on the core install, like every other command: the bulk path needs the
  ``dataframes`` extra (numpy, narwhals, and pandas or polars).

Both paths give the same results (``tests/test_sla_bulk.py`` checks it row by row): for
analytics on a table already known to be valid, call ``evaluate_table`` from Python.

Exit status: 0 every row valid, 1 some rows invalid (reported, not evaluated) or not a
journey table at all, 2 usage or I/O error (unreadable file or config, or a config
without SLA targets).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._output import fail_usage, instant_arg, load_hub_config

if TYPE_CHECKING:
    from ..models import Journey
    from ..sla import SLAResult, Target

_COUNTED = ("met", "breached", "at_risk", "pending", "paused", "stopped", "not_started")
_CSV_COLUMNS = (
    "line",
    "enquiry_id",
    "target",
    "status",
    "started_at",
    "due_at",
    "stopped_at",
    "breached_at",
    "used",
    "remaining",
    "unit",
    "errors",
)


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "sla",
        help="SLA status of every journey in a journey table (CSV)",
        description=(
            "Evaluate every journey of a journey table (CSV with a header; '-' reads "
            "stdin) against the SLA targets of the hub config, as of --as-of: each "
            "enquiry's status, due time and time used / left per target, then a summary "
            "per target (count, met, breached, met % of those decided, at risk, pending). "
            "Rows are validated first; invalid ones are reported with line, column and "
            "code, not evaluated. Exit status: 0 all rows valid, 1 any invalid, 2 usage "
            "or I/O."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="journey table (.csv), or -")
    parser.add_argument("--config", type=Path, help="hub config (default: North East)")
    parser.add_argument(
        "--as-of",
        type=instant_arg,
        help="evaluate as of this time (ISO 8601; without an offset, London time; default: now)",
    )
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.set_defaults(run=run)


def _targets(args: argparse.Namespace) -> list[Target] | int:
    from ..sla import targets_from_config

    config = load_hub_config(args.config)
    if isinstance(config, int):
        return config
    targets = targets_from_config(config)
    if not targets:
        return fail_usage("the hub config has no SLA targets ([[sla.targets]])")
    return targets


def run(args: argparse.Namespace) -> int:
    from ..models import JourneyTableError

    targets = _targets(args)
    if isinstance(targets, int):
        return targets
    if args.file != "-" and not Path(args.file).is_file():
        return fail_usage(f"cannot read {args.file}: no such file")
    now = args.as_of or dt.datetime.now(dt.UTC)  # the CLI is where the clock is read
    names = list(dict.fromkeys(t.name for t in targets))
    summary = _Summary(names)
    try:
        rows = _rows(args.file)
        first = next(rows, None)  # a bad header is found here, before any output
    except JourneyTableError as error:
        print(f"fostering-hub: {args.file}: not a journey table", file=sys.stderr)
        for issue in error.issues:
            print(f"  line {issue['line']} {issue['path']}: {issue['message']} [{issue['code']}]")
        return 1
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return fail_usage(f"cannot read {args.file}: {error}")
    writers: dict[str, type[_Writer]] = {"text": _Text, "csv": _Csv, "json": _Json}
    writer = writers[args.format](sys.stdout, now)
    try:
        for line, item in _chain(first, rows):
            if isinstance(item, list):
                summary.invalid += 1
                writer.invalid(line, item)
            else:
                results = _evaluate(item, targets, now)
                summary.add(results)
                writer.journey(line, item, results)
    except BrokenPipeError:
        raise  # the output was closed (e.g. piped into `head`): not the input's fault
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        writer.close(summary)
        return fail_usage(f"cannot read {args.file}: {error}")
    writer.close(summary)
    return 1 if summary.invalid else 0


def _rows(name: str) -> Iterator[tuple[int, Journey | list[dict[str, Any]]]]:
    """``(line, journey)`` or ``(line, issues)`` for each row of the table."""
    from pydantic import ValidationError

    from ..models import iter_journey_table
    from ..validation import issues_from_error

    source: str | IO[str] = sys.stdin if name == "-" else name
    for line, item in iter_journey_table(source):
        if isinstance(item, ValidationError):
            yield line, [issue.as_dict() for issue in issues_from_error(item)]
        else:
            yield line, item


def _chain(
    first: tuple[int, Journey | list[dict[str, Any]]] | None,
    rest: Iterator[tuple[int, Journey | list[dict[str, Any]]]],
) -> Iterator[tuple[int, Journey | list[dict[str, Any]]]]:
    if first is not None:
        yield first
        yield from rest


def _evaluate(journey: Journey, targets: list[Target], now: dt.datetime) -> list[SLAResult]:
    from ..sla import evaluate_journey

    return evaluate_journey(journey, targets, now)


class _Summary:
    """Counts per target name and status."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.counts: dict[str, Counter[str]] = {name: Counter() for name in names}
        self.journeys = 0
        self.invalid = 0

    def add(self, results: list[SLAResult]) -> None:
        self.journeys += 1
        for result in results:
            self.counts[result.target][result.status.value] += 1

    def per_target(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name in self.names:
            counts = self.counts[name]
            decided = counts["met"] + counts["breached"]
            out[name] = {
                "count": sum(counts[s] for s in _COUNTED),
                "met": counts["met"],
                "breached": counts["breached"],
                "met_percent": round(100 * counts["met"] / decided, 1) if decided else None,
                **{s: counts[s] for s in _COUNTED[2:]},
                "not_applicable": counts["not_applicable"],
            }
        return out


# --------------------------------------------------------------------------- output


def _london(instant: dt.datetime | None) -> dt.datetime | None:
    from ..models._datetime import _london as zone

    return None if instant is None else instant.astimezone(zone())


def _iso(instant: dt.datetime | None) -> str | None:
    local = _london(instant)
    return None if local is None else local.isoformat()


class _Writer:
    """Writes results as they come, then the summary."""

    def __init__(self, out: IO[str], now: dt.datetime) -> None:
        self.out, self.now = out, now

    def journey(self, line: int, journey: Journey, results: list[SLAResult]) -> None:
        raise NotImplementedError

    def invalid(self, line: int, issues: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def close(self, summary: _Summary) -> None:
        raise NotImplementedError


class _Text(_Writer):
    def journey(self, line: int, journey: Journey, results: list[SLAResult]) -> None:
        self.out.write(f"{journey.enquiry_id} (line {line})\n")
        width = max(len(r.target) for r in results)
        for result in results:
            self.out.write(f"  {result.target:<{width}}  {_describe(result)}\n")

    def invalid(self, line: int, issues: list[dict[str, Any]]) -> None:
        self.out.write(f"line {line}: invalid row, not evaluated\n")
        for issue in issues:
            self.out.write(f"  {issue['path'] or '/'}: {issue['message']} [{issue['code']}]\n")

    def close(self, summary: _Summary) -> None:
        when = _london(self.now)
        assert when is not None
        stamp = when.strftime("%Y-%m-%d %H:%M %Z")
        invalid = f", {summary.invalid:,} invalid row(s) left out" if summary.invalid else ""
        self.out.write(f"\nSLA summary as of {stamp}: {summary.journeys:,} journeys{invalid}\n")
        header = ("count", "met", "breached", "met %", "at risk", "pending", "paused")
        extra = ("stopped", "not started")
        width = max([6, *(len(n) for n in summary.names)])
        self.out.write(
            f"  {'target':<{width}}" + "".join(f" {h:>8}" for h in (*header, *extra)) + "\n"
        )
        for name, row in summary.per_target().items():
            percent = "-" if row["met_percent"] is None else f"{row['met_percent']:.1f}%"
            cells = (
                row["count"],
                row["met"],
                row["breached"],
                percent,
                row["at_risk"],
                row["pending"],
                row["paused"],
                row["stopped"],
                row["not_started"],
            )
            self.out.write(f"  {name:<{width}}" + "".join(f" {c:>8}" for c in cells) + "\n")
        self.out.write("  (count: journeys the target applies to; met %: met / (met + breached))\n")


def _describe(result: SLAResult) -> str:
    status = result.status.value.replace("_", " ")
    if result.due_at is None or result.used is None or result.remaining is None:
        return status
    due = _london(result.due_at)
    assert due is not None
    left = (
        f"{result.remaining:.2f} left" if result.remaining >= 0 else f"{-result.remaining:.2f} over"
    )
    return (
        f"{status:<9} due {due.strftime('%Y-%m-%d %H:%M %Z')}, "
        f"used {result.used:.2f} {result.unit}, {left}"
    )


class _Csv(_Writer):
    def __init__(self, out: IO[str], now: dt.datetime) -> None:
        super().__init__(out, now)
        self.writer = csv.DictWriter(out, fieldnames=_CSV_COLUMNS, lineterminator="\n")
        self.writer.writeheader()

    def journey(self, line: int, journey: Journey, results: list[SLAResult]) -> None:
        for result in results:
            row = result.as_dict()
            row.update({k: _iso(getattr(result, k)) for k in row if k.endswith("_at")})
            self.writer.writerow({"line": line, **row, "errors": ""})

    def invalid(self, line: int, issues: list[dict[str, Any]]) -> None:
        errors = " | ".join(f"{i['code']} {i['path'] or '/'}" for i in issues)
        self.writer.writerow({"line": line, "status": "invalid", "errors": errors})

    def close(self, summary: _Summary) -> None:
        return None


class _Json(_Writer):
    """Streams ``{"as_of": ..., "rows": [...], "summary": {...}}``."""

    def __init__(self, out: IO[str], now: dt.datetime) -> None:
        super().__init__(out, now)
        self.first = True
        out.write('{"as_of": ' + json.dumps(_iso(now)) + ', "rows": [')

    def _write(self, item: dict[str, Any]) -> None:
        self.out.write(("\n  " if self.first else ",\n  ") + json.dumps(item, ensure_ascii=False))
        self.first = False

    def journey(self, line: int, journey: Journey, results: list[SLAResult]) -> None:
        targets = []
        for result in results:
            row = result.as_dict()
            row.update({k: _iso(getattr(result, k)) for k in row if k.endswith("_at")})
            del row["enquiry_id"]
            targets.append(row)
        self._write(
            {"line": line, "enquiry_id": journey.enquiry_id, "valid": True, "targets": targets}
        )

    def invalid(self, line: int, issues: list[dict[str, Any]]) -> None:
        self._write({"line": line, "valid": False, "errors": issues})

    def close(self, summary: _Summary) -> None:
        totals = {"journeys": summary.journeys, "invalid": summary.invalid}
        body = json.dumps({**totals, "targets": summary.per_target()})
        self.out.write(("\n" if not self.first else "") + '], "summary": ' + body + "}\n")
