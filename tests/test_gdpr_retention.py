"""The retention schedule: record kinds, stricter rules, holds, missing dates, the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from fostering_hub.cli import main
from fostering_hub.config import (
    Duration,
    DurationUnit,
    HubConfig,
    RetentionAction,
    RetentionRecord,
    RetentionRule,
    RetentionTrigger,
    load_config,
)
from fostering_hub.gdpr import (
    DEFAULT_RETENTION_RULES,
    RecordFacts,
    RecordFlags,
    RetentionSchedule,
    RetentionStatus,
    TableError,
    read_consent_table,
    read_flags_table,
    retention_sweep,
    retention_sweep_table,
)
from fostering_hub.models import (
    JOURNEY_COLUMNS,
    Handover,
    Journey,
    JourneyTableError,
    Stage,
    read_journey_table,
)

AS_OF = dt.date(2026, 1, 15)


def row(enquiry_id: str, **cells: str) -> dict[str, str]:
    data = dict.fromkeys(JOURNEY_COLUMNS, "")
    data.update(enquiry_id=enquiry_id, channel="web", enquired_at="2023-01-05T10:00:00Z")
    data.update(cells)
    return data


ROWS = [
    # withdrew after applying: reg 32, 3 years after the withdrawal, delete
    row(
        "APPLIED-WITHDREW",
        handed_over_at="2023-02-01T10:00:00Z",
        application_at="2023-03-01T10:00:00Z",
        withdrawn_at="2023-04-03T10:00:00Z",
        withdrawal_reason="AW3",
    ),
    # withdrew before applying: enquiry not proceeded, 1 year after last contact
    row("EARLY-WITHDREW", withdrawn_at="2023-02-10T10:00:00Z", withdrawal_reason="AW1"),
    # open, never applied (stalled): enquiry not proceeded from last contact
    row("STALLED", first_contact_at="2025-06-01T09:00:00+01:00"),
    # handed over without withdrawal
    row("HANDED", eoi_at="2024-12-01T10:00:00Z", handed_over_at="2024-12-20T10:00:00Z"),
    # approved: approved_carer needs approval_ended, which the table lacks
    row(
        "APPROVED",
        handed_over_at="2023-02-01T10:00:00Z",
        application_at="2023-03-01T10:00:00Z",
        approved_at="2023-11-01T10:00:00Z",
    ),
]


def csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=JOURNEY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def by_id(report: Any) -> dict[str, Any]:
    return {d.record_id: d for d in report.decisions}


def config_with(rules: list[dict[str, Any]]) -> HubConfig:
    data = load_config().model_dump(mode="json")
    data["retention"] = {"rules": rules}
    return HubConfig.model_validate(data)


def rule(record: str, trigger: str, period: str, action: str) -> dict[str, str]:
    return {"record": record, "trigger": trigger, "period": period, "action": action, "source": "t"}


# --------------------------------------------------------------------------- record kinds


def test_north_east_schedule_over_the_journey_table() -> None:
    report = retention_sweep_table(io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF)
    found = by_id(report)

    applied = found["APPLIED-WITHDREW"]
    assert applied.record_type is RetentionRecord.WITHDRAWN_APPLICATION
    assert applied.action is RetentionAction.DELETE
    assert applied.due == dt.date(2026, 4, 3)  # 3 years after the withdrawal
    assert applied.status is RetentionStatus.SCHEDULED
    assert applied.rule_name == "retention.rules[0]"
    assert applied.trigger_date == dt.date(2023, 4, 3)
    assert "reg 32" in (applied.rule.source if applied.rule else "")

    early = found["EARLY-WITHDREW"]
    assert early.record_type is RetentionRecord.ENQUIRY_NOT_PROCEEDED
    assert early.action is RetentionAction.ANONYMISE
    assert early.due == dt.date(2024, 2, 10)
    assert early.status is RetentionStatus.DUE

    stalled = found["STALLED"]
    assert stalled.record_type is RetentionRecord.ENQUIRY_NOT_PROCEEDED
    assert stalled.trigger_date == dt.date(2025, 6, 1)  # the latest timestamp in the row
    assert stalled.due == dt.date(2026, 6, 1)
    assert stalled.status is RetentionStatus.SCHEDULED

    handed = found["HANDED"]
    assert handed.record_type is RetentionRecord.HANDED_OVER
    assert handed.due == dt.date(2025, 12, 20)
    assert handed.status is RetentionStatus.DUE

    approved = found["APPROVED"]
    assert approved.record_type is RetentionRecord.APPROVED_CARER
    assert approved.status is RetentionStatus.MISSING_DATE
    assert approved.due is None
    assert approved.action is None
    assert approved.trigger is RetentionTrigger.APPROVAL_ENDED
    assert any("not guessed" in reason for reason in approved.reasons)

    assert report.needs_attention
    assert report.counts()["due"] == 2
    assert [d.line for d in report.decisions] == [2, 3, 4, 5, 6]


def test_approved_without_carer_rules_is_a_handover_copy() -> None:
    config = config_with([rule("handed_over", "handover", "2 years", "anonymise")])
    decision = retention_sweep_table(io.StringIO(csv_text(ROWS[4:])), config, as_of=AS_OF)
    only = decision.decisions[0]
    assert only.record_type is RetentionRecord.HANDED_OVER
    assert only.due == dt.date(2025, 2, 1)
    assert "no approved_carer rule" in only.reasons[0]


def test_known_approval_end_is_used() -> None:
    journey = read_journey_table(io.StringIO(csv_text(ROWS[4:])))[0]
    facts = RecordFacts(
        record_id=journey.enquiry_id,
        reached=tuple((e.stage, e.at) for e in journey.events),
        last_contact=journey.events[-1].at,
        approval_ended_at=dt.datetime(2024, 2, 29, 12),
    )
    report = retention_sweep([facts], load_config(), as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.status is RetentionStatus.SCHEDULED
    assert decision.due == dt.date(2034, 2, 28)  # 10 years; no 29 February in 2034
    assert decision.action is RetentionAction.REVIEW


def test_a_record_that_matches_no_rule_is_reported() -> None:
    config = config_with([rule("withdrawn_application", "withdrawal", "3 years", "delete")])
    report = retention_sweep_table(io.StringIO(csv_text(ROWS)), config, as_of=AS_OF)
    found = by_id(report)
    for name in ("EARLY-WITHDREW", "STALLED", "HANDED"):
        assert found[name].status is RetentionStatus.NO_RULE
        assert found[name].action is None
        assert found[name].due is None
        assert "no rule" in found[name].reasons[-1]
    # Approved, with no approved_carer rule: a handover copy, for which there is no rule.
    assert found["APPROVED"].record_type is RetentionRecord.HANDED_OVER
    assert report.counts()["no_rule"] == 4
    assert report.needs_attention


def test_defaults_cite_reg_32_and_leave_enquirers_to_the_hub() -> None:
    assert {r.record for r in DEFAULT_RETENTION_RULES} == {
        RetentionRecord.WITHDRAWN_APPLICATION,
        RetentionRecord.APPROVED_CARER,
    }
    assert all("reg 32" in r.source for r in DEFAULT_RETENTION_RULES)
    schedule = RetentionSchedule.from_config(config_with([]))
    assert schedule.names == ("default[0]", "default[1]")
    report = retention_sweep_table(io.StringIO(csv_text(ROWS)), schedule, as_of=AS_OF)
    found = by_id(report)
    assert found["APPLIED-WITHDREW"].rule_name == "default[0]"
    assert found["EARLY-WITHDREW"].status is RetentionStatus.NO_RULE
    # ``None`` means the defaults too.
    same = retention_sweep_table(io.StringIO(csv_text(ROWS)), None, as_of=AS_OF)
    assert [d.status for d in same.decisions] == [d.status for d in report.decisions]


def test_due_on_the_as_of_date() -> None:
    text = csv_text(ROWS[1:2])
    on = retention_sweep_table(io.StringIO(text), load_config(), as_of=dt.date(2024, 2, 10))
    before = retention_sweep_table(io.StringIO(text), load_config(), as_of=dt.date(2024, 2, 9))
    assert on.decisions[0].status is RetentionStatus.DUE
    assert before.decisions[0].status is RetentionStatus.SCHEDULED
    assert not before.needs_attention


# --------------------------------------------------------------------------- overlaps


def test_overlapping_rules_the_stricter_wins_and_says_so() -> None:
    config = config_with(
        [
            rule("enquiry_not_proceeded", "last_contact", "1 year", "anonymise"),
            rule("enquiry_not_proceeded", "last_contact", "6 months", "delete"),
            rule("enquiry_not_proceeded", "last_contact", "2 years", "review"),
        ]
    )
    report = retention_sweep_table(io.StringIO(csv_text(ROWS[1:2])), config, as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.rule_name == "retention.rules[1]"
    assert decision.action is RetentionAction.DELETE
    assert decision.due == dt.date(2023, 8, 10)
    text = " / ".join(decision.reasons)
    assert "3 rules apply; the stricter wins: retention.rules[1]" in text
    assert "retention.rules[0] (anonymise on 2024-02-10) overridden: falls due later" in text
    assert "retention.rules[2] (review on 2025-02-10) overridden" in text


def test_same_date_delete_beats_anonymise_and_review() -> None:
    config = config_with(
        [
            rule("enquiry_not_proceeded", "last_contact", "365 days", "review"),
            rule("enquiry_not_proceeded", "last_contact", "1 year", "anonymise"),
            rule("enquiry_not_proceeded", "last_contact", "1 year", "delete"),
        ]
    )
    report = retention_sweep_table(io.StringIO(csv_text(ROWS[1:2])), config, as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.action is RetentionAction.DELETE
    assert decision.rule_name == "retention.rules[2]"
    assert any("same date, delete is stricter than anonymise" in r for r in decision.reasons)
    assert any("same date, delete is stricter than review" in r for r in decision.reasons)


def test_a_missing_date_in_one_overlapping_rule_is_not_guessed() -> None:
    config = config_with(
        [
            rule("enquiry_not_proceeded", "last_contact", "1 year", "anonymise"),
            rule("enquiry_not_proceeded", "withdrawal", "1 month", "delete"),
        ]
    )
    report = retention_sweep_table(io.StringIO(csv_text(ROWS[2:3])), config, as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.status is RetentionStatus.MISSING_DATE
    assert decision.rule_name == "retention.rules[1]"
    assert any("needs the withdrawal date" in r for r in decision.reasons)
    assert any("retention.rules[0] would anonymise on 2026-06-01" in r for r in decision.reasons)


# --------------------------------------------------------------------------- holds


@pytest.mark.parametrize("flag", ["legal_hold", "safeguarding"])
def test_a_flag_stops_automatic_action(flag: str) -> None:
    flags = read_flags_table(io.StringIO(f"enquiry_id,{flag}\nEARLY-WITHDREW,yes\nHANDED,no\n"))
    report = retention_sweep_table(
        io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF, flags=flags
    )
    found = by_id(report)
    held = found["EARLY-WITHDREW"]
    assert held.action is RetentionAction.REVIEW
    assert held.held == (flag,)
    assert held.due == dt.date(2024, 2, 10)
    assert held.status is RetentionStatus.DUE
    assert any(f"{flag}: automatic anonymise stopped, routed to review" in r for r in held.reasons)
    assert found["HANDED"].action is RetentionAction.ANONYMISE
    assert found["HANDED"].held == ()


def test_a_flag_on_a_record_with_a_missing_date() -> None:
    flags = {"APPROVED": RecordFlags(safeguarding=True)}
    report = retention_sweep_table(
        io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF, flags=flags
    )
    decision = by_id(report)["APPROVED"]
    assert decision.status is RetentionStatus.MISSING_DATE
    assert decision.held == ("safeguarding",)


def test_flags_table_errors_never_show_values() -> None:
    with pytest.raises(TableError) as caught:
        read_flags_table(io.StringIO("enquiry_id,legal_hold\nA,maybe-Zqxwv\n,yes\n"))
    text = str(caught.value)
    assert "Zqxwv" not in text
    assert "line 2: legal_hold" in text
    assert "line 3: enquiry_id" in text
    with pytest.raises(TableError, match="Unknown column"):
        read_flags_table(io.StringIO("enquiry_id,name\nA,Alex\n"))


def test_flags_accumulate() -> None:
    flags = read_flags_table(
        io.StringIO("enquiry_id,legal_hold,safeguarding\nA,1,\nA,0,true\nB,,\n")
    )
    assert flags["A"] == RecordFlags(legal_hold=True, safeguarding=True)
    assert flags["B"].held == ()


# --------------------------------------------------------------------------- consents

CONSENTS = """\
enquiry_id,purpose,lawful_basis,policy_version,given_at,means,withdrawn_at,withdrawal_means,expires_at
EARLY-WITHDREW,keep_in_touch,consent,2024-01,2023-02-10T10:00:00Z,phone,,,
STALLED,keep_in_touch,consent,2024-01,2024-01-10T10:00:00Z,web_form,2025-01-01T10:00:00Z,email,
"""


def test_keep_in_touch_consent_makes_a_keep_in_touch_record() -> None:
    consents = read_consent_table(io.StringIO(CONSENTS))
    assert len(consents["EARLY-WITHDREW"]) == 1
    report = retention_sweep_table(
        io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF, consents=consents
    )
    found = by_id(report)
    kept = found["EARLY-WITHDREW"]
    assert kept.record_type is RetentionRecord.KEEP_IN_TOUCH
    assert kept.action is RetentionAction.REVIEW
    assert kept.due == dt.date(2025, 2, 10)  # 2 years after the last contact
    # A withdrawn keep-in-touch consent: back to an enquiry that did not proceed, and the
    # withdrawal counts as the last contact... unless the row has a later timestamp.
    stalled = found["STALLED"]
    assert stalled.record_type is RetentionRecord.ENQUIRY_NOT_PROCEEDED
    assert stalled.trigger_date == dt.date(2025, 6, 1)


def test_consent_given_counts_as_contact() -> None:
    text = CONSENTS + "HANDED,marketing,consent,v2,2025-08-01T10:00:00+01:00,event,,,\n"
    consents = read_consent_table(io.StringIO(text))
    report = retention_sweep_table(
        io.StringIO(csv_text(ROWS[3:4])),
        config_with([rule("handed_over", "last_contact", "1 year", "anonymise")]),
        as_of=AS_OF,
        consents=consents,
    )
    assert report.decisions[0].trigger_date == dt.date(2025, 8, 1)


def test_keep_in_touch_stage_without_consent_says_so() -> None:
    journey = Journey.model_validate(
        {
            "enquiry_id": "KIT",
            "channel": "web",
            "events": [{"stage": "enquired", "at": "2024-01-01T10:00:00Z"}],
        }
    ).advance(Stage.KEEP_IN_TOUCH, "2024-02-01T10:00:00Z")
    report = retention_sweep([journey], load_config(), as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.record_type is RetentionRecord.ENQUIRY_NOT_PROCEEDED
    assert any("the journey is at keep_in_touch, but" in r for r in decision.reasons)


def test_consent_table_errors_never_show_values() -> None:
    bad = (
        "enquiry_id,purpose,policy_version,given_at,means\n"
        "A,keep_in_touch,v1,not-a-date-Zqxwv,phone\n"
        "B,sharing-Zqxwv,v1,2024-01-01T00:00:00Z,phone\n"
    )
    with pytest.raises(TableError) as caught:
        read_consent_table(io.StringIO(bad))
    assert "Zqxwv" not in str(caught.value)
    assert {p.line for p in caught.value.problems} == {2, 3}
    with pytest.raises(TableError, match="Missing column"):
        read_consent_table(io.StringIO("enquiry_id,purpose\n"))


# --------------------------------------------------------------------------- models


def test_models_sweep_like_the_table() -> None:
    journeys = read_journey_table(io.StringIO(csv_text(ROWS)))
    from_models = retention_sweep(journeys, load_config(), as_of=AS_OF)
    from_table = retention_sweep_table(io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF)
    strip = [(d.record_id, d.status, d.action, d.due, d.rule_name) for d in from_models.decisions]
    assert strip == [
        (d.record_id, d.status, d.action, d.due, d.rule_name) for d in from_table.decisions
    ]


def test_a_handover_is_a_handed_over_record() -> None:
    report = retention_sweep([Handover.example()], load_config(), as_of=AS_OF)
    decision = report.decisions[0]
    assert decision.record_type is RetentionRecord.HANDED_OVER
    assert decision.trigger_date == dt.date(2024, 5, 20)


def test_an_enquiry_alone() -> None:
    from fostering_hub.models import Enquiry

    enquiry = Enquiry.model_validate(
        {
            "enquiry_id": "ONLY-ENQUIRY",
            "received_at": "2024-03-01T10:00:00Z",
            "channel": "phone",
            "applicants": [{"first_name": "Alex", "last_name": "Example"}],
        }
    )
    consents = read_consent_table(
        io.StringIO(
            "enquiry_id,purpose,policy_version,given_at,means\n"
            "ONLY-ENQUIRY,keep_in_touch,v1,2024-03-02T10:00:00Z,phone\n"
        )
    )
    report = retention_sweep([enquiry], load_config(), as_of=AS_OF, consents=consents)
    decision = report.decisions[0]
    assert decision.record_type is RetentionRecord.KEEP_IN_TOUCH
    assert decision.trigger_date == dt.date(2024, 3, 2)
    assert decision.due == dt.date(2026, 3, 2)


def test_an_invalid_row_is_reported_with_its_line() -> None:
    rows = [*ROWS[:1], row("BAD", withdrawn_at="2023-02-10T10:00:00Z"), *ROWS[1:2]]
    report = retention_sweep_table(io.StringIO(csv_text(rows)), load_config(), as_of=AS_OF)
    bad = report.decisions[1]
    assert bad.status is RetentionStatus.INVALID
    assert bad.line == 3
    assert bad.record_id is None
    assert any("FH-M003" in r for r in bad.reasons)


def test_a_wrong_header_raises() -> None:
    with pytest.raises(JourneyTableError):
        retention_sweep_table(io.StringIO("enquiry_id,name\nA,B\n"), None, as_of=AS_OF)


def test_as_of_may_be_a_datetime() -> None:
    late = dt.datetime(2024, 2, 9, 23, 30, tzinfo=dt.UTC)  # 9 Feb in London (GMT)
    report = retention_sweep_table(io.StringIO(csv_text(ROWS[1:2])), load_config(), as_of=late)
    assert report.as_of == dt.date(2024, 2, 9)
    assert report.decisions[0].status is RetentionStatus.SCHEDULED


# --------------------------------------------------------------------------- frames


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_frames_give_the_same_report(library: str) -> None:
    module = pytest.importorskip(library)
    frame = module.read_csv(io.StringIO(csv_text(ROWS)), **_text_options(library))
    from_frame = retention_sweep_table(frame, load_config(), as_of=AS_OF)
    from_csv = retention_sweep_table(io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF)
    assert from_frame.as_dict() == from_csv.as_dict()


def test_frames_with_datetime_columns() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(csv_text(ROWS)), dtype=str, keep_default_na=False)
    for column in ("enquired_at", "withdrawn_at", "handed_over_at"):
        frame[column] = pd.to_datetime(frame[column].replace("", None), utc=True)
    from_frame = retention_sweep_table(frame, load_config(), as_of=AS_OF)
    from_csv = retention_sweep_table(io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF)
    assert from_frame.as_dict() == from_csv.as_dict()


def _text_options(library: str) -> dict[str, Any]:
    if library == "pandas":
        return {"dtype": str, "keep_default_na": False}
    return {"infer_schema": False}


# --------------------------------------------------------------------------- report + CLI


def test_report_formats() -> None:
    report = retention_sweep_table(io.StringIO(csv_text(ROWS)), load_config(), as_of=AS_OF)
    data = json.loads(report.to_json())
    assert data["as_of"] == "2026-01-15"
    assert data["counts"]["missing_date"] == 1
    assert data["decisions"][0]["period"] == "3 years"
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == 5
    assert rows[1]["action"] == "anonymise"
    text = report.to_text()
    assert text.startswith("Retention as of 2026-01-15")
    assert "EARLY-WITHDREW (line 3) enquiry_not_proceeded DUE: anonymise on 2024-02-10" in text


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "journeys.csv"
    table.write_text(csv_text(ROWS), encoding="utf-8")
    code, out, _ = run(capsys, "retention", str(table), "--as-of", "2026-01-15")
    assert code == 1
    assert "APPROVED (line 6) approved_carer MISSING DATE" in out

    code, out, _ = run(capsys, "retention", str(table), "--as-of", "2026-01-15", "--format", "json")
    assert json.loads(out)["counts"]["due"] == 2

    calm = tmp_path / "calm.csv"
    calm.write_text(csv_text(ROWS[2:3]), encoding="utf-8")
    code, out, _ = run(capsys, "retention", str(calm), "--as-of", "2026-01-15", "--format", "csv")
    assert code == 0
    assert out.splitlines()[1].startswith("STALLED,2,enquiry_not_proceeded,scheduled")


def test_cli_side_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "journeys.csv"
    table.write_text(csv_text(ROWS), encoding="utf-8")
    consents = tmp_path / "consents.csv"
    consents.write_text(CONSENTS, encoding="utf-8")
    flags = tmp_path / "flags.csv"
    flags.write_text("enquiry_id,legal_hold,safeguarding\nHANDED,true,false\n", encoding="utf-8")
    code, out, _ = run(
        capsys,
        "retention",
        str(table),
        "--as-of",
        "2026-01-15",
        "--format",
        "json",
        "--consents",
        str(consents),
        "--flags",
        str(flags),
    )
    assert code == 1
    decisions = {d["record_id"]: d for d in json.loads(out)["decisions"]}
    assert decisions["EARLY-WITHDREW"]["record_type"] == "keep_in_touch"
    assert decisions["HANDED"]["action"] == "review"
    assert decisions["HANDED"]["held"] == ["legal_hold"]


def test_cli_usage_and_io_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "retention", str(tmp_path / "missing.csv"))
    assert code == 2
    assert "cannot read input" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("enquiry_id,name\nA,B\n", encoding="utf-8")
    assert run(capsys, "retention", str(bad))[0] == 2
    flags = tmp_path / "flags.csv"
    flags.write_text("enquiry_id,legal_hold\nA,perhaps\n", encoding="utf-8")
    table = tmp_path / "journeys.csv"
    table.write_text(csv_text(ROWS), encoding="utf-8")
    code, _, err = run(capsys, "retention", str(table), "--flags", str(flags))
    assert code == 2
    assert "Not a flag" in err
    with pytest.raises(SystemExit) as caught:
        main(["retention", str(table), "--as-of", "15/01/2026"])
    assert caught.value.code == 2
    capsys.readouterr()


def test_schedule_names_and_calendar() -> None:
    schedule = RetentionSchedule.from_config(load_config())
    assert schedule.names[0] == "retention.rules[0]"
    assert schedule.calendar.nation == "ENG"
    custom = RetentionSchedule(
        (
            RetentionRule(
                record=RetentionRecord.HANDED_OVER,
                trigger=RetentionTrigger.HANDOVER,
                period=Duration(5, DurationUnit.WORKING_DAYS),
                action=RetentionAction.DELETE,
                source="test",
            ),
        )
    )
    assert custom.names == ("rules[0]",)
    report = retention_sweep([Handover.example()], custom, as_of=AS_OF)
    # Handed over Monday 20 May 2024; 5 working days on, with the 27 May bank holiday.
    assert report.decisions[0].due == dt.date(2024, 5, 28)


def test_import_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, json, fostering_hub.gdpr, fostering_hub.cli._retention; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in json.loads(out.stdout)}
    assert loaded.isdisjoint({"numpy", "pandas", "polars", "narwhals", "pyarrow"})
