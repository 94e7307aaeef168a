"""``fostering-hub validate KIND FILE...``: validate JSON or NDJSON documents."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..validation import (
    ValidationIssue,
    ValidationResult,
    read_documents,
    validate_document,
    validation_kinds,
)
from ._output import emit_json, fail_usage


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "validate",
        help="validate JSON / NDJSON documents against a wire model",
        description=(
            "Validate JSON documents (.json), or one document a line (.ndjson, .jsonl), "
            "against a wire model. '-' reads standard input. Exit status: 0 all valid, "
            "1 any invalid, 2 usage or I/O error. A hub-config may also be a .toml file."
        ),
    )
    parser.add_argument("kind", choices=validation_kinds(), help="what the documents are")
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check, or -")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--ndjson", action="store_true", default=None, help="read every file as NDJSON"
    )
    parser.set_defaults(run=run)


def _results(kind: str, name: str, ndjson: bool | None) -> Iterator[ValidationResult]:
    if kind == "hub-config" and name.lower().endswith(".toml"):
        yield _toml_result(name)
        return
    for document in read_documents(name, ndjson=ndjson):
        yield validate_document(kind, document)


def _toml_result(name: str) -> ValidationResult:
    from ..config import ConfigError, load_config
    from ..validation import json_pointer

    try:
        load_config(name)
    except ConfigError as error:
        issues = tuple(
            ValidationIssue(
                issue.code,
                json_pointer(issue.loc),
                f"line {issue.line}: {issue.message}" if issue.line else issue.message,
            )
            for issue in error.issues
        )
        return ValidationResult(name, None, issues)
    return ValidationResult(name, None, ())


def run(args: argparse.Namespace) -> int:
    for name in args.files:
        if name != "-" and not Path(name).is_file():
            return fail_usage(f"cannot read {name}: no such file")
    results: list[ValidationResult] = []
    counts = {"checked": 0, "valid": 0, "invalid": 0}
    try:
        for name in args.files:
            for result in _results(args.kind, name, args.ndjson):
                counts["checked"] += 1
                counts["valid" if result.valid else "invalid"] += 1
                if args.format == "json":
                    results.append(result)
                else:
                    _print_text(result)
    except OSError as error:
        return fail_usage(f"cannot read input: {error.strerror or error}")
    if args.format == "json":
        emit_json({"summary": counts, "results": [r.as_dict() for r in results]})
    else:
        print(f"checked {counts['checked']}, valid {counts['valid']}, invalid {counts['invalid']}")
    return 1 if counts["invalid"] else 0


def _print_text(result: ValidationResult) -> None:
    where = result.file if result.line is None else f"{result.file}:{result.line}"
    if result.valid:
        print(f"{where}: valid")
        return
    print(f"{where}: invalid ({len(result.errors)} error(s))")
    for issue in result.errors:
        print(f"  {issue.path or '/'}: {issue.message} [{issue.code}]", file=sys.stdout)
