"""``fostering-hub schema NAME``: print a wire model's JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..models import schema_names
from ..models._schemas import render
from ._output import load_hub_config


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the JSON Schema (draft 2020-12) of a wire model",
        description="Print the JSON Schema (draft 2020-12) of a wire model.",
    )
    parser.add_argument("name", choices=schema_names(), help="which model")
    parser.add_argument("--compact", action="store_true", help="one line, no indentation")
    parser.add_argument(
        "--config",
        type=Path,
        help="hub config whose handover profile tightens the handover schema",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.config is not None and args.name == "handover":
        from ..validation import handover_schema

        config = load_hub_config(args.config)
        if isinstance(config, int):
            return config
        schema = handover_schema(config.handover)
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    else:
        text = render(args.name)
    if args.compact:
        text = json.dumps(json.loads(text), separators=(",", ":"), sort_keys=True) + "\n"
    sys.stdout.write(text)
    return 0
