"""When things happen: enquiry times and each household's journey, in London local time.

Times are planned as naive Europe/London wall-clock times (a visit "at 10:00") and made
timezone-aware at the end with :func:`aware`. Gaps between milestones are chosen so that
the mean time from enquiry to approval is about 273 days (Fostering Network benchmark,
2015) and no application waits more than 8 months for panel (National Minimum Standards
14.4). Nothing reads the wall clock: every time derives from the year's start date.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterable, Sequence

import attrs

from ..models import Channel, Stage, WithdrawalReason, to_london
from ._rates import FunnelRates

DAYS_IN_YEAR = 365

# Relative weights of the hour of day (0-23) an enquiry arrives, by channel. Chosen: web
# forms and emails arrive all day, most in the evening; calls in the hub's opening hours
# (out-of-hours calls are recorded too, hence the small night weights); events by day.
_ONLINE_HOURS = (
    *(1, 0.6, 0.3, 0.2, 0.2, 0.4),  # 00-05
    *(1, 2.5, 4, 5, 5, 5),  # 06-11
    *(5, 5, 5, 5, 5, 5),  # 12-17
    *(5.5, 6, 6.5, 6, 4, 2),  # 18-23
)
_PHONE_HOURS = (
    *(0.05,) * 8,
    1,
    *(8,) * 8,
    3,
    1.5,
    1.5,
    *(0.3,) * 4,
)
_EVENT_HOURS = (*(0,) * 10, *(5,) * 7, 3, 3, 3, *(0,) * 4)
_HOURS: dict[Channel, tuple[float, ...]] = {
    Channel.WEB: _ONLINE_HOURS,
    Channel.EMAIL: _ONLINE_HOURS,
    Channel.REFERRAL: _ONLINE_HOURS,
    Channel.OTHER: _ONLINE_HOURS,
    Channel.PHONE: _PHONE_HOURS,
    Channel.EVENT: _EVENT_HOURS,
}
# Relative weights of the weekday (Monday first). Chosen: events are mostly at weekends,
# calls mostly on weekdays.
_WEEKDAYS: dict[Channel, tuple[float, ...]] = {
    Channel.PHONE: (1, 1, 1, 1, 1, 0.2, 0.1),
    Channel.EVENT: (0.4, 0.4, 0.4, 0.4, 0.6, 2, 1.5),
}
_ANY_DAY = (1, 1, 1, 1, 1, 0.75, 0.75)

#: Days between milestones as (low, high, mode) for ``random.triangular``. Chosen so the
#: means add up to about 273 days from enquiry to approval (Fostering Network, 2015).
GAP_DAYS: dict[Stage, tuple[float, float, float]] = {
    Stage.INITIAL_VISIT: (4, 21, 9),  # from first contact: 1-3 weeks after enquiry
    Stage.EOI: (7, 56, 21),  # from the initial visit
    Stage.HANDED_OVER: (1, 14, 5),  # from the EOI (handover SLA: 10 working days)
    Stage.APPLICATION: (14, 90, 35),  # from the handover
    Stage.APPROVED: (110, 243, 180),  # from the application; panel within 8 months
}
_MILESTONES_AFTER_CONTACT = (
    Stage.INITIAL_VISIT,
    Stage.EOI,
    Stage.HANDED_OVER,
    Stage.APPLICATION,
    Stage.APPROVED,
)

Event = tuple[Stage, dt.datetime, WithdrawalReason | None]


@attrs.frozen
class Timeline:
    """One household's journey in naive London local time (``events`` starts 'enquired')."""

    received: dt.datetime
    callback: dt.datetime | None
    events: tuple[Event, ...]

    def reached(self, stage: Stage) -> dt.datetime | None:
        """When ``stage`` was reached, or ``None``."""
        return next((at for s, at, _ in self.events if s is stage), None)


