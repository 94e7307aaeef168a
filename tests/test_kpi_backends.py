"""Identical KPI figures on every backend: pandas, polars (eager and lazy), pyarrow, DuckDB
(default and own connection) and PySpark in local mode, each answered in its own kind.

PySpark needs Java; without it (or without pyspark) its tests are skipped with the reason
shown in the summary (``-ra``), not silently.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from _kpi_data import AS_OF, FINANCIAL_YEARS, ROWS, frame_rows, keyed
from fostering_hub.config import load_config
from fostering_hub.kpi import KPI_IDS, compute_kpis
from fostering_hub.models import JOURNEY_COLUMNS

CONFIG = load_config()
DEMO_AS_OF = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _working_hours_config() -> Any:
    """The North East config with a first-contact target the query cannot compute (a
    working calendar): the SLA engine's own path."""
    targets = [
        t.model_copy(update={"duration": "8 working hours"}) if t.name == "first_contact" else t
        for t in CONFIG.sla.targets
    ]
    targets = [type(t).model_validate(t.model_dump()) for t in targets]
    return CONFIG.model_copy(update={"sla": CONFIG.sla.model_copy(update={"targets": targets})})


WORKING_HOURS = _working_hours_config()


@pytest.fixture(scope="module")
def demo_rows() -> list[dict[str, str]]:
    """A synthetic year (300 enquiries) plus the fixed table's rows."""
    from fostering_hub.synthetic import generate_year

    year = generate_year(CONFIG, seed=11, enquiries=300, start=dt.date(2024, 1, 1))
    return [j.to_row() for j in year.journeys] + ROWS


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local SparkSession for the whole run (it takes seconds to start)."""
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("PySpark needs Java: no java on PATH and no JAVA_HOME")
    from pyspark.sql import SparkSession

    del pyspark
    session = (
        SparkSession.builder.master("local[1]")
        .appName("fostering-hub-kpi-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.session.timeZone", "America/New_York")  # must not matter
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _strings(rows: list[dict[str, str]], empty: Any = "") -> dict[str, list[Any]]:
    return {c: [r[c] if r[c] != "" else empty for r in rows] for c in JOURNEY_COLUMNS}


MAKERS: dict[str, Callable[[list[dict[str, str]]], Any]] = {
    "pandas": lambda rows: pd.DataFrame(_strings(rows)),
    "pandas, NaN for empty": lambda rows: pd.DataFrame(_strings(rows, None)),
    "polars": lambda rows: pl.DataFrame(_strings(rows)),
    "polars lazy": lambda rows: pl.DataFrame(_strings(rows, None)).lazy(),
    "pyarrow": lambda rows: pa.table(_strings(rows, None)),
    "duckdb": lambda rows: duckdb.from_arrow(pa.table(_strings(rows, None))),
    "duckdb, own connection": lambda rows: duckdb.connect().from_arrow(pa.table(_strings(rows))),
}
KINDS: dict[str, type] = {
    "pandas": pd.DataFrame,
    "pandas, NaN for empty": pd.DataFrame,
    "polars": pl.DataFrame,
    "polars lazy": pl.LazyFrame,
    "pyarrow": pa.Table,
    "duckdb": duckdb.DuckDBPyRelation,
    "duckdb, own connection": duckdb.DuckDBPyRelation,
}


def _spark_frame(spark: Any, rows: list[dict[str, str]]) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(c, StringType(), True) for c in JOURNEY_COLUMNS])
    return spark.createDataFrame(
        [tuple(r[c] or None for c in JOURNEY_COLUMNS) for r in rows], schema=schema
    )


def _canonical(result: Any) -> list[tuple[Any, ...]]:
    rows = frame_rows(result)
    return sorted(tuple(r.values()) for r in rows)


CALLS: list[dict[str, Any]] = [
    {"kpis": list(KPI_IDS), "by": ["local_authority"], "as_of": DEMO_AS_OF, "config": CONFIG},
    {
        "kpis": list(KPI_IDS),
        "by": ["channel", "source"],
        "period": "quarter",
        "as_of": DEMO_AS_OF,
        "config": WORKING_HOURS,
    },
]


@pytest.fixture(scope="module")
def reference(demo_rows: list[dict[str, str]]) -> list[list[tuple[Any, ...]]]:
    """Each call's figures on eager polars, the backend the others are compared with."""
    return [_canonical(compute_kpis(pl.DataFrame(demo_rows), **call)) for call in CALLS]


