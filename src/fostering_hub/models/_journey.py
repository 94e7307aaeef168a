"""The journey: an enquiry's progress through the hub, as an event log.

Milestones, in order: enquired -> first_contact -> initial_visit -> eoi -> handed_over ->
application -> approved. Rules (the legal transitions):

* the first event is ``enquired``;
* a milestone may be skipped but never repeated or reached out of order;
* ``on_hold`` and ``keep_in_touch`` may follow any open state except themselves, and the
  journey resumes with the next milestone;
* ``withdrawn`` (with an Ofsted AW reason code) may follow any open state;
* ``approved`` and ``withdrawn`` end the journey;
* timestamps never go backwards (equal is allowed).

Withdrawal reasons are Ofsted's codes from 2023-24 ("Fostering dataset returns: changes
for 2023-24 onwards"); the stage a withdrawal happened at is the last milestone reached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from ._base import WireModel
from ._codes import GSSCode, Identifier
from ._datetime import Timestamp, later
from ._enquiry import Channel, Enquiry, SourceText
from ._errors import Loc, fail_at


class Stage(StrEnum):
    """A journey event's stage."""

    ENQUIRED = "enquired"
    FIRST_CONTACT = "first_contact"
    INITIAL_VISIT = "initial_visit"
    EOI = "eoi"
    HANDED_OVER = "handed_over"
    APPLICATION = "application"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    ON_HOLD = "on_hold"
    KEEP_IN_TOUCH = "keep_in_touch"


MILESTONES: tuple[Stage, ...] = (
    Stage.ENQUIRED,
    Stage.FIRST_CONTACT,
    Stage.INITIAL_VISIT,
    Stage.EOI,
    Stage.HANDED_OVER,
    Stage.APPLICATION,
    Stage.APPROVED,
)
"""The progress stages, in order."""

PAUSES: frozenset[Stage] = frozenset({Stage.ON_HOLD, Stage.KEEP_IN_TOUCH})
"""Stages that pause a journey: they may follow any open stage but themselves, and the
journey resumes with the next milestone."""
TERMINAL: frozenset[Stage] = frozenset({Stage.APPROVED, Stage.WITHDRAWN})
"""Stages that end a journey: nothing may follow them."""
_RANK = {stage: rank for rank, stage in enumerate(MILESTONES)}
_WITHDRAWN = Stage.WITHDRAWN


class WithdrawalReason(StrEnum):
    """Ofsted's reasons a household withdrew before panel (collected from 2023-24)."""

    AW0 = "AW0"
    """Other or unknown."""
    AW1 = "AW1"
    """Fostering was not as expected."""
    AW2 = "AW2"
    """The assessment process was not as expected."""
    AW3 = "AW3"
    """A change in the household's circumstances."""
    AW4 = "AW4"
    """Financial reasons."""
    AW5 = "AW5"
    """Fear of allegations."""


class JourneyEvent(WireModel):
    """One step in a journey."""

    stage: Stage
    at: Timestamp
    reason: WithdrawalReason | None = Field(
        None, description="Ofsted AW code; required for 'withdrawn', refused otherwise."
    )

    @model_validator(mode="after")
    def _reason_only_on_withdrawal(self) -> JourneyEvent:
        fields = self.__dict__  # (validated just now: see ConsentRecord._dates_in_order)
        withdrawn = fields["stage"] is _WITHDRAWN
        reason = fields["reason"]
        if withdrawn and reason is None:
            fail_at(
                "JourneyEvent",
                [(("reason",), "fh_withdrawal_reason", "A withdrawal needs a reason code", {})],
            )
        if not withdrawn and reason is not None:
            fail_at(
                "JourneyEvent",
                [(("reason",), "fh_withdrawal_reason", "Only a withdrawal has a reason code", {})],
            )
        return self


def can_follow(previous: Sequence[Stage], stage: Stage) -> bool:
    """True if ``stage`` may come next after the stages in ``previous`` (in order)."""
    if not previous:
        return stage is Stage.ENQUIRED
    last = previous[-1]
    if last in TERMINAL:
        return False
    if stage is Stage.WITHDRAWN:
        return True
    if stage in PAUSES:
        return last is not stage
    if stage not in _RANK:
        return False
    reached = max(_RANK[s] for s in previous if s in _RANK)
    return _RANK[stage] > reached


