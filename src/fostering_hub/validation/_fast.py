"""A faster way to the same verdict on JSON documents, taken only where it is provably equal.

The reference path (:func:`~._limits.parse_document`, then the model's ``model_validate``
on the parsed data, then the limits walk if that fails) builds every value twice: Python
objects from the JSON text, then the model from those. :class:`JsonFastPath` validates
the text in one step (pydantic-core's JSON mode) with a copy of the model's core schema
(built from the schema, not the model classes' own validators) in which:

* the JSON branch of each value type is taken (the string patterns of ``JsonFast``);
* a timestamp written with an offset or ``Z`` in the years 1901-9997 is only parsed: for
  such text the model's zone handling returns the parsed value unchanged. One without an
  offset in those years, on a day London's offset does not change, is read with that
  offset in one step (``london_from_naive_text``). Any other text of the model's
  timestamp shape is parsed and goes through the model's zone handling;
* a date's string and shape checks are a pattern in pydantic-core;
* ``schema_version`` is checked against the supported versions in pydantic-core, with the
  model's error type, message and context;
* an email address of ``KEPT_EMAIL_PATTERN`` (most addresses) is accepted as written,
  without the model's check in Python, while email-validator's settings are such that it
  returns such an address unchanged (``_email_fast.kept_as_written``, asked on each call).

Where the result would not say exactly what the reference says, there is no answer
(``None``) and the caller takes the reference path:

* an error not known to read the same in both modes (:data:`SAME_IN_BOTH_MODES`), or one
  at the document's root. ``list_type`` and ``model_type`` get pydantic-core's Python-mode
  wording (JSON mode says "array" and "object"). A timestamp or date that fails in the
  fast form is ``FALLBACK``, replaced by the model's own shape check's error for the
  value, or no answer when the shape is right (parsing or the zone refused it);
* a document over the size limit, with limits tighter than the defaults, or holding
  ``NaN`` or ``Infinity`` (which JSON mode reads and the reference parser refuses);
* a failing document that might break the depth, string or number limits, which the
  reference reports instead. Where every error's input is a short value, the rest of the
  document validated, so it keeps within them (see :func:`_inputs_bounded`); otherwise
  the text is checked, conservatively (:func:`within_limits`).

``tests/test_fast_paths_handover.py`` compares the two paths on the conformance suite,
generated handovers, mutated payloads, hostile documents and raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import (
    CoreSchema,
    PydanticCustomError,
    PydanticKnownError,
    SchemaValidator,
    core_schema,
)

from ..models import _datetime, _email_fast
from ..models._email import KEPT_EMAIL_PATTERN, MAX_EMAIL_LENGTH
from ..models._email import _validate_shaped as _email_check
from ..models._handover import SUPPORTED_SCHEMA_VERSIONS, Handover
from ..models._json_fast import kept_or
from ._codes import code_for
from ._issues import ValidationIssue, json_pointer
from ._limits import DEFAULT_LIMITS, ValidationLimits, needs_walk

__all__ = ["FALLBACK", "SAME_IN_BOTH_MODES", "JsonFastPath", "within_limits"]

M = TypeVar("M", bound=BaseModel)

FALLBACK: Final = "fast_path_undecided"
"""The error type of a check that the fast path leaves to the reference path."""

SAME_IN_BOTH_MODES: Final = frozenset(
    {
        # pydantic's own errors whose type, location and message are the same for JSON
        # text (JSON mode) and for the same document parsed first (Python mode)
        "missing",
        "extra_forbidden",
        "string_type",
        "string_too_short",
        "string_too_long",
        "too_short",
        "too_long",
        "enum",
        "bool_type",
        "float_type",
        "greater_than_equal",
        "less_than_equal",
        # raised by the models' own Python checks, or by the patterns the string types
        # run in pydantic-core for JSON input (``JsonFast``: the same type and message),
        # or by the fast form of the schema_version check (the same type, message and
        # context)
        "fh_identifier",
        "fh_gss_code",
        "fh_dfe_number",
        "fh_postcode",
        "fh_phone",
        "fh_email",
        "fh_schema_version",
        "fh_duplicate_items",
        "fh_consent_dates",
        "fh_illegal_transition",
        "fh_event_out_of_order",
        "fh_withdrawal_reason",
        # pydantic's date parsing of a string that passed the shape check (the same
        # string is parsed the same way in both modes)
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
    }
)
"""Error types the fast path may report as they are; any other sends it to the reference."""

_YEAR_1901_9997 = r"(19(0[1-9]|[1-9][0-9])|[2-8][0-9]{3}|9([0-8][0-9]{2}|9([0-8][0-9]|9[0-7])))"
AWARE_TIMESTAMP_PATTERN: Final = (
    rf"^{_YEAR_1901_9997}-[0-9]{{2}}-[0-9]{{2}}[T ][0-9]{{2}}:[0-9]{{2}}"
    r"(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
"""Timestamps the zone handling leaves as parsed: the model's shape, an offset or ``Z``,
and a year that no offset can move out of 1900-9998."""
NAIVE_TIMESTAMP_PATTERN: Final = (
    rf"^{_YEAR_1901_9997}-[0-9]{{2}}-[0-9]{{2}}[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r"(:[0-5][0-9](\.[0-9]{1,6})?)?$"
)
"""Local (London) times of the model's shape that
:func:`~fostering_hub.models._datetime.london_from_naive_text` reads: no offset, a year
inside 1900-9998, and hours, minutes and seconds in range."""

_ANY_LENGTH = 2**62


def _fallback(schema: CoreSchema, shape: Callable[[Any], Any]) -> CoreSchema:
    """``schema``, any failure of which is ``FALLBACK`` naming the model's ``shape`` check."""
    return core_schema.custom_error_schema(
        schema,
        custom_error_type=FALLBACK,
        custom_error_message="Left to the model's own checks",
        custom_error_context={"shape": _SHAPES.index(shape)},
    )


