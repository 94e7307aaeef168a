"""The catalogue of wire-level error codes.

Every error a wire model can raise maps to one stable ``FH-...`` code. Codes never change
meaning; new ones are added at the end of their family. Families: ``FH-J`` the document
is not JSON, ``FH-S`` structure and JSON types, ``FH-T`` UK value types, ``FH-M`` rules a
model checks across its own fields, ``FH-C`` the hub config file. (Handover rules beyond
the model, ``FH-H``, are issue-4 work in :mod:`fostering_hub.validation`.)
"""

from __future__ import annotations

import attrs


@attrs.frozen
class ErrorCode:
    """A stable error code, what it means and the pydantic error types it covers."""

    code: str
    title: str
    error_types: frozenset[str] = frozenset()


def _code(code: str, title: str, *error_types: str) -> ErrorCode:
    return ErrorCode(code, title, frozenset(error_types))


ERROR_CODES: tuple[ErrorCode, ...] = (
    _code("FH-J001", "Not valid JSON (or not UTF-8)", "json_invalid", "fh_json_invalid"),
    _code("FH-J002", "Document is too large or nested too deeply", "fh_json_limits"),
    _code("FH-S001", "A required field is missing", "missing"),
    _code("FH-S002", "Unknown field", "extra_forbidden", "unexpected_keyword_argument"),
    _code(
        "FH-S003",
        "Wrong JSON type",
        "string_type",
        "string_unicode",
        "int_type",
        "int_parsing",
        "int_from_float",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "dict_type",
        "list_type",
        "tuple_type",
        "model_type",
        "model_attributes_type",
        "dataclass_type",
        "none_required",
        "datetime_type",
        "date_type",
        "is_instance_of",
        "frozen_set_type",
    ),
    _code("FH-S004", "Not one of the allowed values", "enum", "literal_error"),
    _code("FH-S005", "Too short, or too few items", "string_too_short", "too_short"),
    _code("FH-S006", "Too long, or too many items", "string_too_long", "too_long"),
    _code(
        "FH-S007",
        "Number out of range",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
    ),
    _code(
        "FH-S008",
        "Not a valid date or time",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_object_invalid",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "timezone_aware",
        "timezone_naive",
        "fh_datetime_range",
    ),
    _code(
        "FH-S009",
        "Not a valid URL",
        "url_parsing",
        "url_scheme",
        "url_type",
        "url_syntax_violation",
        "url_too_long",
    ),
    _code("FH-S010", "The same value is listed twice", "fh_duplicate_items"),
    _code("FH-S099", "Invalid value (no more specific code applies)"),
    _code("FH-T001", "Not a valid UK postcode", "fh_postcode"),
    _code("FH-T002", "Not a valid UK phone number", "fh_phone"),
    _code("FH-T003", "Not a valid email address", "fh_email"),
    _code("FH-T004", "Not a GSS local authority code", "fh_gss_code"),
    _code("FH-T005", "Not a DfE local authority number", "fh_dfe_number"),
    _code("FH-T006", "Not a valid identifier", "fh_identifier"),
    _code(
        "FH-T007", "Local time that does not exist in Europe/London", "fh_nonexistent_local_time"
    ),
    _code("FH-M001", "Illegal journey transition", "fh_illegal_transition"),
    _code("FH-M002", "Journey event dated before the one before it", "fh_event_out_of_order"),
    _code("FH-M003", "Withdrawal reason missing or misplaced", "fh_withdrawal_reason"),
    _code(
        "FH-M004",
        "Dates out of order within a record",
        "fh_consent_dates",
        "fh_callback_before_enquiry",
    ),
    _code("FH-M005", "Two cluster members share a code", "fh_duplicate_member"),
    _code("FH-M006", "The host LA is not a member of the cluster", "fh_host_not_member"),
    _code("FH-M007", "Unknown schema_version", "fh_schema_version"),
    _code("FH-M008", "Inconsistent hub configuration", "fh_config_inconsistent"),
    _code("FH-C001", "Hub config is not valid TOML", "fh_toml_invalid"),
    _code("FH-C002", "Not a duration such as '5 working days'", "fh_duration"),
    _code("FH-C003", "Unknown allocation policy, or options for one not in the chain"),
    _code("FH-C004", "Invalid allocation policy options (e.g. an unreadable lookup file)"),
)
"""Every wire-level error code, in catalogue order."""

FALLBACK_CODE = "FH-S099"
"""The code of a schema error no more specific code covers (any other pydantic error
type)."""

_BY_TYPE: dict[str, str] = {
    error_type: entry.code for entry in ERROR_CODES for error_type in entry.error_types
}
_BY_CODE: dict[str, ErrorCode] = {entry.code: entry for entry in ERROR_CODES}


def code_for(error_type: str) -> str:
    """The stable code for a pydantic error ``type`` (``FH-S099`` if none is specific)."""
    return _BY_TYPE.get(error_type, FALLBACK_CODE)


def describe(code: str) -> ErrorCode:
    """The catalogue entry for ``code``. Raises ``KeyError`` for an unknown code."""
    return _BY_CODE[code]


def render_markdown() -> str:
    """The catalogue as a Markdown table (``docs/error-codes.md`` embeds it)."""
    lines = ["| code | meaning |", "| --- | --- |"]
    lines += [f"| `{entry.code}` | {entry.title} |" for entry in ERROR_CODES]
    return "\n".join(lines) + "\n"
