"""The journey table: one row per enquiry, the analytical shape every other part reads.

Columns, exactly and in this order (see ``docs/journey-table.md``, a published format)::

    enquiry_id, local_authority, channel, source, enquired_at, callback_requested_for,
    first_contact_at, initial_visit_at, eoi_at, handed_over_at, application_at,
    approved_at, withdrawn_at, withdrawal_reason

Timestamps are ISO 8601: with an offset or ``Z`` they mean that instant, without one they
are Europe/London local time. An empty cell means "not reached". ``local_authority`` is
the GSS code of the LA the household was allocated or handed to, empty if none.
``on_hold`` and ``keep_in_touch`` events have no column and are not carried.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError, model_validator

from ._base import WireModel
from ._codes import GSSCode, Identifier
from ._datetime import Timestamp
from ._enquiry import Channel, SourceText
from ._errors import fail_at
from ._journey import Journey, JourneyEvent, Stage, WithdrawalReason, event_errors

JOURNEY_COLUMNS: tuple[str, ...] = (
    "enquiry_id",
    "local_authority",
    "channel",
    "source",
    "enquired_at",
    "callback_requested_for",
    "first_contact_at",
    "initial_visit_at",
    "eoi_at",
    "handed_over_at",
    "application_at",
    "approved_at",
    "withdrawn_at",
    "withdrawal_reason",
)
"""The journey table's columns, in order."""

STAGE_COLUMNS: dict[Stage, str] = {
    Stage.ENQUIRED: "enquired_at",
    Stage.FIRST_CONTACT: "first_contact_at",
    Stage.INITIAL_VISIT: "initial_visit_at",
    Stage.EOI: "eoi_at",
    Stage.HANDED_OVER: "handed_over_at",
    Stage.APPLICATION: "application_at",
    Stage.APPROVED: "approved_at",
    Stage.WITHDRAWN: "withdrawn_at",
}
"""The timestamp column of each stage that has one."""


class JourneyRow(WireModel):
    """One journey-table row, typed. An empty cell is read as absent ("not reached")."""

    enquiry_id: Identifier
    local_authority: GSSCode | None = None
    channel: Channel
    source: SourceText | None = None
    enquired_at: Timestamp
    callback_requested_for: Timestamp | None = None
    first_contact_at: Timestamp | None = None
    initial_visit_at: Timestamp | None = None
    eoi_at: Timestamp | None = None
    handed_over_at: Timestamp | None = None
    application_at: Timestamp | None = None
    approved_at: Timestamp | None = None
    withdrawn_at: Timestamp | None = None
    withdrawal_reason: WithdrawalReason | None = None

    @model_validator(mode="before")
    @classmethod
    def _empty_is_none(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if v != ""}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> JourneyRow:
        if (self.withdrawn_at is None) != (self.withdrawal_reason is None):
            message = "withdrawal_reason is given if and only if withdrawn_at is"
            fail_at("JourneyRow", [(("withdrawal_reason",), "fh_withdrawal_reason", message, {})])
        events = self._events()
        errors = event_errors(events)
        if errors:
            # Events come from columns, so name the column rather than an event index.
            fail_at(
                "JourneyRow",
                [((STAGE_COLUMNS[events[int(loc[0])].stage],), t, m, c) for loc, t, m, c in errors],
            )
        return self

    def _events(self) -> list[JourneyEvent]:
        events = []
        for stage, column in STAGE_COLUMNS.items():
            at = getattr(self, column)
            if at is not None:
                reason = self.withdrawal_reason if stage is Stage.WITHDRAWN else None
                events.append(JourneyEvent(stage=stage, at=at, reason=reason))
        return events

    def to_journey(self) -> Journey:
        """The journey this row describes."""
        return Journey(
            enquiry_id=self.enquiry_id,
            channel=self.channel,
            source=self.source,
            local_authority=self.local_authority,
            callback_requested_for=self.callback_requested_for,
            events=tuple(self._events()),
        )


def _format(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value.value if hasattr(value, "value") else value)


