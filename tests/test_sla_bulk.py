"""The bulk path (``evaluate_table``) agrees with the scalar path (``evaluate_journey``).

Journey tables are generated around the days where date arithmetic goes wrong (bank
holidays of every UK nation, Easter, Christmas and New Year, 31 March / 1 April, both BST
changes, leap days, month ends), with timestamps written naive (London wall time), in UTC
or with other offsets; targets come in every duration unit, both due conventions, with
and without call-back overrides and ``when`` conditions, on varied working calendars.
Each table is evaluated as a pandas frame, a polars frame (strings, or typed datetime
columns) and a CSV file, and every result field must equal the scalar one.

Instants are compared as UTC microseconds. ``used`` and ``remaining`` must be *exactly*
equal, not merely close: both paths reduce every duration to the same integer number of
microseconds (working, wall-clock or elapsed), divide it once by the same integer (Python
``int / int`` is correctly rounded; numpy turns int64 into float64 exactly below 2**53,
about 285 years, and IEEE division is correctly rounded) and then subtract the same two
floats. Any difference is a real disagreement, not rounding.

``SLA_EXAMPLES=2000 pytest tests/test_sla_bulk.py`` runs the properties longer.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("numpy")
pytest.importorskip("narwhals")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from fostering_hub.config import DueConvention, SLATarget, load_config  # noqa: E402
from fostering_hub.models import (  # noqa: E402
    JOURNEY_COLUMNS,
    STAGE_COLUMNS,
    Journey,
    Stage,
    to_london,
)
from fostering_hub.sla import (  # noqa: E402
    RESULT_COLUMNS,
    SLAResult,
    Target,
    WorkingCalendar,
    bank_holidays,
    evaluate_journey,
    evaluate_table,
    targets_from_config,
)
from fostering_hub.testing import journeys  # noqa: E402

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
INSTANT_FIELDS = ("started_at", "due_at", "stopped_at", "breached_at")
TIMESTAMP_COLUMNS = ("callback_requested_for", *STAGE_COLUMNS.values())

# --------------------------------------------------------------------------- days


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _special_days(year: int) -> set[dt.date]:
    days = {
        d for nation in ("ENG", "SCT", "NIR") for d in bank_holidays(nation, year)
    }  # Easter, Christmas, 2 Jan, 17 Mar, 12 Jul, St Andrew's Day, May and August
    for month in (3, 10):
        sunday = _last_sunday(year, month)  # BST starts / ends
        days |= {sunday - dt.timedelta(days=2), sunday - dt.timedelta(days=1), sunday}
    days |= {dt.date(year, m, d) for m, d in ((1, 31), (3, 31), (4, 1), (12, 24), (12, 30))}
    days.add(dt.date(year, 2, 29) if year % 4 == 0 else dt.date(year, 2, 28))
    return days


SPECIAL_DAYS = sorted(d for year in range(1995, 2032) for d in _special_days(year))
SPECIAL_TIMES = [
    dt.time(0),
    dt.time(0, 59, 59, 999_999),
    dt.time(1),
    dt.time(1, 30),
    dt.time(2),
    dt.time(8, 59, 59),
    dt.time(9),
    dt.time(12, 30),
    dt.time(16, 59, 59, 999_999),
    dt.time(17),
    dt.time(17, 0, 0, 1),
    dt.time(23, 59, 59, 999_999),
]
DAYS = st.one_of(
    st.sampled_from(SPECIAL_DAYS),
    st.dates(dt.date(1995, 1, 1), dt.date(2031, 12, 31)),
)
TIMES = st.one_of(st.sampled_from(SPECIAL_TIMES), st.times())
DELAYS = st.one_of(
    st.just(dt.timedelta(0)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(hours=3)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=4)),
    st.timedeltas(dt.timedelta(0), dt.timedelta(days=75)),
)
OFFSETS = st.sampled_from(["naive", "naive", "Z", "+00:00", "+01:00", "-05:00", "+05:30"])


@st.composite
def instants(draw: st.DrawFn) -> dt.datetime:
    """An aware instant: a London wall time on a (mostly special) day."""
    local = dt.datetime.combine(draw(DAYS), draw(TIMES))
    try:
        return to_london(local)
    except ValueError:  # skipped when BST starts
        return to_london(local + dt.timedelta(hours=1))


def _naive_london(instant: dt.datetime) -> dt.datetime | None:
    """The naive London wall time that means exactly ``instant``, if there is one."""
    local = WorkingCalendar.local(instant)
    try:
        return local if to_london(local) == instant else None
    except ValueError:
        return None


def _write(draw: st.DrawFn, instant: dt.datetime) -> str:
    """``instant`` as journey-table text in one of the forms people send."""
    how = draw(OFFSETS)
    value: dt.datetime | None
    if how == "naive":
        value = _naive_london(instant)
        suffix = ""
        if value is None:
            value, suffix = instant.astimezone(UTC).replace(tzinfo=None), "Z"
    elif how == "Z":
        value, suffix = instant.astimezone(UTC).replace(tzinfo=None), "Z"
    else:
        sign = -1 if how[0] == "-" else 1
        offset = dt.timedelta(hours=int(how[1:3]), minutes=int(how[4:6])) * sign
        value, suffix = instant.astimezone(dt.timezone(offset)).replace(tzinfo=None), how
    short = value.second == 0 and value.microsecond == 0 and draw(st.booleans())
    text = value.isoformat(sep=draw(st.sampled_from("T ")), timespec="minutes" if short else "auto")
    return text + suffix


CHANNELS = ["web", "phone", "email", "event", "referral", "other"]
SOURCES = ["", "radio", "social media", "Radio"]
AUTHORITIES = ["", "E06000001", "E08000021", "E08000024"]
PROGRESS = (
    Stage.FIRST_CONTACT,
    Stage.INITIAL_VISIT,
    Stage.EOI,
    Stage.HANDED_OVER,
    Stage.APPLICATION,
)


@st.composite
def journey_rows(draw: st.DrawFn, start: dt.datetime | None = None) -> dict[str, str]:
    """One journey-table row: milestones in order (some skipped), maybe an ending."""
    at = start if start is not None else draw(instants())
    row = dict.fromkeys(JOURNEY_COLUMNS, "")
    row["enquiry_id"] = f"E{draw(st.integers(0, 10**6))}"
    row["channel"] = draw(st.sampled_from(CHANNELS))
    row["source"] = draw(st.sampled_from(SOURCES))
    row["local_authority"] = draw(st.sampled_from(AUTHORITIES))
    row["enquired_at"] = _write(draw, at)
    if draw(st.booleans()):
        lead = draw(st.timedeltas(dt.timedelta(days=-2), dt.timedelta(days=12)))
        row["callback_requested_for"] = _write(draw, at + lead)
    reached = draw(st.lists(st.booleans(), min_size=len(PROGRESS), max_size=len(PROGRESS)))
    ending = draw(st.sampled_from([None, None, Stage.APPROVED, Stage.WITHDRAWN]))
    for stage in [s for s, flag in zip(PROGRESS, reached, strict=True) if flag] + [ending]:
        if stage is None:
            continue
        at += draw(DELAYS)
        row[STAGE_COLUMNS[stage]] = _write(draw, at)
    if ending is Stage.WITHDRAWN:
        row["withdrawal_reason"] = draw(st.sampled_from(["AW0", "AW3"]))
    return row


# --------------------------------------------------------------------------- targets

UNITS = st.sampled_from(
    [
        ("minutes", 0, 3000),
        ("hours", 0, 200),
        ("working hours", 0, 120),
        ("working days", 0, 25),
        ("days", 0, 40),
        ("weeks", 0, 8),
        ("calendar months", 0, 14),
        ("years", 0, 3),
    ]
)
STARTS = st.sampled_from([Stage.ENQUIRED, Stage.ENQUIRED, Stage.FIRST_CONTACT, Stage.EOI])
STOPS = st.sampled_from([Stage.FIRST_CONTACT, Stage.INITIAL_VISIT, Stage.HANDED_OVER])


@st.composite
def durations(draw: st.DrawFn) -> str:
    unit, low, high = draw(UNITS)
    amount = draw(st.one_of(st.integers(low, min(high, low + 2)), st.integers(low, high)))
    return f"{amount} {unit}"


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    weekdays = draw(
        st.one_of(
            st.just(frozenset(range(5))),
            st.frozensets(st.integers(0, 6), min_size=1),
        )
    )
    opens = draw(st.sampled_from([dt.time(9), dt.time(8, 30), dt.time(0), dt.time(0, 30)]))
    closes = draw(st.sampled_from([dt.time(17), dt.time(17, 30), dt.time(23, 59), dt.time(2, 30)]))
    if closes <= opens:
        closes = dt.time(17)
    closures = draw(st.frozensets(st.sampled_from(SPECIAL_DAYS), max_size=4))
    return WorkingCalendar(
        nation=draw(st.sampled_from(["ENG", "WLS", "SCT", "NIR"])),
        working_days=weekdays,
        opens=opens,
        closes=closes,
        closures=closures,
    )


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()):
        return None
    when: dict[str, Any] = {}
    if draw(st.booleans()):
        when["channels"] = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True))
    if draw(st.booleans()):
        when["sources"] = draw(st.lists(st.sampled_from(SOURCES[1:]), min_size=1, unique=True))
    if draw(st.booleans()):
        when["local_authorities"] = draw(
            st.lists(st.sampled_from(AUTHORITIES[1:]), min_size=1, unique=True)
        )
    return when


@st.composite
def targets(draw: st.DrawFn) -> list[Target]:
    """One to four rules over one or two names (so first-matching-rule choice happens)."""
    chosen = []
    for _ in range(draw(st.integers(1, 4))):
        rule: dict[str, Any] = {
            "name": draw(st.sampled_from(["a", "b"])),
            "start": draw(STARTS),
            "stop": draw(STOPS),
            "duration": draw(durations()),
            "warn_at": draw(st.floats(0.05, 0.95)),
            "honour_callback_request": draw(st.booleans()),
        }
        if draw(st.booleans()):
            rule["callback_tolerance"] = draw(durations())
        when = draw(conditions())
        if when is not None:
            rule["when"] = when
        chosen.append(
            Target(
                SLATarget.model_validate(rule),
                draw(calendars()),
                draw(st.sampled_from(DueConvention)),
            )
        )
    return chosen


# --------------------------------------------------------------------------- comparing


def _us(value: Any) -> int | None:
    """An instant (datetime, pandas Timestamp, NaT or None) as UTC microseconds."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    assert isinstance(value, dt.datetime)
    assert value.tzinfo is not None, "bulk instants must be timezone-aware"
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(value)


