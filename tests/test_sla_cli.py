"""``fostering-hub sla FILE``: per-enquiry status, summary, formats and exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from fostering_hub.cli import main
from fostering_hub.config import load_config
from fostering_hub.models import JOURNEY_COLUMNS, Journey
from fostering_hub.sla import evaluate_journey, targets_from_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "north-east" / "hub.toml"
AS_OF = "2024-04-02T12:00"  # London time: 12:00 BST
ROWS = [
    # Enquired the day before Good Friday, called back in time.
    {
        "enquiry_id": "NE-1",
        "enquired_at": "2024-03-28T16:00:00",
        "first_contact_at": "2024-03-29 10:00",
    },
    # Asked for a call on Tuesday 11:00 BST; not called by 12:00: breached (15 min tolerance).
    {
        "enquiry_id": "NE-2",
        "channel": "phone",
        "enquired_at": "2024-03-30 10:00",
        "callback_requested_for": "2024-04-02T11:00:00+01:00",
    },
    # Withdrew after a first contact.
    {
        "enquiry_id": "NE-3",
        "enquired_at": "2024-04-01T09:00:00Z",
        "first_contact_at": "2024-04-01T09:30:00Z",
        "withdrawn_at": "2024-04-01T12:00:00",
        "withdrawal_reason": "AW3",
    },
    # Enquired an hour ago: pending.
    {"enquiry_id": "NE-4", "enquired_at": "2024-04-02T11:00:00"},
]
BAD_ROWS = [
    {"enquiry_id": "NE-5", "enquired_at": "2024-03-31T01:30:00"},  # skipped by BST
    {"enquiry_id": "NE-6", "enquired_at": "2024-04-01T10:00", "first_contact_at": "2024-03-01"},
]


def write_table(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=JOURNEY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({"channel": "web", **row})
    return path


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_table(tmp_path / "journeys.csv", ROWS)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["sla", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_and_summary(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(table), "--config", str(EXAMPLE), "--as-of", AS_OF)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "NE-1 (line 2)"
    assert lines[1].split() == [
        *("first_contact", "met", "due", "2024-03-29", "16:00", "GMT,"),
        *("used", "18.00", "hours,", "6.00", "left"),
    ]
    assert "initial_visit  pending   due 2024-04-15 17:00 BST" in out
    assert "handover       not started" in out
    assert "first_contact  breached  due 2024-04-02 11:15 BST, used 73.00 hours, 0.75 over" in out
    assert "first_contact  stopped" not in out  # NE-3 was contacted in time: met
    summary = out[out.index("SLA summary") :].splitlines()
    assert summary[0] == "SLA summary as of 2024-04-02 12:00 BST: 4 journeys"
    first = summary[2].split()
    assert first[:5] == ["first_contact", "4", "2", "1", "66.7%"]  # count, met, breached
    assert first[5:7] == ["0", "1"]  # at risk, pending
    visit = summary[3].split()
    assert visit[:5] == ["initial_visit", "4", "0", "0", "-"]
    assert visit[-2] == "1"  # NE-3 withdrew within time: stopped


def test_invalid_rows_are_reported_not_evaluated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_table(tmp_path / "mixed.csv", [ROWS[0], *BAD_ROWS, ROWS[3]])
    code, out, _ = run(capsys, str(path), "--as-of", AS_OF)
    assert code == 1
    assert "line 3: invalid row, not evaluated\n  /enquired_at: " in out
    assert "[FH-T007]" in out  # the local time BST skips
    assert "line 4: invalid row, not evaluated\n  /first_contact_at:" in out
    assert "NE-4 (line 5)" in out
    assert "4 journeys" not in out
    assert "2 journeys, 2 invalid row(s) left out" in out


def test_csv_output(table: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(table), "--as-of", AS_OF, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 * 3
    assert list(rows[0]) == [
        *("line", "enquiry_id", "target", "status", "started_at", "due_at", "stopped_at"),
        *("breached_at", "used", "remaining", "unit", "errors"),
    ]
    first = rows[0]
    assert (first["enquiry_id"], first["target"], first["status"]) == (
        "NE-1",
        "first_contact",
        "met",
    )
    assert first["due_at"] == "2024-03-29T16:00:00+00:00"
    assert (first["used"], first["remaining"], first["unit"]) == ("18.0", "6.0", "hours")
    breached = rows[3]
    assert breached["status"] == "breached"
    assert breached["breached_at"] == "2024-04-02T11:15:00+01:00"  # London time, BST
    mixed = write_table(tmp_path / "mixed.csv", [ROWS[0], BAD_ROWS[0]])
    code, out, _ = run(capsys, str(mixed), "--as-of", AS_OF, "--format", "csv")
    assert code == 1
    invalid = list(csv.DictReader(io.StringIO(out)))[-1]
    assert (invalid["line"], invalid["status"]) == ("3", "invalid")
    assert invalid["errors"] == "FH-T007 /enquired_at"


def test_json_output_matches_the_library(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(table), "--as-of", AS_OF, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2024-04-02T12:00:00+01:00"
    assert data["summary"]["journeys"] == 4
    first = data["summary"]["targets"]["first_contact"]
    assert (first["count"], first["met"], first["breached"], first["met_percent"]) == (
        4,
        2,
        1,
        66.7,
    )
    targets = targets_from_config(load_config())
    now = dt.datetime(2024, 4, 2, 11, tzinfo=dt.UTC)
    for row, entry in zip(ROWS, data["rows"], strict=True):
        journey = Journey.from_row(
            {c: {"channel": "web", **row}.get(c, "") for c in JOURNEY_COLUMNS}
        )
        expected = evaluate_journey(journey, targets, now)
        assert [t["status"] for t in entry["targets"]] == [r.status.value for r in expected]
        assert [t["used"] for t in entry["targets"]] == [r.used for r in expected]
        due = [t["due_at"] for t in entry["targets"]]
        assert [d and dt.datetime.fromisoformat(d) for d in due] == [r.due_at for r in expected]


def test_json_reports_invalid_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_table(tmp_path / "mixed.csv", BAD_ROWS)
    code, out, _ = run(capsys, str(path), "--as-of", AS_OF, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [r["valid"] for r in data["rows"]] == [False, False]
    assert data["rows"][0]["errors"][0]["code"] == "FH-T007"
    assert data["summary"]["invalid"] == 2
    assert data["summary"]["targets"]["first_contact"]["met_percent"] is None


def test_empty_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_table(tmp_path / "empty.csv", [])
    code, out, _ = run(capsys, str(path), "--as-of", AS_OF, "--format", "json")
    assert code == 0
    assert json.loads(out)["rows"] == []
    code, out, _ = run(capsys, str(path), "--as-of", AS_OF)
    assert code == 0
    assert "0 journeys" in out


def test_not_a_journey_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,when\n1,2024-01-01\n", encoding="utf-8")
    code, out, err = run(capsys, str(path))
    assert code == 1
    assert "not a journey table" in err
    assert "line 1 /enquired_at: Missing column [FH-S001]" in out
    assert "line 1 /when: Unknown column [FH-S002]" in out


def test_standard_input(
    table: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(table.read_text(encoding="utf-8")))
    code, out, _ = run(capsys, "-", "--as-of", AS_OF, "--format", "csv")
    assert code == 0
    assert out.count("\n") == 1 + 4 * 3


def test_as_of_defaults_to_now(table: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(table), "--format", "json")
    assert code == 0
    as_of = dt.datetime.fromisoformat(json.loads(out)["as_of"])
    assert abs(as_of - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    # Everything is long overdue or done by now.
    assert json.loads(out)["summary"]["targets"]["first_contact"]["pending"] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.csv"], "no such file"),
        (["{table}", "--config", "missing.toml"], "cannot read config"),
        (["{table}", "--config", "{bad_config}"], "invalid hub config"),
        (["{table}", "--config", "{no_targets}"], "no SLA targets"),
    ],
)
def test_usage_and_io_errors_exit_2(
    argv: list[str],
    message: str,
    table: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("config_version = 1\n[hub]\nid = 'x'\n", encoding="utf-8")
    no_targets = tmp_path / "bare.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    no_targets.write_text(text[: text.index("[[sla.targets]]")], encoding="utf-8")
    paths = {"table": table, "bad_config": bad_config, "no_targets": no_targets}
    code, _, err = run(capsys, *(a.format(**paths) for a in argv))
    assert code == 2
    assert message in err


@pytest.mark.parametrize("as_of", ["yesterday", "2024-03-31T01:30"])
def test_bad_as_of_is_a_usage_error(
    as_of: str, table: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["sla", str(table), "--as-of", as_of])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--as-of" in err
    if "T01:30" in as_of:
        assert "does not exist in Europe/London" in err


def test_undecodable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert "cannot read" in err


def test_a_closed_output_pipe_is_not_blamed_on_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.StringIO):
        """Fails the first write, as a pipe whose reader has gone; later writes land in
        the buffer, as they do in Python's buffered stdout."""

        failed = False

        def write(self, text: str) -> int:
            if not self.failed:
                self.failed = True
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)

    table = write_table(tmp_path / "journeys.csv", ROWS * 50)
    errors = io.StringIO()
    errors.close = lambda: None  # type: ignore[method-assign]  # main closes stderr
    monkeypatch.setattr("sys.stdout", ClosedPipe())
    monkeypatch.setattr("sys.stderr", errors)
    assert main(["sla", str(table), "--as-of", "2024-04-02T12:00:00+01:00"]) == 0
    assert "cannot read" not in errors.getvalue()