#: Backends the second call (the SLA engine's path) runs on: eager pandas and pyarrow,
#: and both ways rows go back to a lazy backend (polars; literal rows on DuckDB).
ENGINE_PATH = ("pandas", "pyarrow", "polars lazy", "duckdb, own connection")


@pytest.mark.parametrize("backend", list(MAKERS))
def test_same_figures_on_every_backend(
    backend: str, demo_rows: list[dict[str, str]], reference: list[list[tuple[Any, ...]]]
) -> None:
    for number, (call, expected) in enumerate(zip(CALLS, reference, strict=True)):
        if number and backend not in ENGINE_PATH:
            continue
        result = compute_kpis(MAKERS[backend](demo_rows), **call)
        assert isinstance(result, KINDS[backend]), type(result)
        assert _canonical(result) == expected


@pytest.mark.parametrize("backend", list(MAKERS))
def test_hand_computed_figures_on_every_backend(backend: str) -> None:
    result = compute_kpis(MAKERS[backend](ROWS), kpis=list(KPI_IDS), as_of=AS_OF, config=CONFIG)
    assert keyed(result) == FINANCIAL_YEARS


def test_pyspark(
    spark: Any, demo_rows: list[dict[str, str]], reference: list[list[tuple[Any, ...]]]
) -> None:
    """One call for the whole catalogue (PySpark builds and plans a query in tens of
    seconds), and the SLA engine's path, whose rows go back through the session."""
    from pyspark.sql import DataFrame

    frame = _spark_frame(spark, demo_rows)
    result = compute_kpis(frame, **CALLS[0])
    assert isinstance(result, DataFrame)
    assert _canonical(result) == reference[0]
    call = dict(CALLS[1], kpis=["first_contact_sla_rate"])
    engine = compute_kpis(frame, **call)
    assert isinstance(engine, DataFrame)
    expected = [r for r in reference[1] if r[3] == "first_contact_sla_rate"]
    assert _canonical(engine) == expected


