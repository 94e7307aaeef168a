"""Evaluating SLA targets on one journey (the scalar path)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

import attrs

from ..config import DueConvention, Duration, DurationUnit, HubConfig, SLATarget
from ..models import TERMINAL, Journey, Stage, to_london
from ._calendar import WorkingCalendar
from ._clock import REPORTED_UNIT, due_time, elapsed


class SLAStatus(StrEnum):
    """Where a journey stands against a target, as of the evaluation time."""

    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"
    AT_RISK = "at_risk"
    PAUSED = "paused"
    NOT_STARTED = "not_started"
    STOPPED = "stopped"
    """The journey ended (withdrawn or approved) before the stop event, within time."""
    NOT_APPLICABLE = "not_applicable"
    """No rule of this target applies to the journey (see ``when``)."""


@attrs.frozen
class Target:
    """A target ready to evaluate: the config rule plus its calendar and due convention."""

    rule: SLATarget
    calendar: WorkingCalendar = attrs.field(factory=WorkingCalendar)
    convention: DueConvention = DueConvention.END_OF_DAY

    @property
    def name(self) -> str:
        """The target's name."""
        return self.rule.name

    @property
    def unit(self) -> str:
        """The unit time used and time left are reported in."""
        return REPORTED_UNIT[self.rule.duration.unit]

    def applies_to(self, journey: Journey) -> bool:
        """True if the rule's ``when`` matches ``journey`` (or it has none)."""
        when = self.rule.when
        if when is None:
            return True
        return (
            (when.channels is None or journey.channel in when.channels)
            and (when.sources is None or journey.source in when.sources)
            and (
                when.local_authorities is None or journey.local_authority in when.local_authorities
            )
        )

    def due(self, started: dt.datetime, callback: dt.datetime | None) -> dt.datetime:
        """The due time for a clock started at ``started`` (before any pause)."""
        rule = self.rule
        if rule.honour_callback_request and callback is not None and callback >= started:
            tolerance = rule.callback_tolerance or Duration(0, DurationUnit.MINUTES)
            return due_time(callback, tolerance, self.calendar, self.convention)
        return due_time(started, rule.duration, self.calendar, self.convention)


@attrs.frozen
class SLAResult:
    """One journey against one target."""

    enquiry_id: str
    target: str
    status: SLAStatus
    started_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    breached_at: dt.datetime | None = None
    used: float | None = None
    remaining: float | None = None
    unit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, timestamps in ISO 8601."""
        return {
            key: value.isoformat() if isinstance(value, dt.datetime) else value
            for key, value in attrs.asdict(self).items()
        }


RESULT_COLUMNS: tuple[str, ...] = tuple(f.name for f in attrs.fields(SLAResult))
"""The columns of an SLA result row (:meth:`SLAResult.as_dict`, ``evaluate_table``)."""


def targets_from_config(config: HubConfig) -> list[Target]:
    """Every SLA target rule of ``config``, with the hub's calendar."""
    calendar = WorkingCalendar.from_config(config.calendar)
    return [Target(rule, calendar, config.calendar.due_at) for rule in config.sla.targets]


def _pauses(
    events: Sequence[Any], pause_on: set[Stage], begin: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Paused intervals within [begin, end]: from a pause event to the next event."""
    found = []
    for index, event in enumerate(events):
        if event.stage in pause_on and begin <= event.at < end:
            following = events[index + 1].at if index + 1 < len(events) else end
            found.append((event.at, min(following, end)))
    return found


def _extend(target: Target, due: dt.datetime, begin: dt.datetime, end: dt.datetime) -> dt.datetime:
    """``due`` moved on by the time paused from ``begin`` to ``end``, in the target's unit."""
    unit, calendar = target.rule.duration.unit, target.calendar
    if unit in (DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS):
        return calendar.add_working_us(due, calendar.working_us_between(begin, end))
    if unit in (DurationUnit.MINUTES, DurationUnit.HOURS):
        return due + (end - begin)
    return calendar.instant(calendar.local(due) + (calendar.local(end) - calendar.local(begin)))


def evaluate(journey: Journey, target: Target, now: dt.datetime) -> SLAResult:
    """Where ``journey`` stands against ``target`` as of ``now`` (an injected clock; a
    naive ``now`` is London wall time)."""
    now = to_london(now)
    name, ident = target.name, journey.enquiry_id
    if not target.applies_to(journey):
        return SLAResult(ident, name, SLAStatus.NOT_APPLICABLE)
    events = [e for e in journey.events if e.at <= now]
    started = next((e.at for e in events if e.stage is target.rule.start), None)
    if started is None:
        return SLAResult(ident, name, SLAStatus.NOT_STARTED, unit=target.unit)
    later = [e for e in events if e.at >= started]
    stop = next((e.at for e in later if e.stage is target.rule.stop), None)
    ended = next((e.at for e in later if e.stage in TERMINAL), None) if stop is None else None
    until = stop or ended or now
    base_due = target.due(started, journey.callback_requested_for)
    due = base_due
    paused_spans = _pauses(later, set(target.rule.pause_on), started, until)
    for begin, end in paused_spans:
        if begin < due:
            due = _extend(target, due, begin, end)
    unit = target.rule.duration.unit
    allowance = elapsed(started, base_due, unit, target.calendar)
    paused = sum(elapsed(b, e, unit, target.calendar) for b, e in paused_spans if b < due)
    used = elapsed(started, until, unit, target.calendar) - paused
    if stop is not None:
        status = SLAStatus.MET if stop <= due else SLAStatus.BREACHED
    elif ended is not None:
        status = SLAStatus.BREACHED if ended > due else SLAStatus.STOPPED
    elif now > due:
        status = SLAStatus.BREACHED
    elif paused_spans and paused_spans[-1][1] >= now:
        status = SLAStatus.PAUSED
    elif used >= target.rule.warn_at * allowance:
        status = SLAStatus.AT_RISK
    else:
        status = SLAStatus.PENDING
    return SLAResult(
        ident,
        name,
        status,
        started_at=started,
        due_at=due,
        stopped_at=stop or ended,
        breached_at=due if status is SLAStatus.BREACHED else None,
        used=used,
        remaining=allowance - used,
        unit=target.unit,
    )


def evaluate_journey(
    journey: Journey, targets: Iterable[Target], now: dt.datetime
) -> list[SLAResult]:
    """One result per target name: the first rule of that name that applies."""
    results: dict[str, SLAResult] = {}
    for target in targets:
        done = results.get(target.name)
        if done is not None and done.status is not SLAStatus.NOT_APPLICABLE:
            continue
        results[target.name] = evaluate(journey, target, now)
    return list(results.values())