_SHAPES: tuple[Callable[[Any], Any], ...] = (_datetime._datetime_shape, _datetime._date_shape)
"""The models' shape checks of timestamps and dates, which run first in the model: when
one refuses a JSON value, its error is the model's only error for that value."""


def _function(schema: Any, kind: str) -> Callable[..., Any] | None:
    if isinstance(schema, dict) and schema.get("type") == kind:
        function = schema.get("function")
        if isinstance(function, dict):
            found = function.get("function")
            return found if callable(found) else None
    return None


def _timestamp(schema: dict[str, Any]) -> CoreSchema | None:
    """The fast form of the model's timestamp schema, or None if ``schema`` is not one."""
    if _function(schema, "function-after") is not _datetime._attach_zone:
        return None
    before = schema.get("schema")
    if _function(before, "function-before") is not _datetime._datetime_shape:
        return None
    assert isinstance(before, dict)
    parse = before.get("schema")
    if not isinstance(parse, dict) or parse.get("type") != "datetime":
        return None
    aware = core_schema.chain_schema(
        [
            core_schema.str_schema(
                strict=True, pattern=AWARE_TIMESTAMP_PATTERN, max_length=_ANY_LENGTH
            ),
            dict(parse),
        ]
    )
    # Local time on a day London's offset does not change: read in one step.
    naive = core_schema.chain_schema(
        [
            core_schema.str_schema(
                strict=True, pattern=NAIVE_TIMESTAMP_PATTERN, max_length=_ANY_LENGTH
            ),
            core_schema.no_info_plain_validator_function(_datetime.london_from_naive_text),
        ]
    )
    # Any other text of the model's shape: the model's parse and zone handling (for such
    # text, the model's shape check returns it unchanged).
    other = core_schema.no_info_after_validator_function(
        _datetime._attach_zone,
        core_schema.chain_schema(
            [
                core_schema.str_schema(
                    strict=True, pattern=_datetime.DATETIME_PATTERN, max_length=_ANY_LENGTH
                ),
                dict(parse),
            ]
        ),
    )
    # Left to right: the first that succeeds gives the value. When both fail, the
    # reference path says why.
    choices = core_schema.union_schema([aware, naive, other], mode="left_to_right")
    return _fallback(choices, _datetime._datetime_shape)


