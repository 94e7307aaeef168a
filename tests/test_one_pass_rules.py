"""The built-in rules in one pass (``validation/_one_pass.py``) give the outcomes of the
rules run one by one: on generated handovers changed the ways the rules look at, with and
without a config, a clock or a profile; with custom rules added or built-in ones replaced;
and when a check cannot run. Also ``same_instant`` against ``==``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic_core import TzInfo

from fostering_hub.config import load_config
from fostering_hub.models import Handover
from fostering_hub.models import _datetime as datetimes
from fostering_hub.testing import handovers
from fostering_hub.validation import (
    RULES,
    CouldNotRun,
    Passed,
    Rule,
    Severity,
    Status,
    _handover,
    _one_pass,
    validate_handover,
)
from fostering_hub.validation._catalogue import RuleContext

CONFIG = load_config()
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SUITE = Path(__file__).parent / "conformance" / "handover" / "valid"

PROFILES = [
    CONFIG.handover,
    CONFIG.handover.model_copy(update={"required_fields": []}),
    CONFIG.handover.model_copy(
        update={"allowed_interests": ["short_break"], "max_notes_length": 5}
    ),
    CONFIG.handover.model_copy(
        update={"required_fields": ["source", "household", "initial_visit_notes"]}
    ),
]
CONFIGS = [None, *(CONFIG.model_copy(update={"handover": p}) for p in PROFILES)]
CLOCKS = [
    None,
    NOW,
    dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2024, 5, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
]


def both_ways(handover: Handover, context: RuleContext) -> None:
    one_pass = _handover._outcomes(handover, context)
    one_by_one = _handover._one_by_one(handover, context)
    assert one_pass == one_by_one
    assert [o.code for o in one_pass] == list(RULES)


def _stamp(draw: st.DrawFn, near: dt.datetime) -> dt.datetime:
    shift = draw(st.sampled_from([0, 1, -1, 3600, -3600, 86_400 * 2, -86_400 * 5, 86_400 * 900]))
    zone = draw(st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1)), TzInfo(-7200)]))
    return (near + dt.timedelta(seconds=shift)).astimezone(zone)


@st.composite
def changed(draw: st.DrawFn) -> Handover:
    """A generated handover, changed (without validation) where the rules look."""
    handover = draw(handovers())
    at = handover.handed_over_at
    update: dict[str, Any] = {}
    consents = list(handover.consents)
    for _ in range(draw(st.integers(0, 3))):
        what = draw(st.integers(0, 6))
        if what == 0 and consents:
            consents.append(consents[draw(st.integers(0, len(consents) - 1))])
        elif what == 1 and consents:
            i = draw(st.integers(0, len(consents) - 1))
            consents[i] = consents[i].model_copy(
                update={"withdrawn_at": _stamp(draw, at), "given_at": _stamp(draw, at)}
            )
        elif what == 2 and consents:
            i = draw(st.integers(0, len(consents) - 1))
            consents[i] = consents[i].model_copy(update={"expires_at": _stamp(draw, at)})
        elif what == 3:
            consents = [c for c in consents if draw(st.booleans())]
        elif what == 4:
            update["handed_over_at"] = _stamp(draw, at)
        elif what == 6 and consents:  # the same consent, its time written in another offset
            copy = consents[draw(st.integers(0, len(consents) - 1))]
            zone = draw(
                st.sampled_from([dt.UTC, TzInfo(-3600), dt.timezone(dt.timedelta(hours=5))])
            )
            consents.append(copy.model_copy(update={"given_at": copy.given_at.astimezone(zone)}))
        elif what == 5 and handover.household:
            update["household"] = [*handover.household, handover.household[0]]
    update["consents"] = consents
    if draw(st.booleans()):
        update["joint_application"] = draw(st.sampled_from([None, True, False]))
    if draw(st.booleans()):
        born = draw(st.sampled_from([None, dt.date(2008, 1, 1), dt.date(1990, 2, 28)]))
        first = handover.applicants[0].model_copy(update={"date_of_birth": born})
        update["applicants"] = [first, *handover.applicants[1:]]
    if draw(st.booleans()):
        journey = list(handover.journey)
        journey[-1] = journey[-1].model_copy(update={"at": _stamp(draw, journey[-1].at)})
        update["journey"] = journey
    if draw(st.booleans()):
        update["first_conversation_summary"] = draw(st.sampled_from([None, "", "A long chat"]))
    if draw(st.booleans()):
        update["receiving_la"] = draw(st.sampled_from(["E08000024", "E06000047", "W06000001"]))
    return handover.model_copy(update=update)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(changed(), st.sampled_from(CONFIGS), st.sampled_from(CLOCKS))
def test_one_pass_gives_the_outcomes_of_the_rules_one_by_one(
    handover: Handover, config: Any, now: dt.datetime | None
) -> None:
    both_ways(handover, RuleContext(config=config, now=now))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    changed(),
    st.integers(-4 * 86_400, 4 * 86_400),
    st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-12)), TzInfo(14 * 3600)]),
)
def test_clocks_close_to_the_payload(handover: Handover, seconds: int, zone: dt.tzinfo) -> None:
    # A clock a few days either side of the payload's times, in far-apart offsets: where
    # calendar days and instants disagree.
    stamps = [handover.handed_over_at, handover.journey[0].at]
    for stamp in stamps + [c.given_at for c in handover.consents[:1]]:
        now = (stamp + dt.timedelta(seconds=seconds)).astimezone(zone)
        both_ways(handover, RuleContext(config=CONFIG, now=now))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    changed(),
    st.integers(-2 * 86_400, 2 * 86_400),
    st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-12)), TzInfo(14 * 3600)]),
)
def test_validated_handovers_with_clocks_among_the_journey(
    handover: Handover, seconds: int, zone: dt.tzinfo
) -> None:
    """A handover just validated has its journey in order, which the one pass relies on
    (``validated=True``) to look at the last event only: the same outcomes, with the
    clock before, among and after the events."""
    try:
        checked = Handover.model_validate_json(handover.model_dump_json())
    except ValueError:
        return  # the change made it invalid: validate_handover reports no rules for it
    for event in checked.journey:
        now = (event.at + dt.timedelta(seconds=seconds)).astimezone(zone)
        context = RuleContext(config=CONFIG, now=now)
        one_pass = _handover._outcomes(checked, context, validated=True)
        assert one_pass == _handover._one_by_one(checked, context)
        assert validate_handover(checked.model_dump_json(), config=CONFIG, now=now).outcomes == (
            one_pass
        )


@pytest.mark.parametrize(
    "enquired",
    [
        "2024-01-01T00:30:00+01:00",  # 31 December in London
        "2023-12-31T23:30:00-05:00",  # 1 January in London
        "2024-03-31T00:30:00Z",  # the day BST starts
        "2024-02-29T12:00:00",
        "2024-01-01T12:00:00+23:59",  # 31 December
    ],
)
@pytest.mark.parametrize(
    "born", ["2006-01-01", "2005-12-31", "2006-06-01", "2006-02-28", "2006-03-01", "1990-05-05"]
)
def test_adults_near_the_enquiry_date_in_london(enquired: str, born: str) -> None:
    """FH-H008 on a validated handover skips the London date only for applicants well over
    18 whichever day it is; near their 18th birthday it is worked out."""
    data = json.loads(Handover.example().model_dump_json())
    data["journey"][0]["at"] = enquired
    data["applicants"][0]["date_of_birth"] = born
    handover = Handover.model_validate(data)
    context = RuleContext(config=CONFIG, now=NOW)
    outcomes = _handover._outcomes(handover, context, validated=True)
    assert outcomes == _handover._one_by_one(handover, context)
    (h008,) = [o for o in outcomes if o.code == "FH-H008"]
    day = datetimes.london_date(handover.journey[0].at)
    born_on = dt.date.fromisoformat(born)
    adult = day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day)) >= 18
    assert (h008.status is Status.PASSED) == adult


def test_a_handover_given_as_a_model_is_not_taken_as_validated() -> None:
    """A model may have been changed without validation (``model_copy``): its journey's
    order is not relied on."""
    handover = Handover.example()
    journey = list(handover.journey)
    journey[1] = journey[1].model_copy(update={"at": NOW + dt.timedelta(days=30)})
    changed_journey = handover.model_copy(update={"journey": journey})
    report = validate_handover(changed_journey, config=CONFIG, now=NOW)
    (h005,) = [o for o in report.outcomes if o.code == "FH-H005"]
    assert h005.status is Status.FAILED
    assert h005.paths == ("/journey/1/at",)


@pytest.mark.parametrize("path", sorted(SUITE.glob("*.json")), ids=lambda p: p.name)
@pytest.mark.parametrize("config", CONFIGS[:2], ids=["no config", "config"])
def test_conformance_suite_one_pass(path: Path, config: Any) -> None:
    handover = Handover.model_validate_json(path.read_bytes())
    for now in CLOCKS:
        both_ways(handover, RuleContext(config=config, now=now))


def test_postcode_allocation_runs_its_rule() -> None:
    handover = Handover.example()
    postcode = handover.model_copy(
        update={"allocation": handover.allocation.model_copy(update={"policy": "postcode"})}
    )
    both_ways(postcode, RuleContext(config=CONFIG, now=NOW))
    report = validate_handover(postcode, config=CONFIG, now=NOW)
    (h009,) = [o for o in report.outcomes if o.code == "FH-H009"]
    assert h009.status is not Status.NOT_APPLICABLE


def test_the_one_pass_is_in_use() -> None:
    assert _one_pass.built_in_rules() is not None
    assert _one_pass.outcomes(
        Handover.example(), RuleContext(config=CONFIG, now=NOW), *_parts()
    ) == list(_handover._one_by_one(Handover.example(), RuleContext(config=CONFIG, now=NOW)))


def _parts() -> tuple[Any, ...]:
    built = _one_pass.built_in_rules()
    assert built is not None
    return built, _handover._outcome, _handover._run


def test_custom_rules_run_after_the_built_in_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    def custom(handover: Handover, context: object) -> Passed:
        return Passed()

    rule = Rule("FH-X001", Severity.WARNING, ("hub_id",), "custom", "a custom rule", custom)
    monkeypatch.setitem(RULES, "FH-X001", rule)
    assert _one_pass.built_in_rules() is not None
    outcomes = _handover._outcomes(Handover.example(), RuleContext(config=CONFIG, now=NOW))
    assert outcomes[-1].code == "FH-X001"
    assert outcomes[-1].status is Status.PASSED
    both_ways(Handover.example(), RuleContext(config=CONFIG, now=NOW))


def test_a_replaced_built_in_rule_runs_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    def stricter(handover: Handover, context: object) -> CouldNotRun:
        return CouldNotRun("replaced")

    original = RULES["FH-H007"]
    monkeypatch.setitem(RULES, "FH-H007", attrs.evolve(original, check=stricter))
    assert _one_pass.built_in_rules() is None
    report = validate_handover(Handover.example(), config=CONFIG, now=NOW)
    (h007,) = [o for o in report.outcomes if o.code == "FH-H007"]
    assert h007.why == "replaced"


def _replace_h007(rules: dict[str, Rule], how: str, replacement: Rule) -> None:
    if how == "setitem":
        rules["FH-H007"] = replacement
    elif how == "update":
        rules.update({"FH-H007": replacement})
    elif how == "ior":
        rules |= {"FH-H007": replacement}
    elif how == "pop and setdefault":
        rules.pop("FH-H007")
        rules.setdefault("FH-H007", replacement)
    elif how == "del and setitem":
        del rules["FH-H007"]
        rules["FH-H007"] = replacement
    elif how == "popitem":  # (takes the last rule away)
        rules.popitem()
    elif how == "clear":
        rules.clear()


@pytest.mark.parametrize(
    "how",
    ["setitem", "update", "ior", "pop and setdefault", "del and setitem", "popitem", "clear"],
)
def test_built_in_rules_sees_every_change_to_the_catalogue(how: str) -> None:
    # The answer is kept until RULES changes: each way of changing it must count.
    saved = dict(RULES)
    built = _one_pass.built_in_rules()
    assert built is not None
    assert _one_pass.built_in_rules() is built  # (kept)
    stricter = attrs.evolve(RULES["FH-H007"], check=lambda handover, context: Passed())
    try:
        _replace_h007(RULES, how, stricter)
        assert _one_pass.built_in_rules() is None
    finally:
        RULES.clear()
        RULES.update(saved)
    assert list(RULES) == list(saved)
    assert _one_pass.built_in_rules() is built


def test_a_check_that_cannot_run_is_reported_as_one_by_one() -> None:
    # An empty journey (possible only without validation) breaks FH-H006's check.
    broken = Handover.example().model_copy(update={"journey": ()})
    context = RuleContext(config=CONFIG, now=NOW)
    assert _one_pass.outcomes(broken, context, *_parts()) is None
    both_ways(broken, context)
    (h006,) = [o for o in _handover._outcomes(broken, context) if o.code == "FH-H006"]
    assert h006.status is Status.COULD_NOT_RUN
    assert h006.why == "the check raised IndexError"


def test_reasons_stay_free_of_payload_data() -> None:
    data = json.loads(Handover.example().model_dump_json())
    data["applicants"][0].pop("date_of_birth", None)
    report = validate_handover(json.dumps(data), config=CONFIG, now=NOW)
    (h008,) = [o for o in report.outcomes if o.code == "FH-H008"]
    assert h008.status is Status.COULD_NOT_RUN
    assert h008.why == "applicant 0 has no date of birth"


aware = st.datetimes(
    min_value=dt.datetime(1901, 1, 1),
    max_value=dt.datetime(9997, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5)), TzInfo(3600)]),
)


@given(st.one_of(st.tuples(aware, aware), aware.map(lambda a: (a, a.astimezone(dt.UTC)))))
def test_same_instant_is_equality(pair: tuple[dt.datetime, dt.datetime]) -> None:
    a, b = pair
    assert datetimes.same_instant(a, b) == (a == b)


def test_same_instant_of_naive_and_aware_is_false_like_equality() -> None:
    naive = dt.datetime(2024, 1, 1)
    assert datetimes.same_instant(naive, naive.replace(tzinfo=dt.UTC)) is False
    assert datetimes.same_instant(naive, dt.datetime(2024, 1, 1)) is True
