"""The journey event log: legal transitions only, clear errors, withdrawals."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from fostering_hub.models import Journey, Stage, WithdrawalReason, can_follow
from fostering_hub.validation import issues_from_error


def journey(*steps: tuple[str, str] | tuple[str, str, str]) -> Journey:
    events = [
        {"stage": s[0], "at": s[1], **({"reason": s[2]} if len(s) == 3 else {})} for s in steps
    ]
    return Journey.model_validate({"enquiry_id": "NE-1", "channel": "web", "events": events})


def issue(error: ValidationError) -> tuple[str, str]:
    found = issues_from_error(error)
    assert len(found) == 1
    return found[0].code, found[0].path


def test_full_journey() -> None:
    j = journey(
        ("enquired", "2024-04-01T10:00"),
        ("first_contact", "2024-04-01T15:00"),
        ("initial_visit", "2024-04-10T11:00"),
        ("eoi", "2024-04-20T11:00"),
        ("handed_over", "2024-05-01T11:00"),
        ("application", "2024-05-20T11:00"),
        ("approved", "2024-12-20T11:00"),
    )
    assert j.stage is Stage.APPROVED
    assert not j.is_open
    assert j.reached(Stage.EOI) == dt.datetime(2024, 4, 20, 10, 0, tzinfo=dt.UTC)
    assert j.reached(Stage.WITHDRAWN) is None


def test_advance_returns_new_journey() -> None:
    start = journey(("enquired", "2024-04-01T10:00"))
    later = start.advance("first_contact", "2024-04-01T11:00", local_authority="E08000024")
    assert start.stage is Stage.ENQUIRED
    assert later.stage is Stage.FIRST_CONTACT
    assert later.local_authority == "E08000024"


def test_milestones_may_be_skipped_but_not_repeated_or_reversed() -> None:
    j = journey(("enquired", "2024-04-01T10:00"), ("eoi", "2024-04-05T10:00"))
    with pytest.raises(ValidationError) as caught:
        j.advance("initial_visit", "2024-04-06T10:00")
    assert issue(caught.value) == ("FH-M001", "/events/2/stage")
    with pytest.raises(ValidationError) as caught:
        j.advance("eoi", "2024-04-06T10:00")
    assert issue(caught.value) == ("FH-M001", "/events/2/stage")


def test_first_event_must_be_enquired() -> None:
    with pytest.raises(ValidationError) as caught:
        journey(("first_contact", "2024-04-01T10:00"))
    assert issue(caught.value) == ("FH-M001", "/events/0/stage")
    assert "cannot follow the start" in str(caught.value)


def test_event_before_the_previous_one() -> None:
    j = journey(("enquired", "2024-04-01T10:00"))
    with pytest.raises(ValidationError) as caught:
        j.advance("first_contact", "2024-04-01T09:59")
    assert issue(caught.value) == ("FH-M002", "/events/1/at")


def test_same_instant_is_allowed_across_bst() -> None:
    # 01:30 BST and 00:30 GMT (Z) are the same instant on 27 October 2024.
    j = journey(("enquired", "2024-10-27T01:30"), ("first_contact", "2024-10-27T00:30:00Z"))
    assert j.stage is Stage.FIRST_CONTACT


def test_nothing_follows_approval_or_withdrawal() -> None:
    done = journey(("enquired", "2024-04-01T10:00"), ("approved", "2024-05-01T10:00"))
    with pytest.raises(ValidationError):
        done.advance("withdrawn", "2024-05-02T10:00", "AW3")
    gone = journey(("enquired", "2024-04-01T10:00"), ("withdrawn", "2024-04-02T10:00", "AW4"))
    with pytest.raises(ValidationError):
        gone.advance("first_contact", "2024-04-03T10:00")


def test_withdrawal_needs_a_reason_and_only_it_has_one() -> None:
    start = journey(("enquired", "2024-04-01T10:00"))
    with pytest.raises(ValidationError) as caught:
        start.advance("withdrawn", "2024-04-02T10:00")
    assert issue(caught.value) == ("FH-M003", "/events/1/reason")
    with pytest.raises(ValidationError) as caught:
        start.advance("first_contact", "2024-04-02T10:00", "AW1")
    assert issue(caught.value) == ("FH-M003", "/events/1/reason")
    with pytest.raises(ValidationError) as caught:
        start.advance("withdrawn", "2024-04-02T10:00", "AW9")
    assert issue(caught.value)[0] == "FH-S004"


def test_withdrawal_records_the_stage_it_happened_at() -> None:
    j = journey(
        ("enquired", "2024-04-01T10:00"),
        ("first_contact", "2024-04-01T12:00"),
        ("initial_visit", "2024-04-08T12:00"),
        ("on_hold", "2024-04-09T12:00"),
        ("withdrawn", "2024-05-01T12:00", "AW5"),
    )
    assert j.withdrawal is not None
    assert j.withdrawal.reason is WithdrawalReason.AW5
    assert j.furthest_milestone is Stage.INITIAL_VISIT


def test_holds_pause_then_resume_with_next_milestone() -> None:
    j = journey(
        ("enquired", "2024-04-01T10:00"),
        ("first_contact", "2024-04-01T12:00"),
        ("on_hold", "2024-04-02T12:00"),
        ("keep_in_touch", "2024-05-02T12:00"),
        ("initial_visit", "2024-09-01T12:00"),
    )
    assert j.is_open
    with pytest.raises(ValidationError):
        j.advance("on_hold", "2024-09-02T12:00").advance("on_hold", "2024-09-03T12:00")


@pytest.mark.parametrize(
    ("previous", "stage", "allowed"),
    [
        ([], Stage.ENQUIRED, True),
        ([], Stage.WITHDRAWN, False),
        ([Stage.ENQUIRED], Stage.APPROVED, True),
        ([Stage.ENQUIRED, Stage.EOI], Stage.FIRST_CONTACT, False),
        ([Stage.ENQUIRED, Stage.ON_HOLD], Stage.KEEP_IN_TOUCH, True),
        ([Stage.ENQUIRED, Stage.ON_HOLD], Stage.ON_HOLD, False),
        ([Stage.ENQUIRED, Stage.ON_HOLD], Stage.WITHDRAWN, True),
        ([Stage.ENQUIRED, Stage.APPROVED], Stage.ON_HOLD, False),
        ([Stage.ENQUIRED, Stage.EOI, Stage.ON_HOLD], Stage.HANDED_OVER, True),
        ([Stage.ENQUIRED, Stage.EOI, Stage.ON_HOLD], Stage.EOI, False),
    ],
)
def test_can_follow(previous: list[Stage], stage: Stage, allowed: bool) -> None:
    assert can_follow(previous, stage) is allowed


def test_journey_refuses_unknown_fields_and_empty_logs() -> None:
    with pytest.raises(ValidationError) as caught:
        Journey.model_validate({"enquiry_id": "A", "channel": "web", "events": [], "x": 1})
    codes = {i.code for i in issues_from_error(caught.value)}
    assert codes == {"FH-S002", "FH-S005"}
