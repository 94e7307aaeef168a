"""Hypothesis strategies for property-testing code that uses fostering-hub.

>>> from hypothesis import given
>>> from fostering_hub.testing import enquiries
>>> @given(enquiries())
... def test_my_crm_accepts_every_enquiry(enquiry): ...

This module imports ``hypothesis`` at the top. hypothesis is a development dependency
(the ``dev`` extra), not a core one; that is fine because ``fostering_hub.testing`` is
only ever imported by tests, and nothing else in the package imports it.

The value strategies (:func:`postcodes`, :func:`uk_phone_numbers`, :func:`emails`,
:func:`gss_codes`, :func:`timestamps`) yield *inputs* the matching type accepts, in the
forms people and systems really send. The model strategies (:func:`applicants`,
:func:`enquiries`, :func:`journeys`, :func:`handovers`, ...) yield model instances built
through validation (``model_validate``), so they are valid by construction: journeys
follow the transition rules and never go backwards in time, consents and call-backs are
dated after what they follow, and a handover's journey ends with its handover.

All personal data is synthetic: phone numbers come from Ofcom's ranges for drama, email
addresses use the domains reserved for examples, and names and notes are made up.
"""

from ._strategies import (
    addresses,
    applicants,
    consents,
    emails,
    enquiries,
    gss_codes,
    handovers,
    household_members,
    journeys,
    postcodes,
    timestamps,
    uk_phone_numbers,
)

__all__ = [
    "addresses",
    "applicants",
    "consents",
    "emails",
    "enquiries",
    "gss_codes",
    "handovers",
    "household_members",
    "journeys",
    "postcodes",
    "timestamps",
    "uk_phone_numbers",
]
