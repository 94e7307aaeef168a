"""Raising validation errors that carry a stable type, a location and no input value."""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Loc = tuple[str | int, ...]


def fail(error_type: str, message: str, **context: Any) -> NoReturn:
    """Raise a custom error at the current location.

    ``message`` may use ``{name}`` placeholders filled from ``context``; neither may
    contain a personal value.
    """
    raise PydanticCustomError(error_type, message, context or None)


def fail_at(title: str, errors: list[tuple[Loc, str, str, dict[str, Any]]]) -> NoReturn:
    """Raise one ``ValidationError`` with errors at nested locations.

    Each error is ``(loc, error_type, message, context)``. pydantic prefixes ``loc``
    with the location of the model being validated, so paths stay exact when the
    model is nested.
    """
    details = [
        InitErrorDetails(
            type=PydanticCustomError(error_type, message, context or None),
            loc=loc,
            input=None,
        )
        for loc, error_type, message, context in errors
    ]
    raise ValidationError.from_exception_data(title, details, hide_input=True)
