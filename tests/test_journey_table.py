"""The journey table: a published CSV format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pydantic import ValidationError

from fostering_hub.models import (
    JOURNEY_COLUMNS,
    Journey,
    JourneyTableError,
    iter_journey_table,
    journeys_to_csv,
    read_journey_table,
    write_journey_table,
)
from fostering_hub.validation import issues_from_error

HEADER = ",".join(JOURNEY_COLUMNS)


def row(**cells: str) -> dict[str, str]:
    base = dict.fromkeys(JOURNEY_COLUMNS, "")
    base.update(enquiry_id="NE-1", channel="web", enquired_at="2024-04-01T10:00")
    base.update(cells)
    return base


def test_columns_are_the_published_ones() -> None:
    assert JOURNEY_COLUMNS == (
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


def test_row_to_journey_and_back() -> None:
    given = row(
        local_authority="E08000024",
        source="radio",
        first_contact_at="2024-04-01T15:00:00Z",
        withdrawn_at="2024-04-10T09:00",
        withdrawal_reason="AW3",
        callback_requested_for="2024-04-01T18:00",
    )
    journey = Journey.from_row(given)
    assert [e.stage.value for e in journey.events] == ["enquired", "first_contact", "withdrawn"]
    out = journey.to_row()
    assert list(out) == list(JOURNEY_COLUMNS)
    assert out["enquired_at"] == "2024-04-01T10:00:00+01:00"  # naive read as London, BST
    assert out["first_contact_at"] == "2024-04-01T15:00:00+00:00"
    assert out["withdrawal_reason"] == "AW3"
    assert Journey.from_row(out) == journey


def test_holds_are_not_columns() -> None:
    journey = Journey.from_row(row()).advance("on_hold", "2024-04-02T10:00")
    assert Journey.from_row(journey.to_row()).stage.value == "enquired"


@pytest.mark.parametrize(
    ("cells", "code", "path"),
    [
        ({"enquired_at": ""}, "FH-S001", "/enquired_at"),
        ({"local_authority": "Sunderland"}, "FH-T004", "/local_authority"),
        ({"channel": "fax"}, "FH-S004", "/channel"),
        ({"eoi_at": "2024-03-01T10:00"}, "FH-M002", "/eoi_at"),
        ({"withdrawn_at": "2024-04-02T10:00"}, "FH-M003", "/withdrawal_reason"),
        (
            {"approved_at": "2024-05-01", "withdrawn_at": "", "withdrawal_reason": ""},
            "FH-S008",
            "/approved_at",
        ),
        (
            {
                "approved_at": "2024-05-01T10:00",
                "withdrawn_at": "2024-06-01T10:00",
                "withdrawal_reason": "AW1",
            },
            "FH-M001",
            "/withdrawn_at",
        ),
    ],
)
def test_bad_rows_name_the_column(cells: dict[str, str], code: str, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Journey.from_row(row(**cells))
    found = [(i.code, i.path) for i in issues_from_error(caught.value)]
    assert (code, path) in found


def test_write_then_read(tmp_path: Path) -> None:
    journeys = [
        Journey.from_row(row(enquiry_id=f"NE-{n}", first_contact_at="2024-04-02T10:00"))
        for n in range(3)
    ]
    target = tmp_path / "journeys.csv"
    assert write_journey_table(journeys, target) == 3
    assert target.read_text().splitlines()[0] == HEADER
    assert read_journey_table(target) == journeys
    with target.open(newline="") as handle:
        assert journeys_to_csv(journeys) == handle.read()


def test_read_reports_every_bad_row_with_line_and_no_values() -> None:
    text = "\n".join(
        [
            HEADER,
            ",".join(row().values()),
            ",".join(row(enquiry_id="NE-2", local_authority="SECRETVALUE").values()),
            ",".join(row(enquiry_id="NE-3", channel="pigeon").values()),
        ]
    )
    with pytest.raises(JourneyTableError) as caught:
        read_journey_table(io.StringIO(text))
    issues = caught.value.issues
    assert [(i["line"], i["path"], i["code"]) for i in issues] == [
        (3, "/local_authority", "FH-T004"),
        (4, "/channel", "FH-S004"),
    ]
    assert "SECRETVALUE" not in str(caught.value)


def test_header_must_match() -> None:
    text = HEADER.replace("withdrawal_reason", "reason") + "\n"
    with pytest.raises(JourneyTableError) as caught:
        list(iter_journey_table(io.StringIO(text)))
    assert {(i["path"], i["code"]) for i in caught.value.issues} == {
        ("/withdrawal_reason", "FH-S001"),
        ("/reason", "FH-S002"),
    }
