"""Reading one JSON document defensively: size, depth, string and number limits.

Hostile input gets a clear issue, not a crash or a hang: a 50 MB line, nesting 10,000
deep, a 10 MB string, a number with 10,000 digits, bytes that are not UTF-8 or not JSON.
The limits are configurable; the defaults are far above any real payload (a handover is a
few KB).
"""

from __future__ import annotations

from typing import Any

import attrs
import pydantic_core

from ._codes import code_for
from ._issues import ValidationIssue, json_pointer


@attrs.frozen
class ValidationLimits:
    """Bounds on one document. Exceeding one is issue ``FH-J002``."""

    max_bytes: int = 1_000_000
    """Size of the document in bytes."""
    max_depth: int = 32
    """Nesting of objects and arrays (a handover needs 4)."""
    max_string_length: int = 100_000
    """Characters in any one string."""
    max_number_digits: int = 30
    """Characters in any one number."""


DEFAULT_LIMITS = ValidationLimits()
"""The limits validators use unless given others: 1 MB, depth 32, strings of 100,000
characters, numbers of 30 characters. A valid handover stays far inside them."""


def _limit_issue(path: str, message: str) -> ValidationIssue:
    return ValidationIssue(code_for("fh_json_limits"), path, message)


_NOT_UNICODE = "Invalid JSON: the text is not Unicode (it holds a lone surrogate)"


def utf8_size(content: bytes | str) -> int | None:
    """The size of ``content`` in bytes as UTF-8, or None for text that cannot be UTF-8
    (a ``str`` holding a lone surrogate, e.g. from ``json.loads`` of ``"\\ud800"``)."""
    if isinstance(content, str):
        try:
            return len(content.encode())
        except UnicodeEncodeError:
            return None
    return len(content)


def parse_document(
    content: bytes | str, limits: ValidationLimits = DEFAULT_LIMITS, *, walk: bool = True
) -> tuple[Any, list[ValidationIssue]]:
    """Parse ``content`` as JSON within ``limits``: ``(value, [])`` or ``(None, issues)``.

    With ``walk=False`` only the size and the parser's own bounds are checked; call
    :func:`limit_problem` on the value later (validators do so when a document fails, or
    when the limits are tighter than the defaults, which every valid model stays within).
    """
    size = utf8_size(content)
    if size is None:
        return None, [ValidationIssue(code_for("json_invalid"), "", _NOT_UNICODE)]
    if size > limits.max_bytes:
        return None, [
            _limit_issue("", f"Document is {size} bytes; the limit is {limits.max_bytes}")
        ]
    try:
        value = pydantic_core.from_json(content, allow_inf_nan=False)
    except ValueError as error:
        message = str(error)
        if "recursion limit" in message:
            return None, [_limit_issue("", f"Document is nested too deeply ({message})")]
        if "number out of range" in message:
            return None, [_limit_issue("", f"A number is too long ({message})")]
        return None, [ValidationIssue(code_for("json_invalid"), "", f"Invalid JSON: {message}")]
    problem = limit_problem(value, limits) if walk else None
    return (None, [problem]) if problem else (value, [])


def needs_walk(limits: ValidationLimits) -> bool:
    """True when ``limits`` are tighter than the defaults (which valid models never reach)."""
    return (
        limits.max_depth < DEFAULT_LIMITS.max_depth
        or limits.max_string_length < DEFAULT_LIMITS.max_string_length
        or limits.max_number_digits < DEFAULT_LIMITS.max_number_digits
    )


def limit_problem(value: Any, limits: ValidationLimits) -> ValidationIssue | None:
    """The first limit a parsed ``value`` breaks (depth, string, number), or ``None``.

    Iterative, so a deep document cannot exhaust the stack.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, ())]
    while stack:
        item, loc = stack.pop()
        if len(loc) > limits.max_depth:
            return _limit_issue(
                json_pointer(loc), f"Nesting is deeper than the limit of {limits.max_depth}"
            )
        if isinstance(item, str):
            if len(item) > limits.max_string_length:
                return _limit_issue(
                    json_pointer(loc),
                    f"String is longer than the limit of {limits.max_string_length} characters",
                )
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | float):
            if len(repr(item)) > limits.max_number_digits:
                return _limit_issue(
                    json_pointer(loc),
                    f"Number is longer than the limit of {limits.max_number_digits} characters",
                )
        elif isinstance(item, dict):
            for key, child in item.items():
                if len(key) > limits.max_string_length:
                    return _limit_issue(json_pointer(loc), "A key is longer than the limit")
                stack.append((child, (*loc, key)))
        elif isinstance(item, list):
            stack.extend((child, (*loc, index)) for index, child in enumerate(item))
    return None