def _next_steps() -> dict[tuple[Stage | None, int, Stage], int]:
    """Every legal step as ``(last stage or None, furthest milestone rank, next stage) ->
    furthest milestone rank after it``, made from :func:`can_follow`.

    The furthest milestone and the last stage are all ``can_follow`` reads of the stages
    before: it only looks at the last one and at the milestones reached.
    """
    steps: dict[tuple[Stage | None, int, Stage], int] = {}
    for rank in range(-1, len(MILESTONES)):
        reached = list(MILESTONES[: rank + 1])
        for last in (None, *Stage):
            if last is None:
                before: list[Stage] = []
            elif rank < 0 or (last in _RANK and _RANK[last] != rank):
                continue  # no journey ends so: the last milestone is the furthest
            else:
                before = reached if last in _RANK else [*reached, last]
            if last is not None and not before:
                continue
            for stage in Stage:
                if can_follow(before, stage):
                    steps[last, rank, stage] = max(rank, _RANK.get(stage, -1))
    return steps


_STEPS = _next_steps()


def event_errors(events: Sequence[JourneyEvent]) -> list[tuple[Loc, str, str, dict[str, Any]]]:
    """The transition and ordering errors in ``events``, located by event index."""
    steps = _STEPS
    last: Stage | None = None
    reached = -1  # the rank of the furthest milestone so far
    previous: dt.datetime | None = None  # the time of the event before
    for index, event in enumerate(events):
        stage = event.stage
        at = event.at
        after = steps.get((last, reached, stage))
        if after is None:  # not a legal next step (see can_follow)
            where = f"'{last.value}'" if last is not None else "the start"
            return [
                (
                    (index, "stage"),
                    "fh_illegal_transition",
                    "'{stage}' cannot follow {after}",
                    {"stage": stage.value, "after": where},
                )
            ]
        if previous is not None and later(previous, at):
            return [
                (
                    (index, "at"),
                    "fh_event_out_of_order",
                    "'{stage}' is dated before the event before it",
                    {"stage": stage.value},
                )
            ]
        last, reached, previous = stage, after, at
    return []


class Journey(WireModel):
    """An enquiry's journey through the hub: identity, allocation and its event log.

    Build one with :meth:`start` and :meth:`advance`, or from a journey-table row with
    :meth:`from_row`. Instances are immutable; :meth:`advance` returns a new journey.
    """

    enquiry_id: Identifier
    channel: Channel
    source: SourceText | None = None
    local_authority: GSSCode | None = Field(
        None, description="GSS code of the LA the household was allocated or handed to."
    )
    callback_requested_for: Timestamp | None = None
    events: tuple[JourneyEvent, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _legal_transitions(self) -> Journey:
        errors = event_errors(self.events)
        if errors:
            fail_at("Journey", [(("events", *loc), t, m, c) for loc, t, m, c in errors])
        return self

    @classmethod
    def start(cls, enquiry: Enquiry, local_authority: str | None = None) -> Journey:
        """A new journey for ``enquiry``, at the ``enquired`` stage."""
        return cls(
            enquiry_id=enquiry.enquiry_id,
            channel=enquiry.channel,
            source=enquiry.source,
            local_authority=local_authority,
            callback_requested_for=enquiry.callback_requested_for,
            events=(JourneyEvent(stage=Stage.ENQUIRED, at=enquiry.received_at),),
        )

    def advance(
        self,
        stage: Stage | str,
        at: dt.datetime | str,
        reason: WithdrawalReason | str | None = None,
        *,
        local_authority: str | None = None,
    ) -> Journey:
        """A copy with one more event. Raises ``pydantic.ValidationError`` if illegal."""
        event = {"stage": stage, "at": at, "reason": reason}
        data = self.model_dump()
        data["events"] = [*data["events"], event]
        if local_authority is not None:
            data["local_authority"] = local_authority
        return type(self).model_validate(data)

    @property
    def stage(self) -> Stage:
        """The stage of the latest event."""
        return self.events[-1].stage

    @property
    def is_open(self) -> bool:
        """False once approved or withdrawn."""
        return self.stage not in TERMINAL

    def reached(self, stage: Stage) -> dt.datetime | None:
        """When the journey first reached ``stage``, or ``None``."""
        return next((e.at for e in self.events if e.stage is stage), None)

    @property
    def furthest_milestone(self) -> Stage:
        """The furthest milestone reached (the stage a withdrawal happened at)."""
        return max((e.stage for e in self.events if e.stage in _RANK), key=_RANK.__getitem__)

    @property
    def withdrawal(self) -> JourneyEvent | None:
        """The withdrawal event, if the household withdrew."""
        return next((e for e in self.events if e.stage is Stage.WITHDRAWN), None)

    def to_row(self) -> dict[str, str]:
        """This journey as one row of the journey table (the format
        :func:`write_journey_table` writes, docs/journey-table.md)."""
        from ._journey_table import journey_to_row

        return journey_to_row(self)

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Journey:
        """Build a journey from one journey-table row (strings; empty means not reached)."""
        from ._journey_table import journey_from_row

        return journey_from_row(row)