def _normal(result: SLAResult) -> dict[str, Any]:
    record = {
        "enquiry_id": result.enquiry_id,
        "target": result.target,
        "status": result.status.value,
        "used": result.used,
        "remaining": result.remaining,
        "unit": result.unit,
    }
    record.update({key: _us(getattr(result, key)) for key in INSTANT_FIELDS})
    return record


def _records(frame: Any) -> list[dict[str, Any]]:
    if isinstance(frame, pl.DataFrame):
        rows = frame.to_dicts()
    else:
        assert isinstance(frame, pd.DataFrame)
        rows = frame.to_dict("records")
    out = []
    for row in rows:
        record = {k: row[k] for k in ("enquiry_id", "target", "status")}
        record["unit"] = None if row["unit"] is None or row["unit"] != row["unit"] else row["unit"]
        record["used"], record["remaining"] = _number(row["used"]), _number(row["remaining"])
        record.update({key: _us(row[key]) for key in INSTANT_FIELDS})
        out.append(record)
    return out


def _frames(rows: list[dict[str, str]], directory: Path, typed: bool, nulls: bool) -> list[Any]:
    """The same table as pandas, polars and a CSV path."""
    path = directory / "journeys.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=JOURNEY_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    cells = [{k: (None if nulls and v == "" else v) for k, v in r.items()} for r in rows]
    schema = dict.fromkeys(JOURNEY_COLUMNS, pl.String)
    polars = pl.DataFrame(cells, schema=schema, orient="row" if not cells else None)
    pandas = pd.DataFrame(cells, columns=list(JOURNEY_COLUMNS), dtype=object)
    frames: list[Any] = [pandas, polars, str(path)]
    if typed:  # timestamp columns as timezone-aware datetimes (UTC and London)
        parsed = [_parsed(r) for r in rows]
        typed_polars = polars.with_columns(
            pl.Series(c, [p[c] for p in parsed], dtype=pl.Datetime("us", "UTC"))
            for c in TIMESTAMP_COLUMNS
        )
        london = typed_polars.with_columns(
            pl.col(c).dt.convert_time_zone("Europe/London") for c in TIMESTAMP_COLUMNS
        )
        typed_pandas = pandas.copy()
        for c in TIMESTAMP_COLUMNS:
            typed_pandas[c] = pd.to_datetime(
                pd.Series([p[c] for p in parsed], dtype=object), utc=True
            ).astype("datetime64[us, UTC]")
        frames += [typed_polars, london, typed_pandas]
    return frames