def _date(schema: dict[str, Any]) -> CoreSchema | None:
    """The fast form of the model's date schema, or None if ``schema`` is not one."""
    if _function(schema, "function-before") is not _datetime._date_shape:
        return None
    parse = schema.get("schema")
    if not isinstance(parse, dict) or parse.get("type") != "date":
        return None
    return core_schema.chain_schema(
        [
            _fallback(
                core_schema.str_schema(
                    strict=True, pattern=_datetime.DATE_PATTERN, max_length=_ANY_LENGTH
                ),
                _datetime._date_shape,
            ),
            dict(parse),
        ]
    )


def _schema_version(schema: dict[str, Any]) -> CoreSchema | None:
    """``Handover._known_version`` (a field validator) as a pydantic-core literal."""
    function = _function(schema, "function-after")
    known_version = getattr(Handover._known_version, "__func__", None)
    if known_version is None or getattr(function, "__func__", None) is not known_version:
        return None
    supported = sorted(SUPPORTED_SCHEMA_VERSIONS)
    return core_schema.chain_schema(
        [
            dict(schema["schema"]),
            core_schema.custom_error_schema(
                core_schema.literal_schema(list(supported)),
                custom_error_type="fh_schema_version",
                custom_error_message="Unknown schema_version; this library reads {supported}",
                custom_error_context={"supported": ", ".join(supported)},
            ),
        ]
    )


def _email(schema: dict[str, Any]) -> CoreSchema | None:
    """The JSON form of ``EmailAddress`` (the string check, the shape, then the model's
    check in Python) with the addresses of ``KEPT_EMAIL_PATTERN`` accepted as they are.

    Only while ``_email_fast.kept_as_written()``: :class:`JsonFastPath` checks that on
    every call and otherwise validates without this form.
    """
    steps = schema.get("steps") if schema.get("type") == "chain" else None
    if not steps or len(steps) != 3 or _function(steps[2], "function-plain") is not _email_check:
        return None
    checked = core_schema.chain_schema([dict(steps[1]), dict(steps[2])])
    kept = kept_or(KEPT_EMAIL_PATTERN, checked, max_length=MAX_EMAIL_LENGTH)
    return core_schema.chain_schema([dict(steps[0]), kept])


_FAST_FORMS = (("timestamp", _timestamp), ("date", _date), ("schema_version", _schema_version))
_EMAIL_FORM = (("email", _email),)