def journey_to_row(journey: Journey) -> dict[str, str]:
    """One journey-table row (all strings, empty for not reached)."""
    row = dict.fromkeys(JOURNEY_COLUMNS, "")
    row["enquiry_id"] = journey.enquiry_id
    row["local_authority"] = _format(journey.local_authority)
    row["channel"] = journey.channel.value
    row["source"] = _format(journey.source)
    row["callback_requested_for"] = _format(journey.callback_requested_for)
    for event in journey.events:
        column = STAGE_COLUMNS.get(event.stage)
        if column is not None:
            row[column] = _format(event.at)
    withdrawal = journey.withdrawal
    row["withdrawal_reason"] = _format(withdrawal.reason if withdrawal else None)
    return row


def journey_from_row(row: Mapping[str, str | None]) -> Journey:
    """Build a journey from one row. Raises ``pydantic.ValidationError`` naming the column."""
    return JourneyRow.model_validate(dict(row)).to_journey()


class JourneyTableError(ValueError):
    """A journey table had invalid rows. ``issues`` lists each one; none holds a cell value."""

    def __init__(self, source: str, issues: list[dict[str, Any]]) -> None:
        self.source = source
        self.issues = issues
        super().__init__(
            f"{source}: {len(issues)} problem(s) in the journey table; first: "
            f"line {issues[0]['line']}, {issues[0]['path']}: {issues[0]['message']} "
            f"[{issues[0]['code']}]"
        )


def check_journey_header(columns: Sequence[str], source: str) -> None:
    """Raise :class:`JourneyTableError` unless ``columns`` are exactly
    :data:`JOURNEY_COLUMNS` (in any order), naming each missing or unknown column."""
    problems = [
        {"line": 1, "path": f"/{c}", "code": "FH-S001", "message": "Missing column"}
        for c in JOURNEY_COLUMNS
        if c not in columns
    ] + [
        {"line": 1, "path": f"/{c}", "code": "FH-S002", "message": "Unknown column"}
        for c in columns
        if c not in JOURNEY_COLUMNS
    ]
    if problems:
        raise JourneyTableError(source, problems)


def write_journey_table(journeys: Iterable[Journey], target: str | Path | IO[str]) -> int:
    """Write ``journeys`` as a journey table (CSV with a header). Returns the row count."""
    if isinstance(target, str | Path):
        with Path(target).open("w", newline="", encoding="utf-8") as handle:
            return write_journey_table(journeys, handle)
    # RFC 4180 line ends: with them the csv module also quotes a bare "\r" in a cell.
    writer = csv.DictWriter(target, fieldnames=JOURNEY_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for journey in journeys:
        writer.writerow(journey_to_row(journey))
        count += 1
    return count


def journeys_to_csv(journeys: Iterable[Journey]) -> str:
    """The journey table as CSV text."""
    buffer = io.StringIO()
    write_journey_table(journeys, buffer)
    return buffer.getvalue()


def iter_journey_table(
    source: str | Path | IO[str],
) -> Iterator[tuple[int, Journey | ValidationError]]:
    """Yield ``(line, journey_or_error)`` for each row of a journey table.

    The header must hold exactly :data:`JOURNEY_COLUMNS` (any order); otherwise a
    :class:`JourneyTableError` is raised before any row is read.
    """
    if isinstance(source, str | Path):
        with Path(source).open(newline="", encoding="utf-8") as handle:
            yield from iter_journey_table(handle)
        return
    reader = csv.DictReader(source)
    check_journey_header(reader.fieldnames or [], str(getattr(source, "name", "<journey table>")))
    for row in reader:
        try:
            yield reader.line_num, journey_from_row(row)
        except ValidationError as error:
            yield reader.line_num, error


def read_journey_table(source: str | Path | IO[str]) -> list[Journey]:
    """Read a whole journey table. Raises :class:`JourneyTableError` listing every bad row."""
    from ..validation import issues_from_error

    journeys: list[Journey] = []
    problems: list[dict[str, Any]] = []
    for line, item in iter_journey_table(source):
        if isinstance(item, ValidationError):
            problems.extend({"line": line, **issue.as_dict()} for issue in issues_from_error(item))
        else:
            journeys.append(item)
    if problems:
        name = source if isinstance(source, str | Path) else getattr(source, "name", "<table>")
        raise JourneyTableError(str(name), problems)
    return journeys
