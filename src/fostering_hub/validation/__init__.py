"""Validation: stable error codes, JSON-pointer paths and messages free of personal data.

>>> from fostering_hub.validation import validate_json
>>> [issue.code for issue in validate_json("enquiry", b"not json")]
['FH-J001']
"""

from ._codes import ERROR_CODES, FALLBACK_CODE, ErrorCode, code_for, describe
from ._documents import Document, read_documents
from ._issues import ValidationIssue, issues_from_error, json_pointer
from ._validate import (
    ValidationResult,
    validate_document,
    validate_json,
    validate_python,
    validation_kinds,
)

__all__ = [
    "ERROR_CODES",
    "FALLBACK_CODE",
    "Document",
    "ErrorCode",
    "ValidationIssue",
    "ValidationResult",
    "code_for",
    "describe",
    "issues_from_error",
    "json_pointer",
    "read_documents",
    "validate_document",
    "validate_json",
    "validate_python",
    "validation_kinds",
]
