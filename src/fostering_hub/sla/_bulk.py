"""Evaluating SLA targets over a whole journey table at once (the bulk path): numpy parts.

The arithmetic is numpy on int64 microseconds since the Unix epoch, following exactly the
conventions of the scalar path (:func:`fostering_hub.sla.evaluate`), which a property
test checks row by row: instants are UTC microseconds, wall times are Europe/London
local microseconds, and working time is counted on the wall clock as
:class:`~fostering_hub.sla.WorkingCalendar` does. The journey table has no pause events,
so pauses never apply here.

Europe/London's offsets come from the same time-zone database the scalar path uses
(read once per year and cached), so any year works, not only those of today's rule.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..config import DueConvention, Duration, DurationUnit
from ..models import STAGE_COLUMNS, Stage
from ._calendar import MAX_SEARCH_DAYS, WorkingCalendar, bank_holidays
from ._evaluate import Target

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    I64 = npt.NDArray[np.int64]
    Bools = npt.NDArray[np.bool_]

US = 1_000_000
DAY_US = 86_400 * US
HOUR_US = 3_600 * US
NAT = -(2**63)  # numpy's NaT as int64
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DAY = dt.date(1970, 1, 1)
_TERMINAL_COLUMNS = (STAGE_COLUMNS[Stage.APPROVED], STAGE_COLUMNS[Stage.WITHDRAWN])
_CHUNK = 1 << 18  # rows of text parsed at a time, to bound the memory of the parser


def epoch_us(value: dt.datetime) -> int:
    """An aware ``datetime`` as UTC microseconds since the Unix epoch."""
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


# -- Europe/London offsets ------------------------------------------------------------


def _offset_us(seconds: int) -> int:
    """Europe/London's UTC offset, in microseconds, at ``seconds`` since the epoch."""
    from ..models._datetime import _london

    offset = (_EPOCH + dt.timedelta(seconds=seconds)).astimezone(_london()).utcoffset()
    assert offset is not None
    return offset // dt.timedelta(microseconds=1)


@functools.cache
def _year_changes(year: int) -> tuple[tuple[int, int, int], ...]:
    """The offset changes from 1 January ``year`` (UTC) to the next 1 January, inclusive:
    (UTC microseconds of the change, offset before, offset after), by probing the zone
    daily and bisecting to the second (Europe/London never changes twice in a day)."""
    begin = int((dt.datetime(year, 1, 1, tzinfo=dt.UTC) - _EPOCH).total_seconds())
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    found = []
    previous = _offset_us(begin)
    for day in range(1, days + 1):
        current = _offset_us(begin + day * 86_400)
        if current == previous:
            continue
        low, high = begin + (day - 1) * 86_400, begin + day * 86_400
        while high - low > 1:
            middle = (low + high) // 2
            if _offset_us(middle) == previous:
                low = middle
            else:
                high = middle
        found.append((high * US, previous, current))
        previous = current
    return tuple(found)


@functools.cache
def _zone(first_year: int, last_year: int) -> _Zone:
    return _Zone(first_year, last_year)


def zone_for(*arrays: I64) -> _Zone:
    """A :class:`_Zone` covering every value in ``arrays`` (UTC or local microseconds),
    with a year's margin either side."""
    import numpy as np

    low, high = 0, 0
    seen = False
    for values in arrays:
        real = values[values != NAT]
        if len(real):
            low = int(real.min()) if not seen else min(low, int(real.min()))
            high = int(real.max()) if not seen else max(high, int(real.max()))
            seen = True
    years = np.array([low, high], dtype=np.int64)
    first, last = years.astype("datetime64[us]").astype("datetime64[Y]").astype(np.int64) + 1970
    return _zone(int(first) - 1, int(last) + 1)


