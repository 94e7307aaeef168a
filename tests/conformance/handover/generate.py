"""Regenerate the handover conformance suite: ``valid/``, ``invalid/`` and ``manifest.json``.

Run from anywhere with the package installed::

    python tests/conformance/handover/generate.py

Every payload starts from ``Handover.example()`` and changes a few fields. What each file
must produce is declared here by hand (it is the specification, not a recording of what
the Python validator happens to say): ``tests/test_conformance.py`` checks the Python
validator against it, and Ajv against ``schema_valid``. The expectations hold for the
North East hub config (``load_config()``), the clock ``2026-01-01T00:00:00Z`` and
``strict=False``. The script deletes and rewrites ``valid/*.json`` and ``invalid/*.json``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fostering_hub.models import Handover

HERE = Path(__file__).resolve().parent
CLOCK = "2026-01-01T00:00:00Z"
CONFIG = "north-east (fostering_hub.config.load_config())"
DELETE = object()
"""A value for :func:`edit` that removes the key."""


@dataclass
class Case:
    """One payload and what a conforming validator must say about it."""

    name: str
    description: str
    payload: Any
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    schema_valid: bool | None = None
    """Whether a JSON Schema validator accepts it; defaults to "no errors"."""
    known_gap: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def file(self) -> str:
        return f"{'valid' if self.valid else 'invalid'}/{self.name}.json"

    def content(self) -> bytes:
        if isinstance(self.payload, bytes):
            return self.payload
        return (json.dumps(self.payload, indent=2, ensure_ascii=False) + "\n").encode()

    def entry(self) -> dict[str, Any]:
        schema_valid = self.valid if self.schema_valid is None else self.schema_valid
        entry: dict[str, Any] = {
            "file": self.file,
            "description": self.description,
            "valid": self.valid,
            "schema_valid": schema_valid,
            "errors": [{"code": c, "path": p} for c, p in sorted(self.errors)],
            "warnings": [{"code": c, "path": p} for c, p in sorted(self.warnings)],
        }
        if self.known_gap:
            entry["known_gap"] = self.known_gap
        return entry


def base() -> dict[str, Any]:
    """``Handover.example()`` as JSON, without the null optional fields."""
    return json.loads(Handover.example().model_dump_json(exclude_none=True))


def _parse_pointer(pointer: str) -> list[str | int]:
    parts: list[str | int] = []
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        parts.append(int(part) if part.isdigit() else part)
    return parts


def edit(document: Any, changes: dict[str, Any]) -> Any:
    """A copy of ``document`` with each JSON pointer set (or removed, for :data:`DELETE`)."""
    result = copy.deepcopy(document)
    for pointer, value in changes.items():
        *parents, last = _parse_pointer(pointer)
        target = result
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list) and last == len(target):
            target.append(copy.deepcopy(value))
        else:
            target[last] = copy.deepcopy(value)
    return result


def journey(*events: tuple[str, str] | tuple[str, str, str]) -> list[dict[str, str]]:
    """Journey events from ``(stage, at)`` or ``(stage, at, reason)``."""
    out = []
    for event in events:
        item = {"stage": event[0], "at": event[1]}
        if len(event) == 3:
            item["reason"] = event[2]
        out.append(item)
    return out


def handed_over(at: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """``document`` (default: the example) handed over at ``at``, journey included."""
    document = base() if document is None else document
    return edit(
        document, {"/handed_over_at": at, f"/journey/{len(document['journey']) - 1}/at": at}
    )


SECOND_APPLICANT = {
    "first_name": "Sam",
    "last_name": "Example",
    "date_of_birth": "1987-11-02",
    "email": "sam.example@example.org",
    "preferred_contact_method": "email",
}


def valid_cases() -> list[Case]:
    ex = base()
    full = json.loads(Handover.example().model_dump_json())
    cases = [
        Case(
            "example",
            "Handover.example() as the library serialises it, nulls included.",
            full,
        ),
        Case(
            "two_applicants",
            "A joint application: two applicants, joint_application true; a national phone "
            "number with spaces.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/phone": "0191 498 0001",
                    "/applicants/1": SECOND_APPLICANT,
                },
            ),
        ),
        Case(
            "naive_london_timestamps",
            "Timestamps without an offset are Europe/London local time (BST in May, GMT in "
            "January); a space instead of T, and no seconds, are allowed.",
            edit(
                ex,
                {
                    "/handed_over_at": "2024-05-20 10:00",
                    "/consents/0/given_at": "2024-04-02T09:00:00",
                    "/consents/0/expires_at": "2025-01-15T09:00:00",
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00"),
                        ("first_contact", "2024-04-02 15:00"),
                        ("initial_visit", "2024-04-16T11:00:00.250"),
                        ("eoi", "2024-05-07T10:00"),
                        ("handed_over", "2024-05-20T10:00:00"),
                    ),
                },
            ),
        ),
        Case(
            "mixed_offsets_same_instant",
            "Z, +00:00 and +01:00 name the same instants: handed_over_at (Z) equals the last "
            "journey event (+01:00), so the journey ends at the handover.",
            edit(
                ex,
                {
                    "/handed_over_at": "2024-05-20T09:00:00Z",
                    "/consents/0/given_at": "2024-04-02T08:00:00+00:00",
                    "/journey/4/at": "2024-05-20T10:00:00+01:00",
                },
            ),
        ),
        Case(
            "ambiguous_local_time",
            "A naive time in the hour repeated when BST ends (27 October 2024, 01:30) is read "
            "as the first occurrence, in BST.",
            edit(
                ex,
                {
                    "/handed_over_at": "2024-10-27T01:30:00",
                    "/journey/4/at": "2024-10-27T00:30:00Z",
                },
            ),
        ),
        Case(
            "phone_formats",
            "National ('0191-498-0001') and international ('0044 191 498 0002') phone "
            "formats, normalised to E.164.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/phone": "0191-498-0001",
                    "/applicants/1": {**SECOND_APPLICANT, "phone": "0044 191 498 0002"},
                },
            ),
        ),
        Case(
            "postcode_formats",
            "Lower-case postcodes without a space ('sr13aa'), and the special 'gir0aa'.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/address/postcode": "sr13aa",
                    "/applicants/1": {
                        **SECOND_APPLICANT,
                        "address": {"line1": "Girobank", "postcode": "gir0aa"},
                    },
                },
            ),
        ),
        Case(
            "minimal",
            "Only the required fields, plus first_conversation_summary (the North East "
            "profile requires it); every optional field absent.",
            {
                "schema_version": "1.0",
                "handover_id": "H",
                "hub_id": "north-east",
                "enquiry_id": "E1",
                "handed_over_at": "2024-05-20T10:00:00+01:00",
                "receiving_la": "E06000001",
                "allocation": {"policy": "preference", "reasons": ["Asked for Hartlepool"]},
                "channel": "phone",
                "applicants": [{"first_name": "A", "last_name": "B"}],
                "consents": [
                    {
                        "purpose": "share_with_la",
                        "policy_version": "1",
                        "given_at": "2024-04-02T09:00:00+01:00",
                        "means": "phone",
                    }
                ],
                "journey": journey(
                    ("enquired", "2024-04-02T09:00:00+01:00"),
                    ("handed_over", "2024-05-20T10:00:00+01:00"),
                ),
                "first_conversation_summary": "Called back the same day.",
            },
        ),
        Case(
            "optional_nulls",
            "Every optional field present as null, and empty household and interests lists.",
            edit(
                full,
                {
                    "/source": None,
                    "/joint_application": None,
                    "/applicants/0": {
                        "first_name": "Alex",
                        "last_name": "Example",
                        "date_of_birth": None,
                        "phone": None,
                        "email": None,
                        "address": None,
                        "preferred_contact_method": None,
                        "preferred_contact_times": None,
                    },
                    "/household": [],
                    "/interests": [],
                    "/initial_visit_outcome": None,
                    "/initial_visit_notes": None,
                    "/buddy_assigned": False,
                    "/buddy_reference": None,
                },
            ),
        ),
        Case(
            "max_length_strings",
            "Every string at its maximum length (notes at the North East profile's 2000, a "
            "254-character email, 64-character identifiers).",
            edit(
                ex,
                {
                    "/handover_id": "H" + "x" * 63,
                    "/enquiry_id": "E" + "-" * 63,
                    "/allocation/policy": "p" * 64,
                    "/allocation/reasons": ["r" * 500],
                    "/source": "s" * 100,
                    "/applicants/0/first_name": "F" * 100,
                    "/applicants/0/last_name": "L" * 100,
                    "/applicants/0/email": "e" * 64
                    + "@"
                    + "a" * 63
                    + "."
                    + "b" * 63
                    + "."
                    + "c" * 57
                    + ".com",
                    "/applicants/0/preferred_contact_times": "t" * 200,
                    "/applicants/0/address": {
                        "line1": "1" * 200,
                        "line2": "2" * 200,
                        "town": "T" * 100,
                        "postcode": "SR1 3AA",
                    },
                    "/household/0/first_name": "H" * 100,
                    "/consents/0/policy_version": "v" * 50,
                    "/first_conversation_summary": "f" * 2000,
                    "/initial_visit_notes": "n" * 2000,
                    "/buddy_reference": "B" * 64,
                },
            ),
        ),
        Case(
            "unicode_max_length",
            "Lengths count Unicode code points, not UTF-16 units or bytes: names of 100 "
            "characters outside the Basic Multilingual Plane, and Welsh and Irish names.",
            edit(
                ex,
                {
                    "/applicants/0/first_name": "\U0001d49c" * 100,
                    "/applicants/0/last_name": "Ó Súilleabháin-Siân",
                    "/first_conversation_summary": "\U0001f600" * 2000,
                },
            ),
        ),
        Case(
            "max_items",
            "Every list at its maximum size: 20 household members, 20 reasons, 50 consents "
            "and a 100-event journey (pauses alternating).",
            edit(
                ex,
                {
                    "/allocation/reasons": [f"Reason {i}" for i in range(20)],
                    "/household": [
                        {"relationship": "other", "first_name": f"M{i}"} for i in range(20)
                    ],
                    "/consents": [
                        {
                            "purpose": "share_with_la" if i == 0 else "research",
                            "policy_version": "2024-01",
                            "given_at": f"2024-04-02T09:{i:02d}:00+01:00",
                            "means": "web_form",
                        }
                        for i in range(50)
                    ],
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00+01:00"),
                        *[
                            (
                                "on_hold" if i % 2 == 0 else "keep_in_touch",
                                f"2024-04-{3 + i // 24:02d}T{i % 24:02d}:00:00+01:00",
                            )
                            for i in range(95)
                        ],
                        ("first_contact", "2024-04-10T09:00:00+01:00"),
                        ("initial_visit", "2024-04-16T11:00:00+01:00"),
                        ("eoi", "2024-05-07T10:00:00+01:00"),
                        ("handed_over", "2024-05-20T10:00:00+01:00"),
                    ),
                },
            ),
        ),
        Case(
            "journey_pauses_and_skips",
            "A journey that pauses (on_hold, keep_in_touch), skips initial_visit, and has two "
            "events at the same instant.",
            edit(
                ex,
                {
                    "/initial_visit_outcome": DELETE,
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00+01:00"),
                        ("on_hold", "2024-04-02T09:00:00+01:00"),
                        ("first_contact", "2024-04-10T15:00:00+01:00"),
                        ("keep_in_touch", "2024-04-11T10:00:00+01:00"),
                        ("on_hold", "2024-04-20T10:00:00+01:00"),
                        ("eoi", "2024-05-07T10:00:00+01:00"),
                        ("handed_over", "2024-05-20T10:00:00+01:00"),
                    ),
                },
            ),
        ),
        Case(
            "former_gss_code",
            "The receiving LA given by its pre-2013 GSS code (Gateshead, E08000020): former "
            "codes of members count as members (FH-H001).",
            edit(ex, {"/receiving_la": "E08000020"}),
        ),
        Case(
            "postcode_allocation",
            "Allocated by the postcode policy; SR1 is in Sunderland in the North East sample "
            "lookup, so FH-H009 passes. confidence may be an integer.",
            edit(ex, {"/allocation": {"policy": "postcode", "reasons": ["SR1"], "confidence": 1}}),
        ),
        Case(
            "consent_lifecycle",
            "Two share_with_la records: one withdrawn before the handover, one in force (it "
            "is withdrawn later, before the clock, and has an expiry after the handover).",
            edit(
                ex,
                {
                    "/consents/0/withdrawn_at": "2024-04-03T09:00:00+01:00",
                    "/consents/1": {
                        "purpose": "share_with_la",
                        "lawful_basis": "consent",
                        "policy_version": "2024-02",
                        "given_at": "2024-04-10T09:00:00+01:00",
                        "means": "email",
                        "withdrawn_at": "2025-06-01T09:00:00+01:00",
                        "expires_at": "2026-04-10T09:00:00+01:00",
                    },
                },
            ),
        ),
        Case(
            "at_the_clock",
            "Handed over at exactly the validation clock (2026-01-01T00:00:00Z, naive "
            "midnight in GMT): not in the future (FH-H005 is strictly later).",
            handed_over("2026-01-01T00:00:00"),
        ),
        Case(
            "adult_on_london_date",
            "Enquired at 23:30 UTC on 1 April 2024, which is 2 April in London: an applicant "
            "born 2 April 2006 is 18 on the London date (FH-H008).",
            edit(
                ex,
                {
                    "/applicants/0/date_of_birth": "2006-04-02",
                    "/journey/0/at": "2024-04-01T23:30:00Z",
                    "/consents/0/given_at": "2024-04-01T23:30:00Z",
                },
            ),
        ),
        Case(
            "warning_duplicate_household_member",
            "The same household member twice: a warning (FH-H010), valid unless strict.",
            edit(ex, {"/household/1": ex["household"][0]}),
            warnings=[("FH-H010", "/household/1")],
        ),
        Case(
            "warning_duplicate_consent",
            "The same consent record twice: a warning (FH-H011), valid unless strict.",
            edit(ex, {"/consents/1": ex["consents"][0]}),
            warnings=[("FH-H011", "/consents/1")],
        ),
    ]
    return cases


def _deep(levels: int) -> Any:
    value: Any = []
    for _ in range(levels):
        value = [value]
    return value


def invalid_cases() -> list[Case]:
    ex = base()
    text = json.dumps(ex, indent=2).encode()
    return [
        # The document: FH-J
        Case(
            "not_json",
            "Truncated JSON text.",
            text[: len(text) // 2],
            errors=[("FH-J001", "")],
            schema_valid=False,
        ),
        Case(
            "not_utf8",
            "A byte that is not UTF-8 (Latin-1 'é') inside a string.",
            text.replace(b'"Alex"', b'"Alex\xe9"'),
            errors=[("FH-J001", "")],
            schema_valid=False,
        ),
        Case(
            "utf8_bom",
            "The example preceded by a UTF-8 byte order mark (RFC 8259 forbids sending one).",
            b"\xef\xbb\xbf" + text,
            errors=[("FH-J001", "")],
            schema_valid=False,
        ),
        Case(
            "lone_surrogate",
            "A \\ud800 escape with no low surrogate: JSON.parse accepts it, but it is not "
            "Unicode text and the Python validator refuses it as invalid JSON.",
            text.replace(b'"Alex"', b'"Alex\\ud800"'),
            errors=[("FH-J001", "")],
            schema_valid=True,
        ),
        Case(
            "too_deep",
            "An unknown field nested 40 arrays deep (the limit is 32 levels).",
            edit(ex, {"/nested": _deep(40)}),
            errors=[("FH-J002", "/nested" + "/0" * 32)],
            schema_valid=False,
        ),
        Case(
            "string_over_limit",
            "A 100,001-character string (the document limit is 100,000; the field's 5,000).",
            edit(ex, {"/initial_visit_notes": "n" * 100_001}),
            errors=[("FH-J002", "/initial_visit_notes")],
            schema_valid=False,
        ),
        Case(
            "number_over_limit",
            "A 31-digit number (the document limit is 30 characters).",
            edit(ex, {"/allocation/confidence": 10**30}),
            errors=[("FH-J002", "/allocation/confidence")],
            schema_valid=False,
        ),
        Case(
            "array_not_object",
            "The payload wrapped in an array.",
            [ex],
            errors=[("FH-S003", "")],
        ),
        Case(
            "string_not_object",
            "A JSON string instead of an object.",
            "handover",
            errors=[("FH-S003", "")],
        ),
        # Structure and JSON types: FH-S
        Case(
            "missing_required_field",
            "handover_id is missing.",
            edit(ex, {"/handover_id": DELETE}),
            errors=[("FH-S001", "/handover_id")],
        ),
        Case(
            "missing_nested_field",
            "An applicant without last_name and a consent without means.",
            edit(ex, {"/applicants/0/last_name": DELETE, "/consents/0/means": DELETE}),
            errors=[("FH-S001", "/applicants/0/last_name"), ("FH-S001", "/consents/0/means")],
        ),
        Case(
            "unknown_field",
            "An unknown top-level field ('notes') and an unknown applicant field.",
            edit(ex, {"/notes": "x", "/applicants/0/middle_name": "J"}),
            errors=[("FH-S002", "/notes"), ("FH-S002", "/applicants/0/middle_name")],
        ),
        Case(
            "wrong_json_types",
            "Wrong JSON types: a string for a boolean, a string for an array, a number for a "
            "string, a number for schema_version, a string for a number.",
            edit(
                ex,
                {
                    "/buddy_assigned": "true",
                    "/allocation/reasons": "Pays council tax to Sunderland",
                    "/allocation/confidence": "0.9",
                    "/household/0/first_name": 42,
                    "/joint_application": 0,
                },
            ),
            errors=[
                ("FH-S003", "/buddy_assigned"),
                ("FH-S003", "/allocation/reasons"),
                ("FH-S003", "/allocation/confidence"),
                ("FH-S003", "/household/0/first_name"),
                ("FH-S003", "/joint_application"),
            ],
        ),
        Case(
            "null_required_field",
            "A required object given as null.",
            edit(ex, {"/allocation": None}),
            errors=[("FH-S003", "/allocation")],
        ),
        Case(
            "bad_enum",
            "Values outside their enumerations: channel, a journey stage, a consent purpose.",
            edit(
                ex,
                {
                    "/channel": "fax",
                    "/journey/1/stage": "interviewed",
                    "/consents/0/purpose": "share",
                },
            ),
            errors=[
                ("FH-S004", "/channel"),
                ("FH-S004", "/journey/1/stage"),
                ("FH-S004", "/consents/0/purpose"),
            ],
        ),
        Case(
            "empty_string",
            "Empty strings where at least one character is needed.",
            edit(ex, {"/applicants/0/address/line1": "", "/source": ""}),
            errors=[("FH-S005", "/applicants/0/address/line1"), ("FH-S005", "/source")],
        ),
        Case(
            "no_applicants",
            "An empty applicants list (one or two needed).",
            edit(ex, {"/applicants": []}),
            errors=[("FH-S005", "/applicants")],
        ),
        Case(
            "string_too_long",
            "A 101-character first name and a 5,001-character note.",
            edit(ex, {"/applicants/0/first_name": "F" * 101, "/initial_visit_notes": "n" * 5001}),
            errors=[("FH-S006", "/applicants/0/first_name"), ("FH-S006", "/initial_visit_notes")],
        ),
        Case(
            "too_many_applicants",
            "Three applicants (at most two).",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/1": SECOND_APPLICANT,
                    "/applicants/2": SECOND_APPLICANT,
                },
            ),
            errors=[("FH-S006", "/applicants")],
        ),
        Case(
            "number_out_of_range",
            "An allocation confidence above 1.",
            edit(ex, {"/allocation/confidence": 1.5}),
            errors=[("FH-S007", "/allocation/confidence")],
        ),
        Case(
            "bad_date_of_birth",
            "30 February as a date of birth (JSON Schema catches it with format 'date').",
            edit(ex, {"/applicants/0/date_of_birth": "1985-02-30"}),
            errors=[("FH-S008", "/applicants/0/date_of_birth")],
        ),
        Case(
            "date_of_birth_year_zero",
            "Year 0000: the pattern and RFC 3339 'date' allow it, a calendar does not.",
            edit(ex, {"/applicants/0/date_of_birth": "0000-01-01"}),
            errors=[("FH-S008", "/applicants/0/date_of_birth")],
            schema_valid=True,
        ),
        Case(
            "bad_timestamp_shape",
            "A timestamp that is not ISO 8601 ('20/05/2024 10:00'), and a date with no time.",
            edit(ex, {"/handed_over_at": "20/05/2024 10:00", "/consents/0/given_at": "2024-04-02"}),
            errors=[("FH-S008", "/handed_over_at"), ("FH-S008", "/consents/0/given_at")],
        ),
        Case(
            "impossible_timestamp",
            "ISO-8601-shaped timestamps that name no instant: 31 April, hour 25, offset +25:00.",
            edit(
                ex,
                {
                    "/consents/0/given_at": "2024-04-31T09:00:00+01:00",
                    "/journey/0/at": "2024-04-02T25:00:00+01:00",
                    "/journey/1/at": "2024-04-02T15:00:00+25:00",
                },
            ),
            errors=[
                ("FH-S008", "/consents/0/given_at"),
                ("FH-S008", "/journey/0/at"),
                ("FH-S008", "/journey/1/at"),
            ],
            schema_valid=True,
        ),
        Case(
            "duplicate_interests",
            "The same fostering interest twice.",
            edit(ex, {"/interests": ["long_term", "short_breaks", "long_term"]}),
            errors=[("FH-S010", "/interests")],
        ),
        # UK value types: FH-T
        Case(
            "bad_postcode",
            "Postcodes of the wrong shape: a missing unit letter, and two spaces.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/address/postcode": "SR1 3A",
                    "/applicants/1": {
                        **SECOND_APPLICANT,
                        "address": {"line1": "2 Example Street", "postcode": "SR1  3AA"},
                    },
                },
            ),
            errors=[
                ("FH-T001", "/applicants/0/address/postcode"),
                ("FH-T001", "/applicants/1/address/postcode"),
            ],
        ),
        Case(
            "bad_phone_characters",
            "Phone numbers with letters ('0191 498 0001 ext 2') or a 'tel:' prefix.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/phone": "0191 498 0001 ext 2",
                    "/applicants/1": {**SECOND_APPLICANT, "phone": "tel:+441914980002"},
                },
            ),
            errors=[("FH-T002", "/applicants/0/phone"), ("FH-T002", "/applicants/1/phone")],
        ),
        Case(
            "bad_phone_number",
            "Phone numbers of the accepted shape that are not valid UK numbers: Ofcom's drama "
            "mobile range (07700 900xxx) and a French number.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/phone": "07700 900123",
                    "/applicants/1": {**SECOND_APPLICANT, "phone": "+33 1 23 45 67 89"},
                },
            ),
            errors=[("FH-T002", "/applicants/0/phone"), ("FH-T002", "/applicants/1/phone")],
            schema_valid=True,
        ),
        Case(
            "bad_email_shape",
            "Email addresses of the wrong shape: no @, and a quoted local part.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/email": "alex(at)example.com",
                    "/applicants/1": {**SECOND_APPLICANT, "email": '"sam example"@example.org'},
                },
            ),
            errors=[("FH-T003", "/applicants/0/email"), ("FH-T003", "/applicants/1/email")],
        ),
        Case(
            "bad_email_domain",
            "Email addresses of the accepted shape whose domains cannot receive mail: a "
            "special-use name (.invalid) and an all-numeric top-level domain.",
            edit(
                ex,
                {
                    "/joint_application": True,
                    "/applicants/0/email": "alex@example.invalid",
                    "/applicants/1": {**SECOND_APPLICANT, "email": "sam@example.123"},
                },
            ),
            errors=[("FH-T003", "/applicants/0/email"), ("FH-T003", "/applicants/1/email")],
            schema_valid=True,
        ),
        Case(
            "bad_gss_code",
            "A GSS code that is not a local authority's (E12: a region).",
            edit(ex, {"/receiving_la": "E12000001"}),
            errors=[("FH-T004", "/receiving_la")],
        ),
        Case(
            "bad_identifier",
            "Identifiers with a space and a slash, and one of 65 characters.",
            edit(ex, {"/handover_id": "HO 2024/0001", "/buddy_reference": "B" * 65}),
            errors=[("FH-T006", "/handover_id"), ("FH-T006", "/buddy_reference")],
        ),
        Case(
            "nonexistent_local_time",
            "A naive time in the hour skipped when BST starts (31 March 2024, 01:30).",
            edit(ex, {"/journey/0/at": "2024-03-31T01:30:00"}),
            errors=[("FH-T007", "/journey/0/at")],
            schema_valid=True,
        ),
        # Rules a model checks across its own fields: FH-M
        Case(
            "illegal_transition",
            "A milestone out of order: first_contact after eoi.",
            edit(
                ex,
                {
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00+01:00"),
                        ("eoi", "2024-05-07T10:00:00+01:00"),
                        ("first_contact", "2024-05-08T10:00:00+01:00"),
                        ("handed_over", "2024-05-20T10:00:00+01:00"),
                    )
                },
            ),
            errors=[("FH-M001", "/journey/2/stage")],
            schema_valid=True,
        ),
        Case(
            "journey_not_starting_enquired",
            "A journey whose first event is not 'enquired'.",
            edit(ex, {"/journey": ex["journey"][1:]}),
            errors=[("FH-M001", "/journey/0/stage")],
            schema_valid=True,
        ),
        Case(
            "handover_after_withdrawal",
            "A handover after the household withdrew (withdrawn ends a journey).",
            edit(
                ex,
                {
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00+01:00"),
                        ("first_contact", "2024-04-02T15:00:00+01:00"),
                        ("withdrawn", "2024-04-20T10:00:00+01:00", "AW3"),
                        ("handed_over", "2024-05-20T10:00:00+01:00"),
                    )
                },
            ),
            errors=[("FH-M001", "/journey/3/stage")],
            schema_valid=True,
        ),
        Case(
            "event_out_of_order",
            "first_contact dated before enquired.",
            edit(ex, {"/journey/1/at": "2024-04-01T15:00:00+01:00"}),
            errors=[("FH-M002", "/journey/1/at")],
            schema_valid=True,
        ),
        Case(
            "reason_without_withdrawal",
            "A withdrawal reason on an event that is not a withdrawal.",
            edit(ex, {"/journey/3/reason": "AW1"}),
            errors=[("FH-M003", "/journey/3/reason")],
            schema_valid=True,
        ),
        Case(
            "withdrawal_without_reason",
            "A withdrawal with no reason code.",
            edit(
                ex,
                {
                    "/journey": journey(
                        ("enquired", "2024-04-02T09:00:00+01:00"),
                        ("withdrawn", "2024-04-20T10:00:00+01:00"),
                        ("handed_over", "2024-05-20T10:00:00+01:00"),
                    )
                },
            ),
            errors=[("FH-M003", "/journey/1/reason")],
            schema_valid=True,
        ),
        Case(
            "consent_dates_out_of_order",
            "A consent withdrawn before it was given.",
            edit(ex, {"/consents/0/withdrawn_at": "2024-04-01T09:00:00+01:00"}),
            errors=[("FH-M004", "/consents/0")],
            schema_valid=True,
        ),
        Case(
            "unknown_schema_version",
            "schema_version '2.0' (this library reads '1.0').",
            edit(ex, {"/schema_version": "2.0"}),
            errors=[("FH-M007", "/schema_version")],
        ),
        # Handover rules: FH-H (all schema-valid)
        Case(
            "receiving_la_not_member",
            "The receiving LA (Birmingham, E08000025) is not a North East member.",
            edit(ex, {"/receiving_la": "E08000025"}),
            errors=[("FH-H001", "/receiving_la")],
            schema_valid=True,
        ),
        Case(
            "no_share_consent",
            "No consent record for share_with_la.",
            edit(ex, {"/consents/0/purpose": "contact_about_enquiry"}),
            errors=[("FH-H002", "/consents")],
            schema_valid=True,
        ),
        Case(
            "share_consent_withdrawn",
            "The only share_with_la record was withdrawn before the handover.",
            edit(ex, {"/consents/0/withdrawn_at": "2024-05-01T09:00:00+01:00"}),
            errors=[("FH-H003", "/consents/0")],
            schema_valid=True,
        ),
        Case(
            "share_consent_expired",
            "The only share_with_la record expired exactly at the handover.",
            edit(ex, {"/consents/0/expires_at": "2024-05-20T09:00:00Z"}),
            errors=[("FH-H003", "/consents/0")],
            schema_valid=True,
        ),
        Case(
            "share_consent_after_handover",
            "The share_with_la record was given after the handover.",
            edit(
                ex,
                {
                    "/consents/0/given_at": "2024-05-21T09:00:00+01:00",
                    "/consents/1": {**ex["consents"][0], "given_at": "2024-04-02T09:00:00+01:00"},
                },
            ),
            errors=[("FH-H004", "/consents/0/given_at")],
            schema_valid=True,
        ),
        Case(
            "withdrawal_in_the_future",
            "A marketing consent withdrawn after the validation clock (2026-01-01T00:00:00Z).",
            edit(
                ex,
                {
                    "/consents/1": {
                        "purpose": "marketing",
                        "policy_version": "2024-01",
                        "given_at": "2024-04-02T09:00:00+01:00",
                        "means": "web_form",
                        "withdrawn_at": "2026-03-01T09:00:00Z",
                    }
                },
            ),
            errors=[("FH-H005", "/consents/1/withdrawn_at")],
            schema_valid=True,
        ),
        Case(
            "handover_in_the_future",
            "Handed over one second after the validation clock.",
            handed_over("2026-01-01T00:00:01Z"),
            errors=[("FH-H005", "/handed_over_at"), ("FH-H005", "/journey/4/at")],
            schema_valid=True,
        ),
        Case(
            "journey_handover_time_differs",
            "The journey's handed_over event is not at handed_over_at.",
            edit(ex, {"/handed_over_at": "2024-05-21T10:00:00+01:00"}),
            errors=[("FH-H006", "/journey/4")],
            schema_valid=True,
        ),
        Case(
            "journey_not_handed_over",
            "The journey stops at eoi (no handed_over event).",
            edit(ex, {"/journey/4": DELETE}),
            errors=[("FH-H006", "/journey/3")],
            schema_valid=True,
        ),
        Case(
            "joint_application_one_applicant",
            "joint_application is true but there is one applicant.",
            edit(ex, {"/joint_application": True}),
            errors=[("FH-H007", "/applicants")],
            schema_valid=True,
        ),
        Case(
            "single_application_two_applicants",
            "joint_application is false but there are two applicants.",
            edit(ex, {"/applicants/1": SECOND_APPLICANT}),
            errors=[("FH-H007", "/applicants")],
            schema_valid=True,
        ),
        Case(
            "applicant_under_18",
            "An applicant who turned 18 the day after the enquiry.",
            edit(ex, {"/applicants/0/date_of_birth": "2006-04-03"}),
            errors=[("FH-H008", "/applicants/0/date_of_birth")],
            schema_valid=True,
        ),
        Case(
            "postcode_allocation_mismatch",
            "Allocated by postcode, but NE1 is Newcastle in the lookup, not Sunderland.",
            edit(
                ex,
                {
                    "/allocation": {"policy": "postcode", "reasons": ["NE1"]},
                    "/applicants/0/address/postcode": "NE1 4ST",
                },
            ),
            errors=[("FH-H009", "/receiving_la")],
            schema_valid=True,
        ),
        Case(
            "profile_field_missing",
            "first_conversation_summary (required by the North East profile) is absent.",
            edit(ex, {"/first_conversation_summary": DELETE}),
            errors=[("FH-H012", "/first_conversation_summary")],
            schema_valid=True,
        ),
        Case(
            "profile_field_null",
            "first_conversation_summary (required by the North East profile) is null.",
            edit(ex, {"/first_conversation_summary": None}),
            errors=[("FH-H012", "/first_conversation_summary")],
            schema_valid=True,
        ),
        Case(
            "profile_notes_too_long",
            "Notes of 2,001 characters: within the schema's 5,000, over the North East "
            "profile's 2,000.",
            edit(
                ex, {"/first_conversation_summary": "f" * 2001, "/initial_visit_notes": "n" * 2001}
            ),
            errors=[
                ("FH-H014", "/first_conversation_summary"),
                ("FH-H014", "/initial_visit_notes"),
            ],
            schema_valid=True,
        ),
    ]


def cases() -> list[Case]:
    """Every case, valid ones first."""
    return [*valid_cases(), *invalid_cases()]


def manifest(all_cases: list[Case]) -> dict[str, Any]:
    return {
        "description": (
            "Conformance suite for fostering-hub handover payloads (schema_version 1.0). "
            "See README.md."
        ),
        "schema": "schemas/handover.json",
        "config": CONFIG,
        "now": CLOCK,
        "strict": False,
        "cases": [case.entry() for case in all_cases],
    }


def main() -> None:
    all_cases = cases()
    names = [case.name for case in all_cases]
    duplicated = {name for name in names if names.count(name) > 1}
    if duplicated:
        raise SystemExit(f"duplicate case names: {sorted(duplicated)}")
    for folder in ("valid", "invalid"):
        (HERE / folder).mkdir(exist_ok=True)
        for old in (HERE / folder).glob("*.json"):
            old.unlink()
    for case in all_cases:
        (HERE / case.file).write_bytes(case.content())
    text = json.dumps(manifest(all_cases), indent=2, ensure_ascii=False) + "\n"
    (HERE / "manifest.json").write_text(text, encoding="utf-8")
    valid = sum(case.valid for case in all_cases)
    print(f"wrote {valid} valid and {len(all_cases) - valid} invalid payloads and manifest.json")


if __name__ == "__main__":
    main()
