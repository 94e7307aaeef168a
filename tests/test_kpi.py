"""The KPI engine on a small fixed journey table, figures computed by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from _kpi_data import AS_OF, FINANCIAL_YEARS, HARTLEPOOL, MIDDLESBROUGH, ROWS, frame_rows, keyed
from fostering_hub.config import load_config, parse_config
from fostering_hub.kpi import (
    CATALOGUE,
    KPI_IDS,
    RESULT_COLUMNS,
    KPIKind,
    compute_kpis,
    describe,
    to_wide,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config()


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return pl.DataFrame(ROWS)


def test_catalogue_ids_are_the_contract() -> None:
    assert KPI_IDS == (
        "enquiries",
        "first_contacts",
        "initial_visits",
        "eois",
        "handovers",
        "applications",
        "approvals",
        "withdrawals",
        "enquiry_to_application_rate",
        "application_to_approval_rate",
        "cohort_application_rate",
        "median_hours_to_first_contact",
        "first_contact_within_24h_rate",
        "first_contact_sla_rate",
        "median_days_application_to_approval",
        "median_days_enquiry_to_initial_visit",
        "median_days_enquiry_to_application",
        "initial_visit_within_days_rate",
        "withdrawals_by_reason",
        "enquiries_by_source",
    )
    assert all(k.definition.endswith(".") for k in CATALOGUE)
    assert [k.id for k in CATALOGUE if k.needs_as_of] == [
        "first_contact_within_24h_rate",
        "first_contact_sla_rate",
    ]
    assert describe("enquiries").kind is KPIKind.COUNT
    assert describe("median_hours_to_first_contact").unit == "hours"


def test_docs_table_is_generated_from_the_catalogue() -> None:
    from fostering_hub.kpi._catalogue import render_markdown

    generated = ROOT / "docs" / "_generated" / "kpis.md"
    assert generated.read_text(encoding="utf-8") == render_markdown(), (
        "docs/_generated/kpis.md is stale: run `make generated`"
    )


def test_every_figure_by_financial_year(table: pl.DataFrame) -> None:
    result = compute_kpis(table, kpis=list(KPI_IDS), as_of=AS_OF, config=CONFIG)
    assert isinstance(result, pl.DataFrame)
    assert result.columns == list(RESULT_COLUMNS)
    assert keyed(result) == FINANCIAL_YEARS
    # Sorted: period, then catalogue order, then breakdown.
    assert [r["kpi"] for r in frame_rows(result)][:3] == [
        "enquiries",
        "first_contacts",
        "initial_visits",
    ]
    assert result.schema["numerator"] == pl.Int64


def test_zero_denominators_and_zero_counts_have_no_row(table: pl.DataFrame) -> None:
    found = keyed(compute_kpis(table, kpis=list(KPI_IDS), as_of=AS_OF, config=CONFIG))
    # No approvals, EOIs or handovers in 2024-25: no count row, no median.
    for kpi in ("approvals", "eois", "handovers", "median_days_application_to_approval"):
        assert ("2024-25", kpi, None) not in found
    # As of 06:00 on 1 April, no 2024-25 enquiry has had its 24 hours: no rate row.
    early = dt.datetime(2024, 4, 1, 6, tzinfo=dt.UTC)
    found = keyed(compute_kpis(table, kpis=["first_contact_within_24h_rate"], as_of=early))
    assert ("2024-25", "first_contact_within_24h_rate", None) not in found
    assert found[("2023-24", "first_contact_within_24h_rate", None)] == (2 / 3, 2, 3)


def test_by_local_authority_with_unallocated(table: pl.DataFrame) -> None:
    result = compute_kpis(
        table,
        kpis=[
            "enquiries",
            "first_contacts",
            "first_contact_within_24h_rate",
            "enquiries_by_source",
        ],
        by="local_authority",
        as_of=AS_OF,
    )
    assert list(frame_rows(result)[0]) == ["period", "local_authority", *RESULT_COLUMNS[1:]]
    found = keyed(result, ("local_authority",))
    assert found[("2023-24", HARTLEPOOL, "enquiries", None)] == (2, None, None)
    assert found[("2023-24", MIDDLESBROUGH, "enquiries", None)] == (1, None, None)
    assert found[("2023-24", "unallocated", "enquiries", None)] == (1, None, None)  # D
    assert found[("2024-25", "unallocated", "enquiries", None)] == (1, None, None)  # C
    assert found[("2024-25", "unallocated", "first_contacts", None)] == (1, None, None)  # D's
    assert found[("2024-25", "unallocated", "first_contact_within_24h_rate", None)] == (0.0, 0, 1)
    assert found[("2024-25", "unallocated", "enquiries_by_source", "social media")] == (
        1,
        None,
        None,
    )
    assert ("2023-24", "unallocated", "first_contacts", None) not in found
    locals_ = [r["local_authority"] for r in frame_rows(result)]
    assert "" not in locals_
    assert None not in locals_


def test_several_group_by_columns(table: pl.DataFrame) -> None:
    found = keyed(
        compute_kpis(table, kpis="enquiries", by=["local_authority", "channel", "source"]),
        ("local_authority", "channel", "source"),
    )
    assert found[("2023-24", HARTLEPOOL, "phone", "unknown", "enquiries", None)] == (1, None, None)
    assert sum(v[0] for v in found.values()) == 8  # type: ignore[misc]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # D (31 March, BST) and E (31 March, the night BST starts) against C (1 April in
        # London, still 31 March in UTC) and H (midnight starting 1 April).
        ("month", {"2023-06": 2, "2024-03": 2, "2024-04": 2, "2024-05": 1, "2024-10": 1}),
        ("quarter", {"2023-24 Q1": 2, "2023-24 Q4": 2, "2024-25 Q1": 3, "2024-25 Q3": 1}),
        ("financial_year", {"2023-24": 4, "2024-25": 4}),
        ("calendar_year", {"2023": 2, "2024": 6}),
    ],
)
def test_periods_follow_the_london_date(
    table: pl.DataFrame, period: str, expected: dict[str, int]
) -> None:
    result = compute_kpis(table, kpis="enquiries", period=period)
    assert {r["period"]: r["value"] for r in frame_rows(result)} == expected


def test_quarter_labels_and_order() -> None:
    rows = [
        dict(ROWS[0], enquiry_id=f"Q{m}", enquired_at=f"2024-{m:02d}-15T12:00")
        for m in range(1, 13)
    ]
    result = compute_kpis(pl.DataFrame(rows), kpis="enquiries", period="quarter")
    assert [(r["period"], r["value"]) for r in frame_rows(result)] == [
        ("2023-24 Q4", 3),
        ("2024-25 Q1", 3),
        ("2024-25 Q2", 3),
        ("2024-25 Q3", 3),
    ]
    turn = [
        dict(ROWS[0], enquired_at="1999-04-01T12:00"),
        dict(ROWS[0], enquired_at="2099-12-31T23:59:59Z"),
    ]
    result = compute_kpis(pl.DataFrame(turn), kpis="enquiries", period="financial_year")
    assert [r["period"] for r in frame_rows(result)] == ["1999-00", "2099-00"]


def test_sla_rate_honours_callbacks_and_the_config(table: pl.DataFrame) -> None:
    # Without honouring callbacks, B (contacted 81 hours on) misses the 24 hours.
    strict = CONFIG.model_copy(
        update={
            "sla": CONFIG.sla.model_copy(
                update={
                    "targets": [
                        t.model_copy(update={"honour_callback_request": False})
                        for t in CONFIG.sla.targets
                    ]
                }
            )
        }
    )
    found = keyed(compute_kpis(table, kpis="first_contact_sla_rate", as_of=AS_OF, config=strict))
    assert found[("2023-24", "first_contact_sla_rate", None)] == (0.75, 3, 4)
    # Due in the future (a callback asked for later than the as-of time): not counted yet.
    as_of = dt.datetime(2023, 6, 4, tzinfo=dt.UTC)
    found = keyed(compute_kpis(table, kpis="first_contact_sla_rate", as_of=as_of, config=CONFIG))
    assert found[("2023-24", "first_contact_sla_rate", None)] == (1.0, 1, 1)  # A only


def test_sla_rules_with_when_conditions(table: pl.DataFrame) -> None:
    config = parse_config(
        """
