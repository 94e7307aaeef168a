"""Faster JSON-mode validators for the string value types, with the Python-mode verdicts.

Validating JSON text (``model_validate_json``) only ever meets JSON values. For those, the
pattern check that opens each string type's Python validator (identifier, GSS code, DfE
number, postcode, phone and email shapes) can be run by pydantic-core itself: a pattern
wrapped in a custom error of the same type and message as the Python check raises. What
comes after the pattern in Python (normalising a postcode, a phone number's validity, an
email's domain) still runs in Python, without repeating the pattern.

:func:`shape_then` makes the ``Annotated`` marker (:class:`JsonFast`) that swaps such a
validator in for JSON input only: Python input keeps the original validator, and the JSON
Schema is the original's. ``tests/test_fast_paths_handover.py`` checks, on every kind of
JSON value, that both modes give the same value or the same errors (type, location and
message), and that pydantic-core's patterns match exactly the texts Python's ``re`` does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

__all__ = ["JsonFast", "kept_or", "shape_then"]

_ANY_LENGTH = sys.maxsize


class JsonFast:
    """``Annotated`` marker (put it last): validate JSON input with ``build(original)``.

    ``build`` receives the original core schema and returns the JSON-mode one, which must
    give the same value or the same errors for every JSON value.
    """

    __slots__ = ("build",)

    def __init__(self, build: Callable[[CoreSchema], CoreSchema]) -> None:
        self.build = build

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        original = handler(source)

        def original_json_schema(
            _schema: CoreSchema, json_handler: GetJsonSchemaHandler
        ) -> JsonSchemaValue:
            return json_handler(original)

        schema = core_schema.json_or_python_schema(
            json_schema=self.build(original),
            python_schema=original,
            metadata={"pydantic_js_functions": [original_json_schema]},
        )
        serialization = original.get("serialization")
        if serialization is not None:
            schema["serialization"] = serialization
        return schema


def kept_or(kept: str, checked: CoreSchema, *, max_length: int | None = None) -> CoreSchema:
    """A string matching the pattern ``kept`` (and at most ``max_length`` long) as it is,
    any other through ``checked``.

    ``checked`` must accept every string matching ``kept`` unchanged and raise one custom
    error (the same type, message and context) for every string it refuses: that error
    is then the only one, as from ``checked`` alone.
    """
    error = _only_custom_error(checked)
    return core_schema.union_schema(
        # Left to right: the first choice that succeeds gives the value.
        [
            core_schema.str_schema(
                pattern=kept, max_length=_ANY_LENGTH if max_length is None else max_length
            ),
            checked,
        ],
        mode="left_to_right",
        custom_error_type=error["custom_error_type"],
        custom_error_message=error["custom_error_message"],
        custom_error_context=error.get("custom_error_context"),
    )


def _only_custom_error(checked: Any) -> Any:
    """The custom error of a chain that starts with one (the shape check)."""
    first = checked["steps"][0] if checked.get("type") == "chain" else checked
    if first.get("type") != "custom-error":
        raise ValueError("kept_or needs a check that starts with a custom error")
    return first


def shape_then(
    check: Callable[[str], str],
    pattern: str,
    error_type: str,
    message: str,
    *,
    max_length: int | None = None,
    then: Callable[[str], str] | None = None,
    kept: str | None = None,
) -> JsonFast:
    """For JSON input: the original's string check, ``pattern`` in pydantic-core, then
    ``then`` (if any) in Python. A text matching ``kept`` (which must be within
    ``pattern`` and ``max_length``, and which ``then`` returns unchanged) is accepted as it
    is, without the call.

    The original schema must be the string check followed by ``check`` (an
    ``AfterValidator``); ``check(value)`` must raise ``error_type`` with ``message`` exactly
    when ``value`` is longer than ``max_length`` or does not match ``pattern``, and
    otherwise do what ``then`` does (return ``value`` unchanged if there is no ``then``).
    Anything else is left as it was (e.g. a plain-types copy that removed ``check``).
    """

    def build(original: CoreSchema) -> CoreSchema:
        if original["type"] != "function-after" or original["function"]["function"] is not check:
            return original
        shape = core_schema.custom_error_schema(
            core_schema.str_schema(
                pattern=pattern, max_length=_ANY_LENGTH if max_length is None else max_length
            ),
            custom_error_type=error_type,
            custom_error_message=message,
        )
        if then is None:
            return core_schema.chain_schema([original["schema"], shape])
        call = core_schema.no_info_plain_validator_function(then)
        if kept is None:
            return core_schema.chain_schema([original["schema"], shape, call])
        return core_schema.chain_schema(
            [original["schema"], kept_or(kept, core_schema.chain_schema([shape, call]))]
        )

    return JsonFast(build)
