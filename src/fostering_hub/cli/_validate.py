"""``fostering-hub validate KIND FILE...``: validate JSON or NDJSON documents.

Streams: results are written as they are found (JSON output included), so memory stays
flat however many documents a file holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..validation import (
    ValidationIssue,
    ValidationLimits,
    ValidationResult,
    read_documents,
    validate_document,
    validate_handover,
    validation_kinds,
)
from ..validation._validate import too_large_issue
from ._output import fail_usage, instant_arg


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "validate",
        help="validate JSON / NDJSON documents against a wire model",
        description=(
            "Validate JSON documents (.json), or one document a line (.ndjson, .jsonl), "
            "against a wire model; handovers also against the rule catalogue (see "
            "'fostering-hub rules'). '-' reads standard input. Exit status: 0 all valid, "
            "1 any invalid, 2 usage or I/O error. A hub-config may also be a .toml file."
        ),
    )
    parser.add_argument("kind", choices=validation_kinds(), help="what the documents are")
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check, or -")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--ndjson", action="store_true", default=None, help="read every file as NDJSON"
    )
    parser.add_argument(
        "--config", type=Path, help="hub config for handover rules (default: North East)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="failed warning rules make a payload invalid"
    )
    parser.add_argument(
        "--as-of",
        type=instant_arg,
        help="the clock for 'not in the future' (ISO 8601; default: now)",
    )
    parser.add_argument(
        "--summary", action="store_true", help="add counts per error code and rule status"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on the terminal")
    limits = ValidationLimits()
    parser.add_argument("--max-bytes", type=int, default=limits.max_bytes, help="per document")
    parser.add_argument("--max-depth", type=int, default=limits.max_depth, help="JSON nesting")
    parser.set_defaults(run=run)


class _Validator:
    """Validates one document at a time for the chosen kind."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.kind = args.kind
        self.limits = ValidationLimits(max_bytes=args.max_bytes, max_depth=args.max_depth)
        self.strict = args.strict
        self.config = None
        self.base_dir = args.config.parent if args.config else None
        self.now = args.as_of or dt.datetime.now(dt.UTC)  # the CLI is where the clock is read
        if self.kind == "handover":
            from ..config import load_config

            self.config = load_config(args.config)

    def __call__(self, name: str, ndjson: bool | None) -> Iterator[ValidationResult]:
        if self.kind == "hub-config" and name.lower().endswith(".toml"):
            yield _toml_result(name)
            return
        for document in read_documents(name, ndjson=ndjson, max_bytes=self.limits.max_bytes):
            if self.kind != "handover":
                yield validate_document(self.kind, document, self.limits)
                continue
            if document.too_large is not None:
                issue = too_large_issue(document.too_large, self.limits)
                yield ValidationResult(document.file, document.line, (issue,))
                continue
            report = validate_handover(
                document.content,
                config=self.config,
                now=self.now,
                strict=self.strict,
                limits=self.limits,
                base_dir=self.base_dir,
            )
            yield ValidationResult(
                document.file,
                document.line,
                report.errors,
                report.warnings,
                # With schema errors every rule is "could not run"; the errors say why.
                ()
                if report.schema_errors
                else tuple((o.code, o.why or "") for o in report.not_checked),
            )


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


class _Progress:
    """A one-line counter on standard error, only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = 0.0

    def update(self, counts: Counter[str], force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if force or now - self.last > 0.2:
            self.last = now
            sys.stderr.write(
                f"\rvalidated {counts['checked']:,}: {counts['valid']:,} valid, "
                f"{counts['invalid']:,} invalid"
            )
            sys.stderr.flush()

    def close(self, counts: Counter[str]) -> None:
        if self.enabled:
            self.update(counts, force=True)
            sys.stderr.write("\n")


def run(args: argparse.Namespace) -> int:
    from ..config import ConfigError

    for name in args.files:
        if name != "-" and not Path(name).is_file():
            return fail_usage(f"cannot read {name}: no such file")
    if args.max_bytes < 1 or args.max_depth < 1:
        return fail_usage("--max-bytes and --max-depth must be positive")
    try:
        validator = _Validator(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        return fail_usage(f"cannot read config: {error.strerror or error}")
    out = sys.stdout
    counts: Counter[str] = Counter(checked=0, valid=0, invalid=0)
    codes: Counter[str] = Counter()
    progress = _Progress(not args.quiet)
    first = True
    if args.format == "json":
        out.write('{"results": [')
    try:
        for name in args.files:
            for result in validator(name, args.ndjson):
                counts["checked"] += 1
                counts["valid" if result.valid else "invalid"] += 1
                codes.update(issue.code for issue in (*result.errors, *result.warnings))
                codes.update(f"{code} not checked" for code, _ in result.not_checked)
                if args.format == "json":
                    out.write(("\n  " if first else ",\n  ") + json.dumps(result.as_dict()))
                    first = False
                else:
                    _print_text(result, out)
                progress.update(counts)
    except OSError as error:
        progress.close(counts)
        return fail_usage(f"cannot read input: {error.strerror or error}")
    progress.close(counts)
    summary: dict[str, Any] = dict(counts)
    if args.summary:
        summary["codes"] = dict(sorted(codes.items()))
    if args.format == "json":
        out.write(("\n" if not first else "") + '], "summary": ' + json.dumps(summary) + "}\n")
    else:
        print(f"checked {counts['checked']}, valid {counts['valid']}, invalid {counts['invalid']}")
        if args.summary:
            for code, count in sorted(codes.items()):
                print(f"  {code:<24} {count:>8}")
    return 1 if counts["invalid"] else 0


def _print_text(result: ValidationResult, out: IO[str]) -> None:
    where = result.file if result.line is None else f"{result.file}:{result.line}"
    if result.valid and not result.warnings:
        out.write(f"{where}: valid\n")
        return
    if result.valid:
        out.write(f"{where}: valid, {len(result.warnings)} warning(s)\n")
    else:
        out.write(f"{where}: invalid ({len(result.errors)} error(s))\n")
    for issue in result.errors:
        out.write(f"  {issue.path or '/'}: {issue.message} [{issue.code}]\n")
    for issue in result.warnings:
        out.write(f"  warning {issue.path or '/'}: {issue.message} [{issue.code}]\n")