config_version = 1
[hub]
id = "t"
brand_name = "Test hub"
host_la = "E06000001"
[[members]]
gss_code = "E06000001"
[[members]]
gss_code = "E06000002"
[[sla.targets]]
name = "first_contact"
when = { channels = ["phone"] }
start = "enquired"
stop = "first_contact"
duration = "8 hours"
[[sla.targets]]
name = "first_contact"
when = { local_authorities = ["E06000002"] }
start = "enquired"
stop = "first_contact"
duration = "30 minutes"
"""
    )
    found = keyed(compute_kpis(table, kpis="first_contact_sla_rate", as_of=AS_OF, config=config))
    # Phone: B (81 h, no callbacks honoured) breached, H (9 h) breached; Middlesbrough:
    # E and F (1 h) breached, G never contacted; A, C, D: no rule applies.
    assert found[("2023-24", "first_contact_sla_rate", None)] == (0.0, 0, 2)  # B E
    assert found[("2024-25", "first_contact_sla_rate", None)] == (0.0, 0, 3)  # H F G


def test_initial_visit_days_come_from_the_config(table: pl.DataFrame) -> None:
    config = CONFIG.model_copy(
        update={"reporting": CONFIG.reporting.model_copy(update={"initial_visit_within_days": 15})}
    )
    found = keyed(compute_kpis(table, kpis="initial_visit_within_days_rate", config=config))
    assert found[("2024-25", "initial_visit_within_days_rate", None)] == (1.0, 2, 2)


def test_default_kpis_are_the_configs(table: pl.DataFrame) -> None:
    result = compute_kpis(table, as_of=AS_OF, config=CONFIG)
    assert {r["kpi"] for r in frame_rows(result)} == set(CONFIG.reporting.kpis)
    everything = compute_kpis(table, as_of=AS_OF)
    assert {r["kpi"] for r in frame_rows(everything)} == set(KPI_IDS)


def test_as_of_is_needed_and_never_guessed(table: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="first_contact_sla_rate need"):
        compute_kpis(table, kpis=["enquiries", "first_contact_sla_rate"])
    with pytest.raises(ValueError, match="as_of"):
        compute_kpis(table)  # the whole catalogue includes the first-contact rates
    assert compute_kpis(table, kpis="enquiries").height == 2


def test_a_naive_as_of_is_london_time(table: pl.DataFrame) -> None:
    # F's 24 hours end at 00:30 UTC on 28 October 2024, 00:30 in London (GMT).
    kpi = "first_contact_within_24h_rate"
    london = keyed(compute_kpis(table, kpis=kpi, as_of=dt.datetime(2024, 10, 28, 0, 30)))
    utc = keyed(
        compute_kpis(table, kpis=kpi, as_of=dt.datetime(2024, 10, 28, 0, 29, tzinfo=dt.UTC))
    )
    assert london[("2024-25", kpi, None)][2] == utc[("2024-25", kpi, None)][2] + 1  # type: ignore[operator]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": ["enquiries", "nope"]}, "unknown KPI id"),
        ({"kpis": []}, "no KPIs"),
        ({"by": ["postcode"]}, "cannot group by postcode"),
        ({"by": ["channel", "channel"]}, "twice"),
        ({"period": "week"}, "unknown period"),
    ],
)
def test_bad_arguments(table: pl.DataFrame, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_kpis(table, **kwargs)  # type: ignore[arg-type]


def test_duplicates_hook(table: pl.DataFrame) -> None:
    assert compute_kpis(table, kpis="enquiries", duplicates="keep").height == 2
    with pytest.raises(NotImplementedError, match="duplicate-aware counts"):
        compute_kpis(table, kpis="enquiries", duplicates="first")


def test_missing_columns_and_bad_inputs(table: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="no column approved_at"):
        compute_kpis(table.drop("approved_at"), kpis="approvals")
    # Columns a KPI does not read may be missing.
    assert compute_kpis(table.drop("approved_at"), kpis="enquiries").height == 2
    with pytest.raises(TypeError, match="expected a data frame"):
        compute_kpis([1, 2, 3], kpis="enquiries")
    with pytest.raises(TypeError, match="expected ISO 8601 text or datetimes"):
        compute_kpis(table.with_columns(pl.lit(1.5).alias("enquired_at")), kpis="enquiries")


def test_csv_path(tmp_path: Path) -> None:
    from fostering_hub.models import JOURNEY_COLUMNS

    path = tmp_path / "journeys.csv"
    pl.DataFrame(ROWS).select(JOURNEY_COLUMNS).write_csv(path)
    result = compute_kpis(path, kpis=list(KPI_IDS), as_of=AS_OF, config=CONFIG)
    assert isinstance(result, pl.DataFrame)
    assert keyed(result) == FINANCIAL_YEARS
    assert keyed(compute_kpis(str(path), kpis="enquiries")) == keyed(
        compute_kpis(pl.DataFrame(ROWS), kpis="enquiries")
    )


def test_datetime_columns() -> None:
    # Aware datetimes are instants; naive ones London wall time.
    aware = pl.DataFrame(
        {
            "enquired_at": [dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC), None],
            "first_contact_at": [dt.datetime(2024, 4, 1, 0, 30, tzinfo=dt.UTC), None],
        }
    )
    found = keyed(compute_kpis(aware, kpis=["enquiries", "median_hours_to_first_contact"]))
    assert found == {
        ("2024-25", "enquiries", None): (1, None, None),
        ("2024-25", "median_hours_to_first_contact", None): (1.0, None, None),
    }
    naive = pl.DataFrame(
        {
            "enquired_at": [dt.datetime(2024, 10, 27, 1, 30)],  # first run, BST
            "first_contact_at": [dt.datetime(2024, 10, 27, 2, 0)],  # GMT: 1 h 30 min on
        }
    )
    found = keyed(compute_kpis(naive, kpis="median_hours_to_first_contact"))
    assert found == {("2024-25", "median_hours_to_first_contact", None): (1.5, None, None)}


def test_fractions_offsets_and_forms() -> None:
    base = dict(ROWS[0], first_contact_at="", initial_visit_at="", eoi_at="", handed_over_at="")
    base |= {"application_at": "", "approved_at": ""}
    texts = [
        ("2024-06-01T10:00:00.5+01:00", "2024-06-01T09:00:01.25Z"),  # 0.75 s
        ("2024-06-01 10:00", "2024-06-01T10:00:00.000001"),  # 1 microsecond, space
        ("2024-06-01T10:00-05:30", "2024-06-01T17:30+01:00"),  # 1 hour
        ("2024-06-01T10:00:00.123456-00:15", "2024-06-01T10:15:00.123457Z"),  # 1 us
    ]
    rows = [
        dict(base, enquiry_id=str(i), enquired_at=a, first_contact_at=b)
        for i, (a, b) in enumerate(texts)
    ]
    result = compute_kpis(pl.DataFrame(rows), kpis="median_hours_to_first_contact")
    # Microseconds: 1, 1, 750,000 and 3,600,000,000; the median is the middle two's mean.
    assert frame_rows(result)[0]["value"] == 375_000.5 * (1.0 / 3_600_000_000)


def test_bst_rules_match_the_time_zone_database() -> None:
    """Every change from 1972 to 2100 against the tz database (through the engine)."""
    from zoneinfo import ZoneInfo

    import narwhals as nw

    from fostering_hub.kpi._prepare import prepare_timestamps

    london = ZoneInfo("Europe/London")
    rows = []
    expected = []
    for year in range(1972, 2101):
        for month, day in ((3, 1), (3, 15), (4, 1), (10, 1), (10, 20), (11, 1)):
            # Every hour of a window around the changes, as UTC text.
            for hour in range(0, 24 * 16, 7):
                utc = dt.datetime(year, month, day, tzinfo=dt.UTC) + dt.timedelta(hours=hour)
                local = utc.astimezone(london)
                rows.append({"enquired_at": utc.strftime("%Y-%m-%dT%H:%M:%SZ")})
                expected.append(local.strftime("%Y-%m"))
    frame = pl.DataFrame(rows).with_row_index("i")
    result = compute_kpis(frame, kpis="enquiries", period="month")
    counts: dict[str, int] = {}
    for period in expected:
        counts[period] = counts.get(period, 0) + 1
    assert {r["period"]: r["value"] for r in frame_rows(result)} == counts
    # And wall times around each change to UTC: zoneinfo's fold=0 reads a repeated wall
    # time as its first run and a skipped one with the offset before the change (so it
    # moves on by the gap), as the journey table and the SLA engine do.
    walls, instants = [], []
    for year in range(1972, 2101, 3):
        for month in (3, 10):
            for day in range(15, 32):
                for minute in (30, 90, 150):
                    wall = dt.datetime(year, month, day) + dt.timedelta(minutes=minute)
                    walls.append(wall.isoformat())
                    instant = wall.replace(tzinfo=london, fold=0).astimezone(dt.UTC)
                    instants.append(int(instant.timestamp()) * 10**6)
    parsed = prepare_timestamps(
        nw.from_native(pl.DataFrame({"t": walls})), [], ["t"], [], [], "month"
    )
    assert parsed["_u_t"].to_list() == instants


def test_to_wide(table: pl.DataFrame) -> None:
    long = compute_kpis(
        table,
        kpis=["enquiries", "approvals", "cohort_application_rate", "withdrawals_by_reason"],
        by="local_authority",
    )
    wide = to_wide(long)
    assert isinstance(wide, pl.DataFrame)
    assert wide.columns == [
        "period",
        "local_authority",
        "enquiries",
        "approvals",
        "cohort_application_rate",
        "withdrawals_by_reason:AW0",
        "withdrawals_by_reason:AW3",
    ]
    row = wide.filter(pl.col("period") == "2023-24", pl.col("local_authority") == HARTLEPOOL)
    assert row.row(0) == ("2023-24", HARTLEPOOL, 2.0, 1.0, 0.5, 0.0, 1.0)
    denominators = to_wide(long, values="denominator")
    assert denominators.filter(pl.col("local_authority") == HARTLEPOOL)[
        "cohort_application_rate"
    ].to_list() == [2.0, 1.0]
    assert to_wide(long.lazy()).collect().equals(wide)
    with pytest.raises(ValueError, match="values must be"):
        to_wide(long, values="nope")


def test_import_is_light() -> None:
    code = (
        "import sys, json; import fostering_hub.kpi; "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout))
    assert loaded.isdisjoint({"numpy", "pandas", "polars", "narwhals", "matplotlib", "pyarrow"})
    code = code.replace("import fostering_hub.kpi", "import fostering_hub.kpi.plot")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert "matplotlib" not in json.loads(out.stdout)
