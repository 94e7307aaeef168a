"""``fostering-hub rules``: list the handover rule catalogue."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from ..validation import RULES
from ._output import emit_json


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "rules",
        help="list the handover validation rules (FH-H...)",
        description="List the handover rule catalogue: code, severity, fields and message.",
    )
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    entries = [rule.as_dict() for rule in RULES.values()]
    if args.format == "json":
        emit_json(entries)
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(entries[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**e, "fields": " ".join(e["fields"])} for e in entries)
    else:
        for e in entries:
            print(f"{e['code']}  {e['severity']:<7}  {e['message']}")
            print(f"         fields: {', '.join(e['fields'])}")
    return 0
