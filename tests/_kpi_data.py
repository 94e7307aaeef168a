"""A small fixed journey table for the KPI tests, and the figures computed by hand.

Rows (as of 2025-01-01, North East config: first contact within 24 hours or by the
requested callback time + 15 minutes; initial visits within 10 days):

- A  Hartlepool, FY 2023-24: every milestone; contact after 4 h, visit after 7 days,
  application after 61 days, approved 184 days 1 hour after applying.
- B  Hartlepool, FY 2023-24: asked for a callback three days later and was called
  10 minutes after the time asked (SLA met, 24 hours missed); withdrew (AW3).
- C  unallocated: 2024-03-31 23:30 UTC is 00:30 on 1 April in London (BST): FY 2024-25;
  never contacted.
- D  unallocated: 23:59:59 on 31 March (BST): FY 2023-24; contacted 23 h 0 min 1 s later,
  on 1 April, so that first contact counts in FY 2024-25.
- E  Middlesbrough: the night BST starts, 00:30 GMT to 02:30 BST is one hour.
- F  Middlesbrough: the night BST ends, naive 01:30 is the first run (BST), contacted at
  01:30 GMT one hour later; visited 10 wall-clock days later (10 days 1 hour elapsed).
- G  Middlesbrough, FY 2024-25: visit after 15 days, application after 31 days.
- H  Hartlepool: midnight starting 1 April (BST): FY 2024-25; contacted after 9 hours,
  withdrew the next day (AW0).
"""

from __future__ import annotations

import datetime as dt

from fostering_hub.models import JOURNEY_COLUMNS

HARTLEPOOL = "E06000001"
MIDDLESBROUGH = "E06000002"
AS_OF = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

_ROWS = [
    # id, la, channel, source, enquired, callback, contact, visit, eoi, handover,
    # application, approved, withdrawn, reason
    ("A", HARTLEPOOL, "web", "radio", "2023-06-01T10:00:00+01:00", "",
     "2023-06-01T14:00:00+01:00", "2023-06-08T10:00:00+01:00", "2023-06-20T10:00:00+01:00",
     "2023-07-01T10:00:00+01:00", "2023-08-01T10:00:00+01:00", "2024-02-01T10:00:00Z", "",
     ""),
    ("B", HARTLEPOOL, "phone", "", "2023-06-02T09:00", "2023-06-05T18:00",
     "2023-06-05T18:10", "", "", "", "", "", "2023-07-01T12:00:00+01:00", "AW3"),
    ("C", "", "email", "social media", "2024-03-31T23:30:00Z", "", "", "", "", "", "", "",
     "", ""),
    ("D", "", "web", "social media", "2024-03-31T23:59:59+01:00", "",
     "2024-04-01T23:00:00+01:00", "", "", "", "", "", "", ""),
    ("E", MIDDLESBROUGH, "event", "local event", "2024-03-31T00:30", "", "2024-03-31T02:30",
     "", "", "", "", "", "", ""),
    ("F", MIDDLESBROUGH, "web", "radio", "2024-10-27T01:30", "", "2024-10-27T01:30:00+00:00",
     "2024-11-06T01:30:00Z", "", "", "", "", "", ""),
    ("G", MIDDLESBROUGH, "web", "", "2024-05-10T12:00:00+01:00", "", "",
     "2024-05-25T12:00:00+01:00", "", "", "2024-06-10T12:00:00+01:00", "", "", ""),
    ("H", HARTLEPOOL, "phone", "radio", "2024-04-01T00:00:00+01:00", "",
     "2024-04-01T09:00:00+01:00", "", "", "", "", "", "2024-04-02T10:00:00+01:00", "AW0"),
]  # fmt: skip

ROWS: list[dict[str, str]] = [dict(zip(JOURNEY_COLUMNS, row, strict=True)) for row in _ROWS]
"""The table as journey-table rows (every value text, empty where not reached)."""

HOUR = 3_600 * 10**6
DAY = 24 * HOUR


def hours(microseconds: float) -> float:
    """As the engine turns a median into hours (times the reciprocal)."""
    return microseconds * (1.0 / HOUR)


def days(microseconds: float) -> float:
    return microseconds * (1.0 / DAY)


