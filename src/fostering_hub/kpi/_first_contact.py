"""The first-contact KPIs: within 24 hours, and against the hub's SLA target.

``first_contact_sla_rate`` takes the hub's ``first_contact`` target rules from the SLA
engine (:func:`fostering_hub.sla.targets_from_config`; the DfE template's promise,
:func:`fostering_hub.config.first_contact_default`, if the config has none) and counts,
of the enquiries whose due time has passed by the as-of time, those the engine finds
``met``. Two ways to the same figure:

- **In the query**, when every rule's duration and callback tolerance are elapsed time
  (minutes or hours, as the template's "24 hours" and "15 minutes"): the due time is
  ``enquired_at + duration``, or ``callback_requested_for + tolerance`` when the rule
  honours callbacks and the callback is not before the enquiry; the first rule whose
  ``when`` matches applies. These are the SLA engine's own rules for those units (a test
  checks the two agree on every backend), and the query stays lazy.
- **Through the SLA engine** (:func:`fostering_hub.sla.evaluate_table`, numpy)
  for working-time or calendar targets: only the columns it needs are collected, and for
  a lazy frame the KPI's rows are computed eagerly and handed back to the same backend.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ._prepare import HOUR_US, MINUTE_US

if TYPE_CHECKING:
    import narwhals as nw

    from ..config import HubConfig
    from ..sla import Target

TARGET_NAME = "first_contact"
_ELAPSED_US = {"minutes": MINUTE_US, "hours": HOUR_US}


def first_contact_targets(config: HubConfig | None) -> list[Target]:
    """The rules of the hub's ``first_contact`` target, first-match order."""
    from ..config import first_contact_default
    from ..sla import Target, targets_from_config

    if config is not None:
        rules = [t for t in targets_from_config(config) if t.name == TARGET_NAME]
        if rules:
            return rules
        from ..sla import WorkingCalendar

        calendar = WorkingCalendar.from_config(config.calendar)
        return [Target(first_contact_default(), calendar, config.calendar.due_at)]
    return [Target(first_contact_default())]


def in_query(targets: list[Target]) -> bool:
    """True if every rule's due time is elapsed-time arithmetic (no calendar)."""
    for target in targets:
        rule = target.rule
        units = [rule.duration.unit.value]
        if rule.honour_callback_request and rule.callback_tolerance is not None:
            units.append(rule.callback_tolerance.unit.value)
        if any(unit not in _ELAPSED_US for unit in units):
            return False
    return True


def _amount_us(target: Target, tolerance: bool) -> int:
    rule = target.rule
    duration = rule.callback_tolerance if tolerance else rule.duration
    if duration is None:
        return 0
    return duration.amount * _ELAPSED_US[duration.unit.value]


def _matches(target: Target) -> nw.Expr:
    """The rule's ``when`` on the raw text columns, as the SLA engine applies it (an empty
    cell matches no list)."""
    import narwhals as nw

    when = target.rule.when
    condition = nw.lit(True)
    if when is None:
        return condition
    if when.channels is not None:
        condition = condition & nw.col("_raw_channel").is_in([c.value for c in when.channels])
    if when.sources is not None:
        condition = (
            condition
            & nw.col("_raw_source").is_in(list(when.sources))
            & (nw.col("_raw_source") != "")
        )
    if when.local_authorities is not None:
        condition = (
            condition
            & nw.col("_raw_local_authority").is_in(list(when.local_authorities))
            & (nw.col("_raw_local_authority") != "")
        )
    return condition


def needs_raw_text(targets: list[Target]) -> bool:
    """True if a rule has a ``when`` (so the raw channel, source and LA are needed)."""
    return any(t.rule.when is not None for t in targets)


def sla_flags(targets: list[Target], as_of_us: int) -> tuple[nw.Expr, nw.Expr]:
    """``(numerator, denominator)`` Int64 0/1 expressions, on a prepared frame with the
    UTC microsecond columns ``_u_enquired_at``, ``_u_first_contact_at`` and
    ``_u_callback_requested_for`` and their ``_p_*`` presence flags (see :mod:`._compute`)."""
    import narwhals as nw

    enquired, contact = nw.col("_u_enquired_at"), nw.col("_u_first_contact_at")
    callback = nw.col("_u_callback_requested_for")
    has_callback = nw.col("_p_callback_requested_for") & (callback >= enquired)
    due: Any = None
    applies = nw.lit(False)
    for target in targets:
        plain = enquired + _amount_us(target, tolerance=False)
        rule_due = (
            nw.when(has_callback)
            .then(callback + _amount_us(target, tolerance=True))
            .otherwise(plain)
            if target.rule.honour_callback_request
            else plain
        )
        match = _matches(target)
        due = nw.when(match).then(rule_due) if due is None else due.when(match).then(rule_due)
        applies = applies | match
    assert due is not None  # there is always at least one rule
    due = due.otherwise(nw.lit(0))
    counted = nw.col("_p_enquired_at") & applies & (due <= as_of_us) & (enquired <= as_of_us)
    met = counted & nw.col("_p_first_contact_at") & (contact >= enquired) & (contact <= due)
    return _flag(met), _flag(counted)


def within_24h_flags(as_of_us: int) -> tuple[nw.Expr, nw.Expr]:
    """``(numerator, denominator)`` of ``first_contact_within_24h_rate``."""
    import narwhals as nw

    enquired, contact = nw.col("_u_enquired_at"), nw.col("_u_first_contact_at")
    deadline = enquired + 24 * HOUR_US
    counted = nw.col("_p_enquired_at") & (deadline <= as_of_us)
    within = counted & nw.col("_p_first_contact_at") & (contact <= deadline)
    return _flag(within), _flag(counted)


def _flag(condition: nw.Expr) -> nw.Expr:
    import narwhals as nw

    return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0)).cast(nw.Int64())


def engine_flags(
    frame: nw.DataFrame[Any], targets: list[Target], as_of: dt.datetime, as_of_us: int
) -> tuple[Any, Any]:
    """``(numerator, denominator)`` numpy int64 arrays from the SLA engine itself, for an
    eager frame holding the columns :func:`engine_columns` names."""
    import narwhals as nw
    import numpy as np

    from ..sla import evaluate_table

    result = nw.from_native(evaluate_table(frame.to_native(), targets, as_of), eager_only=True)
    status = result["status"].to_numpy().astype(str)
    due = result["due_at"].dt.replace_time_zone(None).to_numpy().astype("datetime64[us]")
    due_us = due.astype(np.int64)
    counted = (status != "not_applicable") & ~np.isnat(due) & (due_us <= as_of_us)
    met = counted & (status == "met")
    return met.astype(np.int64), counted.astype(np.int64)


def engine_columns(targets: list[Target]) -> list[str]:
    """The journey-table columns the SLA engine reads for ``targets``."""
    from ..models import STAGE_COLUMNS, Stage

    columns = ["enquiry_id", "enquired_at", "first_contact_at", "callback_requested_for"]
    columns += [STAGE_COLUMNS[Stage.APPROVED], STAGE_COLUMNS[Stage.WITHDRAWN]]
    for target in targets:
        columns += [STAGE_COLUMNS[target.rule.start], STAGE_COLUMNS[target.rule.stop]]
    if needs_raw_text(targets):
        columns += ["channel", "source", "local_authority"]
    return list(dict.fromkeys(columns))
