"""Validation: stable error codes, JSON-pointer paths and messages free of personal data.

Two layers: every wire model's types and own cross-field checks (codes ``FH-J``, ``FH-S``,
``FH-T``, ``FH-M``), and for handover payloads a catalogue of rules beyond types (codes
``FH-H``), each reporting passed, failed, not applicable or could not run.

>>> from fostering_hub.validation import validate_json
>>> [issue.code for issue in validate_json("enquiry", b"not json")]
['FH-J001']
"""

from . import _rules as _rules  # declares the rule catalogue
from ._catalogue import (
    RULES,
    CouldNotRun,
    Failed,
    NotApplicable,
    Passed,
    Rule,
    RuleContext,
    Severity,
    Status,
    Verdict,
    rule,
)
from ._codes import ERROR_CODES, FALLBACK_CODE, ErrorCode, code_for, describe
from ._documents import Document, read_documents
from ._handover import HANDOVER_VERSIONS, HandoverReport, RuleOutcome, validate_handover
from ._issues import ValidationIssue, issues_from_error, json_pointer
from ._limits import DEFAULT_LIMITS, ValidationLimits, limit_problem, parse_document
from ._profile import handover_schema
from ._validate import (
    ValidationResult,
    validate_document,
    validate_json,
    validate_python,
    validation_kinds,
)

__all__ = [
    "DEFAULT_LIMITS",
    "ERROR_CODES",
    "FALLBACK_CODE",
    "HANDOVER_VERSIONS",
    "RULES",
    "CouldNotRun",
    "Document",
    "ErrorCode",
    "Failed",
    "HandoverReport",
    "NotApplicable",
    "Passed",
    "Rule",
    "RuleContext",
    "RuleOutcome",
    "Severity",
    "Status",
    "ValidationIssue",
    "ValidationLimits",
    "ValidationResult",
    "Verdict",
    "code_for",
    "describe",
    "handover_schema",
    "issues_from_error",
    "json_pointer",
    "limit_problem",
    "parse_document",
    "read_documents",
    "rule",
    "validate_document",
    "validate_handover",
    "validate_json",
    "validate_python",
    "validation_kinds",
]
