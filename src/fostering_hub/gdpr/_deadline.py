"""The subject access deadline (ICO, "Time limits for responding to a SAR").

One calendar month from the day of receipt (whatever time of day, working day or not) to
the corresponding calendar date; the last day of the month when there is no such date;
the next working day when that date is a weekend or bank holiday. A complex request (or
several from one person) may be extended by two further months, telling the person within
the first month: the extended deadline is three calendar months from receipt, by the same
rule. The arithmetic is :func:`fostering_hub.sla.due_time` with calendar months.

Only weekends and the nation's bank holidays move the deadline: the hub's own closure days
and a shorter working week do not (they are the hub's choice, not the law's), so the
hub's calendar is used with those taken out.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ..config import Duration, DurationUnit
from ..models import london_date, to_london
from ..sla import WorkingCalendar, due_time

ONE_MONTH = Duration(1, DurationUnit.CALENDAR_MONTHS)
EXTENDED = Duration(3, DurationUnit.CALENDAR_MONTHS)
"""One month plus the two-month extension for complex requests."""


def statutory_calendar(calendar: WorkingCalendar | None = None) -> WorkingCalendar:
    """``calendar`` (default England and Wales) with Monday to Friday working days and no
    hub closure days: the days the ICO rule counts as not working are weekends and bank
    holidays."""
    base = calendar or WorkingCalendar()
    return attrs.evolve(base, working_days=frozenset(range(5)), closures=frozenset())


@attrs.frozen
class SubjectAccessDeadline:
    """When a subject access request must be answered."""

    received_at: dt.datetime
    due: dt.date
    """One calendar month, moved to the next working day."""
    complex: bool = False
    extended_due: dt.date | None = None
    """Three calendar months from receipt, when the request is flagged complex."""

    @property
    def final_due(self) -> dt.date:
        """The date that applies: ``extended_due`` for a complex request, else ``due``."""
        return self.extended_due if self.extended_due is not None else self.due

    @property
    def tell_extension_by(self) -> dt.date | None:
        """A complex request's extension must be explained to the person by ``due``."""
        return self.due if self.complex else None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "received_at": self.received_at.isoformat(),
            "due": self.due.isoformat(),
            "complex": self.complex,
            "extended_due": self.extended_due.isoformat() if self.extended_due else None,
        }


def subject_access_deadline(
    received_at: dt.datetime,
    calendar: WorkingCalendar | None = None,
    *,
    complex: bool = False,
) -> SubjectAccessDeadline:
    """The deadline for a request received at ``received_at`` (naive: Europe/London).

    >>> import datetime as dt
    >>> subject_access_deadline(dt.datetime(2025, 1, 31, 10)).due   # 28 Feb, a Friday
    datetime.date(2025, 2, 28)
    """
    received_at = to_london(received_at)
    working = statutory_calendar(calendar)

    def by(duration: Duration) -> dt.date:
        return london_date(due_time(received_at, duration, working))

    return SubjectAccessDeadline(
        received_at=received_at,
        due=by(ONE_MONTH),
        complex=complex,
        extended_due=by(EXTENDED) if complex else None,
    )
