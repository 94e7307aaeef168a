"""Validating documents against the wire models."""

from __future__ import annotations

from typing import Any

import attrs
from pydantic import ValidationError

from ..models import model_for, schema_names
from ._codes import code_for
from ._documents import Document
from ._issues import ValidationIssue, issues_from_error
from ._limits import (
    DEFAULT_LIMITS,
    ValidationLimits,
    limit_problem,
    needs_walk,
    parse_document,
)


@attrs.frozen
class ValidationResult:
    """The verdict on one document."""

    file: str
    line: int | None
    errors: tuple[ValidationIssue, ...]
    warnings: tuple[ValidationIssue, ...] = ()
    not_checked: tuple[tuple[str, str], ...] = ()
    """Rules that could not run, as ``(code, why)``."""

    @property
    def valid(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape for one result."""
        data: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "valid": self.valid,
            "errors": [issue.as_dict() for issue in self.errors],
        }
        if self.warnings:
            data["warnings"] = [issue.as_dict() for issue in self.warnings]
        if self.not_checked:
            data["not_checked"] = [{"code": c, "why": why} for c, why in self.not_checked]
        return data


def validation_kinds() -> list[str]:
    """The document kinds that can be validated (the schema names)."""
    return schema_names()


def validate_json(
    kind: str, content: bytes | str, limits: ValidationLimits = DEFAULT_LIMITS
) -> list[ValidationIssue]:
    """Validate one JSON document of ``kind`` against its model (types and the model's own
    cross-field checks); returns its issues, empty when valid.

    Never raises for bad input: text that is not JSON, a JSON value of the wrong type or a
    document beyond ``limits`` all come back as issues with codes. For handovers, the rule
    catalogue runs in :func:`validate_handover`.
    """
    if kind == "handover":
        from ._handover import fast_handover_issues

        decided = fast_handover_issues(content, limits)
        if decided is not None:
            return decided
    data, problems = parse_document(content, limits, walk=needs_walk(limits))
    if problems:
        return problems
    issues = validate_python(kind, data)
    if issues:  # hostile input is reported as the limit it breaks
        problem = limit_problem(data, limits)
        if problem is not None:
            return [problem]
    return issues


def validate_python(kind: str, data: Any) -> list[ValidationIssue]:
    """Validate already-parsed data (dicts, lists) of ``kind``; returns its issues."""
    try:
        model_for(kind).model_validate(data)
    except ValidationError as error:
        return issues_from_error(error)
    except RecursionError:
        return [ValidationIssue(code_for("fh_json_limits"), "", "Document is nested too deeply")]
    return []


def too_large_issue(size: int, limits: ValidationLimits) -> ValidationIssue:
    """The issue for a document over ``limits.max_bytes`` (seen while reading it)."""
    message = f"Document is at least {size} bytes; the limit is {limits.max_bytes}"
    return ValidationIssue(code_for("fh_json_limits"), "", message)


def validate_document(
    kind: str, document: Document, limits: ValidationLimits = DEFAULT_LIMITS
) -> ValidationResult:
    """Validate a :class:`Document` read by :func:`read_documents` (types only)."""
    if document.too_large is not None:
        issues = [too_large_issue(document.too_large, limits)]
    else:
        issues = validate_json(kind, document.content, limits)
    return ValidationResult(document.file, document.line, tuple(issues))