def _parsed(row: dict[str, str]) -> dict[str, dt.datetime | None]:
    """Each timestamp cell of ``row`` as an aware datetime, as the scalar path reads it."""
    journey = Journey.from_row(row)
    out: dict[str, dt.datetime | None] = {"callback_requested_for": journey.callback_requested_for}
    for stage, column in STAGE_COLUMNS.items():
        out[column] = journey.reached(stage)
    return {k: (v.astimezone(UTC) if v is not None else None) for k, v in out.items()}


def _observe(results: list[dict[str, Any]], chosen: list[Target]) -> None:
    for result in results:
        event(f"status {result['status']}")
    for target in chosen:
        event(f"unit {target.rule.duration.unit.value}")


def check_bulk_equals_scalar(
    rows: list[dict[str, str]],
    chosen: list[Target],
    now: dt.datetime,
    *,
    typed: bool = False,
    nulls: bool = False,
) -> list[dict[str, Any]]:
    expected = [_normal(r) for r in _scalar(rows, chosen, now)]
    with tempfile.TemporaryDirectory() as directory:
        for frame in _frames(rows, Path(directory), typed, nulls):
            out = evaluate_table(frame, chosen, now)
            assert list(out.columns) == list(RESULT_COLUMNS)
            got = _records(out)
            assert len(got) == len(expected), type(frame)
            for index, (bulk, scalar) in enumerate(zip(got, expected, strict=True)):
                assert bulk == scalar, (
                    type(frame).__module__,
                    index,
                    rows[index % max(len(rows), 1)],
                )
    return expected


