"""Erasure, anonymisation and pseudonyms: no original personal value survives.

The property: for generated enquiries, handovers and journeys, scan every string of the
erased or anonymised output (keys and values, at any depth) for every original personal
value (each ``Personal`` field, everything inside one, and the identifiers that lead back
to a person). Output strings that are copies of the record's own non-personal values
(a channel, a timestamp, an LA code...) are the fields analysts need and are skipped;
every other output string must be a pseudonym, a postcode sector or a birth month, equal
to no personal value and containing none of six characters or more (shorter ones, such
as a one-letter name, occur in any hex digest by chance).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fostering_hub.gdpr import (
    PSEUDONYMISED_FIELDS,
    Pseudonymiser,
    anonymise,
    anonymise_journey_frame,
    anonymise_journeys,
    erase,
)
from fostering_hub.models import (
    Enquiry,
    Handover,
    Journey,
    WireModel,
    journeys_to_csv,
    read_journey_table,
)
from fostering_hub.testing import enquiries, handovers, journeys

KEY = b"a test key that is long enough"
PSEUDONYMS = Pseudonymiser(KEY)
DERIVED = re.compile(
    r"ps-[0-9a-f]{24}"  # a pseudonym
    r"|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]|GIR 0"  # a postcode sector
    r"|[0-9]{4}-[0-9]{2}"  # a birth month
)
MIN_SUBSTRING = 6

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def split(model: WireModel, data: Any, sensitive: bool = False) -> Iterator[tuple[bool, str]]:
    """``(sensitive, text)`` for every string of ``model``'s JSON dump (keys are not)."""
    for name, value in data.items():
        yield False, name
        inner = sensitive or name in type(model).personal_fields()
        yield from _split_value(getattr(model, name), value, inner, name)


def _split_value(python: Any, value: Any, sensitive: bool, name: str) -> Iterator[tuple[bool, str]]:
    if isinstance(python, WireModel):
        yield from split(python, value, sensitive)
    elif isinstance(value, list):
        for p, v in zip(python, value, strict=True):
            yield from _split_value(p, v, sensitive, name)
    elif isinstance(value, str):
        yield sensitive or name in PSEUDONYMISED_FIELDS, value


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)
    elif isinstance(data, str):
        yield data


def assert_nothing_survives(original: WireModel, output: Any) -> None:
    parts = list(split(original, original.model_dump(mode="json")))
    secrets = {text for sensitive, text in parts if sensitive}
    kept = {text for sensitive, text in parts if not sensitive}
    for text in set(strings(output)) - kept:
        assert DERIVED.fullmatch(text), "an output string is neither kept nor derived"
        for secret in secrets:
            assert text != secret, "a personal value survived"
            if len(secret) >= MIN_SUBSTRING:
                assert secret not in text, "a personal value survived inside a string"


@FAST
@given(enquiries())
def test_no_personal_value_survives_an_enquiry(enquiry: Enquiry) -> None:
    assert_nothing_survives(enquiry, anonymise(enquiry, PSEUDONYMS))
    assert_nothing_survives(enquiry, erase(enquiry, PSEUDONYMS))


@FAST
@given(handovers())
def test_no_personal_value_survives_a_handover(handover: Handover) -> None:
    assert_nothing_survives(handover, anonymise(handover, PSEUDONYMS))
    assert_nothing_survives(handover, erase(handover, PSEUDONYMS))


@FAST
@given(st.lists(journeys(milestones_only=True), max_size=5))
def test_no_identifier_survives_the_journey_table(items: list[Journey]) -> None:
    copies = anonymise_journeys(items, PSEUDONYMS)
    for original, copy in zip(items, copies, strict=True):
        assert_nothing_survives(original, copy.model_dump(mode="json"))
        assert_nothing_survives(original, anonymise(original, PSEUDONYMS))
        # Only the identifier changed, and the copy is still a valid journey.
        assert Journey.model_validate(copy.model_dump()) == copy
        assert copy.model_dump(exclude={"enquiry_id"}) == original.model_dump(
            exclude={"enquiry_id"}
        )
    table = journeys_to_csv(copies)
    for original in items:
        assert f"\n{original.enquiry_id}," not in table
    assert read_journey_table(io.StringIO(table)) == copies


