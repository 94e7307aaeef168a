"""Due times and elapsed time for each duration unit.

Conventions (see ``docs/sla.md``):

* **minutes, hours**: elapsed time. "24 hours" after 10:00 on the Saturday before the
  clocks go forward is 11:00 BST on Sunday: 24 real hours.
* **days, weeks**: calendar days on the local wall clock, due at the same local time.
* **working hours**: time inside working hours on working days; outside them the clock
  waits for the next opening.
* **working days**: day 0 is the day the clock starts; "5 working days" falls due on the
  5th working day after it, at closing time (``end_of_day``, the default) or at the local
  time the clock started (``same_time``).
* **calendar months** (the ICO rule for subject access requests): the corresponding date
  ``n`` months later, or the last day of that month if there is none; if that is not a
  working day, the next working day; due as for working days.
* **years**: the corresponding date (28 February for 29 February), same local time.

Time used and left are reported in the target's own unit: minutes, hours, working hours,
working days (working time / one working day), or days (for days, weeks, months, years).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

from ..config import DueConvention, Duration, DurationUnit
from ._calendar import WorkingCalendar

_US = 1_000_000
REPORTED_UNIT = {
    DurationUnit.MINUTES: "minutes",
    DurationUnit.HOURS: "hours",
    DurationUnit.WORKING_HOURS: "working hours",
    DurationUnit.WORKING_DAYS: "working days",
    DurationUnit.DAYS: "days",
    DurationUnit.WEEKS: "days",
    DurationUnit.CALENDAR_MONTHS: "days",
    DurationUnit.YEARS: "days",
}
"""The unit time used and time left are reported in, for each duration unit."""


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def due_time(
    start: dt.datetime,
    duration: Duration,
    calendar: WorkingCalendar,
    convention: DueConvention = DueConvention.END_OF_DAY,
) -> dt.datetime:
    """When a clock started at instant ``start`` runs out after ``duration``."""
    unit, amount = duration.unit, duration.amount
    if unit is DurationUnit.MINUTES:
        return start + dt.timedelta(minutes=amount)
    if unit is DurationUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    if unit is DurationUnit.WORKING_HOURS:
        return calendar.add_working_us(start, amount * 3600 * _US)
    local = calendar.local(start)
    if unit in (DurationUnit.DAYS, DurationUnit.WEEKS):
        days = amount * (7 if unit is DurationUnit.WEEKS else 1)
        return calendar.instant(local + dt.timedelta(days=days))
    if unit is DurationUnit.YEARS:
        return calendar.instant(
            dt.datetime.combine(_shift_months(local.date(), 12 * amount), local.time())
        )
    if unit is DurationUnit.WORKING_DAYS:
        last_day = calendar.working_day_after(local.date(), amount)
    else:  # calendar months, the ICO rule
        last_day = calendar.next_working_day(_shift_months(local.date(), amount))
    at = calendar.closes if convention is DueConvention.END_OF_DAY else local.time()
    return calendar.instant(dt.datetime.combine(last_day, at))


def elapsed(
    start: dt.datetime, end: dt.datetime, unit: DurationUnit, calendar: WorkingCalendar
) -> float:
    """Time from ``start`` to ``end`` in the unit reported for ``unit``."""
    if unit in (DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS):
        working = calendar.working_us_between(start, end)
        per = 3600 * _US if unit is DurationUnit.WORKING_HOURS else calendar.day_us
        return working / per
    if unit in (DurationUnit.MINUTES, DurationUnit.HOURS):
        per_unit = 60 if unit is DurationUnit.MINUTES else 3600
        return (end - start) / dt.timedelta(seconds=per_unit)
    wall = calendar.local(end) - calendar.local(start)  # calendar days on the wall clock
    return wall / dt.timedelta(days=1)
