"""``may_process``: may the hub use someone's data for a purpose at a given time, and why.

The records for the purpose decide, as at ``at``:

* a purpose the policy runs under **public task** (Art 6(1)(e)) is allowed without
  consent, unless the latest record for it given by then has been withdrawn (an
  objection, Art 21, or a consent the hub asked for and must honour);
* a purpose that **needs consent** (Art 6(1)(a)) is allowed only if the latest consent
  record given by then is in force: not withdrawn, not expired, and not past the policy's
  re-confirmation period. A record under another basis does not count as consent;
* a purpose the policy does not cover is never allowed.

Withdrawn then given again: the latest record given by ``at`` decides, so processing
stops at the withdrawal and resumes when consent is given again. Withdrawal and expiry
take effect at their instant (``at`` equal to ``withdrawn_at`` is already withdrawn).
Reasons name the record (by position) and the rule, never a personal value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from ..models import ConsentPurpose, ConsentRecord, Enquiry, Handover, LawfulBasis, to_london
from ..sla import WorkingCalendar, due_time
from ._policy import ConsentPolicy

ConsentSubject = Enquiry | Handover | Iterable[ConsentRecord]
"""What a decision can be asked about: an enquiry or handover (their ``consents``), or the
consent records held for one person."""


class ConsentRule(StrEnum):
    """The policy rule that decided."""

    PUBLIC_TASK = "public_task"
    CONSENT_REQUIRED = "consent_required"
    NOT_CONFIGURED = "not_configured"


class DecisionCode(StrEnum):
    """Why the decision came out as it did."""

    PUBLIC_TASK = "public_task"
    OBJECTED = "objected"
    CONSENT_IN_FORCE = "consent_in_force"
    NO_CONSENT = "no_consent"
    OTHER_BASIS = "other_basis"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    LAPSED = "lapsed"
    NOT_CONFIGURED = "not_configured"


@attrs.frozen
class ProcessingDecision:
    """Yes or no, with the rule, the record (by position) and the reason in words.

    True in a boolean context when processing is allowed.
    """

    allowed: bool
    purpose: ConsentPurpose
    at: dt.datetime
    rule: ConsentRule
    code: DecisionCode
    reason: str
    basis: LawfulBasis | None = None
    record_index: int | None = None
    """Position of the deciding record in the subject's consent records."""
    record: ConsentRecord | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the record is left out; ``record_index`` points at it)."""
        return {
            "allowed": self.allowed,
            "purpose": self.purpose.value,
            "at": self.at.isoformat(),
            "rule": self.rule.value,
            "code": self.code.value,
            "basis": self.basis.value if self.basis is not None else None,
            "record_index": self.record_index,
            "reason": self.reason,
        }


def consent_records(subject: ConsentSubject) -> tuple[ConsentRecord, ...]:
    """The consent records of an enquiry, a handover, or an iterable of records."""
    if isinstance(subject, Enquiry | Handover):
        return tuple(subject.consents)
    records = tuple(subject)
    if not all(isinstance(record, ConsentRecord) for record in records):
        raise TypeError("expected an Enquiry, a Handover or ConsentRecord objects")
    return records


def _when(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


def _latest(
    records: tuple[ConsentRecord, ...], purpose: ConsentPurpose, at: dt.datetime, *, only: bool
) -> tuple[int, ConsentRecord] | None:
    """The record for ``purpose`` given most recently by ``at`` (the later one on a tie);
    with ``only``, consent-basis records only."""
    best: tuple[int, ConsentRecord] | None = None
    for index, record in enumerate(records):
        if record.purpose is not purpose or record.given_at > at:
            continue
        if only and record.lawful_basis is not LawfulBasis.CONSENT:
            continue
        if best is None or record.given_at >= best[1].given_at:
            best = (index, record)
    return best


def lapses_at(
    record: ConsentRecord, policy: ConsentPolicy, calendar: WorkingCalendar | None = None
) -> dt.datetime | None:
    """When ``record`` stops being in force without a withdrawal: its ``expires_at``, or
    ``reconfirm_after`` past ``given_at`` under the policy (``None``: it does not lapse)."""
    if record.expires_at is not None:
        return record.expires_at
    if policy.reconfirm_after is None:
        return None
    return due_time(record.given_at, policy.reconfirm_after, calendar or WorkingCalendar())


def may_process(
    subject: ConsentSubject,
    purpose: ConsentPurpose | str,
    at: dt.datetime,
    *,
    policy: ConsentPolicy | None = None,
    calendar: WorkingCalendar | None = None,
) -> ProcessingDecision:
    """May the hub process ``subject``'s data for ``purpose`` at instant ``at``?

    ``at`` is injected, never read from a clock (a naive value is Europe/London time).
    ``policy`` defaults to :class:`ConsentPolicy` (the ``[consent]`` defaults);
    ``calendar`` (a :class:`~fostering_hub.sla.WorkingCalendar`) is used only to work out
    a ``reconfirm_after`` period.
    """
    policy = policy or ConsentPolicy()
    purpose = ConsentPurpose(purpose)
    at = to_london(at)
    records = consent_records(subject)
    basis = policy.basis_for(purpose)

    def decide(
        allowed: bool,
        rule: ConsentRule,
        code: DecisionCode,
        reason: str,
        found: tuple[int, ConsentRecord] | None = None,
    ) -> ProcessingDecision:
        index, record = found if found is not None else (None, None)
        return ProcessingDecision(allowed, purpose, at, rule, code, reason, basis, index, record)

    if basis is None:
        return decide(
            False,
            ConsentRule.NOT_CONFIGURED,
            DecisionCode.NOT_CONFIGURED,
            f"'{purpose.value}' is in neither list of the [consent] policy: not allowed",
        )
    if basis is LawfulBasis.PUBLIC_TASK:
        rule = ConsentRule.PUBLIC_TASK
        found = _latest(records, purpose, at, only=False)
        if found is not None and _withdrawn(found[1], at):
            index, record = found
            assert record.withdrawn_at is not None
            return decide(
                False,
                rule,
                DecisionCode.OBJECTED,
                f"record {index} for '{purpose.value}' was withdrawn at "
                f"{_when(record.withdrawn_at)}: an objection (Art 21) or a withdrawn consent "
                "stops processing until it is reviewed or given again",
                found,
            )
        cited = f" (record {found[0]} is the notice)" if found is not None else ""
        return decide(
            True,
            rule,
            DecisionCode.PUBLIC_TASK,
            f"'{purpose.value}' runs under public task, Art 6(1)(e), in the [consent] "
            f"policy: no consent needed{cited}",
            found,
        )

    rule = ConsentRule.CONSENT_REQUIRED
    found = _latest(records, purpose, at, only=True)
    if found is None:
        other = _latest(records, purpose, at, only=False)
        if other is not None:
            return decide(
                False,
                rule,
                DecisionCode.OTHER_BASIS,
                f"record {other[0]} for '{purpose.value}' is under "
                f"{other[1].lawful_basis.value}, but this purpose needs consent, Art 6(1)(a)",
                other,
            )
        return decide(
            False,
            rule,
            DecisionCode.NO_CONSENT,
            f"'{purpose.value}' needs consent, Art 6(1)(a), and none was given by {_when(at)}",
        )
    index, record = found
    if _withdrawn(record, at):
        assert record.withdrawn_at is not None
        return decide(
            False,
            rule,
            DecisionCode.WITHDRAWN,
            f"consent record {index} for '{purpose.value}' was withdrawn at "
            f"{_when(record.withdrawn_at)}",
            found,
        )
    lapse = lapses_at(record, policy, calendar)
    if lapse is not None and lapse <= at:
        code = DecisionCode.EXPIRED if record.expires_at is not None else DecisionCode.LAPSED
        why = "expired" if record.expires_at is not None else "lapsed (reconfirm_after)"
        return decide(
            False,
            rule,
            code,
            f"consent record {index} for '{purpose.value}' {why} at {_when(lapse)}: ask again",
            found,
        )
    return decide(
        True,
        rule,
        DecisionCode.CONSENT_IN_FORCE,
        f"consent record {index} for '{purpose.value}', given at {_when(record.given_at)}, "
        "is in force",
        found,
    )


def _withdrawn(record: ConsentRecord, at: dt.datetime) -> bool:
    return record.withdrawn_at is not None and record.withdrawn_at <= at
