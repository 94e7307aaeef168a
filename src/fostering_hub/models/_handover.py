"""The handover payload: what the hub sends an LA when it hands a household over.

Its shape is the "agreed format" of the data sharing agreement (DfE hub guide, section
3.5). ``schema_version`` "1.0" is this model; a payload naming another version is refused
with its own error code so that receivers never guess.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import Field, StrictBool, StrictFloat, field_validator, model_validator

from ._base import Personal, WireModel
from ._codes import GSSCode, Identifier
from ._consent import ConsentRecord
from ._datetime import Timestamp
from ._enquiry import Channel, FosteringInterest, SourceText, unique_items
from ._errors import fail, fail_at
from ._journey import JourneyEvent, event_errors
from ._people import Applicant, HouseholdMember

SCHEMA_VERSION: Final = "1.0"
"""The handover format this library writes. "1.0" is frozen once released."""
SUPPORTED_SCHEMA_VERSIONS: Final = frozenset({SCHEMA_VERSION})
"""The ``schema_version`` values validators read; any other is error ``FH-M007``."""

Reason = Annotated[str, Field(min_length=1, max_length=500)]


class AllocationRecord(WireModel):
    """How the receiving LA was chosen: the policy that decided and why, in plain words."""

    policy: Identifier = Field(description="Name of the allocation policy that decided.")
    reasons: list[Reason] = Field(min_length=1, max_length=20)
    confidence: Annotated[StrictFloat, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="How sure the policy was (e.g. a postcode straddling LAs)."
    )


class InitialVisitOutcome(StrEnum):
    """What came of the initial (home) visit."""

    PROCEED = "proceed"
    NOT_READY = "not_ready"
    NOT_PROCEEDING = "not_proceeding"
    NOT_HELD = "not_held"


class Handover(WireModel):
    """A household handed over from the hub to one LA (schema version 1.0)."""

    schema_version: str = Field(
        json_schema_extra={"const": SCHEMA_VERSION},
        description="Version of this payload's format; '1.0'.",
    )
    handover_id: Identifier
    hub_id: Identifier
    enquiry_id: Identifier
    handed_over_at: Timestamp
    receiving_la: GSSCode
    allocation: AllocationRecord
    channel: Channel
    source: SourceText | None = None
    joint_application: StrictBool | None = Field(
        None, description="True for a couple applying together (two applicants expected)."
    )
    applicants: list[Applicant] = Field(min_length=1, max_length=2)
    household: list[HouseholdMember] = Field(default_factory=list, max_length=20)
    interests: list[FosteringInterest] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    consents: list[ConsentRecord] = Field(min_length=1, max_length=50)
    journey: list[JourneyEvent] = Field(
        min_length=1, max_length=100, description="The journey so far, oldest first."
    )
    first_conversation_summary: str | None = Personal(None, max_length=5_000)
    initial_visit_outcome: InitialVisitOutcome | None = None
    initial_visit_notes: str | None = Personal(None, max_length=5_000)
    buddy_assigned: StrictBool = False
    buddy_reference: Identifier | None = Field(
        None, description="The hub's reference for the foster-carer buddy (not their name)."
    )

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if value not in SUPPORTED_SCHEMA_VERSIONS:
            fail(
                "fh_schema_version",
                "Unknown schema_version; this library reads {supported}",
                supported=", ".join(sorted(SUPPORTED_SCHEMA_VERSIONS)),
            )
        return value

    @field_validator("interests")
    @classmethod
    def _unique_interests(cls, value: list[FosteringInterest]) -> list[FosteringInterest]:
        return unique_items(value, "interests")

    @model_validator(mode="after")
    def _journey_legal(self) -> Handover:
        errors = event_errors(self.journey)
        if errors:
            fail_at("Handover", [(("journey", *loc), t, m, c) for loc, t, m, c in errors])
        return self

    @classmethod
    def example(cls) -> Handover:
        """A small valid payload (synthetic data), handy for docs and smoke tests."""
        return cls.model_validate(_EXAMPLE)


_EXAMPLE: dict[str, Any] = {
    "schema_version": SCHEMA_VERSION,
    "handover_id": "HO-2024-0001",
    "hub_id": "north-east",
    "enquiry_id": "NE-2024-000001",
    "handed_over_at": "2024-05-20T10:00:00+01:00",
    "receiving_la": "E08000024",
    "allocation": {"policy": "council_tax", "reasons": ["Pays council tax to Sunderland"]},
    "channel": "web",
    "source": "social media",
    "joint_application": False,
    "applicants": [
        {
            "first_name": "Alex",
            "last_name": "Example",
            "date_of_birth": "1985-06-30",
            "phone": "0191 498 0001",
            "email": "alex@example.com",
            "address": {"line1": "1 Example Street", "town": "Sunderland", "postcode": "SR1 3AA"},
            "preferred_contact_method": "phone",
        }
    ],
    "household": [{"relationship": "child", "date_of_birth": "2015-02-01"}],
    "interests": ["short_breaks", "long_term"],
    "consents": [
        {
            "purpose": "share_with_la",
            "lawful_basis": "public_task",
            "policy_version": "2024-01",
            "given_at": "2024-04-02T09:00:00+01:00",
            "means": "web_form",
        }
    ],
    "journey": [
        {"stage": "enquired", "at": "2024-04-02T09:00:00+01:00"},
        {"stage": "first_contact", "at": "2024-04-02T15:00:00+01:00"},
        {"stage": "initial_visit", "at": "2024-04-16T11:00:00+01:00"},
        {"stage": "eoi", "at": "2024-05-07T10:00:00+01:00"},
        {"stage": "handed_over", "at": "2024-05-20T10:00:00+01:00"},
    ],
    "first_conversation_summary": "Warm first call; keen on short breaks; visit booked.",
    "initial_visit_outcome": "proceed",
    "buddy_assigned": True,
    "buddy_reference": "BUDDY-17",
}
