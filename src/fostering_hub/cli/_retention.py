"""``fostering-hub retention FILE``: the retention sweep over a journey table."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ._output import fail_usage, load_hub_config


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "retention",
        help="what the retention schedule says is due for each record of a journey table",
        description=(
            "Sweep a journey table (CSV; '-' reads stdin) against the hub config's retention "
            "schedule: for each record, the action due (delete, anonymise, review), the date "
            "it falls due and the rule that decided. Legal holds and safeguarding flags "
            "(--flags) route records to review; keep-in-touch consents (--consents) make a "
            "record a keep-in-touch contact. Prints identifiers and dates only. Exit status: "
            "0 nothing needs attention, 1 some record is due now, matches no rule, lacks a "
            "date a rule needs or could not be read, 2 usage or I/O."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="journey table (.csv or -)")
    parser.add_argument("--config", type=Path, help="hub config (default: North East)")
    parser.add_argument(
        "--as-of",
        type=_date,
        help="the date to sweep as of (YYYY-MM-DD; default: today in Europe/London)",
    )
    parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
    parser.add_argument(
        "--consents", type=Path, metavar="FILE", help="consent table (CSV, by enquiry_id)"
    )
    parser.add_argument(
        "--flags",
        type=Path,
        metavar="FILE",
        help="legal hold and safeguarding flags (CSV: enquiry_id, legal_hold, safeguarding)",
    )
    parser.set_defaults(run=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date, YYYY-MM-DD") from None


def _today() -> dt.date:
    from ..models import london_date

    return london_date(dt.datetime.now(dt.UTC))  # the CLI is where the clock is read


def run(args: argparse.Namespace) -> int:
    from ..gdpr import TableError, read_consent_table, read_flags_table, retention_sweep_table
    from ..models import JourneyTableError

    config = load_hub_config(args.config)
    if isinstance(config, int):
        return config
    try:
        consents = read_consent_table(args.consents) if args.consents else None
        flags = read_flags_table(args.flags) if args.flags else None
        source: Any = sys.stdin if args.file == "-" else Path(args.file)
        report = retention_sweep_table(
            source, config, as_of=args.as_of or _today(), consents=consents, flags=flags
        )
    except (TableError, JourneyTableError) as error:
        print(f"fostering-hub: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        return fail_usage(f"cannot read input: {error.strerror or error}")
    if args.format == "json":
        sys.stdout.write(report.to_json())
    elif args.format == "csv":
        sys.stdout.write(report.to_csv())
    else:
        sys.stdout.write(report.to_text())
    return 1 if report.needs_attention else 0
