"""The retention sweep: for each record, the action due, when, and the rule that decided.

Per record: work out its kind (:func:`classify`), take every rule for that kind, and
run each rule's period from its trigger date on the hub's working calendar
(:func:`fostering_hub.sla.due_time`). Then:

* no rule for the kind: ``no_rule`` (reported, never kept or deleted silently);
* a rule whose trigger date the record lacks: ``missing_date`` (reported, not guessed);
* otherwise the **stricter rule wins**: the one falling due first; on the same date
  delete beats anonymise beats review. The reasons name every rule that lost and why;
* a **legal hold** or **safeguarding** flag turns the action into ``review`` (no
  automatic delete or anonymise), due when the winning rule falls due;
* ``due`` if that date is on or before ``as_of``, else ``scheduled``.

``as_of`` is a date the caller gives (never read from a clock); consents are judged as
at the end of that day, Europe/London.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..config import HubConfig
from ..config import RetentionAction as Action
from ..models import (
    ConsentRecord,
    Enquiry,
    Handover,
    Journey,
    JourneyRow,
    iter_journey_table,
    london_date,
    to_london,
)
from ..sla import due_time
from ._policy import ConsentPolicy
from ._records import (
    RecordFacts,
    classify,
    facts_from_enquiry,
    facts_from_handover,
    facts_from_journey,
)
from ._report import RetentionDecision, RetentionReport, RetentionStatus, describe_period
from ._schedule import RetentionSchedule
from ._tables import RecordFlags

RetentionInput = RecordFacts | Journey | Handover | Enquiry
"""What :func:`retention_sweep` takes, one per record."""

_STRICTNESS = {Action.DELETE: 0, Action.ANONYMISE: 1, Action.REVIEW: 2}


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Europe/London."""
    return to_london(dt.datetime.combine(day, dt.time.max))


def _as_date(as_of: dt.date) -> dt.date:
    return london_date(as_of) if isinstance(as_of, dt.datetime) else as_of


def decide(
    facts: RecordFacts,
    schedule: RetentionSchedule,
    as_of: dt.date,
    policy: ConsentPolicy | None = None,
) -> RetentionDecision:
    """The retention decision for one record as of ``as_of``."""
    as_of = _as_date(as_of)
    kind, reasons = classify(facts, schedule, end_of_day(as_of), policy)
    held = facts.flags.held
    common: dict[str, Any] = {
        "record_id": facts.record_id,
        "record_type": kind,
        "held": held,
        "line": facts.line,
    }
    candidates = schedule.rules_for(kind)
    if not candidates:
        reasons.append(f"no rule in the schedule covers {kind.value} records: nothing is automatic")
        return RetentionDecision(status=RetentionStatus.NO_RULE, reasons=tuple(reasons), **common)

    dated = []
    missing = []
    for order, (name, rule) in enumerate(candidates):
        start = facts.trigger_date(rule.trigger)
        if start is None:
            missing.append((name, rule))
            continue
        due = london_date(due_time(start, rule.period, schedule.calendar))
        dated.append((due, _STRICTNESS[rule.action], order, name, rule, london_date(start)))

    if missing:
        name, rule = missing[0]
        for missing_name, lacking in missing:
            trigger = lacking.trigger.value
            reasons.append(
                f"{missing_name} ({lacking.action.value} {describe_period(lacking.period)} "
                f"after {trigger}) needs the {trigger} date, which the record does not "
                "have: not guessed"
            )
        reasons.extend(
            f"{n} would {r.action.value} on {d.isoformat()}" for d, _, _, n, r, _ in sorted(dated)
        )
        if held:
            reasons.append(f"{', '.join(held)}: no automatic action in any case")
        return RetentionDecision(
            status=RetentionStatus.MISSING_DATE,
            rule_name=name,
            rule=rule,
            trigger=rule.trigger,
            reasons=tuple(reasons),
            **common,
        )

    dated.sort()
    due, _, _, name, rule, started = dated[0]
    reasons.append(
        f"{rule.action.value} {describe_period(rule.period)} after {rule.trigger.value} "
        f"({started.isoformat()})"
    )
    if len(dated) > 1:
        reasons.append(f"{len(dated)} rules apply; the stricter wins: {name}")
        for other_due, _, _, other_name, other, _ in dated[1:]:
            why = (
                "falls due later"
                if other_due > due
                else f"same date, {rule.action.value} is stricter than {other.action.value}"
            )
            reasons.append(
                f"{other_name} ({other.action.value} on {other_due.isoformat()}) overridden: {why}"
            )
    action = rule.action
    if held:
        if action is not Action.REVIEW:
            reasons.append(f"{', '.join(held)}: automatic {action.value} stopped, routed to review")
        else:
            reasons.append(f"{', '.join(held)}: review")
        action = Action.REVIEW
    return RetentionDecision(
        status=RetentionStatus.DUE if due <= as_of else RetentionStatus.SCHEDULED,
        action=action,
        due=due,
        rule_name=name,
        rule=rule,
        trigger=rule.trigger,
        trigger_date=started,
        reasons=tuple(reasons),
        **common,
    )


