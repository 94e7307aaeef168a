"""``fostering-hub allocate FILE``: allocate enquiries with the hub's policy chain."""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ._output import config_error, emit_json, fail_usage, load_hub_config


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "allocate",
        help="allocate enquiries (JSON / NDJSON) to member LAs",
        description=(
            "Allocate each enquiry (a JSON file, or NDJSON with one a line; '-' reads stdin) "
            "with the allocation policy chain of the hub config, printing the decision, the "
            "policy that decided and its reasons, then a count per LA. Exit status: 0 all "
            "enquiries valid, 1 any invalid (they are reported, not allocated), 2 usage or I/O."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="enquiries (.json, .ndjson, .jsonl or -)")
    parser.add_argument("--config", type=Path, help="hub config (default: North East)")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.set_defaults(run=run)


def _load(args: argparse.Namespace) -> tuple[Any, Any] | int:
    from ..allocation import Allocator
    from ..config import ConfigError

    config = load_hub_config(args.config)
    if isinstance(config, int):
        return config
    try:
        base = args.config.parent if args.config else None
        allocator = Allocator.from_config(config, base_dir=base)
    except ConfigError as error:
        return config_error(error, args.config)
    return config, allocator


def run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from ..models import Enquiry
    from ..validation import issues_from_error, read_documents

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    config, allocator = loaded
    if args.file != "-" and not Path(args.file).is_file():
        return fail_usage(f"cannot read {args.file}: no such file")
    rows: list[dict[str, Any]] = []
    invalid = 0
    try:
        for document in read_documents(args.file):
            where = {"file": document.file, "line": document.line}
            try:
                enquiry = Enquiry.model_validate_json(document.content)
            except ValidationError as error:
                invalid += 1
                errors = [issue.as_dict() for issue in issues_from_error(error)]
                rows.append({**where, "enquiry_id": None, "valid": False, "errors": errors})
                continue
            decision = allocator.allocate(enquiry)
            rows.append(
                {**where, "enquiry_id": enquiry.enquiry_id, "valid": True, **decision.as_dict()}
            )
    except OSError as error:
        return fail_usage(f"cannot read input: {error.strerror or error}")
    names = {m.gss_code: m.name for m in config.cluster.members}
    counts = Counter(r.get("local_authority") or "unallocated" for r in rows if r["valid"])
    summary = {
        "enquiries": len(rows),
        "invalid": invalid,
        "by_local_authority": {code: counts[code] for code in sorted(counts)},
    }
    if args.format == "json":
        emit_json({"summary": summary, "decisions": rows})
    elif args.format == "csv":
        _write_csv(rows)
    else:
        _write_text(rows, counts, names)
    return 1 if invalid else 0


def _write_csv(rows: list[dict[str, Any]]) -> None:
    columns = [
        "enquiry_id",
        "file",
        "line",
        "valid",
        "local_authority",
        "policy",
        "confidence",
        "reasons",
        "errors",
    ]
    writer = csv.DictWriter(
        sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                **row,
                "reasons": " | ".join(row.get("reasons", [])),
                "errors": " | ".join(f"{e['code']} {e['path']}" for e in row.get("errors", [])),
            }
        )


def _write_text(rows: list[dict[str, Any]], counts: Counter[str], names: dict[str, str]) -> None:
    for row in rows:
        if not row["valid"]:
            where = row["file"] if row["line"] is None else f"{row['file']}:{row['line']}"
            codes = ", ".join(f"{e['code']} {e['path'] or '/'}" for e in row["errors"])
            print(f"{where}: invalid enquiry, not allocated ({codes})")
            continue
        la = row["local_authority"]
        target = f"{names.get(la, la)} ({la})" if la else "UNALLOCATED"
        confidence = (
            f", confidence {row['confidence']:.0%}" if row["confidence"] is not None else ""
        )
        print(f"{row['enquiry_id']}: {target} by {row['policy']}{confidence}")
        for reason in [*row["passed_over"], *row["reasons"]]:
            print(f"    {reason}")
    print()
    print("Households per local authority:")
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {names.get(code, code):<24} {count:>6}")
