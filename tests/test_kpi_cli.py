"""``fostering-hub kpi``: formats, options, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from _kpi_data import ROWS
from fostering_hub.cli import main
from fostering_hub.kpi import KPI_IDS
from fostering_hub.models import JOURNEY_COLUMNS


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kpi") / "journeys.csv"
    pl.DataFrame(ROWS).select(JOURNEY_COLUMNS).write_csv(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kpi", "--list")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines() if not line.startswith(" ")] == list(
        KPI_IDS
    )
    assert "needs --as-of" in out


def test_csv_is_the_long_format(capsys: pytest.CaptureFixture[str], table: Path) -> None:
    code, out, _ = run(
        capsys,
        "kpi",
        str(table),
        "--by",
        "local_authority",
        "--kpis",
        "enquiries,first_contact_sla_rate,median_days_enquiry_to_application",
        "--as-of",
        "2025-01-01T00:00:00Z",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "period",
        "local_authority",
        "kpi",
        "breakdown",
        "value",
        "numerator",
        "denominator",
    ]
    assert rows[0] == {
        "period": "2023-24",
        "local_authority": "E06000001",
        "kpi": "enquiries",
        "breakdown": "",
        "value": "2",
        "numerator": "",
        "denominator": "",
    }
    sla = [r for r in rows if r["kpi"] == "first_contact_sla_rate" and r["period"] == "2024-25"]
    assert {r["local_authority"]: (r["numerator"], r["denominator"]) for r in sla} == {
        "E06000001": ("1", "1"),
        "E06000002": ("1", "2"),
        "unallocated": ("0", "1"),
    }
    assert [r["value"] for r in rows if r["kpi"] == "median_days_enquiry_to_application"] == [
        "61.0",
        "31.0",
    ]


def test_json_and_table(capsys: pytest.CaptureFixture[str], table: Path) -> None:
    code, out, _ = run(
        capsys,
        "kpi",
        str(table),
        "--kpis",
        "all",
        "--as-of",
        "2025-01-01T00:00",
        "--period",
        "quarter",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2025-01-01T00:00:00+00:00"
    assert data["period"] == "quarter"
    assert data["by"] == []
    assert {r["kpi"] for r in data["rows"]} == set(KPI_IDS)
    assert data["rows"][0] == {
        "period": "2023-24 Q1",
        "kpi": "enquiries",
        "breakdown": None,
        "value": 2,
        "numerator": None,
        "denominator": None,
    }
    code, out, _ = run(
        capsys,
        "kpi",
        str(table),
        "--kpis",
        "enquiries,cohort_application_rate,median_hours_to_first_contact,withdrawals_by_reason",
        "--by",
        "channel",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("KPIs by financial_year and channel, as of ")
    assert lines[1].split() == ["period", "channel", "kpi", "value"]
    assert any(line.split()[-3:] == ["50.0%", "1", "/"] or "50.0%  1 / 2" in line for line in lines)
    assert any("withdrawals_by_reason: AW3" in line for line in lines)
    assert any(line.rstrip().endswith("hours") for line in lines)


def test_defaults_to_the_configs_kpis_and_now(
    capsys: pytest.CaptureFixture[str], table: Path
) -> None:
    code, out, _ = run(capsys, "kpi", str(table), "--format", "json")
    assert code == 0
    kpis = {r["kpi"] for r in json.loads(out)["rows"]}
    assert kpis == {
        "enquiries",
        "first_contacts",
        "eois",
        "handovers",
        "first_contact_sla_rate",
        "enquiry_to_application_rate",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kpi"], "a journey table FILE is needed"),
        (["kpi", "nope.csv"], "no such file"),
        (["kpi", "{table}", "--kpis", "enquiries,nope"], "unknown KPI id"),
        (["kpi", "{table}", "--by", "postcode"], "cannot group by postcode"),
        (["kpi", "{table}", "--config", "missing.toml"], "cannot read config"),
    ],
)
def test_usage_errors(
    capsys: pytest.CaptureFixture[str], table: Path, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *(a.format(table=table) for a in argv))
    assert code == 2
    assert message in err


def test_bad_as_of_and_period(capsys: pytest.CaptureFixture[str], table: Path) -> None:
    for argv in (["--as-of", "yesterday"], ["--period", "week"]):
        with pytest.raises(SystemExit) as exited:
            main(["kpi", str(table), *argv])
        assert exited.value.code == 2
    assert "not an ISO 8601 date and time" in capsys.readouterr().err


def test_a_malformed_cell_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    rows = [dict(ROWS[0], enquired_at="soon")]
    pl.DataFrame(rows).select(JOURNEY_COLUMNS).write_csv(path)
    code, _, err = run(capsys, "kpi", str(path), "--kpis", "enquiries")
    assert code == 1
    assert "could not be read as a journey table" in err
    path.write_text("a,b\n1,2\n")
    code, _, err = run(capsys, "kpi", str(path), "--kpis", "enquiries")
    assert code == 2
    assert "not a journey table: no column enquired_at" in err
