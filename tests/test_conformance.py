"""The handover conformance suite (tests/conformance/handover) against two validators.

* The Python validator must give exactly the manifest's verdict, error codes and paths,
  and warnings (North East config, clock 2026-01-01T00:00:00Z, not strict).
* Ajv (Node, draft 2020-12 with ajv-formats; shares no code with this package) must
  accept exactly the files marked ``schema_valid`` under the committed
  ``schemas/handover.json``.
* The contract between them: whatever the schema rejects, the Python validator rejects;
  what only the Python validator rejects fails on the semantic codes listed in
  tests/conformance/handover/README.md (:data:`SEMANTIC_CODES` here), never on structure.

Ajv needs ``tests/ajv/node_modules``: ``make pytest`` installs it (``npm ci``). Without it
these tests fail, they do not skip.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from fostering_hub.config import HubConfig, load_config
from fostering_hub.models._schemas import render
from fostering_hub.validation import ERROR_CODES, RULES, validate_handover

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "conformance" / "handover"
MANIFEST = SUITE / "manifest.json"
SCHEMA = ROOT / "schemas" / "handover.json"
AJV = ROOT / "tests" / "ajv"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

SEMANTIC_CODES = re.compile(r"^FH-(H\d{3}|M\d{3}|T002|T003|T007|S008|J001)$")
"""Codes the Python validator may raise on a document the JSON Schema accepts: the handover
rules (FH-H), the model's cross-field rules (FH-M), phone and email validity beyond their
shape (FH-T002, FH-T003), local times that do not exist (FH-T007), dates and times that are
well-formed but not on the calendar (FH-S008), and JSON text that is not Unicode (FH-J001,
a lone surrogate escape). README.md lists the same set."""


def _manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


CASES: list[dict[str, Any]] = _manifest()["cases"]
IDS = [case["file"] for case in CASES]


@functools.cache
def _config() -> HubConfig:
    return load_config()


@functools.cache
def _python_verdict(file: str) -> tuple[bool, set[tuple[str, str]], set[tuple[str, str]]]:
    report = validate_handover((SUITE / file).read_bytes(), config=_config(), now=NOW)
    return (
        report.valid,
        {(issue.code, issue.path) for issue in report.errors},
        {(issue.code, issue.path) for issue in report.warnings},
    )


def _pairs(issues: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(issue["code"], issue["path"]) for issue in issues}


def _xfail_if_known_gap(case: dict[str, Any]) -> None:
    if case.get("known_gap"):
        pytest.xfail(f"known gap: {case['known_gap']}")


@functools.cache
def _stale_schema_hint() -> str:
    if SCHEMA.read_text(encoding="utf-8") == render("handover"):
        return ""
    return " (schemas/handover.json is out of date with the model: run `make schemas`)"


@pytest.fixture(scope="module")
def ajv_results() -> dict[str, dict[str, Any]]:
    """Ajv's verdict on every file, by manifest ``file``, under the committed schema (what
    vendors use; tests/test_schemas.py keeps it identical to the model's)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the conformance suite needs Node.js 18+ to run Ajv")
    if not (AJV / "node_modules" / "ajv").is_dir():
        pytest.fail(
            f"{AJV / 'node_modules'} is missing: run `make pytest` (or "
            "`npm ci --prefix tests/ajv --no-audit --no-fund`) to install Ajv"
        )
    completed = subprocess.run(
        [node, str(AJV / "validate.js"), str(SCHEMA), "--manifest", str(MANIFEST)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, f"validate.js failed:\n{completed.stderr}"
    results = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return {result["file"]: result for result in results}


def test_manifest_lists_every_file_once() -> None:
    on_disk = {str(p.relative_to(SUITE)) for p in SUITE.glob("*valid/*.json")}
    assert sorted(IDS) == sorted(set(IDS)), "a file is listed twice"
    assert set(IDS) == on_disk


def test_manifest_entries_are_consistent() -> None:
    for case in CASES:
        folder = "valid" if case["valid"] else "invalid"
        assert case["file"].startswith(f"{folder}/"), case["file"]
        assert case["valid"] == (not case["errors"]), case["file"]
        assert case["description"], case["file"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_python_validator_matches_manifest(case: dict[str, Any]) -> None:
    _xfail_if_known_gap(case)
    valid, errors, warnings = _python_verdict(case["file"])
    assert errors == _pairs(case["errors"])
    assert warnings == _pairs(case["warnings"])
    assert valid is case["valid"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ajv_matches_schema_valid(
    case: dict[str, Any], ajv_results: dict[str, dict[str, Any]]
) -> None:
    _xfail_if_known_gap(case)
    result = ajv_results[case["file"]]
    assert result["valid"] is case["schema_valid"], (
        f"ajv says valid={result['valid']} (errors at {result['errors']}), "
        f"the manifest says schema_valid={case['schema_valid']}{_stale_schema_hint()}"
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_contract_schema_rejects_implies_python_rejects(
    case: dict[str, Any], ajv_results: dict[str, dict[str, Any]]
) -> None:
    """Anything the JSON Schema rejects, the Python validator rejects too; and what only
    the Python validator rejects fails on semantic codes alone."""
    _xfail_if_known_gap(case)
    python_valid, errors, _ = _python_verdict(case["file"])
    schema_valid = ajv_results[case["file"]]["valid"]
    if not schema_valid:
        assert not python_valid, (
            "the JSON Schema rejects this file but the Python validator accepts it"
            + _stale_schema_hint()
        )
    elif not python_valid:
        structural = sorted(code for code, _ in errors if not SEMANTIC_CODES.match(code))
        assert not structural, (
            "the JSON Schema accepts this file but the Python validator rejects it on "
            f"{structural}, which are not semantic codes{_stale_schema_hint()}"
        )


def test_suite_covers_every_reachable_code() -> None:
    """Every wire code a handover can raise, and every rule that can fail under the North
    East config, has at least one file."""
    seen = {issue["code"] for case in CASES for issue in case["errors"] + case["warnings"]}
    unreachable = {
        "FH-S009": "no URL field in a handover",
        "FH-S099": "every handover error has a specific code",
        "FH-T005": "no DfE number field in a handover",
        "FH-M005": "config only",
        "FH-M006": "config only",
        "FH-M008": "config only",
        "FH-H013": "the North East profile does not limit interests",
    }
    expected = {e.code for e in ERROR_CODES if e.code[:4] in {"FH-J", "FH-S", "FH-T", "FH-M"}}
    expected |= set(RULES)
    assert expected - set(unreachable) - seen == set()
    assert not seen & set(unreachable)
