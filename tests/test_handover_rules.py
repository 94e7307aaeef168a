"""The handover rule catalogue: every rule, every status, strictness, profiles, limits."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fostering_hub.cli import main
from fostering_hub.config import load_config, parse_config
from fostering_hub.models import Handover
from fostering_hub.validation import (
    RULES,
    CouldNotRun,
    Severity,
    Status,
    ValidationLimits,
    handover_schema,
    validate_handover,
    validate_json,
)
from fostering_hub.validation._catalogue import Rule, render_markdown

CONFIG = load_config()
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Handover.example().model_dump_json())
    data.update(changes)
    return data


def statuses(data: dict[str, Any] | bytes, **kwargs: Any) -> dict[str, Status]:
    kwargs.setdefault("config", CONFIG)
    kwargs.setdefault("now", NOW)
    document = data if isinstance(data, bytes) else json.dumps(data).encode()
    report = validate_handover(document, **kwargs)
    return {o.code: o.status for o in report.outcomes}


def errors(data: dict[str, Any], **kwargs: Any) -> set[tuple[str, str]]:
    kwargs.setdefault("config", CONFIG)
    kwargs.setdefault("now", NOW)
    report = validate_handover(json.dumps(data), **kwargs)
    return {(i.code, i.path) for i in report.errors}


def test_example_passes_every_applicable_rule() -> None:
    found = statuses(payload())
    assert set(found) == set(RULES)
    assert set(found.values()) <= {Status.PASSED, Status.NOT_APPLICABLE}


def test_catalogue_entries_are_complete() -> None:
    for code, entry in RULES.items():
        assert re.fullmatch(r"FH-H[0-9]{3}", code)
        assert entry.fields
        assert entry.message
        assert len(entry.description) > len(entry.message) / 2
        assert "\n" not in entry.message


def test_docs_table_matches_catalogue() -> None:
    generated = ROOT / "docs" / "_generated" / "rules.md"
    assert generated.read_text(encoding="utf-8") == render_markdown(), "run `make generated`"


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"receiving_la": "E09000001"}, "FH-H001", "/receiving_la"),
        (
            {"consents": [{**payload()["consents"][0], "purpose": "marketing"}]},
            "FH-H002",
            "/consents",
        ),
        (
            {
                "consents": [
                    {**payload()["consents"][0], "withdrawn_at": "2024-05-01T10:00:00+01:00"}
                ]
            },
            "FH-H003",
            "/consents/0",
        ),
        (
            {"consents": [{**payload()["consents"][0], "given_at": "2024-06-01T10:00:00+01:00"}]},
            "FH-H004",
            "/consents/0/given_at",
        ),
        (
            {
                "handed_over_at": "2027-05-20T10:00:00+01:00",
                "journey": [
                    *payload()["journey"][:-1],
                    {"stage": "handed_over", "at": "2027-05-20T10:00:00+01:00"},
                ],
            },
            "FH-H005",
            "/handed_over_at",
        ),
        ({"handed_over_at": "2024-05-21T10:00:00+01:00"}, "FH-H006", "/journey/4"),
        ({"joint_application": True}, "FH-H007", "/applicants"),
        (
            {"applicants": [{**payload()["applicants"][0], "date_of_birth": "2006-04-03"}]},
            "FH-H008",
            "/applicants/0/date_of_birth",
        ),
        ({"first_conversation_summary": None}, "FH-H012", "/first_conversation_summary"),
        ({"first_conversation_summary": "x" * 2001}, "FH-H014", "/first_conversation_summary"),
    ],
)
def test_each_rule_fails(changes: dict[str, Any], code: str, path: str) -> None:
    found = errors(payload(**changes))
    assert (code, path) in found
    assert {c for c, _ in found} == {code}


def test_adult_on_the_enquiry_date_exactly() -> None:
    # Enquired 2 April 2024 (London date): 18 that day is old enough, 18 the day after is not.
    ok = payload(applicants=[{**payload()["applicants"][0], "date_of_birth": "2006-04-02"}])
    assert statuses(ok)["FH-H008"] is Status.PASSED
    young = payload(applicants=[{**payload()["applicants"][0], "date_of_birth": "2006-04-03"}])
    assert statuses(young)["FH-H008"] is Status.FAILED


def test_age_uses_the_london_date() -> None:
    # 23:30 UTC on 1 April 2024 is already 2 April in London (BST).
    journey = payload()["journey"]
    journey[0] = {"stage": "enquired", "at": "2024-04-01T23:30:00Z"}
    data = payload(
        journey=journey,
        applicants=[{**payload()["applicants"][0], "date_of_birth": "2006-04-02"}],
    )
    assert statuses(data)["FH-H008"] is Status.PASSED


def test_missing_date_of_birth_could_not_run() -> None:
    data = payload(applicants=[{**payload()["applicants"][0], "date_of_birth": None}])
    report = validate_handover(json.dumps(data), config=CONFIG, now=NOW)
    (outcome,) = [o for o in report.outcomes if o.code == "FH-H008"]
    assert outcome.status is Status.COULD_NOT_RUN
    assert outcome.why == "applicant 0 has no date of birth"
    assert report.valid


def test_without_config_or_clock_rules_say_they_could_not_run() -> None:
    report = validate_handover(Handover.example().model_dump_json())
    not_run = {o.code: o.why for o in report.not_checked}
    assert set(not_run) == {"FH-H001", "FH-H005", "FH-H012", "FH-H013", "FH-H014"}
    assert not_run["FH-H005"] == "no clock was given (pass now=, or --as-of)"


def test_warnings_fail_only_in_strict_mode() -> None:
    household = [{"relationship": "child", "first_name": "Kim", "date_of_birth": "2015-02-01"}] * 2
    data = json.dumps(payload(household=household))
    lenient = validate_handover(data, config=CONFIG, now=NOW)
    assert lenient.valid
    assert [(w.code, w.path) for w in lenient.warnings] == [("FH-H010", "/household/1")]
    strict = validate_handover(data, config=CONFIG, now=NOW, strict=True)
    assert not strict.valid
    assert [(e.code, e.path) for e in strict.errors] == [("FH-H010", "/household/1")]
    assert strict.warnings == ()


def test_duplicate_consents_warn() -> None:
    consent = payload()["consents"][0]
    assert statuses(payload(consents=[consent, consent]))["FH-H011"] is Status.FAILED


def test_profile_interests() -> None:
    text = (ROOT / "examples/north-east/hub.toml").read_text()
    text = text.replace("[handover]\n", '[handover]\nallowed_interests = ["long_term"]\n')
    config = parse_config(text)
    found = errors(payload(), config=config)
    assert found == {("FH-H013", "/interests/0")}


def test_postcode_allocation_checked_against_the_lookup() -> None:
    allocation = {"policy": "postcode", "reasons": ["The home postcode lies in Sunderland"]}
    assert statuses(payload(allocation=allocation))["FH-H009"] is Status.PASSED
    wrong = payload(allocation=allocation, receiving_la="E08000021")
    assert ("FH-H009", "/receiving_la") in errors(wrong)


def test_schema_errors_mean_rules_could_not_run() -> None:
    report = validate_handover(json.dumps(payload(receiving_la="nope")), config=CONFIG, now=NOW)
    assert [(e.code, e.path) for e in report.errors] == [("FH-T004", "/receiving_la")]
    assert {o.status for o in report.outcomes} == {Status.COULD_NOT_RUN}


def test_unknown_schema_version() -> None:
    report = validate_handover(json.dumps(payload(schema_version="2.0")))
    assert [e.code for e in report.errors] == ["FH-M007"]


def test_a_rule_that_raises_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(handover: Handover, context: object) -> CouldNotRun:
        raise KeyError("secret")

    rule = Rule("FH-H999", Severity.ERROR, ("x",), "broken", "a broken rule", broken)
    monkeypatch.setitem(RULES, "FH-H999", rule)
    report = validate_handover(Handover.example().model_dump_json(), config=CONFIG, now=NOW)
    (outcome,) = [o for o in report.outcomes if o.code == "FH-H999"]
    assert outcome.status is Status.COULD_NOT_RUN
    assert outcome.why == "the check raised KeyError"


class TestProfileSchema:
    schema = handover_schema(CONFIG.handover)

    def test_profile_adds_requirements(self) -> None:
        assert "first_conversation_summary" in self.schema["required"]
        summary = self.schema["properties"]["first_conversation_summary"]
        assert summary["type"] == "string"
        assert summary["maxLength"] == 2000
        jsonschema.Draft202012Validator.check_schema(self.schema)

    @pytest.mark.parametrize(
        "changes",
        [{"first_conversation_summary": None}, {"first_conversation_summary": "x" * 2001}],
    )
    def test_schema_and_python_agree(self, changes: dict[str, Any]) -> None:
        data = payload(**changes)
        assert list(jsonschema.Draft202012Validator(self.schema).iter_errors(data))
        assert not validate_handover(json.dumps(data), config=CONFIG, now=NOW).valid

    def test_base_profile_is_the_base_schema(self) -> None:
        from fostering_hub.config import HandoverProfile
        from fostering_hub.models import json_schema

        assert handover_schema(HandoverProfile()) == json_schema("handover")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"a": "' + b"x" * 2_000_000 + b'"}', "FH-J002"),  # over max_bytes
        (b"[" * 10_000 + b"]" * 10_000, "FH-J002"),
        (b'{"notes": "' + b"x" * 200_000 + b'"}', "FH-J002"),
        (b'{"n": ' + b"9" * 10_000 + b"}", "FH-J002"),
        (b'{"schema_version": "1.0", "x": \xff}', "FH-J001"),
        (b"[1, 2, 3]", "FH-S003"),
        (b"", "FH-J001"),
    ],
)
def test_hostile_input_gets_a_clear_error(content: bytes, code: str) -> None:
    limits = ValidationLimits(max_bytes=1_000_000, max_string_length=100_000)
    report = validate_handover(content, limits=limits)
    assert [e.code for e in report.errors] == [code]


def test_depth_limit_is_configurable() -> None:
    data = json.dumps(payload()).encode()
    assert validate_handover(data, config=CONFIG, now=NOW).valid
    report = validate_handover(data, limits=ValidationLimits(max_depth=2))
    assert [e.code for e in report.errors] == ["FH-J002"]
    assert report.errors[0].path.count("/") == 3


class TestCli:
    def test_rules_listing(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["rules", "--format", "json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [r["code"] for r in listed] == list(RULES)
        assert main(["rules", "--format", "csv"]) == 0
        assert capsys.readouterr().out.startswith("code,severity,fields,message,description\n")
        assert main(["rules"]) == 0
        assert "FH-H001  error" in capsys.readouterr().out

    def test_schema_with_profile(self, capsys: pytest.CaptureFixture[str]) -> None:
        config = ROOT / "examples/north-east/hub.toml"
        assert main(["schema", "handover", "--config", str(config)]) == 0
        schema = json.loads(capsys.readouterr().out)
        assert "first_conversation_summary" in schema["required"]

    def test_validate_streams_summary_and_strict(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        household = [{"relationship": "child", "first_name": "Kim"}] * 2
        lines = [
            json.dumps(payload()),
            json.dumps(payload(household=household)),
            json.dumps(payload(receiving_la="E09000001")),
            '{"a": "' + "x" * 5000 + '"}',
        ]
        file = tmp_path / "handovers.ndjson"
        file.write_text("\n".join(lines) + "\n")
        args = ["validate", "handover", str(file), "--as-of", "2026-01-01T00:00"]
        assert main([*args, "--format", "json", "--summary", "--max-bytes", "4000"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["summary"] == {
            "checked": 4,
            "valid": 2,
            "invalid": 2,
            "codes": {"FH-H001": 1, "FH-H010": 1, "FH-J002": 1},
        }
        second = report["results"][1]
        assert second["valid"] is True
        assert second["warnings"][0]["code"] == "FH-H010"
        assert main([*args, "--format", "json", "--strict"]) == 1
        strict = json.loads(capsys.readouterr().out)
        assert strict["summary"]["invalid"] == 3  # + the warning; line 4 is no handover anyway
        assert strict["results"][1]["valid"] is False

    def test_no_progress_when_not_a_terminal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        file = tmp_path / "h.json"
        file.write_text(json.dumps(payload()))
        assert main(["validate", "handover", str(file), "--as-of", "2026-01-01T00:00"]) == 0
        assert capsys.readouterr().err == ""

    def test_bad_as_of_is_a_usage_error(self, tmp_path: Path) -> None:
        with pytest.raises(SystemExit) as exited:
            main(["validate", "handover", "x.json", "--as-of", "soon"])
        assert exited.value.code == 2

    def test_huge_single_line_is_reported_without_loading_it(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        file = tmp_path / "big.ndjson"
        with file.open("wb") as handle:
            handle.write(b'{"a": "' + b"x" * (50 * 1024 * 1024) + b'"}\n')
            handle.write(json.dumps(payload()).encode() + b"\n")
        args = ["validate", "handover", str(file), "--format", "json", "--as-of", "2026-01-01"]
        assert main(args) == 1
        results = json.loads(capsys.readouterr().out)["results"]
        assert [(r["line"], r["valid"]) for r in results] == [(1, False), (2, True)]
        assert results[0]["errors"][0]["code"] == "FH-J002"


@pytest.mark.parametrize("text", ['{"hub_id": "\ud800"}', '"\udfff"', "\ud83d"])
def test_text_that_is_not_unicode_is_reported_not_raised(text: str) -> None:
    # A str with a lone surrogate (e.g. from json.loads of '"\\ud800"') cannot be UTF-8.
    report = validate_handover(text, config=CONFIG, now=NOW)
    assert [(i.code, i.path) for i in report.errors] == [("FH-J001", "")]
    assert "surrogate" in report.errors[0].message
    assert {o.status for o in report.outcomes} == {Status.COULD_NOT_RUN}
    issues = validate_json("handover", text)
    assert [(i.code, i.path) for i in issues] == [("FH-J001", "")]