def test_degraded_fields_analysts_keep() -> None:
    handover = Handover.example()
    data = anonymise(handover, PSEUDONYMS)
    applicant = data["applicants"][0]
    assert applicant["address"]["postcode"] == "SR1 3"
    assert applicant["date_of_birth"] == "1985-06"
    assert applicant["first_name"] is None
    assert applicant["phone"] is None
    assert applicant["address"]["line1"] is None
    assert data["household"][0] == {
        "first_name": None,
        "relationship": "child",
        "date_of_birth": "2015-02",
    }
    assert data["first_conversation_summary"] is None
    # What analysts need is untouched.
    assert data["receiving_la"] == "E08000024"
    assert data["journey"] == handover.model_dump(mode="json")["journey"]
    assert data["hub_id"] == "north-east"
    erased = erase(handover, PSEUDONYMS)
    assert erased["applicants"][0]["address"]["postcode"] is None
    assert erased["applicants"][0]["date_of_birth"] is None


def test_pseudonyms_are_keyed_stable_and_separated() -> None:
    same = Pseudonymiser(KEY)
    other = Pseudonymiser(b"another key, also long enough")
    assert same("NE-1", "enquiry_id") == PSEUDONYMS("NE-1", "enquiry_id")
    assert other("NE-1", "enquiry_id") != PSEUDONYMS("NE-1", "enquiry_id")
    assert PSEUDONYMS("NE-1", "handover_id") != PSEUDONYMS("NE-1", "enquiry_id")
    handover = Handover.example()
    enquiry_pseudonym = anonymise(handover, PSEUDONYMS)["enquiry_id"]
    journey = Journey.model_validate(
        {
            "enquiry_id": handover.enquiry_id,
            "channel": "web",
            "events": [{"stage": "enquired", "at": "2024-04-02T09:00:00+01:00"}],
        }
    )
    # The same person's records still join across record types and runs.
    assert anonymise_journeys([journey], Pseudonymiser(KEY))[0].enquiry_id == enquiry_pseudonym
    assert re.fullmatch(r"ps-[0-9a-f]{24}", enquiry_pseudonym)
    assert Pseudonymiser(KEY, prefix="x", length=16)("a").startswith("x")
    assert len(Pseudonymiser(KEY, prefix="x", length=16)("a")) == 17


def test_the_key_is_never_shown() -> None:
    secret = b"Zqxwv-super-secret-key"
    pseudonymiser = Pseudonymiser(secret)
    assert "Zqxwv" not in repr(pseudonymiser)
    assert "Zqxwv" not in str(pseudonymiser)
    with pytest.raises(ValueError, match="at least 16 bytes") as caught:
        Pseudonymiser(b"Zqxwv-short")
    assert "Zqxwv" not in str(caught.value)
    with pytest.raises(TypeError):
        Pseudonymiser("text key, not bytes!!")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="prefix"):
        Pseudonymiser(secret, prefix="bad prefix")


def test_key_from_the_environment() -> None:
    env = {"HUB_KEY": "Zqxwv-from-the-environment"}
    assert Pseudonymiser.from_env("HUB_KEY", env)("a") == Pseudonymiser(
        b"Zqxwv-from-the-environment"
    )("a")
    with pytest.raises(KeyError, match="HUB_KEY") as caught:
        Pseudonymiser.from_env("HUB_KEY", {})
    assert "Zqxwv" not in str(caught.value)
    with pytest.raises(ValueError, match="16 bytes") as too_short:
        Pseudonymiser.from_env("HUB_KEY", {"HUB_KEY": "Zqxwv"})
    assert "Zqxwv" not in str(too_short.value)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_journey_frames(library: str) -> None:
    module = pytest.importorskip(library)
    journey = Journey.model_validate(
        {
            "enquiry_id": "NE-2024-000001",
            "channel": "web",
            "events": [{"stage": "enquired", "at": "2024-04-02T09:00:00+01:00"}],
        }
    )
    text = journeys_to_csv([journey])
    options: dict[str, Any] = (
        {"dtype": str, "keep_default_na": False} if library == "pandas" else {"infer_schema": False}
    )
    frame = module.read_csv(io.StringIO(text), **options)
    result = anonymise_journey_frame(frame, PSEUDONYMS)
    assert type(result) is type(frame)
    assert list(result["enquiry_id"]) == [anonymise_journeys([journey], PSEUDONYMS)[0].enquiry_id]
    assert list(result["enquired_at"]) == list(frame["enquired_at"])
    assert list(frame["enquiry_id"]) == ["NE-2024-000001"]  # the input is not changed


def test_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    handover = Handover.example()
    anonymise(handover, PSEUDONYMS)
    erase(handover, PSEUDONYMS)
    assert caplog.records == []
