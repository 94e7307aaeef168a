"""Turning pydantic errors into stable, PII-free validation issues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from pydantic import ValidationError

from ._codes import code_for


def json_pointer(loc: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a pydantic location (``("a", 0)`` -> ``"/a/0"``)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in loc)


@attrs.frozen
class ValidationIssue:
    """One problem found in a document: a stable code, where, and what (never the value)."""

    code: str
    path: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """``{"code": ..., "path": ..., "message": ...}`` for JSON output."""
        return {"code": self.code, "path": self.path, "message": self.message}


def issues_from_error(error: ValidationError) -> list[ValidationIssue]:
    """The issues in a pydantic ``ValidationError``, with codes and JSON pointers.

    Only the error type, location and message are read: input values never are.
    """
    return [
        ValidationIssue(
            code=code_for(detail["type"]),
            path=json_pointer(detail["loc"]),
            message=detail["msg"],
        )
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    ]