def test_sla_rate_in_the_query_equals_the_sla_engine(
    demo_rows: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The in-query first-contact rule (elapsed time, callbacks) gives the SLA engine's
    own figures, with and without groups, as of several times."""
    from fostering_hub.kpi import _first_contact

    frame = pl.DataFrame(demo_rows)
    calls = [
        {"by": [], "as_of": DEMO_AS_OF},
        {"by": ["local_authority", "channel"], "period": "month", "as_of": DEMO_AS_OF},
        {"by": ["channel"], "as_of": dt.datetime(2024, 6, 3, 9, 30, tzinfo=dt.UTC)},
    ]
    in_query = [
        _canonical(compute_kpis(frame, kpis="first_contact_sla_rate", config=CONFIG, **c))
        for c in calls
    ]
    monkeypatch.setattr(_first_contact, "in_query", lambda targets: False)
    engine = [
        _canonical(compute_kpis(frame, kpis="first_contact_sla_rate", config=CONFIG, **c))
        for c in calls
    ]
    assert in_query == engine
    assert all(in_query)


def test_sla_engine_path_counts_what_the_engine_says(demo_rows: list[dict[str, str]]) -> None:
    """With a working-hours target the rate is the SLA engine's statuses, counted."""
    from fostering_hub.sla import evaluate_table, targets_from_config

    frame = pl.DataFrame(demo_rows)
    statuses = evaluate_table(frame, targets_from_config(WORKING_HOURS)[:1], DEMO_AS_OF)
    due = statuses["due_at"] <= DEMO_AS_OF
    counted = statuses.filter(due & (statuses["status"] != "not_applicable"))
    met = counted.filter(pl.col("status") == "met")
    result = compute_kpis(
        frame,
        kpis="first_contact_sla_rate",
        period="calendar_year",
        as_of=DEMO_AS_OF,
        config=WORKING_HOURS,
    )
    rows = frame_rows(result)
    assert sum(r["numerator"] for r in rows) == met.height  # type: ignore[misc]
    assert sum(r["denominator"] for r in rows) == counted.height  # type: ignore[misc]


def test_sla_engine_path_on_lazy_duckdb_of_any_connection(
    demo_rows: list[dict[str, str]],
) -> None:
    """A lazy frame with a working-time target: the engine's columns are collected and
    the few result rows handed back to the same backend and connection."""
    expected = _canonical(
        compute_kpis(
            pl.DataFrame(demo_rows),
            kpis=["enquiries", "first_contact_sla_rate"],
            by="local_authority",
            as_of=DEMO_AS_OF,
            config=WORKING_HOURS,
        )
    )
    connection = duckdb.connect()
    relation = connection.from_arrow(pa.table(_strings(demo_rows)))
    result = compute_kpis(
        relation,
        kpis=["enquiries", "first_contact_sla_rate"],
        by="local_authority",
        as_of=DEMO_AS_OF,
        config=WORKING_HOURS,
    )
    assert isinstance(result, duckdb.DuckDBPyRelation)
    assert _canonical(result) == expected
    lazy = compute_kpis(
        pl.DataFrame(demo_rows).lazy(),
        kpis=["enquiries", "first_contact_sla_rate"],
        by="local_authority",
        as_of=DEMO_AS_OF,
        config=WORKING_HOURS,
    )
    assert isinstance(lazy, pl.LazyFrame)
    assert _canonical(lazy) == expected


def test_lazy_stays_lazy(demo_rows: list[dict[str, str]]) -> None:
    """Nothing is computed until the caller collects (the in-query SLA rule)."""
    lazy = pl.DataFrame(demo_rows).lazy()
    result = compute_kpis(lazy, kpis=list(KPI_IDS), as_of=DEMO_AS_OF, config=CONFIG)
    assert isinstance(result, pl.LazyFrame)
    relation = duckdb.from_arrow(pa.table(_strings(demo_rows)))
    assert isinstance(
        compute_kpis(relation, kpis=list(KPI_IDS), as_of=DEMO_AS_OF, config=CONFIG),
        duckdb.DuckDBPyRelation,
    )


def test_narwhals_frames_come_back_as_narwhals(demo_rows: list[dict[str, str]]) -> None:
    frame = nw.from_native(pl.DataFrame(demo_rows))
    result = compute_kpis(frame, kpis="enquiries")
    assert isinstance(result, nw.DataFrame)
    lazy = compute_kpis(frame.lazy(), kpis="enquiries")
    assert isinstance(lazy, nw.LazyFrame)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_stable_api_frames_come_back_in_their_api(
    demo_rows: list[dict[str, str]], version: str
) -> None:
    stable = importlib.import_module(f"narwhals.stable.{version}")
    native = pl.DataFrame(demo_rows)
    expected = keyed(compute_kpis(native, kpis="enquiries"))
    relation = duckdb.from_arrow(native.to_arrow())
    for source in (native, native.lazy(), relation):
        frame = stable.from_native(source)
        result = compute_kpis(frame, kpis="enquiries")
        assert type(result) is type(frame)  # e.g. v1 reads a DuckDB relation as a DataFrame
        assert keyed(result.to_native()) == expected


def test_pyarrow_medians_are_exact() -> None:
    """pyarrow's group-by median is a t-digest estimate: the engine sorts instead."""
    rows = [
        dict(ROWS[0], enquiry_id=str(i), first_contact_at=f"2023-06-01T10:{i:02d}:00+01:00")
        for i in range(1, 60)
    ] + [dict(ROWS[0], enquiry_id="x", first_contact_at="2023-06-30T10:00:00+01:00")]
    table = pa.table(_strings(rows))
    result = keyed(compute_kpis(table, kpis="median_hours_to_first_contact"))
    # 60 values, 1 to 59 minutes and 29 days: the mean of the 30th and 31st, 30.5 minutes.
    median = 30.5 * 60 * 10**6 * (1.0 / 3_600_000_000)
    assert result == {("2023-24", "median_hours_to_first_contact", None): (median, None, None)}


DATETIMES = {
    "naive": {  # London wall time: the first run of 01:30 (BST), then 02:00 GMT
        "enquired_at": [
            dt.datetime(2024, 10, 27, 1, 30, 0, 250),
            dt.datetime(2024, 3, 31, 23, 30),
            None,
        ],
        "first_contact_at": [dt.datetime(2024, 10, 27, 2, 0, 0, 750), None, None],
    },
    "aware": {  # 23:30 UTC on 31 March is 1 April in London
        "enquired_at": [dt.datetime(2024, 3, 31, 23, 30, 0, 5, tzinfo=dt.UTC), None],
        "first_contact_at": [dt.datetime(2024, 4, 1, 0, 30, 0, 10, tzinfo=dt.UTC), None],
    },
}
EXPECTED_DATETIMES = {
    "naive": {
        ("2024-03", "enquiries", None): (1.0, None, None),
        ("2024-10", "enquiries", None): (1.0, None, None),
        ("2024-10", "median_hours_to_first_contact", None): (
            (5_400 * 10**6 + 500) * (1.0 / 3_600_000_000),
            None,
            None,
        ),
    },
    "aware": {
        ("2024-04", "enquiries", None): (1.0, None, None),
        ("2024-04", "median_hours_to_first_contact", None): (
            (3_600 * 10**6 + 5) * (1.0 / 3_600_000_000),
            None,
            None,
        ),
    },
}


@pytest.mark.parametrize("kind", ["naive", "aware"])
@pytest.mark.parametrize("backend", ["pandas", "polars", "pyarrow", "duckdb"])
def test_datetime_columns(backend: str, kind: str) -> None:
    data = DATETIMES[kind]
    makers = {
        "pandas": pd.DataFrame,
        "polars": pl.DataFrame,
        "pyarrow": pa.table,
        "duckdb": lambda d: duckdb.from_arrow(pa.table(d)),
    }
    frame = makers[backend](data)
    kpis = ["enquiries", "median_hours_to_first_contact"]
    if backend == "duckdb" and kind == "aware":
        # DuckDB keeps the time zone in the connection: aware columns need it to be UTC.
        for zone in ("Europe/London", "UTC"):
            connection = duckdb.connect()
            connection.execute(f"SET TimeZone = '{zone}'")
            frame = connection.from_arrow(pa.table(data))
            if zone != "UTC":
                with pytest.raises(NotImplementedError, match="time zone"):
                    compute_kpis(frame, kpis=kpis, period="month")
        assert keyed(compute_kpis(frame, kpis=kpis, period="month")) == EXPECTED_DATETIMES[kind]
        return
    assert keyed(compute_kpis(frame, kpis=kpis, period="month")) == EXPECTED_DATETIMES[kind]


# ----------------------------------------------------------------- the timestamp readers


def _texts_and_truth() -> tuple[list[str], list[tuple[int, int, int]]]:
    """Journey-table text in every form the format allows (``T`` or a space, seconds or
    not, 1 to 6 fraction digits, naive, ``Z``, positive and negative offsets), around
    every BST change from 1972 to 2100 and at the turns of months and years, with what
    each means by Python's ``zoneinfo``: ``(UTC us, London wall us, month key)``."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    us = dt.timedelta(microseconds=1)
    walls = [
        dt.datetime(year, month, day) + dt.timedelta(minutes=minute)
        for year in range(1972, 2101, 7)
        for month, days in ((3, range(15, 32)), (10, range(20, 32)))
        for day in days
        for minute in (30, 90, 150)
    ]
    walls += [
        dt.datetime(year, month, 1) + dt.timedelta(minutes=minute)
        for year in (1999, 2000, 2024, 2100)
        for month in (1, 3, 4, 11)
        for minute in (-90, -30, 0, 30, 90)
    ]
    offsets = [
        None,
        dt.timedelta(0),
        dt.timedelta(hours=1),
        dt.timedelta(hours=-5, minutes=-30),
        dt.timedelta(hours=13, minutes=45),
        dt.timedelta(minutes=-15),
    ]
    texts, truth = [], []
    for number, wall in enumerate(walls):
        offset = offsets[number % len(offsets)]
        minutes = number % 5 == 1  # no seconds
        fraction = 0 if minutes else (0, 500_000, 123_456, 1, 120_000)[number // 5 % 5]
        wall = wall.replace(microsecond=fraction)
        separator = " " if number % 7 == 0 else "T"
        timespec = "minutes" if minutes else "auto"
        text = wall.isoformat(separator, timespec)
        text = text.rstrip("0") if fraction else text  # 1 to 6 fraction digits
        if offset is None:
            instant = wall.replace(tzinfo=london, fold=0)  # first run, or moved on
        else:
            instant = wall.replace(tzinfo=dt.timezone(offset))
            if offset:
                sign = "+" if offset > dt.timedelta(0) else "-"
                minutes = abs(offset) // dt.timedelta(minutes=1)
                text += f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
            else:
                text += "Z"
        local = instant.astimezone(london)
        texts.append(text)
        truth.append(
            (
                (instant - epoch) // us,
                (local.replace(tzinfo=dt.UTC) - epoch) // us,
                local.year * 100 + local.month,
            )
        )
    return texts, truth


#: Each reader of text timestamps: the backend, ``native`` (its own parser, or string
#: slices and casts) and, on DuckDB, ``sql`` (the stages written as SQL text, or built
#: through narwhals), all of which must give the same instants and dates.
READERS: dict[str, tuple[str, bool, bool | None]] = {
    "polars, strptime": ("polars", True, None),
    "polars, slices": ("polars", False, None),
    "duckdb, cast, SQL text": ("duckdb", True, True),
    "duckdb, cast, narwhals": ("duckdb", True, False),
    "duckdb, slices": ("duckdb", False, None),
    "pandas": ("pandas", False, None),
    "pyarrow": ("pyarrow", False, None),
}


@pytest.mark.parametrize("reader", list(READERS))
def test_every_reader_gives_the_same_instants(reader: str) -> None:
    """polars' and DuckDB's own parsers and the portable one agree with ``zoneinfo`` on
    every form of text, every BST change from 1972 to 2100 and both sides of midnight."""
    from fostering_hub.kpi._prepare import _duckdb_reads_wall_time, prepare_timestamps

    backend, native, sql = READERS[reader]
    if backend == "duckdb" and native and not _duckdb_reads_wall_time(sql=bool(sql)):
        pytest.skip(f"DuckDB {duckdb.__version__} casts text otherwise: the portable parser")
    texts, truth = _texts_and_truth()
    makers = {
        "polars": lambda: pl.DataFrame({"t": texts}).lazy(),
        "duckdb": lambda: duckdb.connect().from_arrow(pa.table({"t": texts})),
        "pandas": lambda: pd.DataFrame({"t": texts}),
        "pyarrow": lambda: pa.table({"t": texts}),
    }
    frame = nw.from_native(makers[backend]())
    parsed = prepare_timestamps(frame, [], ["t"], ["t"], ["t"], "month", native=native, sql=sql)
    eager = parsed.collect() if isinstance(parsed, nw.LazyFrame) else parsed
    columns = (eager[f"_{field}_t"].to_list() for field in ("u", "l", "k"))
    got = list(zip(*columns, strict=True))
    assert got == truth


@pytest.mark.parametrize("period", ["month", "quarter"])
def test_duckdb_stages_as_sql_text_are_narwhals_stages(
    demo_rows: list[dict[str, str]], period: str
) -> None:
    """On DuckDB the timestamp stages are written as SQL text: the same columns, types and
    values as the stages built through narwhals, as a relation of the input's own
    connection (not the default one, and its time zone does not matter)."""
    from fostering_hub.kpi._prepare import _duckdb_reads_wall_time, prepare_timestamps

    if not _duckdb_reads_wall_time(sql=True):
        pytest.skip(f"DuckDB {duckdb.__version__} casts text otherwise: the portable parser")
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Pacific/Auckland'")
    relation = connection.from_arrow(pa.table(_strings(demo_rows)))
    frame = nw.from_native(relation)
    timestamps = list(JOURNEY_COLUMNS[4:13])
    local = [c for c in timestamps if c != "callback_requested_for"]
    buckets = local[:-1]
    prepared = {
        sql: prepare_timestamps(frame, ["enquiry_id"], timestamps, local, buckets, period, sql=sql)
        for sql in (True, False)
    }
    as_sql, as_narwhals = (prepared[sql].to_native() for sql in (True, False))
    assert isinstance(as_sql, duckdb.DuckDBPyRelation)
    assert as_sql.columns == as_narwhals.columns
    assert [str(t) for t in as_sql.types] == [str(t) for t in as_narwhals.types]
    rows = as_sql.order("enquiry_id").fetchall()
    assert rows == as_narwhals.order("enquiry_id").fetchall()
    assert len(rows) == len(demo_rows)
    # On the input's connection: it joins the input (relations of two connections do not).
    ids = relation.select("enquiry_id").set_alias("ids")
    joined = as_sql.set_alias("prepared").join(ids, "enquiry_id")
    assert len(joined.fetchall()) == len(demo_rows)
    with pytest.raises(ValueError, match="only for DuckDB"):
        prepare_timestamps(
            nw.from_native(pl.DataFrame(demo_rows)), [], ["enquired_at"], [], [], "month", sql=True
        )


@pytest.mark.parametrize("backend", ["polars", "polars lazy", "duckdb", "pandas"])
def test_text_that_is_not_a_timestamp_fails(backend: str) -> None:
    """Never a silent null: each reader fails the query on text that is not ISO 8601."""
    rows = [dict(ROWS[0], enquired_at="1 June 2024 at ten")]
    with pytest.raises(Exception):  # noqa: B017, PT011 - each backend's own error
        frame_rows(compute_kpis(MAKERS[backend](rows), kpis="enquiries"))
