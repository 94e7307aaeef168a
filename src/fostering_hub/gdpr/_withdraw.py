"""Withdrawing consent (or objecting), as an operation that records when and how.

UK GDPR Art 7(3): withdrawing consent must be as easy as giving it, and stops processing
from then on (not before). Under public task the person can object (Art 21); the hub
records that the same way, so :func:`may_process` stops the purpose until it is reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import overload

from ..models import (
    ConsentMeans,
    ConsentPurpose,
    ConsentRecord,
    Enquiry,
    Handover,
    LawfulBasis,
    to_london,
)
from ._policy import ConsentPolicy
from ._processing import consent_records

WITHDRAWAL_ONLY_VERSION = "withdrawal-only"
"""``policy_version`` of a record made to hold a withdrawal when none was on file."""


@overload
def withdraw_consent(
    subject: Enquiry,
    purpose: ConsentPurpose | str,
    *,
    at: dt.datetime,
    means: ConsentMeans | str,
    policy: ConsentPolicy | None = None,
) -> Enquiry: ...
@overload
def withdraw_consent(
    subject: Handover,
    purpose: ConsentPurpose | str,
    *,
    at: dt.datetime,
    means: ConsentMeans | str,
    policy: ConsentPolicy | None = None,
) -> Handover: ...
@overload
def withdraw_consent(
    subject: Iterable[ConsentRecord],
    purpose: ConsentPurpose | str,
    *,
    at: dt.datetime,
    means: ConsentMeans | str,
    policy: ConsentPolicy | None = None,
) -> tuple[ConsentRecord, ...]: ...
def withdraw_consent(
    subject: Enquiry | Handover | Iterable[ConsentRecord],
    purpose: ConsentPurpose | str,
    *,
    at: dt.datetime,
    means: ConsentMeans | str,
    policy: ConsentPolicy | None = None,
) -> Enquiry | Handover | tuple[ConsentRecord, ...]:
    """A copy of ``subject`` with consent for ``purpose`` withdrawn at ``at`` by ``means``.

    Every record for the purpose given at or before ``at`` and not already withdrawn by
    then gets ``withdrawn_at = at`` and ``withdrawal_means = means``. If there is none (the
    person objects to something done under public task, or the record is not on file), a
    record given and withdrawn at ``at`` is added (``policy_version``
    :data:`WITHDRAWAL_ONLY_VERSION`, basis from ``policy``), so the withdrawal is never
    lost. Records given after ``at`` are left alone: consent given again later counts.
    """
    purpose = ConsentPurpose(purpose)
    means = ConsentMeans(means)
    at = to_london(at)
    records = list(consent_records(subject))
    changed = False
    for index, record in enumerate(records):
        if record.purpose is not purpose or record.given_at > at:
            continue
        if record.withdrawn_at is not None and record.withdrawn_at <= at:
            continue
        records[index] = ConsentRecord.model_validate(
            {**record.model_dump(), "withdrawn_at": at, "withdrawal_means": means}
        )
        changed = True
    if not changed:
        basis = (policy or ConsentPolicy()).basis_for(purpose) or LawfulBasis.CONSENT
        records.append(
            ConsentRecord(
                purpose=purpose,
                lawful_basis=basis,
                policy_version=WITHDRAWAL_ONLY_VERSION,
                given_at=at,
                means=means,
                withdrawn_at=at,
                withdrawal_means=means,
            )
        )
    if isinstance(subject, Enquiry | Handover):
        return subject.model_copy(update={"consents": records})
    return tuple(records)