def _scalar(rows: list[dict[str, str]], chosen: list[Target], now: dt.datetime) -> list[SLAResult]:
    """Scalar results in the bulk path's order: target name by target name, then row."""
    per_row = [evaluate_journey(Journey.from_row(r), chosen, now) for r in rows]
    names = list(dict.fromkeys(t.name for t in chosen))
    return [results[names.index(name)] for name in names for results in per_row]


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[Target], dt.datetime]:
    first = draw(instants())
    count = draw(st.integers(1, 8))
    rows = [
        draw(journey_rows(first + draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=20)))))
        for _ in range(count)
    ]
    events = [
        to_london(dt.datetime.fromisoformat(v.replace("Z", "+00:00")))
        for r in rows
        for c, v in r.items()
        if c.endswith("_at") and v
    ]
    now = draw(
        st.one_of(
            st.sampled_from(events),
            st.builds(
                lambda d: first + d, st.timedeltas(dt.timedelta(hours=-12), dt.timedelta(days=120))
            ),
        )
    )
    zone = draw(st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=1))]))
    return rows, draw(targets()), now.astimezone(zone)


@settings(
    max_examples=int(os.environ.get("SLA_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases(), st.booleans(), st.booleans())
def test_bulk_equals_scalar(
    case: tuple[list[dict[str, str]], list[Target], dt.datetime], typed: bool, nulls: bool
) -> None:
    rows, chosen, now = case
    _observe(check_bulk_equals_scalar(rows, chosen, now, typed=typed, nulls=nulls), chosen)


@settings(max_examples=int(os.environ.get("SLA_EXAMPLES", "60")), deadline=None)
@given(
    st.lists(journeys(milestones_only=True), min_size=1, max_size=4),
    targets(),
    st.integers(-2, 400),
)
def test_bulk_equals_scalar_on_library_journeys(
    generated: list[Journey], chosen: list[Target], days_later: int
) -> None:
    """The library's own journey strategy (1990 to 2035, any offset) through table rows."""
    rows = [j.to_row() for j in generated]
    now = generated[0].events[0].at + dt.timedelta(days=days_later, hours=days_later % 24)
    _observe(check_bulk_equals_scalar(rows, chosen, now), chosen)


# --------------------------------------------------------------------------- examples

EXAMPLE_TARGETS = targets_from_config(
    load_config(Path(__file__).resolve().parent.parent / "examples/north-east/hub.toml")
)


def _row(**cells: str) -> dict[str, str]:
    row = dict.fromkeys(JOURNEY_COLUMNS, "")
    row.update(enquiry_id="NE-1", channel="web", enquired_at="2024-03-04T10:00:00")
    row.update(cells)
    return row


def test_example_rows_agree_with_scalar() -> None:
    rows = [
        _row(first_contact_at="2024-03-04T15:00:00"),
        _row(enquired_at="2024-03-30T10:00:00", first_contact_at="2024-03-31T10:30:00+01:00"),
        _row(enquired_at="2024-10-26T10:00:00", callback_requested_for="2024-10-28T09:00Z"),
        _row(enquired_at="2026-12-24 11:00", first_contact_at="2026-12-24 15:00"),
        _row(withdrawn_at="2024-03-04T12:00:00", withdrawal_reason="AW3"),
        _row(eoi_at="2024-03-28T16:00:00", handed_over_at="2024-04-15T09:00:00"),
    ]
    for now in (dt.datetime(2024, 3, 4, 12, tzinfo=UTC), dt.datetime(2027, 2, 1, tzinfo=UTC)):
        check_bulk_equals_scalar(rows, EXAMPLE_TARGETS, now, typed=True)


@pytest.mark.parametrize("kind", ["pandas", "polars", "csv"])
def test_empty_table(kind: str, tmp_path: Path) -> None:
    if kind == "pandas":
        table: Any = pd.DataFrame({c: pd.Series([], dtype=object) for c in JOURNEY_COLUMNS})
    elif kind == "polars":
        table = pl.DataFrame(schema=dict.fromkeys(JOURNEY_COLUMNS, pl.String))
    else:
        table = tmp_path / "empty.csv"
        table.write_text(",".join(JOURNEY_COLUMNS) + "\n", encoding="utf-8")
    out = evaluate_table(table, EXAMPLE_TARGETS, dt.datetime(2024, 1, 1, tzinfo=UTC))
    assert len(out) == 0
    assert list(out.columns) == list(RESULT_COLUMNS)
    assert isinstance(out, pd.DataFrame if kind == "pandas" else pl.DataFrame)
    if kind != "pandas":
        assert out.schema["status"] == pl.String
        assert out.schema["due_at"] == pl.Datetime("us", "UTC")
    empty_targets = evaluate_table(table, [], dt.datetime(2024, 1, 1, tzinfo=UTC))
    assert len(empty_targets) == 0


def test_output_types_and_nulls() -> None:
    rows = [_row(), _row(enquired_at="2030-01-01T00:00:00Z")]  # not started as of now
    out = evaluate_table(
        pl.DataFrame(rows), EXAMPLE_TARGETS[:1], dt.datetime(2024, 3, 5, tzinfo=UTC)
    )
    assert out["status"].to_list() == ["pending", "not_started"]
    assert out["used"].null_count() == 1  # null, not NaN
    assert out["used"].is_nan().sum() == 0
    assert out["started_at"][0] == dt.datetime(2024, 3, 4, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize("kind", ["pandas", "polars", "polars-datetime", "csv"])
def test_naive_time_in_the_bst_gap_is_refused(kind: str, tmp_path: Path) -> None:
    rows = [_row(), _row(enquired_at="2024-03-31T01:30:00")]
    if kind == "pandas":
        table: Any = pd.DataFrame(rows)
    elif kind == "polars":
        table = pl.DataFrame(rows)
    elif kind == "polars-datetime":
        table = pl.DataFrame(rows).with_columns(pl.col("enquired_at").str.to_datetime())
    else:
        table = tmp_path / "gap.csv"
        with table.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=JOURNEY_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    now = dt.datetime(2024, 4, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"enquired_at, row 1: local time does not exist"):
        evaluate_table(table, EXAMPLE_TARGETS, now)
    # ... as the scalar path refuses the row (pydantic's ValidationError is a ValueError).
    with pytest.raises(ValueError, match="does not exist"):
        Journey.from_row(rows[1])
    # ... and a naive ``now`` in the gap, in both paths.
    journey = Journey.from_row(rows[0])
    gap = dt.datetime(2024, 3, 31, 1, 30)
    with pytest.raises(ValueError, match="does not exist"):
        evaluate_journey(journey, EXAMPLE_TARGETS, gap)
    with pytest.raises(ValueError, match="does not exist"):
        evaluate_table(pl.DataFrame(rows[:1]), EXAMPLE_TARGETS, gap)


def test_repeated_hour_is_read_as_bst_in_both_paths() -> None:
    rows = [_row(enquired_at="2024-10-27T01:30:00")]
    out = evaluate_table(
        pl.DataFrame(rows), EXAMPLE_TARGETS[:1], dt.datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert out["started_at"][0] == dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert Journey.from_row(rows[0]).events[0].at == out["started_at"][0]


PHONE_RULE = {"name": "phone", "start": "enquired", "stop": "first_contact", "duration": "1 hour"}


def test_bad_table_errors_name_the_column(tmp_path: Path) -> None:
    now = dt.datetime(2024, 4, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"first_contact_at, row 0: not an ISO 8601"):
        evaluate_table(pl.DataFrame([_row(first_contact_at="soon")]), EXAMPLE_TARGETS, now)
    with pytest.raises(ValueError, match="no column enquired_at"):
        evaluate_table(pl.DataFrame([_row()]).drop("enquired_at"), EXAMPLE_TARGETS, now)
    phone_rule = SLATarget.model_validate({**PHONE_RULE, "when": {"channels": ["phone"]}})
    phone = [*EXAMPLE_TARGETS, Target(phone_rule)]
    with pytest.raises(ValueError, match="no column channel"):
        evaluate_table(pl.DataFrame([_row()]).drop("channel"), phone, now)
    # Without ``when`` rules the channel, source and LA columns are not needed.
    slim = pl.DataFrame([_row()]).drop("channel", "source", "local_authority")
    assert len(evaluate_table(slim, EXAMPLE_TARGETS, now)) == 3
    with pytest.raises(TypeError):
        evaluate_table(pl.Series([1, 2]), EXAMPLE_TARGETS, now)


def test_csv_cells_stay_text_and_lazy_frames_work(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=JOURNEY_COLUMNS)
        writer.writeheader()
        writer.writerow(_row(enquiry_id="0042", source="123"))
    now = dt.datetime(2024, 4, 1, tzinfo=UTC)
    out = evaluate_table(path, EXAMPLE_TARGETS, now)
    assert out["enquiry_id"].to_list() == ["0042"] * 3
    lazy = evaluate_table(pl.DataFrame([_row()]).lazy(), EXAMPLE_TARGETS, now)
    assert isinstance(lazy, pl.DataFrame)
    assert lazy["status"].to_list() == ["breached", "breached", "not_started"]


def test_zone_matches_the_time_zone_database() -> None:
    """Offsets for every hour around each change from 1960 to 2040 (including British
    Standard Time, BST all year from 1968 to 1971), and wall times back to instants."""
    import numpy as np

    from fostering_hub.sla._bulk import epoch_us, zone_for

    instants = [
        dt.datetime(year, month, day, tzinfo=UTC) + dt.timedelta(minutes=30 * k)
        for year in range(1960, 2041)
        for month, day in ((3, 15), (10, 20), (1, 10), (7, 1))
        for k in range(0, 24 * 2 * 16, 7)
    ]
    utc = np.array([epoch_us(i) for i in instants], dtype=np.int64)
    zone = zone_for(utc)
    expected = np.array(
        [epoch_us(WorkingCalendar.local(i).replace(tzinfo=UTC)) for i in instants], dtype=np.int64
    )
    assert (zone.to_local(utc) == expected).all()
    walls = [WorkingCalendar.local(i) for i in instants]
    back = zone.to_utc(np.array([epoch_us(w.replace(tzinfo=UTC)) for w in walls]))
    assert (back == np.array([epoch_us(WorkingCalendar.instant(w)) for w in walls])).all()
    assert WorkingCalendar.local(dt.datetime(1970, 1, 10, tzinfo=UTC)).hour == 1


def test_long_clocks_on_sparse_calendars() -> None:
    """A due time years past the data (here in BST, July 2031) gets the right offset."""
    sundays = WorkingCalendar(working_days=frozenset({6}), closures=[dt.date(2025, 3, 30)])
    rule = SLATarget.model_validate(
        {
            "name": "long",
            "start": "enquired",
            "stop": "first_contact",
            "duration": "380 working days",
        }
    )
    target = Target(rule, sundays, DueConvention.SAME_TIME)
    rows = [_row(enquired_at="2024-03-30T10:00:00"), _row(enquired_at="2024-10-26T23:30:00")]
    expected = check_bulk_equals_scalar(rows, [target], dt.datetime(2033, 1, 1, tzinfo=UTC))
    assert dt.datetime.fromtimestamp(expected[0]["due_at"] / 1e6, UTC).year == 2031