def _transform(node: Any, found: list[str], forms: Any = _FAST_FORMS) -> Any:
    """A copy of a core schema for JSON input, with the fast ``forms`` swapped in."""
    if isinstance(node, list):
        return [_transform(item, found, forms) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "json-or-python" and isinstance(node.get("json_schema"), dict):
        return _transform(node["json_schema"], found, forms)  # the branch JSON input takes
    for name, fast in forms:
        replaced = fast(node)
        if replaced is not None:
            found.append(name)
            return replaced
    return {
        key: value if key in ("metadata", "serialization") else _transform(value, found, forms)
        for key, value in node.items()
    }


class JsonFastPath(Generic[M]):
    """Validate JSON text against ``model`` when the answer is provably the reference's.

    :meth:`validate` returns the model, the issues, or ``None`` when the caller must take
    the reference path.
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.replaced: list[str] = []
        original = model.__pydantic_core_schema__
        self._config = _model_config(original)
        schema = _transform(original, self.replaced, _FAST_FORMS + _EMAIL_FORM)
        self._validator = _validator(schema, self._config)
        # Without the email form: for when email-validator's settings have changed.
        self._kept_emails = "email" in self.replaced
        self._plain: SchemaValidator | None = None
        # Whether a failing document's error inputs can stand for the limits walk (see
        # ``_inputs_bounded``), with either validator.
        self._inputs_decide = _inputs_bounded(schema) and _inputs_bounded(_transform(original, []))

    def _plain_validator(self) -> SchemaValidator:
        plain = self._plain
        if plain is None:
            schema = _transform(self.model.__pydantic_core_schema__, [])
            plain = self._plain = _validator(schema, self._config)
        return plain

    def validate(
        self, content: bytes | str, size: int, limits: ValidationLimits
    ) -> M | list[ValidationIssue] | None:
        """``content`` (``size`` bytes as UTF-8) validated, or ``None`` (not decided)."""
        if size > limits.max_bytes:
            return None
        if limits is not DEFAULT_LIMITS and needs_walk(limits):  # (the defaults need none)
            return None
        if _may_hold_nan(content):
            return None
        validator = self._validator
        if self._kept_emails and not _email_fast.kept_as_written():
            validator = self._plain_validator()
        try:
            value = validator.validate_json(content)
        except ValidationError as error:
            bound = None
            if self._inputs_decide and size <= limits.max_string_length:
                bound = _number_bound(limits.max_number_digits)
            found = _reference_issues(error, bound, limits.max_depth)
            if found is None:
                return None
            issues, bounded = found
            if not bounded and not within_limits(content, limits):
                return None
            return issues
        if not isinstance(value, self.model):  # pragma: no cover - a model schema gives one
            return None
        return value


_NON_FINITE: Final = SchemaValidator(core_schema.str_schema(pattern="NaN|Infinity"))
"""Finds ``NaN`` or ``Infinity`` in text, or in bytes that are UTF-8 (lax mode reads them
as text), with pydantic-core's regular expressions (Rust; a few times quicker here than
``bytes.find`` for each token's first character)."""


_may_hold_nan: Final[Callable[[bytes | str], bool]] = _NON_FINITE.isinstance_python
"""True if ``NaN`` or ``Infinity`` occurs anywhere in ``content`` (in a string too).

False for bytes that are not UTF-8: for those ``validate_json`` fails at the document's
root (invalid UTF-8 is invalid JSON), which the fast path never decides. (The validator's
own method, so that the check costs no Python call.)"""


def _model_config(schema: Any) -> Any:
    """The core config of the outermost model in ``schema`` (its errors hide the input)."""
    while isinstance(schema, dict):
        if schema.get("type") == "model":
            return schema.get("config")
        schema = schema.get("schema")
    return None


def _validator(schema: CoreSchema, config: Any) -> SchemaValidator:
    """A validator built from ``schema`` itself.

    By default pydantic-core reuses a model class's own validator for a ``model`` schema
    (its "prebuilt" validator), which would ignore the fast forms; turn that off. Should
    the switch go away, the model's own validators run: slower, the verdicts the same.
    """
    try:
        return SchemaValidator(schema, config, _use_prebuilt=False)
    except TypeError:  # pragma: no cover - a pydantic-core without the switch
        return SchemaValidator(schema, config)


def _reference_issues(
    error: ValidationError, bound: int | None = None, max_depth: int = 0
) -> tuple[list[ValidationIssue], bool] | None:
    """The issues the reference path reports for the document that raised ``error`` (the
    fast path's), and whether the errors' inputs show that the document keeps within the
    limits; or None where the issues cannot be told from ``error``.

    The second is True only when a ``bound`` is given (see :func:`_inputs_bounded`; the
    caller gives none where the schema or the limits do not allow it) and every error's
    input is a string, a float, a boolean, ``null`` or an integer strictly between
    ``-bound`` and ``bound``, at most ``max_depth`` deep. A ``missing`` field's input (the
    object it is missing from) does not count: its other parts are each validated or
    refused on their own.

    An error of a type in :data:`SAME_IN_BOTH_MODES` is as it is. ``list_type`` and
    ``model_type`` carry the same context in both modes but JSON mode's wording ("a valid
    array", "an object"); pydantic-core's own Python-mode wording is used. A
    ``FALLBACK`` is what the model's shape check says about the value, if it refuses it.
    """
    issues = []
    bounded = bound is not None
    for detail in error.errors(include_url=False):
        kind, loc, message = detail["type"], detail["loc"], detail["msg"]
        if not loc:
            return None  # the document itself: the reference path words these its own way
        if bounded:
            value = detail.get("input", _NO_INPUT)
            kind_of_value = value.__class__
            if kind_of_value is int:
                bounded = -bound < value < bound  # type: ignore[operator]
            elif kind_of_value not in _SCALARS and kind != "missing":
                bounded = False
            if len(loc) > max_depth:
                bounded = False
        if kind in _PYTHON_WORDING:
            message = PydanticKnownError(kind, detail.get("ctx")).message()  # type: ignore[arg-type]
        elif kind == FALLBACK:
            shape = _SHAPES[detail["ctx"]["shape"]]
            try:
                shape(detail["input"])
            except PydanticCustomError as refused:
                kind, message = refused.type, refused.message()
            else:
                return None  # the shape is right: parsing or the zone refused it
        elif kind not in SAME_IN_BOTH_MODES:
            return None
        issues.append(ValidationIssue(code_for(kind), json_pointer(loc), message))
    return issues, bounded


_NO_INPUT: Final = object()
_SCALARS: Final = frozenset({str, float, bool, type(None)})
"""JSON values other than integers that cannot break a limit in a document within
``max_string_length`` bytes (a float's ``repr`` is at most 24 characters)."""


def _number_bound(digits: int) -> int | None:
    """A bound on the integers whose ``repr`` has at most ``digits`` characters (a
    sign, then at most ``digits - 1`` digits), or None where floats could break it."""
    if digits < _LONGEST_FLOAT_REPR:
        return None
    return _BOUNDS.get(digits) or _BOUNDS.setdefault(digits, 10 ** (digits - 1))


_BOUNDS: dict[int, int] = {}


def _inputs_bounded(schema: Any) -> bool:
    """True if, for a JSON document that ``schema`` refuses, the inputs of its errors
    show whether it keeps within the default limits or looser ones (depth, strings,
    numbers), so that the limits walk over the whole text is not needed.

    Every part of such a document either validates or is the input of an error (or lies
    in one: a ``missing`` field's input is the object it is missing from, whose other
    parts are each validated or refused). A part that validates keeps within the limits
    when the schema's models forbid other keys, its containers nest at most as deep as
    the default ``max_depth``, every number it accepts is a float between bounds whose
    integers are shorter than a float's longest ``repr``, and every function sees a
    value only after a string check (a plain function in a chain's later step, or an
    "after" function). Any schema node this does not know makes it False.
    """
    depth = _bounded_depth(schema)
    return depth is not None and depth <= DEFAULT_LIMITS.max_depth


def _bounded_depth(node: Any, plain_allowed: bool = False) -> int | None:
    """The depth of containers ``node`` accepts, or None (see :func:`_inputs_bounded`)."""
    if not isinstance(node, dict):
        return None
    kind = node.get("type")
    if kind in _LEAVES and not node.get("coerce_numbers_to_str"):
        return 0
    if kind == "function-plain":
        return 0 if plain_allowed else None
    if kind == "float":
        limits = (node.get("ge"), node.get("le"), node.get("gt"), node.get("lt"))
        low = limits[0] if limits[0] is not None else limits[2]
        high = limits[1] if limits[1] is not None else limits[3]
        if low is None or high is None or max(abs(low), abs(high)) >= _FLOAT_BOUND:
            return None
        return 0
    if kind == "enum":
        return 0 if node.get("sub_type") == "str" else None
    if kind == "literal":
        return 0 if all(isinstance(v, str) for v in node.get("expected", ())) else None
    if kind == "chain":
        steps = node.get("steps") or [None]
        later_steps = [_bounded_depth(step, plain_allowed=True) for step in steps[1:]]
        return _deepest([_bounded_depth(steps[0]), *later_steps])
    if kind == "union":
        choices = [c[0] if isinstance(c, tuple) else c for c in node.get("choices", ())]
        return _deepest([_bounded_depth(choice) for choice in choices])
    if kind == "model":
        config = node.get("config") or {}
        inner = node.get("schema")
        if (
            config.get("extra_fields_behavior") != "forbid"
            or config.get("coerce_numbers_to_str")
            or not isinstance(inner, dict)
        ):
            return None
        if inner.get("type") != "model-fields" or inner.get("extra_behavior") not in (
            None,
            "forbid",
        ):
            return None
        fields = inner.get("fields", {}).values()
        deepest = _deepest([_bounded_depth(field) for field in fields]) if fields else 0
        return None if deepest is None else deepest + 1
    if kind == "list":
        depth = _bounded_depth(node.get("items_schema"))
        return None if depth is None else depth + 1
    if kind in _WRAPPERS:
        return _bounded_depth(node.get("schema"))
    return None


def _deepest(depths: list[int | None]) -> int | None:
    """The greatest of ``depths``, or None if one is None (or there are none)."""
    if not depths or None in depths:
        return None
    return max(depth for depth in depths if depth is not None)


_LEAVES: Final = frozenset({"str", "bool", "date", "datetime"})
_WRAPPERS: Final = frozenset(
    {"model-field", "default", "nullable", "custom-error", "function-after"}
)


_PYTHON_WORDING: Final = frozenset({"list_type", "model_type"})

_STRING_RE = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_EMPTY_PAIR_RE = re.compile(rb"\{\}|\[\]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DIGITS_AS_NINES = bytes.maketrans(b"012345678[", b"999999999{")
_LONGEST_FLOAT_REPR = 24
"""``repr`` of a float is at most 24 characters (``-2.2250738585072014e-308``)."""
_FLOAT_BOUND = 10.0 ** (_LONGEST_FLOAT_REPR - 1)
"""A float field whose bounds are inside this accepts no integer longer than that."""


def within_limits(content: bytes | str, limits: ValidationLimits) -> bool:
    """True only if the JSON document ``content`` (which must parse) cannot break
    ``limits``' depth, string or number bounds (:func:`~._limits.limit_problem`).

    Conservative, on the text: no string or key can be longer than the document; an
    integer's ``repr`` is its digits and sign as written (JSON has no leading zeros) and a
    float's is at most 24 characters, so a number can only break the bound if the text
    holds that many digits in a row; the nesting depth is counted on the brackets outside
    strings. ``False`` means "may break", never "breaks".
    """
    data = content.encode() if isinstance(content, str) else content
    if len(data) > limits.max_string_length:
        return False
    digits = limits.max_number_digits
    if digits < _LONGEST_FLOAT_REPR:
        return False
    view = data.translate(_DIGITS_AS_NINES)  # (and "[" as "{": one pass for both tests)
    if b"9" * digits in view:  # a run of that many digits
        return False
    if view.count(b"{") <= limits.max_depth:  # "{" and "[" together
        return True
    skeleton = _STRING_RE.sub(b"", data).translate(None, _NOT_BRACKETS)
    depth = 0
    while skeleton:
        skeleton, removed = _EMPTY_PAIR_RE.subn(b"", skeleton)
        depth += 1
        if not removed or depth > limits.max_depth:
            return False
    return True
