"""The hub config (TOML): loads, validates, and names the key and line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from fostering_hub.config import (
    ConfigError,
    Duration,
    DurationUnit,
    default_config_path,
    first_contact_default,
    load_config,
    parse_config,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "north-east" / "hub.toml"


def test_example_is_the_packaged_default() -> None:
    assert EXAMPLE.read_text() == default_config_path().read_text()


def test_default_loads_the_12_north_east_las() -> None:
    config = load_config()
    cluster = config.cluster
    assert cluster.brand_name == "Foster with North East"
    assert len(cluster.members) == 12
    names = {code: getattr(cluster.member(code), "name", None) for code in ("394", "E08000020")}
    assert names == {"394": "Sunderland", "E08000020": "Gateshead"}
    newcastle = cluster.member("E08000021")
    assert newcastle is not None
    assert newcastle.duty_contact is not None
    assert config.allocation.chain[0] == "preference"
    first = config.target("first_contact")
    assert first is not None
    assert first.honour_callback_request
    assert first.duration == Duration(24, DurationUnit.HOURS)
    assert {r.record.value for r in config.retention.rules} >= {"withdrawn_application"}


def test_errors_name_key_and_line() -> None:
    text = EXAMPLE.read_text()
    text = text.replace('duration = "10 working days"', 'duration = "ten days"', 1)
    text = text.replace('gss_code = "E06000005"', 'gss_code = "X06000005"')
    text = text.replace('opens = "09:00"', 'opens = "18:00"')
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "hub.toml")
    lines = text.splitlines()
    found = {(i.key, i.code): i.line for i in caught.value.issues}
    assert set(found) == {
        ("members[4].gss_code", "FH-T004"),
        ("sla.targets[1].duration", "FH-C002"),
        ("calendar.closes", "FH-M008"),
    }
    assert "X06000005" in lines[found["members[4].gss_code", "FH-T004"] - 1]
    assert "ten days" in lines[found["sla.targets[1].duration", "FH-C002"] - 1]
    assert "hub.toml:" in str(caught.value)
    assert "X06000005" not in str(caught.value)


def test_unknown_key_is_refused_with_its_line() -> None:
    text = EXAMPLE.read_text().replace("[reporting]\n", "[reporting]\nfrequency = 'monthly'\n")
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    (issue,) = caught.value.issues
    assert (issue.key, issue.code) == ("reporting.frequency", "FH-S002")
    assert issue.line is not None
    assert "frequency" in text.splitlines()[issue.line - 1]


def test_toml_syntax_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("[hub\nid = 1\n", "bad.toml")
    (issue,) = caught.value.issues
    assert issue.code == "FH-C001"
    assert issue.line == 1


def test_cluster_rules() -> None:
    base = '[hub]\nid = "x"\nbrand_name = "X"\nhost_la = "E08000024"\n'
    one = base + '[[members]]\ngss_code = "E08000024"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(one)
    assert [i.code for i in caught.value.issues] == ["FH-S005"]
    twice = one + '[[members]]\ngss_code = "E08000024"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(twice)
    assert [(i.key, i.code, i.line) for i in caught.value.issues] == [
        ("members[1].gss_code", "FH-M005", 8)
    ]
    unknown = one + '[[members]]\ngss_code = "E09000001"\n'
    with pytest.raises(ConfigError) as caught:
        parse_config(unknown)
    assert [i.code for i in caught.value.issues] == ["FH-M008"]
    named = unknown + 'name = "City of London"\ndfe_number = "201"\n'
    assert parse_config(named).cluster.member("201") is not None
    not_host = named.replace('host_la = "E08000024"', 'host_la = "E08000021"')
    with pytest.raises(ConfigError) as caught:
        parse_config(not_host)
    assert [(i.key, i.code, i.line) for i in caught.value.issues] == [("hub.host_la", "FH-M006", 4)]


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("24 hours", 24, DurationUnit.HOURS),
        ("1 hour", 1, DurationUnit.HOURS),
        ("8 working hours", 8, DurationUnit.WORKING_HOURS),
        ("5 working days", 5, DurationUnit.WORKING_DAYS),
        ("1 calendar month", 1, DurationUnit.CALENDAR_MONTHS),
        ("3 months", 3, DurationUnit.CALENDAR_MONTHS),
        ("10 years", 10, DurationUnit.YEARS),
        ("15 minutes", 15, DurationUnit.MINUTES),
    ],
)
def test_durations(text: str, amount: int, unit: DurationUnit) -> None:
    duration = Duration.parse(text)
    assert (duration.amount, duration.unit) == (amount, unit)
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize(
    "bad", ["", "24", "hours", "24  hours", "-1 days", "2 fortnights", "1.5 days"]
)
def test_bad_durations(bad: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        Duration.parse(bad)


def test_first_contact_default_is_the_template_promise() -> None:
    target = first_contact_default()
    assert str(target.duration) == "24 hours"
    assert target.honour_callback_request


def test_config_round_trips_through_json() -> None:
    config = load_config()
    assert type(config).model_validate_json(config.model_dump_json()) == config


def test_unknown_kpi_ids_are_refused_with_their_line() -> None:
    text = EXAMPLE.read_text().replace(
        'kpis = ["enquiries", ', 'kpis = ["enquiries", "conversions", '
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "hub.toml")
    (issue,) = caught.value.issues
    assert (issue.key, issue.code) == ("reporting.kpis[1]", "FH-M008")
    assert issue.line is not None
    assert "conversions" in text.splitlines()[issue.line - 1]
    assert "KPI id" in str(caught.value)
