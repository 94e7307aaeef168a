"""What the retention sweep needs to know about one record, and which kind of record it is.

:class:`RecordFacts` is the sweep's input, built from a :class:`Journey`, a journey-table
row, a :class:`Handover` or an :class:`Enquiry` (with the person's consent records and
flags from side tables), or directly by a CRM that knows more (``approval_ended_at``).

The kind of record follows from the journey (``docs/gdpr.md``):

* approved: ``approved_carer`` if the schedule has rules for carer records (the hub holds
  them), else ``handed_over`` (the hub's copy of a household it handed over);
* withdrawn after the application: ``withdrawn_application``;
* withdrawn before the application, or no application and no handover yet:
  ``keep_in_touch`` if a keep-in-touch consent is in force, else ``enquiry_not_proceeded``;
* otherwise (handed over or applied, no withdrawal): ``handed_over``.

The last contact is the latest timestamp known: journey events, a requested call-back,
and consents given or withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from ..config import RetentionRecord as Kind
from ..config import RetentionTrigger as Trigger
from ..models import ConsentPurpose, ConsentRecord, Enquiry, Handover, Journey, Stage, to_london
from ._policy import ConsentPolicy
from ._processing import may_process
from ._schedule import RetentionSchedule
from ._tables import RecordFlags


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return to_london(value) if value is not None else None


@attrs.frozen
class RecordFacts:
    """The dates and flags of one record that retention decisions rest on."""

    record_id: str
    reached: tuple[tuple[Stage, dt.datetime], ...]
    """Each stage reached and when (first time), in journey order."""
    last_contact: dt.datetime
    consents: tuple[ConsentRecord, ...] = ()
    flags: RecordFlags = attrs.field(factory=RecordFlags)
    approval_ended_at: dt.datetime | None = attrs.field(default=None, converter=_aware)
    """When approval ended (not in the journey table; a CRM that knows it can give it)."""
    line: int | None = None
    """Where the record came from in a table, for reports."""
    current_stage: Stage | None = None

    def at(self, stage: Stage) -> dt.datetime | None:
        """When ``stage`` was first reached, or ``None``."""
        return next((when for s, when in self.reached if s is stage), None)

    def trigger_date(self, trigger: Trigger) -> dt.datetime | None:
        """The instant a retention period runs from, or ``None`` if it is not known."""
        if trigger is Trigger.LAST_CONTACT:
            return self.last_contact
        if trigger is Trigger.WITHDRAWAL:
            return self.at(Stage.WITHDRAWN)
        if trigger is Trigger.HANDOVER:
            return self.at(Stage.HANDED_OVER)
        return self.approval_ended_at


def _last(times: Iterable[dt.datetime | None]) -> dt.datetime:
    return max(t for t in times if t is not None)


def _consent_times(consents: Iterable[ConsentRecord]) -> list[dt.datetime | None]:
    return [t for c in consents for t in (c.given_at, c.withdrawn_at)]


def facts_from_journey(
    journey: Journey,
    consents: Iterable[ConsentRecord] = (),
    flags: RecordFlags | None = None,
    *,
    line: int | None = None,
) -> RecordFacts:
    """Facts from a journey (or a journey-table row read as one) and side-table data."""
    consents = tuple(consents)
    reached: dict[Stage, dt.datetime] = {}
    for event in journey.events:
        reached.setdefault(event.stage, event.at)
    times: list[dt.datetime | None] = [e.at for e in journey.events]
    times += [journey.callback_requested_for, *_consent_times(consents)]
    return RecordFacts(
        record_id=journey.enquiry_id,
        reached=tuple(reached.items()),
        last_contact=_last(times),
        consents=consents,
        flags=flags or RecordFlags(),
        line=line,
        current_stage=journey.stage,
    )


def facts_from_handover(
    handover: Handover,
    consents: Iterable[ConsentRecord] = (),
    flags: RecordFlags | None = None,
) -> RecordFacts:
    """Facts from a handover payload: its journey and consents, plus any from side tables."""
    merged = (*handover.consents, *consents)
    reached: dict[Stage, dt.datetime] = {}
    for event in handover.journey:
        reached.setdefault(event.stage, event.at)
    reached.setdefault(Stage.HANDED_OVER, handover.handed_over_at)
    times: list[dt.datetime | None] = [e.at for e in handover.journey]
    times += [handover.handed_over_at, *_consent_times(merged)]
    return RecordFacts(
        record_id=handover.enquiry_id,
        reached=tuple(sorted(reached.items(), key=lambda item: item[1])),
        last_contact=_last(times),
        consents=merged,
        flags=flags or RecordFlags(),
        current_stage=handover.journey[-1].stage,
    )


def facts_from_enquiry(
    enquiry: Enquiry,
    consents: Iterable[ConsentRecord] = (),
    flags: RecordFlags | None = None,
) -> RecordFacts:
    """Facts from an enquiry alone (no journey yet: enquired when received)."""
    merged = (*enquiry.consents, *consents)
    times = [enquiry.received_at, enquiry.callback_requested_for, *_consent_times(merged)]
    return RecordFacts(
        record_id=enquiry.enquiry_id,
        reached=((Stage.ENQUIRED, enquiry.received_at),),
        last_contact=_last(times),
        consents=merged,
        flags=flags or RecordFlags(),
        current_stage=Stage.ENQUIRED,
    )


def classify(
    facts: RecordFacts,
    schedule: RetentionSchedule,
    at: dt.datetime,
    policy: ConsentPolicy | None = None,
) -> tuple[Kind, list[str]]:
    """The kind of record and the reasons, in words (``at``: when consents are judged)."""
    stages = {stage for stage, _ in facts.reached}
    withdrawn = Stage.WITHDRAWN in stages
    applied = Stage.APPLICATION in stages
    if Stage.APPROVED in stages:
        if schedule.covers(Kind.APPROVED_CARER):
            return Kind.APPROVED_CARER, ["approved: the hub holds carer records"]
        return Kind.HANDED_OVER, [
            "approved, but the schedule has no approved_carer rule: kept as a handover copy"
        ]
    if withdrawn and applied:
        return Kind.WITHDRAWN_APPLICATION, ["withdrew after applying"]
    if withdrawn or not (applied or Stage.HANDED_OVER in stages):
        why = "withdrew before applying" if withdrawn else "no application or handover yet"
        decision = may_process(
            facts.consents,
            ConsentPurpose.KEEP_IN_TOUCH,
            at,
            policy=policy,
            calendar=schedule.calendar,
        )
        if decision.allowed and decision.record is not None:
            return Kind.KEEP_IN_TOUCH, [why, f"keep in touch: {decision.reason}"]
        reasons = [why]
        if facts.current_stage is Stage.KEEP_IN_TOUCH:
            reasons.append(f"the journey is at keep_in_touch, but {decision.reason}")
        return Kind.ENQUIRY_NOT_PROCEEDED, reasons
    return Kind.HANDED_OVER, ["handed over to an LA" if Stage.HANDED_OVER in stages else "applied"]