def _setup(
    schedule: RetentionSchedule | HubConfig | None, policy: ConsentPolicy | None
) -> tuple[RetentionSchedule, ConsentPolicy]:
    if isinstance(schedule, HubConfig):
        return RetentionSchedule.from_config(schedule), policy or ConsentPolicy.from_config(
            schedule
        )
    return schedule or RetentionSchedule.defaults(), policy or ConsentPolicy()


def _facts(
    record: RetentionInput,
    consents: Mapping[str, Sequence[ConsentRecord]],
    flags: Mapping[str, RecordFlags],
    line: int | None = None,
) -> RecordFacts:
    if isinstance(record, RecordFacts):
        return record
    extra = consents.get(record.enquiry_id, ())
    flag = flags.get(record.enquiry_id)
    if isinstance(record, Journey):
        return facts_from_journey(record, extra, flag, line=line)
    if isinstance(record, Handover):
        return facts_from_handover(record, extra, flag)
    if isinstance(record, Enquiry):
        return facts_from_enquiry(record, extra, flag)
    raise TypeError("expected RecordFacts, a Journey, a Handover or an Enquiry")


def retention_sweep(
    records: Iterable[RetentionInput],
    schedule: RetentionSchedule | HubConfig | None = None,
    *,
    as_of: dt.date,
    consents: Mapping[str, Sequence[ConsentRecord]] | None = None,
    flags: Mapping[str, RecordFlags] | None = None,
    policy: ConsentPolicy | None = None,
) -> RetentionReport:
    """Decide every record as of ``as_of``.

    ``schedule`` is a :class:`RetentionSchedule`, a hub config (its rules, calendar and
    ``[consent]`` policy) or ``None`` (the cited defaults). ``consents`` and ``flags``
    (by ``enquiry_id``, e.g. from :func:`read_consent_table` and :func:`read_flags_table`)
    add to what the records carry.
    """
    as_of = _as_date(as_of)
    plan, rules = _setup(schedule, policy)
    consents, flags = consents or {}, flags or {}
    decisions = tuple(decide(_facts(r, consents, flags), plan, as_of, rules) for r in records)
    return RetentionReport(as_of, decisions)


def _invalid(line: int, error: ValidationError) -> RetentionDecision:
    from ..validation import issues_from_error

    reasons = tuple(f"{i.code} {i.path or '/'}: {i.message}" for i in issues_from_error(error))
    return RetentionDecision(
        record_id=None, status=RetentionStatus.INVALID, reasons=reasons, line=line
    )


def _table_items(table: Any) -> Iterable[tuple[int, Journey | ValidationError]]:
    from ._frames import frame_rows, is_frame

    if not is_frame(table):
        yield from iter_journey_table(table)
        return
    for line, row in frame_rows(table):
        try:
            yield line, JourneyRow.model_validate(row).to_journey()
        except ValidationError as error:
            yield line, error


def retention_sweep_table(
    table: str | Path | IO[str] | Any,
    schedule: RetentionSchedule | HubConfig | None = None,
    *,
    as_of: dt.date,
    consents: Mapping[str, Sequence[ConsentRecord]] | None = None,
    flags: Mapping[str, RecordFlags] | None = None,
    policy: ConsentPolicy | None = None,
) -> RetentionReport:
    """:func:`retention_sweep` over a journey table: a CSV path or open text file (the
    stdlib reader), or a pandas / polars / pyarrow frame (through narwhals).

    A row that cannot be read is reported ``invalid`` with its line; a table whose header
    is wrong raises :class:`~fostering_hub.models.JourneyTableError` before any row is read.
    """
    as_of = _as_date(as_of)
    plan, rules = _setup(schedule, policy)
    consents, flags = consents or {}, flags or {}
    decisions = []
    for line, item in _table_items(table):
        if isinstance(item, ValidationError):
            decisions.append(_invalid(line, item))
        else:
            decisions.append(decide(_facts(item, consents, flags, line), plan, as_of, rules))
    return RetentionReport(as_of, tuple(decisions))
