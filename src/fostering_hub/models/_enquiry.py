"""The enquiry: one household's first contact with the hub, from any channel."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import Field, StrictBool, field_validator, model_validator

from ._base import Personal, WireModel
from ._codes import GSSCode, Identifier
from ._consent import ConsentRecord
from ._datetime import Timestamp
from ._errors import fail
from ._people import Applicant, HouseholdMember


class Channel(StrEnum):
    """How the enquiry reached the hub (the hub's single front door)."""

    WEB = "web"
    PHONE = "phone"
    EMAIL = "email"
    EVENT = "event"
    REFERRAL = "referral"
    OTHER = "other"


class FosteringInterest(StrEnum):
    """Kinds of fostering an enquirer is interested in."""

    SHORT_BREAKS = "short_breaks"
    SHORT_TERM = "short_term"
    LONG_TERM = "long_term"
    PARENT_AND_CHILD = "parent_and_child"
    SIBLING_GROUPS = "sibling_groups"
    UASC = "unaccompanied_asylum_seeking_children"
    EMERGENCY = "emergency"
    OTHER = "other"


T = TypeVar("T")

SourceText = Annotated[str, Field(min_length=1, max_length=100)]


def unique_items(values: list[T], what: str) -> list[T]:
    """Refuse a list that holds the same item twice."""
    if len(set(values)) != len(values):
        fail("fh_duplicate_items", "{what} lists the same value twice", what=what)
    return values


class Enquiry(WireModel):
    """An initial enquiry about fostering, as the hub received it."""

    enquiry_id: Identifier
    received_at: Timestamp
    channel: Channel
    source: SourceText | None = Field(
        None, description="How they heard of the hub, e.g. 'social media', 'radio'."
    )
    campaign: SourceText | None = None
    applicants: list[Applicant] = Field(min_length=1, max_length=2)
    household: list[HouseholdMember] = Field(default_factory=list, max_length=20)
    preferred_la: GSSCode | None = Field(
        None, description="The LA the enquirer wants to foster for, if they said."
    )
    council_tax_la: GSSCode | None = Field(
        None, description="The LA the household pays council tax to (billing authority)."
    )
    interests: list[FosteringInterest] = Field(
        default_factory=list, json_schema_extra={"uniqueItems": True}
    )
    spare_bedroom: StrictBool | None = None
    callback_requested_for: Timestamp | None = Field(
        None, description="A date and time the enquirer asked to be called back."
    )
    consents: list[ConsentRecord] = Field(default_factory=list, max_length=50)
    notes: str | None = Personal(None, max_length=5_000)

    @field_validator("interests")
    @classmethod
    def _unique_interests(cls, value: list[FosteringInterest]) -> list[FosteringInterest]:
        return unique_items(value, "interests")

    @model_validator(mode="after")
    def _callback_after_enquiry(self) -> Enquiry:
        if self.callback_requested_for is not None and self.callback_requested_for < (
            self.received_at
        ):
            fail("fh_callback_before_enquiry", "callback_requested_for is before received_at")
        return self

    @property
    def home_postcode(self) -> str | None:
        """The first applicant's postcode, if given."""
        address = self.applicants[0].address
        return address.postcode if address is not None else None