class _Zone:
    """Europe/London from ``first_year`` to ``last_year``, as arrays of offset changes.

    Wall times that BST skips move on by the gap (an hour), and wall times repeated when
    BST ends are read as the first run, in BST: exactly as the scalar path does.
    """

    def __init__(self, first_year: int, last_year: int) -> None:
        import numpy as np

        self.first_year, self.last_year = first_year, last_year
        changes = [c for year in range(first_year, last_year + 1) for c in _year_changes(year)]
        base = _offset_us(
            int((dt.datetime(first_year, 1, 1, tzinfo=dt.UTC) - _EPOCH).total_seconds())
        )
        # A sentinel change at the start of time keeps every search index at 0 or more.
        at = np.array([NAT + 1] + [c[0] for c in changes], dtype=np.int64)
        before = np.array([base] + [c[1] for c in changes], dtype=np.int64)
        after = np.array([base] + [c[2] for c in changes], dtype=np.int64)
        self.at, self.after = at, after
        # On the wall clock a change takes effect once both offsets' wall times have passed.
        self.wall_at = at + np.maximum(before, after)
        self.wall_at[0] = NAT + 1
        spring = after > before
        self.gap_starts, self.gap_ends = (at + before)[spring], (at + after)[spring]

    def covering(self, first_day: int, last_day: int) -> _Zone:
        """This zone, or a wider one, covering local days ``first_day`` to ``last_day``."""
        first = (_EPOCH_DAY + dt.timedelta(days=first_day)).year
        last = (_EPOCH_DAY + dt.timedelta(days=last_day)).year
        if self.first_year < first and last < self.last_year:
            return self
        return _zone(min(first - 1, self.first_year), max(last + 1, self.last_year))

    def to_local(self, utc: I64) -> I64:
        """Instants as London wall times (NaT stays NaT)."""
        import numpy as np

        index = np.searchsorted(self.at, utc, side="right") - 1
        return np.where(utc == NAT, NAT, utc + self.after[np.maximum(index, 0)])

    def to_utc(self, local: I64) -> I64:
        """London wall times as instants (NaT stays NaT)."""
        import numpy as np

        index = np.searchsorted(self.wall_at, local, side="right") - 1
        return np.where(local == NAT, NAT, local - self.after[np.maximum(index, 0)])

    def skipped(self, local: I64) -> Bools:
        """Wall times in an hour skipped when BST starts."""
        import numpy as np

        if len(self.gap_starts) == 0:
            return np.zeros(len(local), dtype=bool)
        index = np.searchsorted(self.gap_starts, local, side="right") - 1
        return (index >= 0) & (local < self.gap_ends[np.maximum(index, 0)])


# -- parsing ----------------------------------------------------------------------------

_DIGIT_POSITIONS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15)
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_instants(values: Any, column: str = "value") -> I64:
    """ISO 8601 texts as UTC microseconds; empty (or ``None``) -> NaT.

    The text is the journey table's timestamp (``DATETIME_PATTERN``):
    ``YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]]``, then ``Z`` or ``+HH:MM`` / ``-HH:MM`` for that
    instant, or nothing for Europe/London wall time. A numpy ``datetime64`` array is read
    as London wall times too. Text of another shape, an impossible date, and a wall time
    BST skips raise ``ValueError`` naming the column and row (never the value).
    """
    import numpy as np

    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        local = array.astype("datetime64[us]").astype(np.int64)
        return _localise(local, local != NAT, column, np.arange(len(local)))
    if array.dtype == object:
        present = np.array([v is not None and v != "" for v in array.tolist()], dtype=bool)
    else:
        present = np.char.str_len(array.astype(str)) > 0
    result = np.full(len(array), NAT, dtype=np.int64)
    rows = np.flatnonzero(present)
    result[rows] = parse_present(array[rows], column, rows)
    return result


