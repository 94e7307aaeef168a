"""Local authority identifiers: ONS GSS codes and DfE LA numbers.

GSS codes (ONS Register of Geographic Codes): E06 unitary authority, E07 district,
E08 metropolitan borough, E09 London borough, E10 county, then six digits.
DfE LA numbers are three digits (e.g. Sunderland 394).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from ._errors import fail
from ._json_fast import shape_then

GSS_CODE_PATTERN = r"^E(0[6-9]|10)[0-9]{6}$"
DFE_NUMBER_PATTERN = r"^[0-9]{3}$"
_GSS_RE = re.compile(GSS_CODE_PATTERN)
_DFE_RE = re.compile(DFE_NUMBER_PATTERN)


_GSS_MESSAGE = "Value is not a GSS local authority code (E06-E10 and six digits)"
_DFE_MESSAGE = "Value is not a DfE local authority number (three digits)"


def _gss(value: str) -> str:
    if not _GSS_RE.fullmatch(value):
        fail("fh_gss_code", _GSS_MESSAGE)
    return value


def _dfe(value: str) -> str:
    if not _DFE_RE.fullmatch(value):
        fail("fh_dfe_number", _DFE_MESSAGE)
    return value


GSSCode = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": GSS_CODE_PATTERN},
        description="ONS GSS code of an English local authority (E06, E07, E08, E09 or E10).",
        examples=["E08000024"],
    ),
    AfterValidator(_gss),
    shape_then(_gss, GSS_CODE_PATTERN, "fh_gss_code", _GSS_MESSAGE),
]
"""An ONS GSS code of an English local authority, e.g. ``E08000024`` (Sunderland)."""

DfENumber = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": DFE_NUMBER_PATTERN},
        description="DfE three-digit local authority number.",
        examples=["394"],
    ),
    AfterValidator(_dfe),
    shape_then(_dfe, DFE_NUMBER_PATTERN, "fh_dfe_number", _DFE_MESSAGE),
]
"""A DfE three-digit local authority number, e.g. ``"394"`` (Sunderland)."""

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
_ID_RE = re.compile(IDENTIFIER_PATTERN)


_ID_MESSAGE = "Value is not an identifier (1-64 letters, digits, '.', '_', ':' or '-')"


def _identifier(value: str) -> str:
    if not _ID_RE.fullmatch(value):
        fail("fh_identifier", _ID_MESSAGE)
    return value


Identifier = Annotated[
    str,
    Field(
        json_schema_extra={"pattern": IDENTIFIER_PATTERN},
        description="A reference such as an enquiry id: 1-64 letters, digits, '.', '_', ':', '-'.",
        examples=["NE-2024-000123"],
    ),
    AfterValidator(_identifier),
    shape_then(_identifier, IDENTIFIER_PATTERN, "fh_identifier", _ID_MESSAGE),
]
"""A system reference (enquiry id, hub id): 1-64 letters, digits, ``.``, ``_``, ``:``, ``-``."""
