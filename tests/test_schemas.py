"""Committed JSON Schemas match the models and accept what the models produce."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from fostering_hub.models import PERSONAL_DATA_KEY, Handover, json_schema, model_for, schema_names
from fostering_hub.models._schemas import render

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.mark.parametrize("name", schema_names())
def test_committed_schema_matches_model(name: str) -> None:
    committed = SCHEMAS / f"{name}.json"
    assert committed.exists(), f"run `make schemas`: {committed} is missing"
    assert committed.read_text(encoding="utf-8") == render(name), (
        f"schemas/{name}.json is out of date with the model: run `make schemas`"
    )


def test_no_stray_schema_files() -> None:
    assert sorted(p.stem for p in SCHEMAS.glob("*.json")) == schema_names()


@pytest.mark.parametrize("name", schema_names())
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = json_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_example_handover_is_valid_under_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(
        json_schema("handover"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    payload = json.loads(Handover.example().model_dump_json())
    assert list(validator.iter_errors(payload)) == []


def _personal_properties(schema: dict[str, Any]) -> set[str]:
    found = set()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for prop, sub in definition.get("properties", {}).items():
            if sub.get(PERSONAL_DATA_KEY):
                found.add(f"{definition.get('title')}.{prop}")
    return found


def test_personal_fields_are_marked() -> None:
    marked = _personal_properties(json_schema("handover"))
    assert {
        "Applicant.first_name",
        "Applicant.last_name",
        "Applicant.date_of_birth",
        "Applicant.phone",
        "Applicant.email",
        "Applicant.address",
        "Address.postcode",
        "Address.line1",
        "HouseholdMember.first_name",
        "HouseholdMember.date_of_birth",
        "Handover.first_conversation_summary",
    } <= marked


def test_model_for_unknown_name() -> None:
    with pytest.raises(KeyError, match="unknown schema"):
        model_for("nope")


def test_schema_rejects_duplicate_interests_like_the_model() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("handover"))
    payload = json.loads(Handover.example().model_dump_json())
    payload["interests"] = ["long_term", "long_term"]
    assert list(validator.iter_errors(payload))
