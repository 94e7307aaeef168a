"""UK phone numbers, validated with ``phonenumbers`` and stored in E.164 ("+441914980123").

National ("0191 498 0123") and international ("+44 191 498 0123", "0044 191 498 0123")
input are accepted. Only numbers with the UK country code 44 are accepted, and only
those ``phonenumbers`` says are valid (so 07700 900xxx, Ofcom's drama mobile range, is
rejected while the drama landline ranges such as 0191 498 0xxx are accepted).
``phonenumbers`` is imported on first use, not when this module loads. Most numbers are
decided by ``_phone_fast``, which replays ``phonenumbers``' parsing and validation on its
own metadata; anything it is unsure of goes to ``phonenumbers`` itself.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from ._errors import fail
from ._json_fast import shape_then
from ._phone_fast import fast_uk_phone

#: The characters a phone number may be written with; checked before ``phonenumbers``
#: so that the JSON Schema and the Python validator accept the same texts (no letters,
#: no "tel:" URIs, no extensions).
PHONE_INPUT_PATTERN = r"^\+?[0-9][0-9 ()-]{5,24}[0-9]$"
E164_UK_PATTERN = r"^\+44[1-9][0-9]{8,9}$"
_INPUT_RE = re.compile(PHONE_INPUT_PATTERN)


def normalise_uk_phone(value: str) -> str:
    """Return ``value`` in E.164 if it is a valid UK number, else raise ``ValueError``.

    >>> normalise_uk_phone("0191 498 0123")
    '+441914980123'
    """
    if not _INPUT_RE.fullmatch(value):
        raise ValueError("not a UK phone number")
    return _normalise_shaped(value)


def _normalise_shaped(value: str) -> str:
    """``normalise_uk_phone`` for a value that matches ``PHONE_INPUT_PATTERN``."""
    fast = fast_uk_phone(value)
    if fast:
        return fast
    if fast is False:
        raise ValueError("not a UK phone number")
    return library_uk_phone(value)


def library_uk_phone(value: str) -> str:
    """The reference check with ``phonenumbers`` alone (after the input pattern).

    The fast path must agree with it on every input (``tests/test_fast_paths.py``).
    """
    if not _INPUT_RE.fullmatch(value):
        raise ValueError("not a UK phone number")
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValueError("not a UK phone number") from None
    if parsed.country_code != 44 or not phonenumbers.is_valid_number(parsed):
        raise ValueError("not a UK phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


_MESSAGE = "Value is not a valid UK phone number"


def _validate(value: str) -> str:
    try:
        return normalise_uk_phone(value)
    except ValueError:
        fail("fh_phone", _MESSAGE)


def _validate_shaped(value: str) -> str:
    try:
        return _normalise_shaped(value)
    except ValueError:
        fail("fh_phone", _MESSAGE)


UKPhoneNumber = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": PHONE_INPUT_PATTERN},
        description=(
            "UK phone number, national or international form; stored and sent in E.164 "
            "(e.g. '+441914980123')."
        ),
        examples=["+441914980123"],
    ),
    AfterValidator(_validate),
    shape_then(_validate, PHONE_INPUT_PATTERN, "fh_phone", _MESSAGE, then=_validate_shaped),
]
"""A valid UK phone number, normalised to E.164."""
