"""Durations as hubs write them: "24 hours", "8 working hours", "5 working days",
"1 calendar month", "3 years".

What each unit means when a due date is computed is the SLA engine's business
(:mod:`fostering_hub.sla`); this module only reads and writes them.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

import attrs
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from ..models._errors import fail


class DurationUnit(StrEnum):
    """Units a duration can be given in."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    WORKING_HOURS = "working hours"
    WORKING_DAYS = "working days"
    CALENDAR_MONTHS = "calendar months"
    YEARS = "years"


_ALIASES = {
    "minute": DurationUnit.MINUTES,
    "hour": DurationUnit.HOURS,
    "day": DurationUnit.DAYS,
    "week": DurationUnit.WEEKS,
    "working hour": DurationUnit.WORKING_HOURS,
    "working day": DurationUnit.WORKING_DAYS,
    "calendar month": DurationUnit.CALENDAR_MONTHS,
    "month": DurationUnit.CALENDAR_MONTHS,
    "months": DurationUnit.CALENDAR_MONTHS,
    "year": DurationUnit.YEARS,
}
DURATION_PATTERN = (
    r"^[0-9]{1,4} (minutes?|hours?|days?|weeks?|working hours?|working days?|"
    r"(calendar )?months?|years?)$"
)
_DURATION_RE = re.compile(DURATION_PATTERN)


@attrs.frozen
class Duration:
    """An amount of a unit, e.g. ``Duration(5, DurationUnit.WORKING_DAYS)``."""

    amount: int
    unit: DurationUnit

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read ``"5 working days"``; raises ``ValueError`` for anything else."""
        if not _DURATION_RE.fullmatch(text):
            raise ValueError("not a duration")
        amount, unit = text.split(" ", 1)
        return cls(int(amount), _ALIASES.get(unit) or DurationUnit(unit))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value}"


def _validate(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    try:
        return Duration.parse(value if isinstance(value, str) else "")
    except ValueError:
        fail(
            "fh_duration",
            "Value is not a duration such as '24 hours', '5 working days' or '3 years'",
        )


DurationSpec = Annotated[
    Duration,
    PlainValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "e.g. '24 hours', '8 working hours', '5 working days', '3 years'",
        }
    ),
]
"""A :class:`Duration` read from text like ``"5 working days"``."""
