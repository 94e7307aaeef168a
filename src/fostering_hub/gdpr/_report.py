"""The retention report: one decision per record, and the report as text, CSV or JSON.

Identifiers and dates only: the report never carries a name, contact detail or note.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from enum import StrEnum
from typing import Any

import attrs

from ..config import Duration
from ..config import RetentionAction as Action
from ..config import RetentionRecord as Kind
from ..config import RetentionRule as Rule
from ..config import RetentionTrigger as Trigger


def describe_period(period: Duration) -> str:
    """``"1 year"``, ``"3 years"``, ``"1 calendar month"``: a period as people write it."""
    unit = period.unit.value
    return f"{period.amount} {unit[:-1] if period.amount == 1 else unit}"


class RetentionStatus(StrEnum):
    """Where a record stands on the schedule as of the sweep's date."""

    DUE = "due"
    """The action falls due on or before the as-of date: act now."""
    SCHEDULED = "scheduled"
    """The action falls due later."""
    NO_RULE = "no_rule"
    """No rule covers this kind of record: reported, never kept or deleted silently."""
    MISSING_DATE = "missing_date"
    """A rule needs a date the record does not have: reported, not guessed."""
    INVALID = "invalid"
    """The row could not be read (table input only)."""


ATTENTION: frozenset[RetentionStatus] = frozenset(
    {
        RetentionStatus.DUE,
        RetentionStatus.NO_RULE,
        RetentionStatus.MISSING_DATE,
        RetentionStatus.INVALID,
    }
)
"""Statuses that need someone to act (the CLI exits 1 when any record has one)."""


@attrs.frozen
class RetentionDecision:
    """The action due for one record, the date it falls due and the rule that decided."""

    record_id: str | None
    status: RetentionStatus
    record_type: Kind | None = None
    action: Action | None = None
    due: dt.date | None = None
    rule_name: str | None = None
    """How the deciding rule is cited, e.g. ``retention.rules[2]``."""
    rule: Rule | None = None
    trigger: Trigger | None = None
    trigger_date: dt.date | None = None
    held: tuple[str, ...] = ()
    """Flags that routed the record to review (``legal_hold``, ``safeguarding``)."""
    reasons: tuple[str, ...] = ()
    line: int | None = None

    @property
    def needs_attention(self) -> bool:
        """True when someone has to act now."""
        return self.status in ATTENTION

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "record_id": self.record_id,
            "line": self.line,
            "record_type": _value(self.record_type),
            "status": self.status.value,
            "action": _value(self.action),
            "due": _value(self.due),
            "rule": self.rule_name,
            "period": describe_period(self.rule.period) if self.rule is not None else None,
            "source": self.rule.source if self.rule is not None else None,
            "trigger": _value(self.trigger),
            "trigger_date": _value(self.trigger_date),
            "held": list(self.held),
            "reasons": list(self.reasons),
        }


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.value


REPORT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "line",
    "record_type",
    "status",
    "action",
    "due",
    "rule",
    "period",
    "trigger",
    "trigger_date",
    "held",
    "reasons",
    "source",
)
"""Columns of :meth:`RetentionReport.to_csv`."""


@attrs.frozen
class RetentionReport:
    """Every record's decision as of one date."""

    as_of: dt.date
    decisions: tuple[RetentionDecision, ...]

    @property
    def needs_attention(self) -> bool:
        """True if any record is due, matches no rule, lacks a date or could not be read."""
        return any(d.needs_attention for d in self.decisions)

    def counts(self) -> dict[str, int]:
        """Records per status (every status listed)."""
        found = Counter(d.status for d in self.decisions)
        return {status.value: found[status] for status in RetentionStatus}

    def due_actions(self) -> dict[str, int]:
        """Records due now, per action."""
        found = Counter(
            d.action.value
            for d in self.decisions
            if d.status is RetentionStatus.DUE and d.action is not None
        )
        return dict(sorted(found.items()))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the date, counts and every decision."""
        return {
            "as_of": self.as_of.isoformat(),
            "counts": self.counts(),
            "due_actions": self.due_actions(),
            "decisions": [d.as_dict() for d in self.decisions],
        }

    def to_json(self) -> str:
        """The report as JSON text."""
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """One row per record (:data:`REPORT_COLUMNS`); lists joined with ``" | "``."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for decision in self.decisions:
            row = decision.as_dict()
            row["held"] = " | ".join(row["held"])
            row["reasons"] = " | ".join(row["reasons"])
            writer.writerow(
                {column: "" if row[column] is None else row[column] for column in REPORT_COLUMNS}
            )
        return buffer.getvalue()

    def to_text(self) -> str:
        """A readable report: records needing attention first, then a summary."""
        lines = [f"Retention as of {self.as_of.isoformat()}", ""]
        order = {status: rank for rank, status in enumerate(RetentionStatus)}
        for decision in sorted(
            self.decisions, key=lambda d: (order[d.status], d.due or dt.date.max, d.line or 0)
        ):
            lines.append(_line(decision))
            lines.extend(f"    {reason}" for reason in decision.reasons)
        counts = self.counts()
        due = ", ".join(f"{n} {action}" for action, n in self.due_actions().items())
        lines += [
            "",
            f"{len(self.decisions)} record(s): "
            + ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())
            + (f" (due: {due})" if due else ""),
        ]
        return "\n".join(lines) + "\n"


def _line(decision: RetentionDecision) -> str:
    who = decision.record_id or "?"
    where = f" (line {decision.line})" if decision.line is not None else ""
    kind = decision.record_type.value if decision.record_type is not None else "-"
    status = decision.status.value.upper().replace("_", " ")
    what = ""
    if decision.action is not None and decision.due is not None:
        what = f": {decision.action.value} on {decision.due.isoformat()}"
    by = f" by {decision.rule_name}" if decision.rule_name else ""
    held = f" [held: {', '.join(decision.held)}]" if decision.held else ""
    return f"{who}{where} {kind} {status}{what}{by}{held}"
