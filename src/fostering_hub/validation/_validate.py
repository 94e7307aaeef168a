"""Validating documents against the wire models."""

from __future__ import annotations

from typing import Any

import attrs
from pydantic import ValidationError

from ..models import model_for, schema_names
from ._codes import code_for
from ._documents import Document
from ._issues import ValidationIssue, issues_from_error


@attrs.frozen
class ValidationResult:
    """The verdict on one document."""

    file: str
    line: int | None
    errors: tuple[ValidationIssue, ...]

    @property
    def valid(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape for one result."""
        return {
            "file": self.file,
            "line": self.line,
            "valid": self.valid,
            "errors": [issue.as_dict() for issue in self.errors],
        }


def validation_kinds() -> list[str]:
    """The document kinds that can be validated (the schema names)."""
    return schema_names()


def validate_json(kind: str, content: bytes | str) -> list[ValidationIssue]:
    """Validate one JSON document of ``kind``; returns its issues (empty when valid).

    Never raises for bad input: text that is not JSON, a JSON value of the wrong type or
    an over-deep document all come back as issues with codes.
    """
    model = model_for(kind)
    try:
        model.model_validate_json(content)
    except ValidationError as error:
        return issues_from_error(error)
    except (RecursionError, MemoryError):
        return [
            ValidationIssue(
                code_for("fh_json_limits"), "", "Document is too large or nested too deeply"
            )
        ]
    return []


def validate_python(kind: str, data: Any) -> list[ValidationIssue]:
    """Validate already-parsed data (dicts, lists) of ``kind``; returns its issues."""
    try:
        model_for(kind).model_validate(data)
    except ValidationError as error:
        return issues_from_error(error)
    except RecursionError:
        return [ValidationIssue(code_for("fh_json_limits"), "", "Document is nested too deeply")]
    return []


def validate_document(kind: str, document: Document) -> ValidationResult:
    """Validate a :class:`Document` read by :func:`read_documents`."""
    return ValidationResult(
        document.file, document.line, tuple(validate_json(kind, document.content))
    )
