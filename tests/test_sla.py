"""The SLA engine by example: calendars, due times per unit, and every status.

Times are written as London wall times (``local("2024-03-30 10:00")``); 2024 is used a
lot because Good Friday (29 March), the start of BST (Sunday 31 March, also Easter Day)
and Easter Monday (1 April) fall in one weekend.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fostering_hub.config import (
    CalendarSection,
    DueConvention,
    Duration,
    DurationUnit,
    SLATarget,
    load_config,
)
from fostering_hub.models import Journey, to_london
from fostering_hub.sla import (
    REPORTED_UNIT,
    SLAStatus,
    Target,
    WorkingCalendar,
    due_time,
    elapsed,
    evaluate,
    evaluate_journey,
    targets_from_config,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "north-east" / "hub.toml"
ENGLAND = WorkingCalendar()
UTC = dt.UTC
END, SAME = DueConvention.END_OF_DAY, DueConvention.SAME_TIME


def local(text: str) -> dt.datetime:
    """A London wall time as an aware instant (GMT or BST, whichever was in force)."""
    return to_london(dt.datetime.fromisoformat(text))


def wall(instant: dt.datetime) -> str:
    """An instant as London wall time, ``YYYY-MM-DD HH:MM``."""
    return WorkingCalendar.local(instant).isoformat(sep=" ", timespec="minutes")


def due(start: str, duration: str, calendar: WorkingCalendar = ENGLAND, at: Any = END) -> str:
    return wall(due_time(local(start), Duration.parse(duration), calendar, at))


def target(duration: str, calendar: WorkingCalendar = ENGLAND, **rule: Any) -> Target:
    convention = rule.pop("convention", END)
    fields: dict[str, Any] = {
        "name": "first_contact",
        "start": "enquired",
        "stop": "first_contact",
        "duration": duration,
    }
    fields.update(rule)
    return Target(SLATarget.model_validate(fields), calendar, convention)


def journey(enquired: str, channel: str = "web", **cells: str) -> Journey:
    """A journey from a journey-table row; cells are London wall times or other columns."""
    row = {"enquiry_id": "NE-2024-000001", "channel": channel, "enquired_at": enquired}
    row.update(cells)
    return Journey.from_row(row)


def with_events(channel: str = "web", *events: tuple[str, str]) -> Journey:
    return Journey.model_validate(
        {
            "enquiry_id": "NE-2024-000002",
            "channel": channel,
            "events": [{"stage": stage, "at": at} for stage, at in events],
        }
    )


# --------------------------------------------------------------------------- calendars


@pytest.mark.parametrize(
    ("nation", "day", "open_"),
    [
        ("ENG", "2024-03-29", False),  # Good Friday
        ("ENG", "2024-04-01", False),  # Easter Monday
        ("WLS", "2024-04-01", False),
        ("SCT", "2024-03-29", False),
        ("SCT", "2024-04-01", True),  # no Easter Monday in Scotland
        ("NIR", "2024-04-01", False),
        ("ENG", "2024-01-02", True),
        ("SCT", "2024-01-02", False),  # 2 January, Scotland only
        ("SCT", "2023-01-03", False),  # its substitute when 1 Jan is a Sunday
        ("ENG", "2023-01-02", False),  # New Year's Day substitute
        ("ENG", "2023-01-03", True),
        ("SCT", "2023-11-30", False),  # St Andrew's Day
        ("ENG", "2023-11-30", True),
        ("SCT", "2024-12-02", False),  # St Andrew's Day substitute (30 Nov a Saturday)
        ("SCT", "2023-08-07", False),  # Scotland's summer holiday is early August
        ("SCT", "2023-08-28", True),
        ("ENG", "2023-08-28", False),
        ("NIR", "2023-03-17", False),  # St Patrick's Day
        ("ENG", "2023-03-17", True),
        ("NIR", "2024-03-18", False),  # its substitute (17 March a Sunday)
        ("NIR", "2023-07-12", False),  # Battle of the Boyne
        ("ENG", "2023-07-12", True),
        ("ENG", "2024-12-25", False),
        ("ENG", "2024-12-26", False),
        ("ENG", "2024-12-27", True),
        ("ENG", "2026-12-28", False),  # Boxing Day substitute (26th a Saturday)
        ("ENG", "2024-03-31", False),  # a Sunday
        ("ENG", "2024-03-28", True),
    ],
)
def test_bank_holidays_by_nation(nation: str, day: str, open_: bool) -> None:
    calendar = WorkingCalendar(nation=nation)
    assert calendar.is_working_day(dt.date.fromisoformat(day)) is open_


def test_hub_closures_and_working_week_from_config() -> None:
    calendar = WorkingCalendar.from_config(load_config(EXAMPLE).calendar)
    closed = ["2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01"]
    assert not any(calendar.is_working_day(dt.date.fromisoformat(d)) for d in closed)
    assert calendar.is_working_day(dt.date(2026, 12, 24))
    assert calendar.next_working_day(dt.date(2026, 12, 25)) == dt.date(2027, 1, 4)
    assert calendar.working_day_after(dt.date(2026, 12, 24), 1) == dt.date(2027, 1, 4)
    weekend = WorkingCalendar.from_config(
        CalendarSection(working_days=["sat", "sun"], opens="10:00", closes="16:00")
    )
    assert weekend.is_working_day(dt.date(2024, 3, 30))
    assert not weekend.is_working_day(dt.date(2024, 3, 28))
    assert weekend.day_seconds == 6 * 3600


def test_calendar_refuses_impossible_settings() -> None:
    with pytest.raises(ValueError, match="closes must be after opens"):
        WorkingCalendar(opens="17:00", closes="09:00")
    with pytest.raises(ValueError, match="at least one working weekday"):
        WorkingCalendar(working_days=frozenset())
    with pytest.raises(ValueError, match="Europe/London"):
        WorkingCalendar(timezone="Europe/Dublin")
    with pytest.raises(TypeError):
        WorkingCalendar.from_config({"nation": "ENG"})


def test_wall_times_and_instants_across_bst() -> None:
    # 01:30 on the day BST starts does not exist: it moves on an hour, to 02:30 BST.
    assert WorkingCalendar.instant(dt.datetime(2024, 3, 31, 1, 30)) == dt.datetime(
        2024, 3, 31, 1, 30, tzinfo=UTC
    )
    # 01:30 on the day BST ends happens twice: the first run (BST) is meant.
    assert WorkingCalendar.instant(dt.datetime(2024, 10, 27, 1, 30)) == dt.datetime(
        2024, 10, 27, 0, 30, tzinfo=UTC
    )
    assert WorkingCalendar.local(dt.datetime(2024, 7, 1, 8, tzinfo=UTC)) == dt.datetime(
        2024, 7, 1, 9
    )


# --------------------------------------------------------------------------- due times


def test_24_hours_is_elapsed_time_across_bst_start() -> None:
    start = local("2024-03-30 10:00")  # Saturday, GMT
    end = due_time(start, Duration.parse("24 hours"), ENGLAND)
    assert wall(end) == "2024-03-31 11:00"  # BST: 24 real hours, 25 on the wall clock
    assert end - start == dt.timedelta(hours=24)
    assert elapsed(start, end, DurationUnit.HOURS, ENGLAND) == 24.0


def test_24_hours_is_elapsed_time_across_bst_end() -> None:
    assert due("2024-10-26 10:00", "24 hours") == "2024-10-27 09:00"
    assert due("2024-10-26 10:00", "1440 minutes") == "2024-10-27 09:00"


def test_days_and_weeks_keep_the_wall_clock_across_bst() -> None:
    start = local("2024-03-30 10:00")
    end = due_time(start, Duration.parse("1 day"), ENGLAND)
    assert wall(end) == "2024-03-31 10:00"
    assert end - start == dt.timedelta(hours=23)
    assert elapsed(start, end, DurationUnit.DAYS, ENGLAND) == 1.0
    assert due("2024-10-23 10:00", "1 week") == "2024-10-30 10:00"
    # A wall time BST skips moves on an hour.
    assert due("2024-03-30 01:30", "1 day") == "2024-03-31 02:30"


def test_working_days_keep_local_time_across_bst_and_easter() -> None:
    # Fri 22 Mar + 5 working days: 25, 26, 27, 28 Mar, (Good Friday, Easter Monday) 2 Apr.
    assert due("2024-03-22 10:00", "5 working days", at=SAME) == "2024-04-02 10:00"
    assert due("2024-03-22 10:00", "5 working days", at=END) == "2024-04-02 17:00"
    instant = due_time(local("2024-03-22 10:00"), Duration.parse("5 working days"), ENGLAND, SAME)
    assert instant.astimezone(UTC).hour == 9  # 10:00 BST, not 10:00 GMT
    assert due("2024-10-25 10:00", "1 working day", at=SAME) == "2024-10-28 10:00"


def test_working_days_from_a_closed_day() -> None:
    # Day 0 is Saturday 30 March; the first working day after it is Tuesday 2 April.
    assert due("2024-03-30 11:00", "1 working day") == "2024-04-02 17:00"
    assert due("2024-03-30 11:00", "0 working days") == "2024-03-30 17:00"


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2024-03-15 15:00", "8 working hours", "2024-03-18 15:00"),  # Fri -> Mon
        ("2024-03-16 11:00", "8 working hours", "2024-03-18 17:00"),  # from Saturday
        ("2024-03-18 07:00", "2 working hours", "2024-03-18 11:00"),  # before opening
        ("2024-03-18 20:00", "2 working hours", "2024-03-19 11:00"),  # after closing
        ("2024-03-18 17:00", "8 working hours", "2024-03-19 17:00"),
        ("2024-03-28 16:00", "8 working hours", "2024-04-02 16:00"),  # Easter and BST
        ("2025-03-28 16:00", "2 working hours", "2025-03-31 10:00"),  # BST weekend
        ("2024-10-25 16:00", "2 working hours", "2024-10-28 10:00"),  # GMT weekend
        ("2024-12-24 16:00", "8 working hours", "2024-12-27 16:00"),  # Christmas
        ("2024-03-16 11:00", "0 working hours", "2024-03-18 09:00"),
    ],
)
def test_working_hours(start: str, duration: str, expected: str) -> None:
    assert due(start, duration) == expected


def test_working_hours_across_bst_are_wall_clock_hours() -> None:
    start = local("2025-03-28 16:00")
    end = due_time(start, Duration.parse("2 working hours"), ENGLAND)
    assert end.astimezone(UTC) == dt.datetime(2025, 3, 31, 9, tzinfo=UTC)
    assert elapsed(start, end, DurationUnit.WORKING_HOURS, ENGLAND) == 2.0


def test_christmas_and_hub_closures_from_config() -> None:
    config = load_config(EXAMPLE)
    visit = next(t for t in targets_from_config(config) if t.name == "initial_visit")
    assert str(visit.rule.duration) == "10 working days"
    # 25 Dec and the 28th (Boxing Day substitute) are bank holidays, 29-31 Dec the hub's
    # own closures, 1 Jan a bank holiday: day 1 is Monday 4 January.
    got = due_time(local("2026-12-24 11:00"), visit.rule.duration, visit.calendar)
    assert wall(got) == "2027-01-15 17:00"


@pytest.mark.parametrize(
    ("start", "expected", "nation", "at"),
    [
        ("2024-01-31 10:00", "2024-02-29 17:00", "ENG", END),  # leap year
        ("2025-01-31 10:00", "2025-02-28 17:00", "ENG", END),
        ("2024-01-31 10:00", "2024-02-29 10:00", "ENG", SAME),
        ("2026-01-31 10:00", "2026-03-02 17:00", "ENG", END),  # 28 Feb a Saturday
        ("2024-02-29 10:00", "2024-04-02 17:00", "ENG", END),  # Good Friday, BST, Easter
        ("2024-02-29 10:00", "2024-04-01 17:00", "SCT", END),  # no Easter Monday
        ("2024-12-30 10:00", "2025-01-30 17:00", "ENG", END),
        ("2026-12-01 10:00", "2027-01-04 17:00", "ENG", END),  # New Year's Day
        ("2026-12-01 10:00", "2027-01-05 17:00", "SCT", END),  # and 2 January's substitute
        ("2024-03-31 10:00", "2024-04-30 17:00", "ENG", END),  # 31 March -> 30 April
        ("2024-04-01 10:00", "2024-05-01 17:00", "ENG", END),
    ],
)
def test_calendar_months_follow_the_ico_rule(
    start: str, expected: str, nation: str, at: Any
) -> None:
    assert due(start, "1 calendar month", WorkingCalendar(nation=nation), at) == expected


def test_calendar_month_landing_on_hub_closures() -> None:
    calendar = WorkingCalendar.from_config(load_config(EXAMPLE).calendar)
    # 30 Nov + 1 month = 30 Dec (closed), 31 Dec (closed), 1 Jan (bank holiday) -> 4 Jan.
    assert due("2026-11-30 10:00", "1 calendar month", calendar) == "2027-01-04 17:00"


def test_years() -> None:
    assert due("2024-02-29 10:00", "1 year") == "2025-02-28 10:00"
    assert due("2024-03-31 10:00", "1 year") == "2025-03-31 10:00"
    # A week before BST ends, 01:30 is due at 01:30 on the day it happens twice: the
    # first run, in BST.
    repeated = due_time(local("2023-10-22 01:30"), Duration.parse("1 week"), ENGLAND)
    assert repeated.astimezone(UTC) == dt.datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


# --------------------------------------------------------------------------- statuses

MONDAY = "2024-03-04 10:00"  # GMT, no holidays nearby
FIRST_CONTACT = target("24 hours", honour_callback_request=True, callback_tolerance="15 minutes")


def check(result: Any, status: SLAStatus, **expected: Any) -> None:
    assert result.status is status
    for key, value in expected.items():
        got = getattr(result, key)
        if isinstance(value, str) and key.endswith("_at"):
            got = wall(got)
        if isinstance(value, float):
            assert got == pytest.approx(value, abs=1e-9), key
        else:
            assert got == value, key


def test_met() -> None:
    result = evaluate(
        journey(MONDAY, first_contact_at="2024-03-04 15:00"), FIRST_CONTACT, local("2024-03-10")
    )
    check(
        result,
        SLAStatus.MET,
        started_at="2024-03-04 10:00",
        due_at="2024-03-05 10:00",
        stopped_at="2024-03-04 15:00",
        breached_at=None,
        used=5.0,
        remaining=19.0,
        unit="hours",
    )


def test_met_exactly_at_the_due_time() -> None:
    trip = journey(MONDAY, first_contact_at="2024-03-05 10:00")
    check(evaluate(trip, FIRST_CONTACT, local("2024-03-10")), SLAStatus.MET, remaining=0.0)


def test_breached_late_contact() -> None:
    trip = journey(MONDAY, first_contact_at="2024-03-05 12:00")
    check(
        evaluate(trip, FIRST_CONTACT, local("2024-03-10")),
        SLAStatus.BREACHED,
        breached_at="2024-03-05 10:00",
        stopped_at="2024-03-05 12:00",
        used=26.0,
        remaining=-2.0,
    )


def test_breached_still_open() -> None:
    check(
        evaluate(journey(MONDAY), FIRST_CONTACT, local("2024-03-05 11:00")),
        SLAStatus.BREACHED,
        breached_at="2024-03-05 10:00",
        stopped_at=None,
        used=25.0,
    )


@pytest.mark.parametrize(
    ("now", "status", "used"),
    [
        ("2024-03-04 12:00", SLAStatus.PENDING, 2.0),
        ("2024-03-05 03:59", SLAStatus.PENDING, 17 + 59 / 60),
        ("2024-03-05 04:00", SLAStatus.AT_RISK, 18.0),  # warn_at 0.75 of 24 hours
        ("2024-03-05 10:00", SLAStatus.AT_RISK, 24.0),  # due, not yet late
        ("2024-03-05 10:00:00.000001", SLAStatus.BREACHED, 24 + 1 / 3.6e9),
    ],
)
def test_pending_at_risk_breached_as_of_now(now: str, status: SLAStatus, used: float) -> None:
    result = evaluate(journey(MONDAY), FIRST_CONTACT, local(now))
    check(result, status, used=used, remaining=24.0 - used)


def test_events_after_now_are_not_seen() -> None:
    trip = journey(MONDAY, first_contact_at="2024-03-04 15:00")
    check(evaluate(trip, FIRST_CONTACT, local("2024-03-04 12:00")), SLAStatus.PENDING, used=2.0)
    check(
        evaluate(trip, FIRST_CONTACT, local("2024-03-04 09:00")),
        SLAStatus.NOT_STARTED,
        unit="hours",
        used=None,
        due_at=None,
    )


def test_not_started() -> None:
    handover = target("10 working days", name="handover", start="eoi", stop="handed_over")
    check(
        evaluate(journey(MONDAY), handover, local("2024-04-01")),
        SLAStatus.NOT_STARTED,
        started_at=None,
        unit="working days",
    )


def test_stopped_by_withdrawal() -> None:
    trip = journey(MONDAY, withdrawn_at="2024-03-04 12:00", withdrawal_reason="AW3")
    check(
        evaluate(trip, FIRST_CONTACT, local("2024-03-10")),
        SLAStatus.STOPPED,
        stopped_at="2024-03-04 12:00",
        breached_at=None,
        used=2.0,
    )
    late = journey(MONDAY, withdrawn_at="2024-03-06 12:00", withdrawal_reason="AW3")
    check(
        evaluate(late, FIRST_CONTACT, local("2024-03-10")),
        SLAStatus.BREACHED,
        stopped_at="2024-03-06 12:00",
        breached_at="2024-03-05 10:00",
    )


def test_stopped_by_approval_before_the_stop_event() -> None:
    handover = target("10 working days", name="handover", start="eoi", stop="handed_over")
    trip = journey(MONDAY, eoi_at="2024-03-05 10:00", approved_at="2024-03-06 10:00")
    check(evaluate(trip, handover, local("2024-04-01")), SLAStatus.STOPPED, used=1.0)


def test_not_applicable_through_when() -> None:
    phone_only = target("1 hour", when={"channels": ["phone"]})
    result = evaluate(journey(MONDAY, channel="web"), phone_only, local("2024-03-10"))
    check(result, SLAStatus.NOT_APPLICABLE, unit=None, due_at=None, used=None)
    by_la = target("1 hour", when={"local_authorities": ["E08000024"]})
    sunderland = journey(MONDAY, local_authority="E08000024")
    assert evaluate(sunderland, by_la, local("2024-03-10")).status is SLAStatus.BREACHED
    by_source = target("1 hour", when={"sources": ["radio"]})
    assert evaluate(journey(MONDAY), by_source, local("2024-03-10")).status is (
        SLAStatus.NOT_APPLICABLE
    )


VISIT = target("10 working days", name="initial_visit", stop="initial_visit", pause_on=["on_hold"])
ON_HOLD = (
    ("enquired", "2024-03-04T10:00:00"),
    ("first_contact", "2024-03-04T11:00:00"),
    ("on_hold", "2024-03-06T10:00:00"),
)


def test_paused_while_on_hold() -> None:
    # Due Mon 18 March 17:00 without the pause; two working days on hold so far move it
    # to Wed 20 March. Used: 4 working days elapsed, 2 of them paused.
    result = evaluate(with_events("web", *ON_HOLD), VISIT, local("2024-03-08 10:00"))
    check(result, SLAStatus.PAUSED, due_at="2024-03-20 17:00", used=2.0, remaining=8.875)
    # The first-contact clock has no pause events: it stopped long ago.
    assert evaluate(with_events("web", *ON_HOLD), FIRST_CONTACT, local("2024-03-08")).status is (
        SLAStatus.MET
    )


def test_pause_ends_with_the_next_milestone() -> None:
    # Held from Wed 6 March until the visit on Tue 19 March (after the unpaused due time):
    # the 9 working days on hold move the due time past Easter, so the visit is in time.
    events = (*ON_HOLD, ("initial_visit", "2024-03-19T10:00:00"))
    result = evaluate(with_events("web", *events), VISIT, local("2024-04-10"))
    check(result, SLAStatus.MET, due_at="2024-04-02 17:00", used=2.0)
    unpaused = target("10 working days", name="initial_visit", stop="initial_visit")
    assert evaluate(with_events("web", *events), unpaused, local("2024-04-10")).status is (
        SLAStatus.BREACHED
    )


def test_callback_request_with_tolerance() -> None:
    asked = {"callback_requested_for": "2024-03-07 18:00"}  # Thursday evening
    on_time = journey(MONDAY, first_contact_at="2024-03-07 18:10", **asked)
    check(
        evaluate(on_time, FIRST_CONTACT, local("2024-03-10")),
        SLAStatus.MET,
        due_at="2024-03-07 18:15",
        used=80 + 10 / 60,
        remaining=5 / 60,
    )
    late = journey(MONDAY, first_contact_at="2024-03-07 18:20", **asked)
    check(evaluate(late, FIRST_CONTACT, local("2024-03-10")), SLAStatus.BREACHED)
    # Without the override the 24 hours would have run out on Tuesday.
    plain = target("24 hours")
    assert evaluate(on_time, plain, local("2024-03-10")).status is SLAStatus.BREACHED
    # A call-back asked for before the enquiry (a data error) is not honoured.
    before = journey(MONDAY, callback_requested_for="2024-03-01 10:00")
    check(evaluate(before, FIRST_CONTACT, local("2024-03-04 12:00")), SLAStatus.PENDING)
    assert wall(evaluate(before, FIRST_CONTACT, local("2024-03-04 12:00")).due_at) == (
        "2024-03-05 10:00"
    )


def test_callback_without_tolerance_is_due_at_the_requested_time() -> None:
    exact = target("24 hours", honour_callback_request=True)
    trip = journey(MONDAY, callback_requested_for="2024-03-07 18:00")
    check(evaluate(trip, exact, local("2024-03-05")), SLAStatus.PENDING, due_at="2024-03-07 18:00")


def test_24_hours_across_the_change_to_bst_is_real_time() -> None:
    start = "2024-03-30 10:00"  # Saturday GMT; due Sunday 11:00 BST
    in_time = journey(start, first_contact_at="2024-03-31 10:30")
    check(evaluate(in_time, FIRST_CONTACT, local("2024-04-05")), SLAStatus.MET, used=23.5)
    late = journey(start, first_contact_at="2024-03-31 11:30")
    check(evaluate(late, FIRST_CONTACT, local("2024-04-05")), SLAStatus.BREACHED, used=24.5)


def test_first_matching_rule_per_name() -> None:
    rules = [
        target("1 hour", when={"channels": ["phone"]}),
        target("24 hours"),
        target("10 working days", name="initial_visit", stop="initial_visit"),
    ]
    phone = evaluate_journey(journey(MONDAY, channel="phone"), rules, local("2024-03-04 12:00"))
    assert [r.target for r in phone] == ["first_contact", "initial_visit"]
    check(phone[0], SLAStatus.BREACHED, due_at="2024-03-04 11:00")
    web = evaluate_journey(journey(MONDAY, channel="web"), rules, local("2024-03-04 12:00"))
    check(web[0], SLAStatus.PENDING, due_at="2024-03-05 10:00")
    only_phone = evaluate_journey(journey(MONDAY), rules[:1], local("2024-03-04 12:00"))
    assert [r.status for r in only_phone] == [SLAStatus.NOT_APPLICABLE]


@pytest.mark.parametrize(
    ("duration", "unit", "used", "remaining"),
    [
        ("30 minutes", "minutes", 26 * 60.0, 30 - 26 * 60.0),
        ("24 hours", "hours", 26.0, -2.0),
        ("8 working hours", "working hours", 10.0, -2.0),  # 7 on Monday, 3 on Tuesday
        ("2 working days", "working days", 1.25, 2.875 - 1.25),  # due Wed 17:00
        ("3 days", "days", 26 / 24, 3 - 26 / 24),
        ("1 week", "days", 26 / 24, 7 - 26 / 24),
        ("1 calendar month", "days", 26 / 24, 31 + 7 / 24 - 26 / 24),  # Thu 4 Apr 17:00
        ("1 year", "days", 26 / 24, 365 - 26 / 24),
    ],
)
def test_used_and_remaining_in_the_targets_unit(
    duration: str, unit: str, used: float, remaining: float
) -> None:
    result = evaluate(journey(MONDAY), target(duration), local("2024-03-05 12:00"))
    check(result, result.status, unit=unit, used=used, remaining=remaining)
    assert REPORTED_UNIT[Duration.parse(duration).unit] == unit


def test_the_example_hubs_targets() -> None:
    targets = targets_from_config(load_config(EXAMPLE))
    assert [t.name for t in targets] == ["first_contact", "initial_visit", "handover"]
    trip = journey(
        "2026-12-24 11:00",
        first_contact_at="2026-12-24 15:00",
        initial_visit_at="2027-01-14 10:00",
        eoi_at="2027-01-14 11:00",
    )
    results = evaluate_journey(trip, targets, local("2027-01-20 12:00"))
    assert [r.status for r in results] == [SLAStatus.MET, SLAStatus.MET, SLAStatus.PENDING]
    assert results[1].as_dict()["due_at"] == "2027-01-15T17:00:00+00:00"
    assert json.dumps([r.as_dict() for r in results])


# --------------------------------------------------------------------------- inputs


def test_naive_times_in_the_bst_gap_are_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist") as caught:
        journey("2024-03-31 01:30")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(ValueError, match="does not exist"):
        evaluate(journey(MONDAY), FIRST_CONTACT, dt.datetime(2024, 3, 31, 1, 30))


def test_naive_now_is_london_wall_time() -> None:
    trip = journey("2024-07-01 10:00")
    naive = evaluate(trip, FIRST_CONTACT, dt.datetime(2024, 7, 1, 12))
    aware = evaluate(trip, FIRST_CONTACT, dt.datetime(2024, 7, 1, 11, tzinfo=UTC))
    assert naive == aware
    assert naive.used == 2.0


def test_import_does_not_load_dataframe_libraries() -> None:
    code = "import sys, fostering_hub.sla; print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in json.loads(out.stdout.replace("'", '"'))}
    assert loaded.isdisjoint({"numpy", "narwhals", "pandas", "polars"})
