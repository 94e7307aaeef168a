"""The error-code catalogue covers every error the library raises."""

from __future__ import annotations

import re
from pathlib import Path

from fostering_hub.validation import ERROR_CODES, FALLBACK_CODE, code_for, describe

SRC = Path(__file__).resolve().parent.parent / "src" / "fostering_hub"


def test_codes_are_unique_and_well_formed() -> None:
    codes = [entry.code for entry in ERROR_CODES]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"FH-[JSTMC][0-9]{3}", code) for code in codes)
    types = [t for entry in ERROR_CODES for t in entry.error_types]
    assert len(types) == len(set(types)), "an error type maps to two codes"


def test_every_custom_error_type_has_a_code() -> None:
    raised = set()
    for path in SRC.rglob("*.py"):
        raised |= set(re.findall(r'"(fh_[a-z_]+)"', path.read_text()))
    assert raised, "the scan found nothing: the test is broken"
    missing = {t for t in raised if code_for(t) == FALLBACK_CODE}
    assert not missing, f"error types without a catalogue code: {sorted(missing)}"


def test_describe() -> None:
    assert describe("FH-T001").title == "Not a valid UK postcode"
    assert code_for("some_new_pydantic_type") == FALLBACK_CODE


def test_docs_table_is_generated_from_the_catalogue() -> None:
    from fostering_hub.validation._codes import render_markdown

    generated = SRC.parent.parent / "docs" / "_generated" / "error-codes.md"
    assert generated.read_text(encoding="utf-8") == render_markdown(), (
        "docs/_generated/error-codes.md is stale: run `make generated`"
    )
