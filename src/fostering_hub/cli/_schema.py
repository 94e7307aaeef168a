"""``fostering-hub schema NAME``: print a wire model's JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..models import schema_names
from ..models._schemas import render


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema (draft 2020-12) of a wire model",
        description="Print the JSON Schema (draft 2020-12) of a wire model.",
    )
    parser.add_argument("name", choices=schema_names(), help="which model")
    parser.add_argument("--compact", action="store_true", help="one line, no indentation")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = render(args.name)
    if args.compact:
        text = json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True) + "\n"
    sys.stdout.write(text)
    return 0
