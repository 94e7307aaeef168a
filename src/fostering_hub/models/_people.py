"""People: prospective foster carers (applicants), their addresses and households.

Fields follow what English hubs and LAs ask on enquiry forms (see ``docs``), cut to what
a hub needs (UK GDPR data minimisation, Art 5(1)(c)).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from ._base import Personal, WireModel
from ._datetime import IsoDate
from ._email import EmailAddress
from ._phone import UKPhoneNumber
from ._postcode import Postcode

Name = Annotated[str, Field(min_length=1, max_length=100)]


class ContactMethod(StrEnum):
    """How a person prefers to be contacted."""

    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"
    POST = "post"


class Address(WireModel):
    """A UK postal address."""

    line1: str = Personal(min_length=1, max_length=200)
    line2: str | None = Personal(None, max_length=200)
    town: str | None = Personal(None, max_length=100)
    postcode: Postcode = Personal()


class Applicant(WireModel):
    """A prospective foster carer named on an enquiry."""

    first_name: Name = Personal()
    last_name: Name = Personal()
    date_of_birth: IsoDate | None = Personal(None)
    phone: UKPhoneNumber | None = Personal(None)
    email: EmailAddress | None = Personal(None)
    address: Address | None = Personal(None)
    preferred_contact_method: ContactMethod | None = None
    preferred_contact_times: str | None = Personal(
        None, max_length=200, description="Free text, e.g. 'weekday evenings after 6pm'."
    )


class Relationship(StrEnum):
    """A household member's relationship to the first applicant."""

    PARTNER = "partner"
    CHILD = "child"
    ADULT_CHILD = "adult_child"
    PARENT = "parent"
    OTHER_RELATIVE = "other_relative"
    LODGER = "lodger"
    OTHER = "other"


class HouseholdMember(WireModel):
    """Someone else who lives in the household (not an applicant)."""

    first_name: Name | None = Personal(None)
    relationship: Relationship
    date_of_birth: IsoDate | None = Personal(None)