def _cum(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def enquiry_times(
    rng: random.Random, start: dt.date, count: int, rates: FunnelRates
) -> list[tuple[dt.datetime, Channel]]:
    """``count`` (naive local time, channel) pairs over the 365 days from ``start``, sorted."""
    channels = [channel for channel, _ in rates.channels]
    channel_cum = _cum([weight for _, weight in rates.channels])
    days = [start + dt.timedelta(days=n) for n in range(DAYS_IN_YEAR)]
    day_cum = {
        channel: _cum([_WEEKDAYS.get(channel, _ANY_DAY)[day.weekday()] for day in days])
        for channel in channels
    }
    hour_cum = {channel: _cum(_HOURS[channel]) for channel in channels}
    hours = range(24)
    result = []
    for _ in range(count):
        channel = rng.choices(channels, cum_weights=channel_cum)[0]
        day = rng.choices(days, cum_weights=day_cum[channel])[0]
        hour = rng.choices(hours, cum_weights=hour_cum[channel])[0]
        at = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
        result.append((at, channel))
    result.sort(key=lambda pair: pair[0])
    return result


def aware(value: dt.datetime) -> dt.datetime:
    """``value`` (naive London local time) made timezone-aware with ``to_london``.

    A time in the hour skipped when BST starts does not exist: it moves on an hour.
    """
    try:
        return to_london(value)
    except ValueError:
        return to_london(value + dt.timedelta(hours=1))


@attrs.frozen
class WorkingDays:
    """The days milestones (visits, EOIs, handovers, panels) can fall on."""

    weekdays: frozenset[int] = frozenset(range(5))
    """Open weekdays, Monday 0 (the hub calendar's working days)."""
    closed: frozenset[dt.date] = frozenset()
    """Bank holidays and closure days."""

    def next_open(self, day: dt.date) -> dt.date:
        """``day`` or the first open day after it."""
        for _ in range(400):
            if day.weekday() in self.weekdays and day not in self.closed:
                return day
            day += dt.timedelta(days=1)
        return day  # pragma: no cover - a calendar closed for over a year


def working_days(
    weekdays: Iterable[int], nation: str, closures: Iterable[dt.date], start: dt.date
) -> WorkingDays:
    """Working days from the hub calendar, closed on the nation's bank holidays.

    Bank holidays come from the ``holidays`` package (GB, ``subdiv=nation``), for the
    five years from ``start`` (long enough for every journey that starts in the year).
    """
    import holidays

    years = range(start.year, start.year + 5)
    bank_holidays = holidays.country_holidays("GB", subdiv=nation, years=years)
    return WorkingDays(
        frozenset(weekdays) or frozenset(range(5)), frozenset([*bank_holidays, *closures])
    )


def _on_day(
    rng: random.Random,
    after: dt.datetime,
    days: float,
    working: WorkingDays | None,
    *,
    first_hour: int = 9,
    last_hour: int = 19,
) -> dt.datetime:
    """A daytime slot at least one day after ``after``, on a working day if given."""
    day = after.date() + dt.timedelta(days=max(1, round(days)))
    if working is not None:
        day = working.next_open(day)
    hour = rng.randrange(first_hour, last_hour)
    return dt.datetime(day.year, day.month, day.day, hour, rng.choice((0, 15, 30, 45)))


def callback_time(rng: random.Random, received: dt.datetime) -> dt.datetime:
    """A time the enquirer asks to be called back: 1-5 days on, 09:00-19:45."""
    return _on_day(rng, received, rng.randint(1, 5), None)


def _first_contact(
    rng: random.Random, received: dt.datetime, callback: dt.datetime | None, rates: FunnelRates
) -> dt.datetime:
    if callback is not None:
        roll = rng.random()
        if roll < 0.55:  # exactly at the requested time
            return callback
        if roll < 0.9:  # within the 15-minute tolerance (north-east.toml)
            return callback + dt.timedelta(minutes=rng.randint(1, 15))
        return callback + dt.timedelta(hours=rng.randint(1, 48))  # missed it
    if rng.random() < rates.first_contact_within_24h:
        at = (received + dt.timedelta(minutes=rng.randint(10, 300))).replace(second=0)
        if at.hour < 9:
            at = at.replace(hour=9, minute=rng.randrange(60))
        elif at.hour >= 19:
            at = (at + dt.timedelta(days=1)).replace(
                hour=9 + rng.randrange(2), minute=rng.randrange(60)
            )
        return at
    return _on_day(rng, received, rng.randint(2, 5), None)  # over 24 hours


def _gap(rng: random.Random, stage: Stage) -> float:
    low, high, mode = GAP_DAYS[stage]
    return rng.triangular(low, high, mode)


def plan(
    rng: random.Random,
    received: dt.datetime,
    callback: dt.datetime | None,
    rates: FunnelRates,
    working: WorkingDays,
    *,
    keep_in_touch: bool,
) -> Timeline:
    """Plan one household's journey: how far it gets, when, and how it ends."""
    events: list[Event] = [(Stage.ENQUIRED, received, None)]
    if rng.random() >= rates.first_contact:
        return Timeline(received, callback, tuple(events))  # never reached: left open
    last = _first_contact(rng, received, callback, rates)
    events.append((Stage.FIRST_CONTACT, last, None))
    previous_share = rates.first_contact
    for stage in _MILESTONES_AFTER_CONTACT:
        if stage is Stage.APPROVED:
            chance = rates.approval
        else:
            share = getattr(rates, stage.value)
            chance = share / previous_share if previous_share > 0 else 0.0
            previous_share = share
        if rng.random() >= chance:
            break
        if stage is Stage.EOI and rng.random() < rates.on_hold:
            last = _on_day(rng, last, rng.triangular(1, 10, 3), working)
            events.append((Stage.ON_HOLD, last, None))
        last = _on_day(rng, last, _gap(rng, stage), working)
        events.append((stage, last, None))
    else:
        return Timeline(received, callback, tuple(events))  # approved
    furthest = events[-1][0]
    if keep_in_touch and furthest is not Stage.APPLICATION:
        events.append(
            (Stage.KEEP_IN_TOUCH, _on_day(rng, last, rng.triangular(1, 30, 7), working), None)
        )
    elif rng.random() < rates.withdrawal_recorded:
        days = (
            rng.triangular(14, 200, 60)
            if furthest is Stage.APPLICATION
            else rng.triangular(3, 60, 14)
        )
        reasons = [reason for reason, _ in rates.withdrawal_reasons]
        weights = [weight for _, weight in rates.withdrawal_reasons]
        reason = rng.choices(reasons, weights=weights)[0]
        events.append((Stage.WITHDRAWN, _on_day(rng, last, days, working), reason))
    return Timeline(received, callback, tuple(events))