# (period, kpi, breakdown) -> (value, numerator, denominator), no group-by.
FINANCIAL_YEARS: dict[tuple[str, str, str | None], tuple[float, int | None, int | None]] = {
    ("2023-24", "enquiries", None): (4, None, None),  # A B D E
    ("2023-24", "first_contacts", None): (3, None, None),  # A B E (D's is 1 April)
    ("2023-24", "initial_visits", None): (1, None, None),
    ("2023-24", "eois", None): (1, None, None),
    ("2023-24", "handovers", None): (1, None, None),
    ("2023-24", "applications", None): (1, None, None),
    ("2023-24", "approvals", None): (1, None, None),
    ("2023-24", "withdrawals", None): (1, None, None),
    ("2023-24", "enquiry_to_application_rate", None): (0.25, 1, 4),
    ("2023-24", "application_to_approval_rate", None): (1.0, 1, 1),
    ("2023-24", "cohort_application_rate", None): (0.25, 1, 4),
    # 1 h (E), 4 h (A), 23 h 0 min 1 s (D), 81 h 10 min (B): the middle two.
    ("2023-24", "median_hours_to_first_contact", None): (
        hours((4 * 3600 + 82_801) / 2 * 10**6),
        None,
        None,
    ),
    ("2023-24", "first_contact_within_24h_rate", None): (0.75, 3, 4),  # not B
    ("2023-24", "first_contact_sla_rate", None): (1.0, 4, 4),  # B at its callback
    ("2023-24", "median_days_application_to_approval", None): (
        days(184 * DAY + HOUR),
        None,
        None,
    ),
    ("2023-24", "median_days_enquiry_to_initial_visit", None): (7.0, None, None),
    ("2023-24", "median_days_enquiry_to_application", None): (61.0, None, None),
    ("2023-24", "initial_visit_within_days_rate", None): (1.0, 1, 1),
    ("2023-24", "withdrawals_by_reason", "AW3"): (1, None, None),
    ("2023-24", "enquiries_by_source", "local event"): (1, None, None),
    ("2023-24", "enquiries_by_source", "radio"): (1, None, None),
    ("2023-24", "enquiries_by_source", "social media"): (1, None, None),
    ("2023-24", "enquiries_by_source", "unknown"): (1, None, None),
    ("2024-25", "enquiries", None): (4, None, None),  # C H F G
    ("2024-25", "first_contacts", None): (3, None, None),  # D H F
    ("2024-25", "initial_visits", None): (2, None, None),  # F G
    ("2024-25", "applications", None): (1, None, None),  # G
    ("2024-25", "withdrawals", None): (1, None, None),  # H
    ("2024-25", "enquiry_to_application_rate", None): (0.25, 1, 4),
    ("2024-25", "application_to_approval_rate", None): (0.0, 0, 1),
    ("2024-25", "cohort_application_rate", None): (0.25, 1, 4),
    ("2024-25", "median_hours_to_first_contact", None): (5.0, None, None),  # 1 h, 9 h
    ("2024-25", "first_contact_within_24h_rate", None): (0.5, 2, 4),  # H F
    ("2024-25", "first_contact_sla_rate", None): (0.5, 2, 4),
    # F 10 days 1 hour, G 15 days.
    ("2024-25", "median_days_enquiry_to_initial_visit", None): (
        days((10 * DAY + HOUR + 15 * DAY) / 2),
        None,
        None,
    ),
    ("2024-25", "median_days_enquiry_to_application", None): (31.0, None, None),
    ("2024-25", "initial_visit_within_days_rate", None): (0.5, 1, 2),  # F on the 10th day
    ("2024-25", "withdrawals_by_reason", "AW0"): (1, None, None),
    ("2024-25", "enquiries_by_source", "radio"): (2, None, None),
    ("2024-25", "enquiries_by_source", "social media"): (1, None, None),
    ("2024-25", "enquiries_by_source", "unknown"): (1, None, None),
}


def frame_rows(result: object) -> list[dict[str, object]]:
    """Any frame kind's rows as dicts, NaN as None and counts as plain numbers."""
    import math

    import narwhals as nw

    frame = nw.from_native(result)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    rows = []
    for row in frame.iter_rows(named=True):
        clean = {}
        for key, value in row.items():
            if (isinstance(value, float) and math.isnan(value)) or type(value).__name__ == "NAType":
                value = None  # NaN, pandas' NA
            clean[key] = value
        rows.append(clean)
    return rows


def keyed(result: object, by: tuple[str, ...] = ()) -> dict[tuple[object, ...], tuple[object, ...]]:
    """``(period, *by, kpi, breakdown) -> (value, numerator, denominator)``."""
    found = {}
    for row in frame_rows(result):
        key = (row["period"], *(row[c] for c in by), row["kpi"], row["breakdown"])
        assert key not in found, f"two rows for {key}"
        numerator = None if row["numerator"] is None else int(row["numerator"])  # type: ignore[call-overload]
        denominator = None if row["denominator"] is None else int(row["denominator"])  # type: ignore[call-overload]
        found[key] = (row["value"], numerator, denominator)
    return found
