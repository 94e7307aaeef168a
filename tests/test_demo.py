"""`fostering-hub demo`: the main job, on built-in synthetic data."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fostering_hub.cli import main
from fostering_hub.config import load_config
from fostering_hub.models import JOURNEY_COLUMNS, Stage, read_journey_table
from fostering_hub.validation import validate_handover


def run_demo(out: Path, capsys: pytest.CaptureFixture[str], seed: int = 7) -> str:
    assert main(["demo", "--enquiries", "300", "--seed", str(seed), "--out", str(out)]) == 0
    return capsys.readouterr().out


def test_demo_writes_its_outputs_and_summaries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = run_demo(tmp_path, capsys)
    for heading in (
        "Funnel (enquiries reaching each stage):",
        "Allocation by the hub's policy chain (preference > council_tax > postcode):",
        "SLA targets (met % of those decided):",
        "Retention schedule as of 2025-04-01:",
        "Deliberately broken handovers, as the validator reports them:",
        f"Output: {tmp_path.resolve()}",
        f"Report: {(tmp_path / 'report.html').resolve()}",
    ):
        assert heading in text
    assert "validated every enquiry as JSON: 300 valid, 0 invalid" in text
    journeys = read_journey_table(tmp_path / "journeys.csv")
    assert len(journeys) == 300
    enquiries = (tmp_path / "enquiries.ndjson").read_text().splitlines()
    assert [json.loads(line)["enquiry_id"] for line in enquiries] == [
        j.enquiry_id for j in journeys
    ]
    with (tmp_path / "sla.csv").open(newline="") as handle:
        sla = list(csv.DictReader(handle))
    assert {row["target"] for row in sla} == {"first_contact", "initial_visit", "handover"}
    assert len(sla) == 900
    assert (tmp_path / "retention.csv").read_text().count("\n") >= 300
    with (tmp_path / "journeys.csv").open(newline="") as handle:
        assert next(csv.reader(handle)) == list(JOURNEY_COLUMNS)
    # Nothing after the as-of time (the year end): the table is what a CRM would hold.
    assert all(
        event.at.date() < dt.date(2025, 4, 1) for journey in journeys for event in journey.events
    )

    # Handovers: one per household handed over, each valid; the broken ones are not.
    handed_over = [j for j in journeys if j.reached(Stage.HANDED_OVER)]
    handovers = [
        json.loads(line) for line in (tmp_path / "handovers.ndjson").read_text().splitlines()
    ]
    assert [h["enquiry_id"] for h in handovers] == [j.enquiry_id for j in handed_over]
    assert len(handovers) > 10
    config = load_config()
    as_of = dt.datetime(2025, 4, 1, tzinfo=ZoneInfo("Europe/London"))
    for handover in handovers:
        assert validate_handover(handover, config=config, now=as_of).valid
    broken = (tmp_path / "broken-handovers.ndjson").read_text().splitlines()
    assert len(broken) == 5
    for line in broken:
        assert not validate_handover(line, config=config, now=as_of).valid
    assert f"built and validated {len(handovers)} handovers: {len(handovers)} valid" in text

    # The KPI table: the long format, the whole catalogue by month and LA.
    with (tmp_path / "kpis.csv").open(newline="") as handle:
        kpis = list(csv.DictReader(handle))
    assert list(kpis[0]) == [
        "period",
        "local_authority",
        "kpi",
        "breakdown",
        "value",
        "numerator",
        "denominator",
    ]
    assert {row["period"] for row in kpis} == {
        f"{y}-{m:02d}"
        for y, m in [(2024, m) for m in range(4, 13)] + [(2025, 1), (2025, 2), (2025, 3)]
    }
    assert {row["kpi"] for row in kpis} >= {"enquiries", "first_contact_sla_rate", "handovers"}
    enquiries_total = sum(float(r["value"]) for r in kpis if r["kpi"] == "enquiries")
    assert enquiries_total == 300
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_demo_is_deterministic_for_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_demo(tmp_path / "a", capsys).replace(str((tmp_path / "a").resolve()), "OUT")
    second = run_demo(tmp_path / "b", capsys).replace(str((tmp_path / "b").resolve()), "OUT")
    assert first == second
    for name in (
        "journeys.csv",
        "enquiries.ndjson",
        "sla.csv",
        "retention.csv",
        "handovers.ndjson",
        "broken-handovers.ndjson",
        "kpis.csv",
        "report.html",
    ):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_demo_refuses_a_bad_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--enquiries", "0"]) == 2
    assert "--enquiries" in capsys.readouterr().err
