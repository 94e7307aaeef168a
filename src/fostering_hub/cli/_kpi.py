"""``fostering-hub kpi FILE``: the hub's KPIs from a journey table."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

from ._output import emit_json, fail_usage

_FORMATS = ("table", "csv", "json")


def register(commands: argparse._SubParsersAction[Any]) -> None:
    from ..kpi import PERIODS

    parser = commands.add_parser(
        "kpi",
        help="compute the hub's KPIs from a journey table (CSV)",
        description=(
            "Compute KPIs from a journey table CSV (docs/journey-table.md), in the long "
            "format: period, the group-by columns, kpi, breakdown, value, numerator, "
            "denominator. The first-contact rates are taken as of --as-of (default: now). "
            "Exit status: 0 done, 1 the table could not be read as a journey table "
            "(a malformed cell), 2 usage or I/O."
        ),
    )
    parser.add_argument("file", metavar="FILE", nargs="?", help="journey table (.csv)")
    parser.add_argument(
        "--by",
        default="",
        help="comma-separated group-by columns: local_authority, channel, source",
    )
    parser.add_argument("--period", choices=PERIODS, default="financial_year")
    parser.add_argument(
        "--kpis",
        help="comma-separated KPI ids, or 'all' (default: the config's [reporting] kpis, else all)",
    )
    parser.add_argument(
        "--as-of",
        type=_instant,
        help="the time the figures are taken at, ISO 8601 (default: now; naive is "
        "Europe/London time)",
    )
    parser.add_argument("--format", choices=_FORMATS, default="table")
    parser.add_argument("--config", type=Path, help="hub config (default: North East)")
    parser.add_argument("--list", action="store_true", help="list the KPI catalogue and exit")
    parser.set_defaults(run=run)


def _instant(text: str) -> dt.datetime:
    from ..models import to_london

    try:
        return to_london(dt.datetime.fromisoformat(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {error}") from None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    from ..config import ConfigError, load_config, locate
    from ..kpi import KPI_IDS, compute_kpis
    from ..kpi._catalogue import render_text

    if args.list:
        sys.stdout.write(render_text())
        return 0
    if args.file is None:
        return fail_usage("a journey table FILE is needed (or --list)")
    if not Path(args.file).is_file():
        return fail_usage(f"cannot read {args.file}: no such file")
    try:
        config = load_config(args.config)
    except ConfigError as error:
        if args.config and error.issues and error.issues[0].line is None:
            error = locate(error, args.config)
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        return fail_usage(f"cannot read config: {error.strerror or error}")
    kpis = None
    if args.kpis is not None:
        kpis = list(KPI_IDS) if args.kpis.strip() == "all" else _split(args.kpis)
    # The command line is the one place that reads the clock.
    as_of = args.as_of or dt.datetime.now(dt.UTC)
    by = _split(args.by)
    try:
        from narwhals.exceptions import NarwhalsError
    except ImportError as error:
        return fail_usage(f"the kpi command needs the 'dataframes' extra ({error.name} is missing)")
    try:
        result = compute_kpis(
            args.file, kpis=kpis, by=by, period=args.period, as_of=as_of, config=config
        )
    except ImportError as error:
        return fail_usage(f"the kpi command needs the 'dataframes' extra ({error.name} is missing)")
    except NarwhalsError as error:  # raised as the query ran: a cell it could not read
        return _unreadable(args.file, error)
    except (ValueError, TypeError, NotImplementedError) as error:
        return fail_usage(str(error))
    except OSError as error:
        return fail_usage(f"cannot read {args.file}: {error.strerror or error}")
    except Exception as error:  # the backend's own error for a malformed cell
        return _unreadable(args.file, error)
    rows = _rows(result)
    if args.format == "json":
        emit_json(
            {
                "as_of": as_of.isoformat(),
                "period": args.period,
                "by": by,
                "rows": rows,
            }
        )
    elif args.format == "csv":
        _write_csv(rows, by)
    else:
        _write_table(rows, by, as_of, args.period)
    return 0


def _unreadable(file: str, error: Exception) -> int:
    first = str(error).splitlines()[0] if str(error) else ""
    print(
        f"fostering-hub: {file} could not be read as a journey table "
        f"({type(error).__name__}: {first}).\n"
        "Check it with fostering_hub.models.read_journey_table, which names each bad cell.",
        file=sys.stderr,
    )
    return 1


def _rows(result: Any) -> list[dict[str, Any]]:
    """The result as plain dicts, counts as ints, absent numbers as None."""
    import narwhals as nw

    from ..kpi import KPIKind, describe

    rows = []
    for row in nw.from_native(result, eager_only=True).iter_rows(named=True):
        value = row["value"]
        if describe(row["kpi"]).kind is KPIKind.COUNT and value is not None:
            value = int(value)
        for key in ("numerator", "denominator"):
            number = row[key]
            row[key] = None if number is None or _is_nan(number) else int(number)
        rows.append({**row, "value": value})
    return rows


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _write_csv(rows: list[dict[str, Any]], by: list[str]) -> None:
    columns = ["period", *by, "kpi", "breakdown", "value", "numerator", "denominator"]
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in columns})


def _shown(row: dict[str, Any]) -> tuple[str, str]:
    from ..kpi import KPIKind, describe

    kpi = describe(row["kpi"])
    value = row["value"]
    if kpi.kind is KPIKind.RATE:
        return f"{value:.1%}", f"{row['numerator']} / {row['denominator']}"
    if kpi.kind is KPIKind.MEDIAN:
        return f"{value:.2f}", kpi.unit
    return str(value), ""


def _write_table(
    rows: list[dict[str, Any]], by: list[str], as_of: dt.datetime, period: str
) -> None:
    header = ["period", *by, "kpi", "value", ""]
    lines = []
    for row in rows:
        name = row["kpi"] if row["breakdown"] is None else f"{row['kpi']}: {row['breakdown']}"
        value, detail = _shown(row)
        lines.append([row["period"], *(row[c] for c in by), name, value, detail])
    widths = [max([len(h), *(len(str(line[i])) for line in lines)]) for i, h in enumerate(header)]
    value_column = len(header) - 2

    def format_line(cells: list[Any]) -> str:
        parts = [
            str(cell).rjust(width) if i == value_column else str(cell).ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    print(f"KPIs by {period}{' and ' + ', '.join(by) if by else ''}, as of {as_of.isoformat()}")
    print(format_line(header))
    print(format_line(["-" * w for w in widths]))
    for line in lines:
        print(format_line(line))
    if not lines:
        print("(no figures: the table has no rows in any period)")
