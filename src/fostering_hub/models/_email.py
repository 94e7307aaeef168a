"""Email addresses, validated with ``email-validator`` (syntax only, no DNS look-ups).

Addresses are normalised as ``email-validator`` does (the domain lower-cased). Quoted
local parts and non-ASCII addresses are refused so that every accepted address is also
accepted by JSON Schema's ``email`` format. ``email_validator`` loads on first use. Most
addresses are decided by ``_email_fast``, which does what ``email-validator`` does for
ASCII dot-atom addresses; anything it is unsure of goes to ``email-validator`` itself.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from ._email_fast import KEPT_TLDS, fast_email
from ._errors import fail
from ._json_fast import shape_then

# "$" is escaped inside the class: some JSON Schema tools rewrite a bare "$" as an anchor.
_ATOM = r"[A-Za-z0-9!#\$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: Dot-atom local part at a dotted domain, ASCII only: the texts both validators accept.
EMAIL_PATTERN = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+{_LABEL}$"
_EMAIL_RE = re.compile(EMAIL_PATTERN)
MAX_EMAIL_LENGTH = 254
_KEPT_UNIT = r"[a-z0-9_+-]"
_KEPT_LABEL = r"[a-z0-9](?:[a-z0-9]|-[a-z0-9]){0,30}"
#: Common addresses that ``normalise_email`` returns as they are while
#: ``_email_fast.kept_as_written()``: a lower-case local part of at most 63 characters
#: (letters, digits, ``_+-``, single dots inside), up to five lower-case labels of at most
#: 61 characters without ``--``, the last from ``KEPT_TLDS``. Used with a 254-character
#: limit by the handover validator's JSON fast path.
KEPT_EMAIL_PATTERN = (
    rf"^{_KEPT_UNIT}(?:{_KEPT_UNIT}|\.{_KEPT_UNIT}){{0,31}}"
    rf"@(?:{_KEPT_LABEL}\.){{1,4}}(?:{'|'.join(KEPT_TLDS)})$"
)


def normalise_email(value: str) -> str:
    """Return the normalised address, or raise ``ValueError`` (the message holds no input)."""
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL_RE.fullmatch(value):
        raise ValueError("not a valid email address")
    return _normalise_shaped(value)


def _normalise_shaped(value: str) -> str:
    """``normalise_email`` for a value within the length that matches ``EMAIL_PATTERN``."""
    fast = fast_email(value)
    if fast:
        return fast
    if fast is False:
        raise ValueError("not a valid email address")
    return library_email(value)


def library_email(value: str) -> str:
    """The reference check with ``email-validator`` alone (after the pattern and length).

    The fast path must agree with it on every input (``tests/test_fast_paths.py``).
    """
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL_RE.fullmatch(value):
        raise ValueError("not a valid email address")
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(
            value, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False
        )
    except EmailNotValidError:
        # email-validator's messages quote parts of the address: never pass them on.
        raise ValueError("not a valid email address") from None
    # An IDNA domain ("xn--...") comes back in Unicode; keep the ASCII form so that the
    # stored address is accepted again (and by JSON Schema's "email" format).
    normalized = str(result.normalized)
    return normalized if normalized.isascii() else str(result.ascii_email)


_MESSAGE = "Value is not a valid email address"


def _validate(value: str) -> str:
    try:
        return normalise_email(value)
    except ValueError:
        fail("fh_email", _MESSAGE)


def _validate_shaped(value: str) -> str:
    try:
        return _normalise_shaped(value)
    except ValueError:
        fail("fh_email", _MESSAGE)


EmailAddress = Annotated[
    str,
    Field(
        json_schema_extra={
            "format": "email",
            "pattern": EMAIL_PATTERN,
            "maxLength": MAX_EMAIL_LENGTH,
        },
        description="Email address (ASCII, no quoted local part); domain normalised to lower case.",
        examples=["jo.bloggs@example.com"],
    ),
    AfterValidator(_validate),
    shape_then(
        _validate,
        EMAIL_PATTERN,
        "fh_email",
        _MESSAGE,
        max_length=MAX_EMAIL_LENGTH,
        then=_validate_shaped,
    ),
]
"""A syntactically valid email address, normalised by ``email-validator``."""
