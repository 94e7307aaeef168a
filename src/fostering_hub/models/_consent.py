"""Consent and lawful-basis records, one per purpose a hub processes personal data for.

Purposes and bases follow UK GDPR Art 6(1) and the ICO's guidance: public authorities
use public task (Art 6(1)(e)) for their tasks and cannot rely on legitimate interests
for them; keeping in touch with people who did not apply needs their permission
(Fostering Network, 2023).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from ._base import WireModel
from ._datetime import Timestamp, later
from ._errors import fail


class ConsentPurpose(StrEnum):
    """What the personal data is used for."""

    CONTACT_ABOUT_ENQUIRY = "contact_about_enquiry"
    KEEP_IN_TOUCH = "keep_in_touch"
    SHARE_WITH_LA = "share_with_la"
    BUDDY_CONTACT = "buddy_contact"
    MARKETING = "marketing"
    RESEARCH = "research"


class LawfulBasis(StrEnum):
    """UK GDPR Art 6(1) lawful bases."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


class ConsentMeans(StrEnum):
    """How the consent or notice was given."""

    WEB_FORM = "web_form"
    PHONE = "phone"
    EMAIL = "email"
    EVENT = "event"
    LETTER = "letter"
    IN_PERSON = "in_person"


class ConsentRecord(WireModel):
    """One consent (or notice under another lawful basis) for one purpose."""

    purpose: ConsentPurpose
    lawful_basis: LawfulBasis = LawfulBasis.CONSENT
    policy_version: str = Field(
        min_length=1, max_length=50, description="Version of the privacy notice or wording."
    )
    given_at: Timestamp
    means: ConsentMeans
    withdrawn_at: Timestamp | None = None
    withdrawal_means: ConsentMeans | None = Field(
        None, description="How the withdrawal (or objection) reached the hub."
    )
    expires_at: Timestamp | None = Field(
        None, description="When the consent lapses or must be re-confirmed."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> ConsentRecord:
        # (validated just now, so every field is in ``__dict__``: one read of it and
        # dictionary lookups cost less than three attribute reads of a pydantic model)
        fields = self.__dict__
        withdrawn = fields["withdrawn_at"]
        expires = fields["expires_at"]
        if withdrawn is not None and later(fields["given_at"], withdrawn):
            fail("fh_consent_dates", "withdrawn_at is before given_at")
        if expires is not None and later(fields["given_at"], expires):
            fail("fh_consent_dates", "expires_at is before given_at")
        if fields["withdrawal_means"] is not None and withdrawn is None:
            fail("fh_consent_dates", "withdrawal_means is given without withdrawn_at")
        return self