def parse_present(texts: Any, column: str, rows: I64) -> I64:
    """:func:`parse_instants` for texts that are all non-empty; ``rows`` are their rows
    in the table (for error messages)."""
    import numpy as np

    def chunks() -> Iterator[tuple[int, Any, I64]]:
        for first in range(0, len(texts), _CHUNK):
            text = np.asarray(texts[first : first + _CHUNK]).astype(str)
            codes = text.view(np.uint32).reshape(len(text), text.dtype.itemsize // 4)
            # Timestamps are ASCII: anything else becomes DEL, which no field accepts.
            matrix = np.minimum(codes, 127).astype(np.uint8)
            yield first, matrix, np.char.str_len(text).astype(np.int64)

    return _parse_chunks(chunks(), len(texts), column, rows)


def parse_bytes(matrix: Any, length: I64, column: str, rows: I64) -> I64:
    """:func:`parse_present` for texts given as a (rows, width) uint8 matrix of their
    ASCII characters, padded with anything, and their lengths."""

    def chunks() -> Iterator[tuple[int, Any, I64]]:
        for first in range(0, len(length), _CHUNK):
            part = slice(first, first + _CHUNK)
            yield first, matrix[part], length[part]

    return _parse_chunks(chunks(), len(length), column, rows)


def _parse_chunks(
    chunks: Iterator[tuple[int, Any, I64]], count: int, column: str, rows: I64
) -> I64:
    import numpy as np

    local = np.empty(count, dtype=np.int64)
    offset = np.empty(count, dtype=np.int64)
    naive = np.empty(count, dtype=bool)
    for first, matrix, length in chunks:
        part = slice(first, first + len(length))
        local[part], offset[part], naive[part], bad = _parse_bytes(matrix, length)
        if bad.any():
            row = int(rows[first + int(np.argmax(bad))])
            raise ValueError(f"{column}, row {row}: not an ISO 8601 date and time")
    return _localise(local - offset, naive, column, rows)


def _localise(values: I64, naive: Bools, column: str, rows: I64) -> I64:
    """``values`` with the ``naive`` ones, London wall times, turned into instants."""
    import numpy as np

    if not naive.any():
        return values
    wall = values[naive]
    zone = zone_for(wall)
    skipped = zone.skipped(wall)
    if skipped.any():
        row = int(rows[np.flatnonzero(naive)[np.argmax(skipped)]])
        raise ValueError(
            f"{column}, row {row}: local time does not exist in Europe/London "
            "(skipped when BST starts); give an offset or a real time"
        )
    result = values.copy()
    result[naive] = zone.to_utc(wall)
    return result


def _parse_bytes(matrix: Any, length: I64) -> tuple[I64, I64, Bools, Bools]:
    """Timestamps as a (rows, width) uint8 matrix of characters, and their lengths:
    wall-clock microseconds as written, offset microseconds, which have no offset
    (London wall time), and which are not timestamps at all.

    The fields sit at fixed places, so they are read as digits straight from the
    characters, one contiguous array per place: far quicker than numpy's own
    text-to-datetime64 parser.
    """
    import numpy as np

    count, width = matrix.shape
    places = np.ascontiguousarray(matrix[:, : min(width, 26)].T)
    rows = np.arange(count)
    nothing = np.zeros(count, dtype=np.int64)

    def at(position: int) -> I64:
        if position >= places.shape[0]:
            return nothing
        column: I64 = places[position].astype(np.int64)
        return column

    def at_rows(positions: I64) -> I64:
        picked: I64 = matrix[rows, np.clip(positions, 0, width - 1)].astype(np.int64)
        return picked

    zulu = at_rows(length - 1) == ord("Z")
    sign = at_rows(length - 6)
    offset = (length >= 22) & ((sign == ord("+")) | (sign == ord("-")))
    offset &= at_rows(length - 3) == ord(":")
    body = length - np.where(offset, 6, np.where(zulu, 1, 0))
    seconds = body >= 19
    fraction = body >= 21
    bad = ~((body == 16) | (body == 19) | ((body >= 21) & (body <= 26)))
    digits = {p: at(p) - ord("0") for p in (*_DIGIT_POSITIONS, 17, 18)}
    for position in _DIGIT_POSITIONS:
        bad |= (digits[position] < 0) | (digits[position] > 9)
    for position in (17, 18):
        bad |= seconds & ((digits[position] < 0) | (digits[position] > 9))
    separator = at(10)
    bad |= (at(4) != ord("-")) | (at(7) != ord("-")) | (at(13) != ord(":"))
    bad |= (separator != ord("T")) & (separator != ord(" "))
    bad |= seconds & (at(16) != ord(":"))
    bad |= fraction & (at(19) != ord("."))
    micro = np.zeros(count, dtype=np.int64)
    for index in range(6):
        digit = at(20 + index) - ord("0")
        used = 20 + index < body
        bad |= used & ((digit < 0) | (digit > 9))
        micro += np.where(used, digit, 0) * 10 ** (5 - index)

    def number(*positions: int) -> I64:
        value = np.zeros(count, dtype=np.int64)
        for position in positions:
            value = value * 10 + digits[position]
        return value

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute = number(11, 12), number(14, 15)
    second = np.where(seconds, number(17, 18), 0)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array(_MONTH_DAYS)[np.clip(month - 1, 0, 11)] + (leap & (month == 2))
    bad |= (year < 1) | (month < 1) | (month > 12) | (day < 1) | (day > month_days)
    bad |= (hour > 23) | (minute > 59) | (second > 59)
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    shifted = year - (month <= 2)
    era = shifted // 400
    of_era = shifted - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    days = era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468
    local = ((days * 24 + hour) * 60 + minute) * 60 * US + second * US + micro
    offset_us = np.zeros(count, dtype=np.int64)
    where = np.flatnonzero(offset)
    if len(where):
        start = (length - 6)[where]
        parts = [matrix[where, start + k].astype(np.int64) - ord("0") for k in (1, 2, 4, 5)]
        wrong = np.zeros(len(where), dtype=bool)
        for part in parts:
            wrong |= (part < 0) | (part > 9)
        hours, minutes = parts[0] * 10 + parts[1], parts[2] * 10 + parts[3]
        wrong |= (hours > 23) | (minutes > 59)
        bad[where] |= wrong
        total = (hours * 60 + minutes) * 60 * US
        offset_us[where] = np.where(matrix[where, start] == ord("-"), -total, total)
    local = np.where(bad, 0, local)
    return local, offset_us, ~offset & ~zulu, bad


# -- the working calendar as day arrays -------------------------------------------------


def _working_mask(calendar: WorkingCalendar, first_day: int, last_day: int) -> Bools:
    """Which local days (numbered from 1970-01-01) from ``first_day`` to ``last_day``
    are working days: exactly :meth:`WorkingCalendar.is_working_day`."""
    import numpy as np

    days = np.arange(first_day, last_day + 1, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (Monday = 0)
    mask = np.isin(weekday, sorted(calendar.working_days))
    first_year = (_EPOCH_DAY + dt.timedelta(days=first_day)).year
    last_year = (_EPOCH_DAY + dt.timedelta(days=last_day)).year
    closed = set(calendar.closures)
    for year in range(first_year, last_year + 1):
        closed |= bank_holidays(calendar.nation, year)
    closed_days = np.array(sorted((d - _EPOCH_DAY).days for d in closed), dtype=np.int64)
    return mask & ~np.isin(days, closed_days)


class _Days:
    """Per-day facts for a span of local days: open or not, working time before it."""

    def __init__(self, calendar: WorkingCalendar, first_day: int, working: Bools) -> None:
        import numpy as np

        count = len(working)
        self.first = first_day
        self.working = working
        self.day_us = calendar.day_us
        opens = calendar.opens
        self.opens_us = (opens.hour * 3600 + opens.minute * 60 + opens.second) * US
        self.closes_us = self.opens_us + self.day_us
        self.before = np.concatenate(([0], np.cumsum(working * self.day_us)[:-1]))
        self.work_index = np.flatnonzero(working)
        self.work_count = np.cumsum(working)  # working days up to and including each day
        # The first working day at or after each day (``count`` if none in the span).
        candidates = np.where(working, np.arange(count), count)
        self.next_working = np.minimum.accumulate(candidates[::-1])[::-1]

    @classmethod
    def span(
        cls, target: Target, durations: list[Duration], first_day: int, last_day: int
    ) -> _Days:
        """Days from ``first_day`` on, far enough past ``last_day`` for any clock of
        ``durations`` started by then to fall due inside the span."""
        import numpy as np

        calendar = target.calendar
        reach, need = 1, 1
        for duration in durations:
            more_days, more_working = _reach(duration, calendar)
            reach, need = max(reach, more_days), max(need, more_working)
        base = last_day + reach
        extra = 14 + 7 * need
        while True:
            working = _working_mask(calendar, first_day, base + extra)
            if int(np.count_nonzero(working[base - first_day + 1 :])) >= need:
                return cls(calendar, first_day, working)
            if extra > MAX_SEARCH_DAYS + 7 * need:
                raise ValueError("no working day within ten years")
            extra *= 2

    def index(self, local: I64) -> I64:
        return local // DAY_US - self.first

    def position(self, local: I64) -> I64:
        """Working microseconds from the start of the span to wall time ``local``."""
        import numpy as np

        day = self.index(local)
        into = np.clip(local % DAY_US - self.opens_us, 0, self.day_us) * self.working[day]
        return self.before[day] + into

    def add_working(self, local: I64, amount: int) -> I64:
        """The wall time ``amount`` working microseconds after wall time ``local``."""
        import numpy as np

        day = self.index(local)
        goal = self.position(local) + amount
        ends = self.before[self.work_index] + self.day_us
        which = np.searchsorted(ends, goal, side="left")
        # Never before the day the clock is on (or its next working day, if closed): with
        # no working time to add, a clock waiting for opening is due at that opening.
        which = np.maximum(which, self.work_count[day] - self.working[day])
        found = self.work_index[which]
        return (found + self.first) * DAY_US + self.opens_us + (goal - self.before[found])


def _reach(duration: Duration, calendar: WorkingCalendar) -> tuple[int, int]:
    """(calendar days, working days after them) a clock of ``duration`` can run, at most."""
    unit, amount = duration.unit, duration.amount
    if unit is DurationUnit.WORKING_HOURS:
        return 1, amount * HOUR_US // calendar.day_us + 2
    if unit is DurationUnit.WORKING_DAYS:
        return 1, amount + 1
    days = {
        DurationUnit.MINUTES: amount // 1440,
        DurationUnit.HOURS: amount // 24,
        DurationUnit.DAYS: amount,
        DurationUnit.WEEKS: 7 * amount,
        DurationUnit.CALENDAR_MONTHS: 31 * amount,
        DurationUnit.YEARS: 366 * amount,
    }[unit]
    return days + 2, 1


def _shift_months(day: I64, months: int) -> I64:
    """Local day numbers moved ``months`` months on, clamped to the month's last day."""
    import numpy as np

    dates = day.astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month).astype(np.int64)
    target = month + np.timedelta64(months, "M")
    length = (
        (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype("datetime64[D]")
    ).astype(np.int64)
    shifted: I64 = (target.astype("datetime64[D]") + np.minimum(day_of_month, length - 1)).astype(
        np.int64
    )
    return shifted


def due_for(target: Target, duration: Duration, start: I64, zone: _Zone, days: _Days) -> I64:
    """Due instants for clocks of ``duration`` started at ``start`` (UTC microseconds);
    :func:`fostering_hub.sla.due_time` for many values."""
    unit, amount = duration.unit, duration.amount
    if unit is DurationUnit.MINUTES:
        return start + amount * 60 * US
    if unit is DurationUnit.HOURS:
        return start + amount * HOUR_US
    local = zone.to_local(start)
    if unit is DurationUnit.WORKING_HOURS:
        return zone.to_utc(days.add_working(local, amount * HOUR_US))
    time_of_day = local % DAY_US
    if unit in (DurationUnit.DAYS, DurationUnit.WEEKS):
        return zone.to_utc(local + amount * (7 if unit is DurationUnit.WEEKS else 1) * DAY_US)
    if unit is DurationUnit.YEARS:
        return zone.to_utc(_shift_months(local // DAY_US, 12 * amount) * DAY_US + time_of_day)
    if unit is DurationUnit.WORKING_DAYS:
        index = days.index(local)
        # Day 0 itself for no working days (working day or not), as the scalar path.
        last_day = index if amount == 0 else days.work_index[days.work_count[index] + amount - 1]
    else:  # calendar months, the ICO rule
        last_day = days.next_working[_shift_months(local // DAY_US, amount) - days.first]
    at = days.closes_us if target.convention is DueConvention.END_OF_DAY else time_of_day
    return zone.to_utc((last_day + days.first) * DAY_US + at)


def elapsed_in_unit(target: Target, start: I64, end: I64, zone: _Zone, days: _Days) -> Any:
    """:func:`fostering_hub.sla.elapsed` for many values (float64 array)."""
    unit = target.rule.duration.unit
    if unit in (DurationUnit.WORKING_HOURS, DurationUnit.WORKING_DAYS):
        working = days.position(zone.to_local(end)) - days.position(zone.to_local(start))
        return working / (HOUR_US if unit is DurationUnit.WORKING_HOURS else days.day_us)
    if unit is DurationUnit.MINUTES:
        return (end - start) / (60 * US)
    if unit is DurationUnit.HOURS:
        return (end - start) / HOUR_US
    return (zone.to_local(end) - zone.to_local(start)) / DAY_US
