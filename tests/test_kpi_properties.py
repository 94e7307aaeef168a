"""Property: the engine equals a plain-Python reference on generated journey tables.

The reference works on :class:`~fostering_hub.models.Journey` objects with Python
datetimes: London dates from ``zoneinfo``, medians from ``statistics``, and the SLA rate
from the SLA engine's scalar path (``evaluate_journey``), so it shares no arithmetic with
the engine, which reads the same journeys as journey-table text (offsets, fractions,
naive London times).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from _kpi_data import keyed
from fostering_hub.config import load_config
from fostering_hub.kpi import KPI_IDS, PERIODS, compute_kpis
from fostering_hub.models import JOURNEY_COLUMNS, STAGE_COLUMNS, Journey, Stage
from fostering_hub.sla import SLAStatus, evaluate_journey, targets_from_config
from fostering_hub.testing import journeys

CONFIG = load_config()
TARGETS = [t for t in targets_from_config(CONFIG) if t.name == "first_contact"]
LONDON = ZoneInfo("Europe/London")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
US = dt.timedelta(microseconds=1)
HOUR, DAY = 3_600 * 10**6, 86_400 * 10**6
COUNTS = {
    "enquiries": Stage.ENQUIRED,
    "first_contacts": Stage.FIRST_CONTACT,
    "initial_visits": Stage.INITIAL_VISIT,
    "eois": Stage.EOI,
    "handovers": Stage.HANDED_OVER,
    "applications": Stage.APPLICATION,
    "approvals": Stage.APPROVED,
    "withdrawals": Stage.WITHDRAWN,
}


def period_of(at: dt.datetime, period: str) -> str:
    local = at.astimezone(LONDON).date()
    start = local.year - (local.month < 4)
    financial = f"{start}-{(start + 1) % 100:02d}"
    if period == "month":
        return f"{local.year}-{local.month:02d}"
    if period == "calendar_year":
        return str(local.year)
    if period == "financial_year":
        return financial
    return f"{financial} Q{((local.month - 4) % 12) // 3 + 1}"


def micros(at: dt.datetime) -> int:
    return (at - EPOCH) // US


def reference(
    items: list[Journey], period: str, as_of: dt.datetime
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    numerators: dict[tuple[str, str, str], int] = defaultdict(int)
    denominators: dict[tuple[str, str, str], int] = defaultdict(int)
    spans: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    breakdowns: dict[tuple[str, str, str, str], int] = defaultdict(int)

    def rate(key: tuple[str, str, str], hit: bool) -> None:
        denominators[key] += 1
        numerators[key] += hit

    for journey in items:
        la = journey.local_authority or "unallocated"
        at = {e.stage: e.at for e in journey.events}
        for kpi, stage in COUNTS.items():
            if stage in at:
                counts[(period_of(at[stage], period), la, kpi)] += 1
        enquired = at[Stage.ENQUIRED]
        cohort = period_of(enquired, period)
        rate((cohort, la, "cohort_application_rate"), Stage.APPLICATION in at)
        for kpi, stage in (
            ("median_hours_to_first_contact", Stage.FIRST_CONTACT),
            ("median_days_enquiry_to_initial_visit", Stage.INITIAL_VISIT),
            ("median_days_enquiry_to_application", Stage.APPLICATION),
        ):
            if stage in at:
                spans[(cohort, la, kpi)].append(micros(at[stage]) - micros(enquired))
        if enquired + dt.timedelta(hours=24) <= as_of:
            contact = at.get(Stage.FIRST_CONTACT)
            hit = contact is not None and contact <= enquired + dt.timedelta(hours=24)
            rate((cohort, la, "first_contact_within_24h_rate"), hit)
        (result,) = evaluate_journey(journey, TARGETS, as_of)
        applies = result.status is not SLAStatus.NOT_APPLICABLE
        if applies and result.due_at is not None and result.due_at <= as_of:
            rate((cohort, la, "first_contact_sla_rate"), result.status is SLAStatus.MET)
        if Stage.APPROVED in at and Stage.APPLICATION in at:
            key = (period_of(at[Stage.APPROVED], period), la, "median_days_application_to_approval")
            spans[key].append(micros(at[Stage.APPROVED]) - micros(at[Stage.APPLICATION]))
        if Stage.INITIAL_VISIT in at:
            visit = at[Stage.INITIAL_VISIT]
            wall = visit.astimezone(LONDON).replace(tzinfo=None)
            limit = enquired.astimezone(LONDON).replace(tzinfo=None) + dt.timedelta(days=10)
            rate((period_of(visit, period), la, "initial_visit_within_days_rate"), wall <= limit)
        if Stage.WITHDRAWN in at:
            reason = journey.withdrawal.reason.value if journey.withdrawal else "unknown"
            breakdowns[
                (period_of(at[Stage.WITHDRAWN], period), la, "withdrawals_by_reason", reason)
            ] += 1
        source = journey.source or "unknown"
        breakdowns[(cohort, la, "enquiries_by_source", source)] += 1

    expected: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for (p, la, kpi), count in counts.items():
        expected[(p, la, kpi, None)] = (count, None, None)
    for numerator_kpi, denominator_kpi, kpi in (
        ("applications", "enquiries", "enquiry_to_application_rate"),
        ("approvals", "applications", "application_to_approval_rate"),
    ):
        for (p, la, name), denominator in counts.items():
            if name == denominator_kpi:
                numerator = counts.get((p, la, numerator_kpi), 0)
                expected[(p, la, kpi, None)] = (numerator / denominator, numerator, denominator)
    for key, denominator in denominators.items():
        numerator = numerators[key]
        expected[(*key, None)] = (numerator / denominator, numerator, denominator)
    for (p, la, kpi), values in spans.items():
        unit = HOUR if kpi.startswith("median_hours") else DAY
        expected[(p, la, kpi, None)] = (statistics.median(values) * (1.0 / unit), None, None)
    for key, count in breakdowns.items():
        expected[key] = (count, None, None)
    return expected


@settings(max_examples=20, deadline=None)
@given(
    items=st.lists(journeys(milestones_only=True), min_size=1, max_size=12),
    period=st.sampled_from(PERIODS),
    as_of=st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1), timezones=st.just(dt.UTC)),
)
def test_engine_equals_plain_python(items: list[Journey], period: str, as_of: dt.datetime) -> None:
    rows = [j.to_row() for j in items]
    frame = pl.DataFrame({c: [r[c] for r in rows] for c in JOURNEY_COLUMNS})
    result = compute_kpis(
        frame, kpis=list(KPI_IDS), by="local_authority", period=period, as_of=as_of, config=CONFIG
    )
    assert keyed(result, ("local_authority",)) == reference(items, period, as_of)


def test_stage_columns_are_the_counted_ones() -> None:
    assert {STAGE_COLUMNS[s] for s in COUNTS.values()} == set(JOURNEY_COLUMNS[4:13]) - {
        "callback_requested_for"
    }
