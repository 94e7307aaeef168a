"""Tests for fostering_hub.synthetic: a seeded synthetic year of enquiries and journeys."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import math
import os
import re
import subprocess
import sys
import textwrap

import attrs
import pytest

from fostering_hub.allocation import load_lookup
from fostering_hub.config import HubConfig, load_config
from fostering_hub.models import (
    MILESTONES,
    NORTH_EAST,
    Channel,
    ConsentMeans,
    ConsentPurpose,
    Enquiry,
    Journey,
    LawfulBasis,
    Relationship,
    Stage,
    WithdrawalReason,
    journeys_to_csv,
    to_london,
)
from fostering_hub.synthetic import FunnelRates, SyntheticYear, generate_year
from fostering_hub.synthetic._timeline import aware

pytest.importorskip("faker")

START = dt.date(2024, 4, 1)
#: Ofcom drama ranges in E.164 (the last three digits vary).
DRAMA_PREFIXES = (
    "+441134960",
    "+441144960",
    "+441164960",
    "+441174960",
    "+441184960",
    "+441214960",
    "+441314960",
    "+441414960",
    "+441514960",
    "+441614960",
    "+441914980",
    "+442079460",
)
EXAMPLE_DOMAINS = ("@example.com", "@example.org", "@example.net")
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


@pytest.fixture(scope="module")
def config() -> HubConfig:
    return load_config()


@pytest.fixture(scope="module")
def big_year(config: HubConfig) -> SyntheticYear:
    """The demo's default year: 4,000 enquiries (the one large sample, for rate checks)."""
    return generate_year(config, seed=2024, enquiries=4000)


@pytest.fixture(scope="module")
def year(config: HubConfig) -> SyntheticYear:
    return generate_year(config, seed=11, enquiries=800, start=START)


def _dump(year: SyntheticYear) -> str:
    parts = [e.model_dump_json() for e in year.enquiries]
    parts += [j.model_dump_json() for j in year.journeys]
    return "\n".join([str(year.seed), year.start.isoformat(), *parts])


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# Determinism ---------------------------------------------------------------------------


def test_same_seed_gives_identical_output(config: HubConfig) -> None:
    first = generate_year(config, seed=5, enquiries=300)
    second = generate_year(config, seed=5, enquiries=300)
    assert _dump(first) == _dump(second)
    assert first == second


def test_different_seeds_differ(config: HubConfig) -> None:
    first = generate_year(config, seed=5, enquiries=150)
    second = generate_year(config, seed=6, enquiries=150)
    assert [e.model_dump_json() for e in first.enquiries] != [
        e.model_dump_json() for e in second.enquiries
    ]
    first_names = {a.first_name + a.last_name for e in first.enquiries for a in e.applicants}
    second_names = {a.first_name + a.last_name for e in second.enquiries for a in e.applicants}
    assert first_names != second_names


