"""``fostering-hub codes``: list the stable error codes."""

from __future__ import annotations

import argparse
from typing import Any

from ..validation import ERROR_CODES
from ._output import emit_json


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "codes",
        help="list the stable error codes (FH-...)",
        description="List the stable error codes that validation reports.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        emit_json([{"code": c.code, "title": c.title} for c in ERROR_CODES])
    else:
        for entry in ERROR_CODES:
            print(f"{entry.code}  {entry.title}")
    return 0
