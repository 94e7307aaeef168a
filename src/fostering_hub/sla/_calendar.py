"""Working calendars: when a hub is open, in its own time zone, with UK bank holidays.

A working day is a configured weekday (Monday to Friday by default) that is neither a
bank holiday of the hub's nation nor one of the hub's own closure days. Bank holidays
come from the ``holidays`` package (``holidays.UK`` with the nation's subdivision:
England, Wales, Scotland or Northern Ireland differ; Banking and Financial Dealings Act
1971, schedule 1, plus proclamations), never from a hand-written list. Working hours run
from ``opens`` to ``closes`` local time on working days.

All arithmetic is done on local wall-clock times and converted to instants at the end,
so a change between GMT and BST never moves a due time by an hour.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

import attrs

from ..models import to_london
from ..models._datetime import LONDON

_DAY = dt.timedelta(days=1)
MAX_SEARCH_DAYS = 3_660  # ten years: a calendar with no working day at all fails loudly


@functools.cache
def bank_holidays(nation: str, year: int) -> frozenset[dt.date]:
    """Bank holidays of ``nation`` (a ``holidays`` GB subdivision: ENG, WLS, SCT, NIR)."""
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


def _dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


def _time(text: str | dt.time) -> dt.time:
    return text if isinstance(text, dt.time) else dt.time.fromisoformat(text)


@attrs.frozen
class WorkingCalendar:
    """A hub's working days and hours. Build it with :meth:`from_config` or directly."""

    nation: str = "ENG"
    timezone: str = LONDON
    working_days: frozenset[int] = frozenset(range(5))
    """Open weekdays, Monday = 0."""
    opens: dt.time = attrs.field(default=dt.time(9), converter=_time)
    closes: dt.time = attrs.field(default=dt.time(17), converter=_time)
    closures: frozenset[dt.date] = attrs.field(default=frozenset(), converter=_dates)

    def __attrs_post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError("closes must be after opens")
        if not self.working_days:
            raise ValueError("a calendar needs at least one working weekday")
        if self.timezone != LONDON:
            raise ValueError("only Europe/London is supported for UK hubs")

    @classmethod
    def from_config(cls, section: object) -> WorkingCalendar:
        """From a hub config's :class:`~fostering_hub.config.CalendarSection`."""
        from ..config import CalendarSection, Weekday

        if not isinstance(section, CalendarSection):
            raise TypeError("expected a CalendarSection")
        order = list(Weekday)
        return cls(
            nation=section.nation.value,
            timezone=section.timezone,
            working_days=frozenset(order.index(day) for day in section.working_days),
            opens=section.opens,
            closes=section.closes,
            closures=frozenset(section.closures),
        )

    @property
    def day_seconds(self) -> int:
        """Working seconds in one working day."""
        return _seconds(self.closes) - _seconds(self.opens)

    def is_working_day(self, day: dt.date) -> bool:
        """True if the hub is open on ``day``."""
        return (
            day.weekday() in self.working_days
            and day not in self.closures
            and day not in bank_holidays(self.nation, day.year)
        )

    def next_working_day(self, day: dt.date, *, include: bool = True) -> dt.date:
        """``day`` itself if it is a working day (when ``include``), else the next one."""
        candidate = day if include else day + _DAY
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += _DAY
        raise ValueError("no working day within ten years")

    def working_day_after(self, day: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``day`` (``day`` itself is day 0)."""
        current = day
        for _ in range(count):
            current = self.next_working_day(current, include=False)
        return current

    def working_days_between(self, first: dt.date, last: dt.date) -> Iterable[dt.date]:
        """Working days from ``first`` to ``last`` inclusive."""
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += _DAY

    # -- local time ---------------------------------------------------------------------

    @staticmethod
    def local(instant: dt.datetime) -> dt.datetime:
        """The naive Europe/London wall time of an instant."""
        from ..models._datetime import _london

        return to_london(instant).astimezone(_london()).replace(tzinfo=None)

    @staticmethod
    def instant(local: dt.datetime) -> dt.datetime:
        """The instant of a London wall time; a time skipped by BST moves on an hour."""
        try:
            return to_london(local)
        except ValueError:
            return to_london(local + dt.timedelta(hours=1))

    # -- working time (integer microseconds, on local wall-clock time) ------------------

    @property
    def day_us(self) -> int:
        """Working microseconds in one working day."""
        return self.day_seconds * 1_000_000

    def position(self, local: dt.datetime) -> tuple[dt.date, int]:
        """``local``'s day and how far into its working hours it is, in microseconds
        (0 before opening and on closed days, ``day_us`` after closing)."""
        day = local.date()
        if not self.is_working_day(day):
            return day, 0
        into = (local - dt.datetime.combine(day, self.opens)) // dt.timedelta(microseconds=1)
        return day, min(max(into, 0), self.day_us)

    def working_us_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working time from instant ``start`` to instant ``end`` (negative if earlier)."""
        if end < start:
            return -self.working_us_between(end, start)
        first_day, first = self.position(self.local(start))
        last_day, last = self.position(self.local(end))
        if first_day == last_day:
            return last - first
        head = self.day_us - first if self.is_working_day(first_day) else 0
        middle = sum(1 for _ in self.working_days_between(first_day + _DAY, last_day - _DAY))
        return head + middle * self.day_us + last

    def add_working_us(self, start: dt.datetime, amount: int) -> dt.datetime:
        """The instant ``amount`` microseconds of working time after instant ``start``.

        Landing exactly on the end of a working day gives that day's closing time; time
        starts counting at the next opening when ``start`` is outside working hours.
        """
        day, position = self.position(self.local(start))
        if not self.is_working_day(day):
            day, position = self.next_working_day(day, include=False), 0
        remaining, left = amount, self.day_us - position
        while remaining > left:
            remaining -= left
            day, position, left = self.next_working_day(day, include=False), 0, self.day_us
        offset = dt.timedelta(microseconds=position + remaining)
        return self.instant(dt.datetime.combine(day, self.opens) + offset)


def _seconds(value: dt.time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second
