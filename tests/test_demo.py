"""`fostering-hub demo`: the main job, on built-in synthetic data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from fostering_hub.cli import main
from fostering_hub.models import JOURNEY_COLUMNS, read_journey_table


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
        f"Output: {tmp_path.resolve()}",
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


def test_demo_is_deterministic_for_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_demo(tmp_path / "a", capsys).replace(str((tmp_path / "a").resolve()), "OUT")
    second = run_demo(tmp_path / "b", capsys).replace(str((tmp_path / "b").resolve()), "OUT")
    assert first == second
    for name in ("journeys.csv", "enquiries.ndjson", "sla.csv", "retention.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_demo_refuses_a_bad_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--enquiries", "0"]) == 2
    assert "--enquiries" in capsys.readouterr().err
