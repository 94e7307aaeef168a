"""UK postcodes: validated and normalised to upper case with one space ("sr13aa" -> "SR1 3AA").

Format (Royal Mail PAF / ONS Postcode Directory user guide): an outward code of area
letters and a district, then an inward code of a sector digit and two unit letters.
"GIR 0AA" is the one special postcode. Whether a postcode *exists* needs ONS data;
this type only checks the shape.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from ._errors import fail
from ._json_fast import shape_then

#: The accepted input, shared by the Python validator and the JSON Schema: any case,
#: an optional single space between outward and inward code, nothing around it.
POSTCODE_PATTERN = (
    r"^([Gg][Ii][Rr] ?0[Aa][Aa]|[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z][A-Za-z])$"
)
_POSTCODE_RE = re.compile(POSTCODE_PATTERN)
#: Postcodes already in the normalised form (which normalising leaves as they are).
NORMALISED_POSTCODE_PATTERN = r"^(GIR 0AA|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})$"


def normalise_postcode(value: str) -> str:
    """Return ``value`` as a normalised UK postcode, or raise ``ValueError``.

    >>> normalise_postcode("sr13aa")
    'SR1 3AA'
    """
    if not _POSTCODE_RE.fullmatch(value):
        raise ValueError("not a valid UK postcode")
    return _normalise_shaped(value)


def _normalise_shaped(value: str) -> str:
    """``normalise_postcode`` for a value that matches ``POSTCODE_PATTERN``."""
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_sector(postcode: str) -> str:
    """The sector of a normalised postcode: outward code plus the sector digit ("SR1 3")."""
    return normalise_postcode(postcode)[:-2]


def postcode_district(postcode: str) -> str:
    """The outward code (district) of a postcode ("SR1")."""
    return normalise_postcode(postcode).split(" ")[0]


_MESSAGE = "Value is not a valid UK postcode"


def _validate(value: str) -> str:
    try:
        return normalise_postcode(value)
    except ValueError:
        fail("fh_postcode", _MESSAGE)


Postcode = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": POSTCODE_PATTERN},
        description="UK postcode; normalised to upper case with one space (e.g. 'SR1 3AA').",
        examples=["SR1 3AA"],
    ),
    AfterValidator(_validate),
    shape_then(
        _validate,
        POSTCODE_PATTERN,
        "fh_postcode",
        _MESSAGE,
        then=_normalise_shaped,
        kept=NORMALISED_POSTCODE_PATTERN,
    ),
]
"""A UK postcode, normalised to upper case with one space."""
