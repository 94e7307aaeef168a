"""Timestamps and dates on the wire.

A timestamp is ISO 8601 text (or a ``datetime`` from Python). With an offset or ``Z`` it
means that instant; without, it is local time in Europe/London and gets the offset in
force then (GMT or BST). A local time that does not exist (the hour skipped when BST
starts) is an error; an ambiguous one (the hour repeated when BST ends) is read as the
first occurrence, in BST. Numbers (Unix times) are not accepted: JSON Schema vendors
would read them differently. pendulum loads on first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import TzInfo

from ._errors import fail

LONDON = "Europe/London"

DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME_RE = re.compile(DATETIME_PATTERN)
_DATE_RE = re.compile(DATE_PATTERN)


if TYPE_CHECKING:
    from pendulum import Timezone


@functools.cache
def _london() -> Timezone:
    import pendulum

    return pendulum.timezone(LONDON)


def to_london(value: dt.datetime) -> dt.datetime:
    """Give a naive ``datetime`` the Europe/London offset in force; leave aware ones alone.

    Raises ``ValueError`` for a local time skipped by the change to BST.
    """
    offset = value.utcoffset()
    if offset is not None:
        return _fixed_offset(value, offset)
    # What pendulum's ``Timezone.convert`` does with a naive time (fold=0), without its
    # overhead: an ambiguous time is the first occurrence (BST, the offset with fold=0);
    # a skipped one is where the offset with fold=1 is larger (convert would move it).
    if value.__class__ is dt.datetime:
        return _naive_to_london(value)
    london = _london()
    wall = value.replace(tzinfo=None, fold=0)
    before = london.utcoffset(wall)
    after = london.utcoffset(wall.replace(fold=1))
    if after is None or before is None or after > before:
        raise ValueError("local time does not exist in Europe/London")
    return wall.replace(tzinfo=_zone(before))


def _naive_to_london(value: dt.datetime) -> dt.datetime:
    """``to_london`` for a ``datetime`` (not a subclass) without a UTC offset.

    What the ``replace`` calls of ``to_london`` do, with new ``datetime`` objects (which
    CPython 3.11 makes several times faster).
    """
    fields = (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )
    zone = _whole_day_zone(value.toordinal())
    if zone is not None:
        return dt.datetime(*fields, zone)
    london = _london()
    before = london.utcoffset(dt.datetime(*fields))
    after = london.utcoffset(dt.datetime(*fields, fold=1))
    if after is None or before is None or after > before:
        raise ValueError("local time does not exist in Europe/London")
    return dt.datetime(*fields, _zone(before))


@functools.lru_cache(maxsize=8192)
def _whole_day_zone(ordinal: int) -> dt.timezone | None:
    """The fixed zone of London's offset on local day ``ordinal`` if it is the same all
    day, or ``None`` on a day the clocks change (or cannot be told).

    A change of offset during the day shows as two offsets among those at each hour
    (either side of a repeated hour, ``fold``) and at the day's last instant: London's
    clocks have never changed twice within an hour (tzdata). Cached: a day is worked out
    once.
    """
    london = _london()
    try:
        day = dt.datetime.fromordinal(ordinal)
        walls = [day + dt.timedelta(hours=hour) for hour in range(24)]
        walls.append(day + dt.timedelta(days=1, microseconds=-1))
    except OverflowError:
        return None
    offsets = {london.utcoffset(wall.replace(fold=fold)) for wall in walls for fold in (0, 1)}
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else _zone(offset)


def london_from_naive_text(text: str) -> dt.datetime:
    """What the model makes of ``text``, a naive timestamp in the years 1901-9997 with
    hours, minutes and seconds in range (the fast path's ``NAIVE_TIMESTAMP_PATTERN``):
    pydantic's parse, then ``_naive_to_london``. ``ValueError`` on a day the clocks change,
    and for a day that is not on the calendar.

    The day's offset, written after the text, makes ``fromisoformat`` build the aware value
    in one step (several times quicker than the parse and a new ``datetime``). The
    fast path's tests compare both ways.
    """
    day = text[:10]
    try:
        suffix = _SUFFIXES[day]
    except KeyError:
        suffix = _whole_day_suffix(day)
        if len(_SUFFIXES) < _MAX_SUFFIXES:
            _SUFFIXES[day] = suffix
    if suffix is None:
        raise ValueError("not a day with one offset")
    return dt.datetime.fromisoformat(text + suffix)


_SUFFIXES: dict[str, str | None] = {}
"""``_whole_day_suffix`` of the days seen, at most ``_MAX_SUFFIXES`` of them (a
dictionary, which costs less to ask than ``functools.lru_cache``)."""
_MAX_SUFFIXES = 8192


def _whole_day_suffix(day: str) -> str | None:
    """``"+HH:MM"``, London's offset all day on ``day`` (``YYYY-MM-DD``), or None (see
    :func:`_whole_day_zone`, and for a day not on the calendar)."""
    try:
        ordinal = dt.date.fromisoformat(day).toordinal()
    except ValueError:
        return None
    zone = _whole_day_zone(ordinal)
    offset = None if zone is None else zone.utcoffset(None)
    if offset is None or offset < dt.timedelta(0) or offset % _MINUTE:
        return None  # (London's offsets since 1847 are whole minutes and never negative)
    minutes = offset // _MINUTE
    return f"+{minutes // 60:02d}:{minutes % 60:02d}"


@functools.cache
def _zone(offset: dt.timedelta) -> dt.timezone:
    return dt.timezone(offset)


_MINUTE = dt.timedelta(minutes=1)
_FIXED = (dt.timezone, TzInfo)


def _fixed_offset(value: dt.datetime, offset: dt.timedelta) -> dt.datetime:
    """An aware value as the same instant with a fixed offset.

    A zone-aware value (e.g. ``zoneinfo``) whose wall time the zone skips is refused; one
    in a repeated hour keeps the offset its ``fold`` selects; an offset with seconds (which
    ISO 8601 text cannot carry) becomes UTC.
    """
    tzinfo = value.tzinfo
    if isinstance(tzinfo, _FIXED) and not offset.microseconds and not offset.seconds % 60:
        return value  # a fixed offset of whole minutes: every wall time exists, as it is
    instant = value.astimezone(dt.UTC)
    if instant.astimezone(tzinfo).replace(tzinfo=None) != value.replace(tzinfo=None, fold=0):
        raise ValueError("local time does not exist in its time zone")
    if offset % _MINUTE:
        return instant
    return value.astimezone(dt.timezone(offset))


FIXED_OFFSET_CLASSES = frozenset(_FIXED)
"""The classes of fixed-offset ``tzinfo`` (whose ``utcoffset`` is never ``None``)."""


def later(a: dt.datetime, b: dt.datetime) -> bool:
    """``a > b``, quicker for the fixed-offset values the models hold.

    Values with the same ``tzinfo`` object are compared as they are (Python then compares
    their fields, without asking the zone). Fixed-offset values are aware, and an offset
    is less than a day either way, so the instants of values whose calendar days are
    three or more apart are in the order of those days; closer ones (and any other
    values) are compared as they are.
    """
    try:
        zone_a = a.tzinfo
        zone_b = b.tzinfo
    except AttributeError:  # (not datetimes: as they are)
        return a > b
    if zone_a is zone_b:
        return a > b
    fixed = FIXED_OFFSET_CLASSES
    if zone_a.__class__ in fixed and zone_b.__class__ in fixed:
        gap = a.toordinal() - b.toordinal()
        if gap >= 3:
            return True
        if gap <= -3:
            return False
        # The same as ``a > b`` for fixed offsets, without the comparison's check of both
        # values' offsets at the other ``fold`` (PEP 495), which fixed offsets ignore.
        return a - b > _NO_TIME
    return a > b


_NO_TIME = dt.timedelta(0)


def same_instant(a: dt.datetime, b: dt.datetime) -> bool:
    """``a == b``, quicker for the fixed-offset values the models hold (see :func:`later`)."""
    zone_a = a.tzinfo
    zone_b = b.tzinfo
    if zone_a is zone_b:
        return a == b
    fixed = FIXED_OFFSET_CLASSES
    if zone_a.__class__ in fixed and zone_b.__class__ in fixed:
        return a - b == _NO_TIME
    return a == b


def london_date(value: dt.datetime) -> dt.date:
    """The calendar date in Europe/London of an instant (a naive value is London time)."""
    if value.tzinfo.__class__ in FIXED_OFFSET_CLASSES:
        # A value written with the offset London keeps all that day (as local times are
        # read, and UTC in winter) is on its own date there: the quick case.
        if value.__class__ is dt.datetime:
            zone = _whole_day_zone(value.toordinal())
            if zone is not None and value.utcoffset() == zone.utcoffset(None):
                return value.date()
        # to_london keeps the instant of such a value (its offset is never None)
        return value.astimezone(_london()).date()
    return to_london(value).astimezone(_london()).date()


def _datetime_shape(value: Any) -> Any:
    if value.__class__ is str and _DATETIME_RE.fullmatch(value):
        return value  # the common case of what follows
    if isinstance(value, str) and not _DATETIME_RE.fullmatch(value):
        fail("datetime_parsing", "Input should be an ISO 8601 date and time")
    if not isinstance(value, str | dt.datetime):
        fail("datetime_type", "Input should be an ISO 8601 date and time string")
    return value


FIRST_YEAR, LAST_YEAR = 1900, 9998
"""Timestamps outside these years are refused: before 1 December 1847 London kept local
mean time (an offset of -00:01:15 that ISO 8601 text cannot carry), and the far ends
overflow date arithmetic."""


def _attach_zone(value: dt.datetime) -> dt.datetime:
    if FIRST_YEAR < value.year < LAST_YEAR:
        # Shortcuts of what follows for the values pydantic gives for text: no offset can
        # move a year strictly inside the range out of it.
        tzinfo = value.tzinfo
        if tzinfo.__class__ is TzInfo:  # text with an offset or Z
            offset = value.utcoffset()
            if offset is not None and not offset.microseconds and not offset.seconds % 60:
                return value  # to_london keeps a fixed whole-minute offset as it is
        elif tzinfo is None and value.__class__ is dt.datetime:  # London local time
            try:
                return _naive_to_london(value)
            except ValueError:
                fail(
                    "fh_nonexistent_local_time",
                    "Local time does not exist in Europe/London (skipped when BST starts)",
                )
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        fail("fh_datetime_range", "Timestamp must fall between the years 1900 and 9998")
    try:
        aware = to_london(value)
    except OverflowError:
        fail("fh_datetime_range", "Timestamp must fall between the years 1900 and 9998")
    except ValueError:
        fail(
            "fh_nonexistent_local_time",
            "Local time does not exist in Europe/London (skipped when BST starts)",
        )
    if aware.year in (FIRST_YEAR, LAST_YEAR) and not (
        FIRST_YEAR <= aware.astimezone(dt.UTC).year <= LAST_YEAR
    ):
        fail("fh_datetime_range", "Timestamp must fall between the years 1900 and 9998")
    return aware


def _timestamp_schema(schema: dict[str, Any]) -> None:
    # RFC 3339 "date-time" demands an offset; naive London times are valid here, so the
    # schema states the accepted shape as a pattern instead.
    schema.pop("format", None)
    schema["pattern"] = DATETIME_PATTERN


def _date_shape(value: Any) -> Any:
    if isinstance(value, dt.datetime) or not isinstance(value, str | dt.date):
        fail("date_type", "Input should be an ISO 8601 date string (YYYY-MM-DD)")
    if isinstance(value, str) and not _DATE_RE.fullmatch(value):
        fail("date_parsing", "Input should be an ISO 8601 date (YYYY-MM-DD)")
    return value


Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_datetime_shape),
    AfterValidator(_attach_zone),
    Field(
        json_schema_extra=_timestamp_schema,
        description=(
            "ISO 8601 date and time. With an offset or Z, that instant; without, "
            "local time in Europe/London."
        ),
        examples=["2024-04-01T09:30:00+01:00"],
    ),
]
"""A timezone-aware ``datetime``; naive input is read as Europe/London local time."""

IsoDate = Annotated[
    dt.date,
    BeforeValidator(_date_shape),
    Field(json_schema_extra={"pattern": DATE_PATTERN}, examples=["1985-06-30"]),
]
"""A calendar date given as ``YYYY-MM-DD`` (or a ``date``)."""