def test_output_does_not_depend_on_hash_seed(config: HubConfig) -> None:
    expected = hashlib.sha256(_dump(generate_year(config, seed=3, enquiries=150)).encode())
    code = textwrap.dedent(
        """
        import hashlib
        from fostering_hub.config import load_config
        from fostering_hub.synthetic import generate_year
        year = generate_year(load_config(), seed=3, enquiries=150)
        parts = [e.model_dump_json() for e in year.enquiries]
        parts += [j.model_dump_json() for j in year.journeys]
        text = "\\n".join([str(year.seed), year.start.isoformat(), *parts])
        print(hashlib.sha256(text.encode()).hexdigest())
        """
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == expected.hexdigest()


def test_import_does_not_load_heavy_modules() -> None:
    code = textwrap.dedent(
        """
        import sys
        import fostering_hub.synthetic
        heavy = ["faker", "numpy", "pandas", "polars", "narwhals"]
        print(",".join(name for name in heavy if name in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_year_records_seed_and_start(year: SyntheticYear) -> None:
    assert year.seed == 11
    assert year.start == START
    assert year.end == dt.date(2025, 4, 1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        year.seed = 12  # type: ignore[misc]


# Validity and shape ---------------------------------------------------------------------


def test_enquiries_round_trip_through_json(year: SyntheticYear) -> None:
    for enquiry in year.enquiries:
        payload = enquiry.model_dump_json()
        again = Enquiry.model_validate_json(payload)
        assert again == enquiry
        assert again.model_dump_json() == payload


def test_journeys_round_trip_through_json(year: SyntheticYear) -> None:
    for journey in year.journeys:
        payload = journey.model_dump_json()
        again = Journey.model_validate_json(payload)
        assert again == journey
        assert again.model_dump_json() == payload


def test_journey_table_has_a_row_per_journey(year: SyntheticYear) -> None:
    lines = journeys_to_csv(year.journeys).splitlines()
    assert len(lines) == len(year.journeys) + 1


def test_journeys_align_with_enquiries(year: SyntheticYear) -> None:
    assert len(year.enquiries) == len(year.journeys) == 800
    ids = [e.enquiry_id for e in year.enquiries]
    assert ids == [j.enquiry_id for j in year.journeys]
    assert len(set(ids)) == len(ids)
    assert ids[0] == "NORTH-EA-000001"
    assert all(IDENTIFIER.match(i) for i in ids)
    for enquiry, journey in zip(year.enquiries, year.journeys, strict=True):
        assert journey.channel is enquiry.channel
        assert journey.source == enquiry.source
        assert journey.callback_requested_for == enquiry.callback_requested_for
        assert journey.events[0].stage is Stage.ENQUIRED
        assert journey.events[0].at == enquiry.received_at


def test_enquiries_spread_over_the_year_in_london_time(year: SyntheticYear) -> None:
    received = [e.received_at for e in year.enquiries]
    assert received == sorted(received)
    first = to_london(dt.datetime(2024, 4, 1))
    end = to_london(dt.datetime(2025, 4, 1))
    assert all(first <= at < end for at in received)
    assert all(at.utcoffset() in (dt.timedelta(0), dt.timedelta(hours=1)) for at in received)
    months = collections.Counter((at.year, at.month) for at in received)
    assert len(months) == 12
    assert min(months.values()) > 800 / 12 / 2
    night = sum(1 for at in received if at.hour < 6)
    assert night / len(received) < 0.1


def test_events_are_in_order_and_timed_plausibly(year: SyntheticYear) -> None:
    for enquiry, journey in zip(year.enquiries, year.journeys, strict=True):
        times = [event.at for event in journey.events]
        assert times == sorted(times)
        assert all(at.tzinfo is not None for at in times)
        callback = enquiry.callback_requested_for
        if callback is not None:
            assert callback >= enquiry.received_at
        contact = journey.reached(Stage.FIRST_CONTACT)
        if contact is not None and callback is None:
            assert contact - enquiry.received_at < dt.timedelta(days=6)
        visit = journey.reached(Stage.INITIAL_VISIT)
        if visit is not None:
            assert dt.timedelta(days=4) < visit - enquiry.received_at < dt.timedelta(days=40)


def test_milestones_fall_on_working_days(year: SyntheticYear) -> None:
    import holidays

    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2029))
    closures = set(load_config().calendar.closures)
    later = (Stage.INITIAL_VISIT, Stage.EOI, Stage.HANDED_OVER, Stage.APPLICATION, Stage.APPROVED)
    checked = 0
    for journey in year.journeys:
        for event in journey.events:
            if event.stage in later:
                day = event.at.date()
                assert day.weekday() < 5
                assert day not in bank_holidays
                assert day not in closures
                checked += 1
    assert checked > 500


def test_first_contact_within_24_hours_or_at_the_callback_time(year: SyntheticYear) -> None:
    within = at_callback = plain = 0
    for journey in year.journeys:
        contact = journey.reached(Stage.FIRST_CONTACT)
        if contact is None:
            continue
        if journey.callback_requested_for is None:
            plain += 1
            within += contact - journey.events[0].at <= dt.timedelta(hours=24)
        else:
            at_callback += contact == journey.callback_requested_for
    assert within / plain > 0.8
    assert at_callback > 0


def test_mean_time_to_approval_is_near_the_benchmark(big_year: SyntheticYear) -> None:
    days = [
        (j.reached(Stage.APPROVED) - j.events[0].at).days  # type: ignore[operator]
        for j in big_year.journeys
        if j.reached(Stage.APPROVED) is not None
    ]
    assert len(days) > 150
    # Fostering Network (2015): 273 days on average from enquiry to approval.
    assert 240 < sum(days) / len(days) < 305


# Funnel ----------------------------------------------------------------------------------


def test_funnel_shares_match_the_rates(big_year: SyntheticYear) -> None:
    rates = FunnelRates()
    total = len(big_year.journeys)
    assert total == 4000
    reached = collections.Counter(
        stage for journey in big_year.journeys for stage in MILESTONES if journey.reached(stage)
    )
    share = {stage: reached[stage] / total for stage in MILESTONES}
    assert share[Stage.ENQUIRED] == 1.0
    assert share[Stage.FIRST_CONTACT] == pytest.approx(rates.first_contact, abs=0.015)
    assert share[Stage.INITIAL_VISIT] == pytest.approx(rates.initial_visit, abs=0.03)
    assert share[Stage.EOI] == pytest.approx(rates.eoi, abs=0.03)
    assert share[Stage.HANDED_OVER] == pytest.approx(rates.handed_over, abs=0.03)
    assert share[Stage.APPLICATION] == pytest.approx(rates.application, abs=0.03)
    approval = reached[Stage.APPROVED] / reached[Stage.APPLICATION]
    assert approval == pytest.approx(rates.approval, abs=0.08)
    expected = rates.milestone_shares()
    assert all(share[stage] == pytest.approx(expected[stage.value], abs=0.03) for stage in share)


def test_channel_mix_follows_the_weights(year: SyntheticYear) -> None:
    counts = collections.Counter(e.channel for e in year.enquiries)
    weights = dict(FunnelRates().channels)
    assert counts.most_common(1)[0][0] is Channel.WEB
    assert counts[Channel.WEB] / 800 == pytest.approx(weights[Channel.WEB], abs=0.06)
    sources = {e.source for e in year.enquiries}
    assert sources <= {s for s, _ in FunnelRates().sources} | {None}


def test_drop_outs_are_withdrawn_with_a_reason_or_left_open(year: SyntheticYear) -> None:
    reasons: collections.Counter[WithdrawalReason] = collections.Counter()
    for journey in year.journeys:
        withdrawal = journey.withdrawal
        if journey.reached(Stage.FIRST_CONTACT) is None:
            assert [e.stage for e in journey.events] == [Stage.ENQUIRED]
            continue
        if withdrawal is not None:
            assert isinstance(withdrawal.reason, WithdrawalReason)
            assert journey.events[-1] is withdrawal
            reasons[withdrawal.reason] += 1
        if journey.reached(Stage.APPROVED) is not None:
            assert withdrawal is None
    assert set(reasons) == set(WithdrawalReason)
    assert sum(1 for j in year.journeys if j.is_open) > 0


def test_rates_can_stop_everyone_at_the_door(config: HubConfig) -> None:
    rates = FunnelRates(
        first_contact=0.0, initial_visit=0.0, eoi=0.0, handed_over=0.0, application=0.0
    )
    year = generate_year(config, seed=1, enquiries=100, rates=rates)
    assert all(j.stage is Stage.ENQUIRED for j in year.journeys)
    assert all(j.local_authority is None for j in year.journeys)


# Allocation and places -------------------------------------------------------------------


def test_local_authority_is_empty_or_a_member(config: HubConfig, year: SyntheticYear) -> None:
    members = {m.gss_code for m in config.members}
    for enquiry, journey in zip(year.enquiries, year.journeys, strict=True):
        assert enquiry.council_tax_la in members
        assert enquiry.preferred_la is None or enquiry.preferred_la in members
        assert journey.local_authority is None or journey.local_authority in members
        if journey.reached(Stage.FIRST_CONTACT) is None:
            assert journey.local_authority is None
        else:
            assert journey.local_authority == (enquiry.preferred_la or enquiry.council_tax_la)
    allocated = {j.local_authority for j in year.journeys} - {None}
    assert allocated == members
    named = sum(e.preferred_la is not None for e in year.enquiries) / 800
    assert named == pytest.approx(0.35, abs=0.06)


def test_households_live_in_their_council_tax_la(year: SyntheticYear) -> None:
    # Postcodes come from the cluster's sample lookup: the hub's own lookup gives each
    # household's council-tax LA as a candidate for its postcode.
    lookup = load_lookup("builtin:north-east-sample")
    for enquiry in year.enquiries:
        assert enquiry.council_tax_la is not None
        for applicant in enquiry.applicants:
            assert applicant.address is not None
            match = lookup.find(applicant.address.postcode)
            assert match is not None
            assert enquiry.council_tax_la in {c.gss_code for c in match.candidates}
    biggest = collections.Counter(e.council_tax_la for e in year.enquiries).most_common(1)[0][0]
    assert biggest is not None
    assert NORTH_EAST[biggest].name == "County Durham"


def test_config_outside_the_north_east_falls_back_to_generic_places() -> None:
    config = HubConfig.model_validate(
        {
            "hub": {"id": "london-test", "brand_name": "Test hub", "host_la": "E09000001"},
            "members": [
                {"gss_code": "E09000001", "dfe_number": "201", "name": "City of London"},
                {"gss_code": "E09000002", "dfe_number": "301", "name": "Barking and Dagenham"},
            ],
        }
    )
    year = generate_year(config, seed=4, enquiries=60)
    assert all(e.enquiry_id.startswith("LONDON-T-") for e in year.enquiries)
    assert {e.council_tax_la for e in year.enquiries} == {"E09000001", "E09000002"}
    for enquiry in year.enquiries:
        for applicant in enquiry.applicants:
            assert applicant.address is not None
            assert applicant.address.postcode.startswith("ZZ")


# People ----------------------------------------------------------------------------------


def test_phone_numbers_are_drama_numbers(year: SyntheticYear) -> None:
    phones = [a.phone for e in year.enquiries for a in e.applicants if a.phone is not None]
    assert len(phones) > 700
    for phone in phones:
        assert phone.startswith("+44")
        assert len(phone) == 13
        assert phone.startswith(DRAMA_PREFIXES)
    north_east = sum(p.startswith("+441914980") for p in phones) / len(phones)
    assert north_east > 0.75


def test_emails_use_reserved_domains(year: SyntheticYear) -> None:
    emails = [a.email for e in year.enquiries for a in e.applicants if a.email is not None]
    assert len(emails) > 600
    assert all(email.endswith(EXAMPLE_DOMAINS) for email in emails)


def test_applicants_are_adults_and_some_are_couples(year: SyntheticYear) -> None:
    joint = 0
    for enquiry in year.enquiries:
        on = enquiry.received_at.date()
        joint += len(enquiry.applicants) == 2
        first = enquiry.applicants[0]
        assert first.phone is not None or first.email is not None
        if enquiry.channel is Channel.PHONE:
            assert first.phone is not None
        for applicant in enquiry.applicants:
            if applicant.date_of_birth is not None:
                assert 21 <= _age(applicant.date_of_birth, on) <= 70
        for member in enquiry.household:
            if member.relationship is Relationship.CHILD and member.date_of_birth is not None:
                assert _age(member.date_of_birth, on) < 18
    assert joint / 800 == pytest.approx(0.30, abs=0.06)
    members = collections.Counter(m.relationship for e in year.enquiries for m in e.household)
    assert members[Relationship.CHILD] > 0
    assert members[Relationship.PARTNER] > 0


def test_interests_and_bedrooms(year: SyntheticYear) -> None:
    for enquiry in year.enquiries:
        assert 1 <= len(enquiry.interests) <= 3
        assert len(set(enquiry.interests)) == len(enquiry.interests)
    bedrooms = sum(e.spare_bedroom is True for e in year.enquiries) / 800
    assert bedrooms > 0.75


# Consents --------------------------------------------------------------------------------


_MEANS = {
    Channel.WEB: ConsentMeans.WEB_FORM,
    Channel.PHONE: ConsentMeans.PHONE,
    Channel.EMAIL: ConsentMeans.EMAIL,
    Channel.EVENT: ConsentMeans.EVENT,
}


def test_consents(year: SyntheticYear) -> None:
    purposes: collections.Counter[ConsentPurpose] = collections.Counter()
    withdrawn = 0
    for enquiry, journey in zip(year.enquiries, year.journeys, strict=True):
        by_purpose = {c.purpose: c for c in enquiry.consents}
        assert len(by_purpose) == len(enquiry.consents)
        purposes.update(by_purpose.keys())
        contact = by_purpose[ConsentPurpose.CONTACT_ABOUT_ENQUIRY]
        assert contact.lawful_basis is LawfulBasis.PUBLIC_TASK
        assert contact.given_at == enquiry.received_at
        if enquiry.channel in _MEANS:
            assert contact.means is _MEANS[enquiry.channel]
        handed_over = journey.reached(Stage.HANDED_OVER)
        share = by_purpose.get(ConsentPurpose.SHARE_WITH_LA)
        assert (share is not None) == (handed_over is not None)
        if share is not None and handed_over is not None:
            assert share.given_at <= handed_over
        for purpose in (ConsentPurpose.KEEP_IN_TOUCH, ConsentPurpose.MARKETING):
            record = by_purpose.get(purpose)
            if record is not None:
                assert record.lawful_basis is LawfulBasis.CONSENT
                withdrawn += record.withdrawn_at is not None
        if journey.reached(Stage.KEEP_IN_TOUCH) is not None:
            assert ConsentPurpose.KEEP_IN_TOUCH in by_purpose
    assert 0 < purposes[ConsentPurpose.MARKETING] < purposes[ConsentPurpose.KEEP_IN_TOUCH] < 800
    assert withdrawn > 0


# Rates and arguments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"first_contact": 1.5},
        {"approval": -0.1},
        {"callback_requested": math.nan},
        {"joint_application": True},
        {"application": 0.2},  # more applications than handovers
        {"eoi": 0.4},  # more EOIs than initial visits
        {"initial_visit": 0.99},  # more visits than first contacts
        {"channels": {"web": 1.0, "fax": 1.0}},
        {"channels": {"web": -1.0, "phone": 2.0}},
        {"channels": {"web": 0.0}},
        {"sources": {"": 1.0}},
        {"sources": [("radio", 1.0), ("radio", 2.0)]},
        {"withdrawal_reasons": {"AW9": 1.0}},
        {"withdrawal_reasons": {"AW1": math.inf}},
    ],
)
def test_bad_rates_raise_value_error(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"FunnelRates|is not a valid"):
        FunnelRates(**changes)  # type: ignore[arg-type]


def test_rates_accept_mappings_and_evolve() -> None:
    rates = FunnelRates(channels={"web": 3, "phone": 1}, withdrawal_reasons={"AW3": 1.0})
    assert rates.channels == ((Channel.WEB, 3), (Channel.PHONE, 1))
    assert rates.withdrawal_reasons == ((WithdrawalReason.AW3, 1.0),)
    changed = attrs.evolve(rates, application=0.1)
    assert changed.channels == rates.channels
    assert changed.application == 0.1
    assert hash(changed) == hash(attrs.evolve(rates, application=0.1))
    with pytest.raises(ValueError, match="cannot exceed"):
        attrs.evolve(rates, application=0.5)


def test_arguments_are_checked(config: HubConfig) -> None:
    with pytest.raises(TypeError):
        generate_year(config, start=dt.datetime(2024, 4, 1))
    with pytest.raises(ValueError, match="enquiries"):
        generate_year(config, enquiries=-1)
    empty = generate_year(config, enquiries=0)
    assert empty.enquiries == () == empty.journeys


def test_aware_matches_to_london_across_clock_changes() -> None:
    for day in (dt.date(2025, 3, 30), dt.date(2025, 10, 26), dt.date(2025, 6, 1)):
        start = dt.datetime(day.year, day.month, day.day) - dt.timedelta(hours=2)
        for step in range(0, 30 * 60, 15):
            local = start + dt.timedelta(minutes=step)
            try:
                expected = to_london(local)
            except ValueError:  # skipped when BST starts: moved on an hour
                expected = to_london(local + dt.timedelta(hours=1))
            assert aware(local).isoformat() == expected.isoformat()
