"""Reading a journey table's columns into numbers every backend computes alike.

Timestamps become **UTC microseconds since the Unix epoch** (Int64) and reporting periods
come from their **Europe/London local date**, both by plain integer arithmetic on
narwhals expressions: ``+ - * / %``, ``floor`` and ``when``. Backends differ in their
time-zone support (DuckDB and PySpark keep the time zone in the session, narwhals has no
``timestamp()`` there, pyarrow has no zone database on some platforms), so the engine
uses none of it; durations are differences of integers, so nothing is rounded.

Text is read into the *written* wall time and offset: with polars' own ``strptime`` on
polars and DuckDB's own ``CAST(text AS TIMESTAMP)`` on DuckDB (only the wall time, never
a zone; the cast only where a check finds that it reads every form of the format as the
portable reader does), elsewhere with string slices and casts. A test runs every reader
on every form of text around every BST change and compares it with ``zoneinfo``. On
DuckDB the same expressions are written as SQL text (``_sql``), which DuckDB takes in
much less time than narwhals' translation of them.

Text cells follow the journey table format (``docs/journey-table.md``): ISO 8601, with an
offset or ``Z`` an instant, without one Europe/London wall time (an hour repeated when
BST ends is read as its first run, in BST; an hour skipped when BST starts moves on by
the gap, as the SLA engine reads it). Datetime columns are accepted too: timezone-aware
ones are instants, naive ones London wall time. The table is not validated: check it
first (:func:`fostering_hub.models.iter_journey_table`) if it may hold bad rows; text that
is not ISO 8601 usually fails the query with a cast error.

Europe/London's rules are computed, not looked up: BST from the last Sunday of March to
the last Sunday of October at 01:00 UTC since 1996, with the earlier rules back to 1972
(a test checks every change from 1972 to 2100 against the time-zone database). Times
before 1972 are out of range.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ._periods import Period, period_key

if TYPE_CHECKING:
    import narwhals as nw

US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
_EPOCH_SHIFT = 719_468  # days from 0000-03-01 to 1970-01-01 (proleptic Gregorian)
_ABSENT = "1970-01-01T00:00Z"  # parsed in place of an empty cell; it is 0 exactly
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)  # a wall time, as DuckDB casts text

#: An expression the calendar arithmetic and the stages build: a narwhals Expr, or an
#: `_sql.Expr` where they are written as DuckDB SQL text (see `prepare_timestamps`).
Expr = Any

GROUP_COLUMNS: tuple[str, ...] = ("local_authority", "channel", "source")
"""The columns results can be grouped by."""
EMPTY_LABELS = {"local_authority": "unallocated", "channel": "unknown", "source": "unknown"}
"""What an empty group-by cell is shown as."""


# --------------------------------------------------------------------------- frames


def load(source: Any) -> tuple[nw.DataFrame[Any] | nw.LazyFrame[Any], Callable[[Any], Any]]:
    """A narwhals frame for ``source`` and a function giving a result back in its kind.

    ``source`` is a native frame narwhals reads (pandas, polars, pyarrow, DuckDB,
    PySpark, ...), a narwhals frame, or the path of a journey table CSV (read with
    polars if installed, else pandas, every column as text).
    """
    import narwhals as nw

    if isinstance(source, str | Path):
        try:
            import polars  # noqa: F401
        except ImportError:  # pragma: no cover - depends on what is installed
            frame = nw.read_csv(str(source), backend="pandas", dtype=str, keep_default_na=False)
        else:
            frame = nw.read_csv(str(source), backend="polars", infer_schema=False)
        return frame, lambda result: result.to_native()
    if type(source) in (nw.DataFrame, nw.LazyFrame):
        return source, lambda result: result
    if isinstance(source, nw.DataFrame | nw.LazyFrame):
        # A frame of a stable API (``narwhals.stable.v1`` reads a DuckDB relation as a
        # DataFrame, for one): computed as the main API reads its native frame, and given
        # back through the same stable API.
        stable = sys.modules[type(source).__module__]
        again = nw.from_native(source.to_native())
        return again, lambda result: stable.from_native(result.to_native())
    try:
        native = nw.from_native(source)
    except TypeError:
        raise TypeError(
            "expected a data frame (pandas, polars, pyarrow, DuckDB, PySpark, ...) "
            f"or a CSV path, not {type(source).__name__}"
        ) from None
    if not isinstance(native, nw.DataFrame | nw.LazyFrame):
        raise TypeError(f"expected a data frame, not a series ({type(source).__name__})")
    return native, lambda result: result.to_native()


def require_columns(frame: nw.DataFrame[Any] | nw.LazyFrame[Any], columns: set[str]) -> None:
    """``ValueError`` naming the columns of ``columns`` the frame lacks."""
    missing = sorted(columns - set(frame.collect_schema().names()))
    if missing:
        raise ValueError(f"not a journey table: no column {', '.join(missing)}")


# --------------------------------------------------------------------------- calendar


def floor_div(dividend: nw.Expr, divisor: int) -> nw.Expr:
    """``dividend // divisor`` for a non-negative Int64 ``dividend`` below 2**53, exactly
    on any backend (the portable fallback of :class:`Arithmetic`).

    Not narwhals' ``//``, whose translation differs between versions and backends (on
    DuckDB some versions repeat the operand in a ``CASE``), and polars divides by a
    constant as a multiplication by its reciprocal, which can land an ulp either side of a
    whole number. Here ``dividend - dividend % divisor`` is an exact multiple
    ``k * divisor``; adding half the divisor puts the quotient at ``k + 0.5``, so
    ``floor`` gives ``k`` whichever way the backend divides.
    """
    import narwhals as nw

    centred = dividend - dividend % divisor + divisor / 2
    return (centred / divisor).floor().cast(nw.Int64())


class Arithmetic:
    """Exact integer ``//`` and ``%`` by a positive constant, the cheapest way the frame's
    backend has (the calendar arithmetic below is mostly these).

    - polars: its own ``//`` and ``%`` (integer kernels; its ``/`` by a constant is a
      multiplication by the reciprocal, so not exact).
    - DuckDB, PySpark, pandas and pyarrow: ``floor(x / n)``. Their ``/`` is IEEE
      division, correctly rounded: for integers below 2**53 the quotient is never rounded
      across a whole number, so its floor is exact. (narwhals' ``//`` and ``%`` emulate
      polars' semantics there with extra operations per row.)
    - anything else: :func:`floor_div`, exact however the backend divides.

    ``x % n`` is ``x - (x // n) * n`` except on polars.
    """

    def __init__(self, implementation: nw.Implementation) -> None:
        import narwhals as nw

        self.native = implementation is nw.Implementation.POLARS
        self.ieee = implementation in (
            nw.Implementation.DUCKDB,
            nw.Implementation.PYSPARK,
            nw.Implementation.PYSPARK_CONNECT,
            nw.Implementation.PANDAS,
            nw.Implementation.PYARROW,
        )

    def div(self, dividend: Expr, divisor: int) -> Expr:
        import narwhals as nw

        if self.native:
            return dividend // divisor
        if self.ieee:
            return (dividend / divisor).floor().cast(nw.Int64())
        return floor_div(dividend, divisor)

    def mod(self, dividend: Expr, divisor: int) -> Expr:
        if self.native:
            return dividend % divisor
        return dividend - self.div(dividend, divisor) * divisor


def _bst_changes(year: Expr, march: Expr, ns: Any) -> tuple[Expr, Expr, Expr]:
    """When BST starts and ends in ``year`` (Europe/London since 1972), ``march`` being the
    day number of 1 March that year, as ``(start, end, hour)``: each change is at ``hour``
    (UTC microseconds) on the first Sunday on or after day number ``start - 3`` or
    ``end - 3`` (see :func:`_sunday_at`):

    - 1972-1980: Sunday on or after 16 March to Sunday on or after 23 October, 02:00 GMT;
    - 1981-1995: last Sunday of March to Sunday on or after 23 October (22 from 1990),
      01:00 UTC;
    - since 1996: last Sunday of March to last Sunday of October, 01:00 UTC.
    """
    early = year <= 1980
    hour = ns.when(early).then(ns.lit(2 * HOUR_US)).otherwise(ns.lit(HOUR_US))
    start = march + ns.when(early).then(ns.lit(15 + 3)).otherwise(ns.lit(24 + 3))  # 16/25 Mar
    end = march + (  # 23 / 22 / 25 October, as days after 1 March
        ns.when(year <= 1989)
        .then(ns.lit(214 + 22 + 3))
        .when(year <= 1995)
        .then(ns.lit(214 + 21 + 3))
        .otherwise(ns.lit(214 + 24 + 3))
    )
    return start, end, hour


def _sunday_at(shifted: Expr, hour: Expr, ops: Arithmetic) -> Expr:
    """UTC microseconds at ``hour`` on the first Sunday on or after day number
    ``shifted - 3``. 1970-01-01 (day 0) was a Thursday, so ``(day + 3) % 7`` is the
    weekday of ``day``, Monday 0 to Sunday 6, and that Sunday is
    ``day + 6 - (day + 3) % 7``, that is ``shifted + 3 - shifted % 7``, or
    ``7 * (shifted // 7) + 3`` (``shifted`` written once)."""
    return (ops.div(shifted, 7) * 7 + 3) * DAY_US + hour


# --------------------------------------------------------------------------- instants
# Each stage is one `select` of the columns still needed, so the plan stays shallow and
# narrow (DuckDB's planner slows down sharply with deep chains of wide projections), and
# a value used several times by the next stage is a column, not a repeated subtree
# (pandas, pyarrow and eager polars evaluate every node of an expression tree).
#
# Stages 0-3 read a column into fields of the written (wall-clock) time: `_p_` (present),
# `_y_`, `_mo_`, `_d_` (the written date), either `_tod_` (the written time of day) or
# `_w_` (the whole written wall time as microseconds, where the backend parses it
# natively), `_naive_` (no offset written) and `_offus_` (the written offset). Stages 4-7
# turn them into `_u_`, stage 8 into `_l_`, stages 9-11 into the period key `_k_`.

#: A stage's columns: name -> expression, or None for a column passed on as it is.
Stage = dict[str, "Expr | None"]
Frame = Any  # a narwhals DataFrame or LazyFrame (see `_compute.Frame`)
_FIELD_STAGES = 4
_STAGES = _FIELD_STAGES + 4 + 1 + 3


@overload
def _col(column: str, field: str) -> nw.Expr: ...
@overload
def _col(column: str, field: str, ns: Any) -> Any: ...
def _col(column: str, field: str, ns: Any = None) -> Any:
    """The stage column ``field`` of timestamp ``column`` (``_<field>_<column>``), built
    with ``ns`` (narwhals by default, or ``_sql``)."""
    if ns is None:
        import narwhals as ns

    return ns.col(f"_{field}_{column}")


def _text_stages(column: str, nullable: bool) -> list[Stage]:
    """Stages 0-3 for an ISO 8601 text column, with string slices and casts: the text,
    its shape, then the fields (``_tod_``).

    With ``nullable`` an empty cell becomes null and every later value of its row is
    null too. Otherwise (pandas, whose integer columns cannot hold nulls) it is parsed as
    the epoch, so that casts never see an empty string.
    """
    import narwhals as nw

    integer = nw.Int64()
    cell = nw.col(column).fill_null("")
    present = cell != ""
    text = _col(column, "t")

    def digits(start: int, length: int) -> nw.Expr:
        return text.str.slice(start, length).cast(integer)

    def digits_if(condition: nw.Expr, start: int, length: int, of: nw.Expr = text) -> nw.Expr:
        # Choose the text first and cast after, so no backend casts text that is not
        # digits (polars and pandas evaluate both branches of a `when`).
        chosen = nw.when(condition).then(of.str.slice(start, length)).otherwise(nw.lit("0"))
        return chosen.cast(integer)

    tail, zulu, offset = _col(column, "tail"), _col(column, "z"), _col(column, "off")
    body = _col(column, "body")
    # The last six characters: "+HH:MM" or "-HH:MM" where an offset is written.
    plus, minus = tail.str.starts_with("+"), tail.str.starts_with("-")
    # 1 to 6 digits after "." (position 19), up to the offset or the end; right-padded.
    fraction = text.str.slice(20, 6).str.replace_all(r"[^0-9].*$", "").str.pad_end(6, "0")
    negative = nw.when(_col(column, "neg")).then(nw.lit(-MINUTE_US)).otherwise(nw.lit(MINUTE_US))
    date = ("y", "mo", "d")
    return [
        {
            f"_p_{column}": present,
            f"_t_{column}": nw.when(present).then(cell)
            if nullable
            else nw.when(present).then(cell).otherwise(nw.lit(_ABSENT)),
        },
        {
            **_keep(column, "p", "t"),
            f"_z_{column}": text.str.ends_with("Z"),
            f"_tail_{column}": text.str.slice(-6),
            f"_len_{column}": text.str.len_chars().cast(integer),
            f"_y_{column}": digits(0, 4),
            f"_mo_{column}": digits(5, 2),
            f"_d_{column}": digits(8, 2),
            f"_hm_{column}": digits(11, 2) * HOUR_US + digits(14, 2) * MINUTE_US,
        },
        {
            **_keep(column, "p", "t", "z", *date, "hm", "tail"),
            f"_off_{column}": plus | minus,
            f"_neg_{column}": minus,
            f"_body_{column}": _col(column, "len")
            - nw.when(zulu).then(nw.lit(1)).when(plus | minus).then(nw.lit(6)).otherwise(nw.lit(0)),
        },
        {
            **_keep(column, "p", *date),
            f"_tod_{column}": _col(column, "hm")
            + digits_if(body >= 19, 17, 2) * US
            + nw.when(body >= 21).then(fraction).otherwise(nw.lit("0")).cast(integer),
            f"_naive_{column}": ~zulu & ~offset,
            f"_offus_{column}": (
                digits_if(offset, 1, 2, of=tail) * 60 + digits_if(offset, 4, 2, of=tail)
            )
            * negative,
        },
    ]


def _text_stages_native(column: str, ns: Any) -> list[Stage]:
    """Stages 0-3 for an ISO 8601 text column on DuckDB: the written wall time (``_w_``)
    and date from DuckDB's own ``CAST(text AS TIMESTAMP)``, which reads every form of the
    journey table and ignores a written offset (checked by :func:`_duckdb_reads_wall_time`
    before it is used); the offset from string slices, as :func:`_text_stages` reads it.
    ``ns``: narwhals, or :mod:`._sql` (see :func:`prepare_timestamps`)."""
    import narwhals as nw

    field = functools.partial(_col, column, ns=ns)

    integer = nw.Int64()
    cell = ns.col(column).fill_null("")
    present = cell != ""
    text, tail, wall, offset = field("t"), field("tail"), field("ts"), field("off")

    def digits(start: int, length: int) -> Expr:
        return tail.str.slice(start, length).cast(integer)

    # DuckDB evaluates a `CASE` branch only for the rows that take it (an empty cell or
    # one without an offset costs nothing here).
    sign = ns.when(field("neg")).then(ns.lit(-MINUTE_US)).otherwise(ns.lit(MINUTE_US))
    written = (digits(1, 2) * 60 + digits(4, 2)) * sign
    return [
        {f"_p_{column}": present, f"_t_{column}": ns.when(present).then(cell)},
        {
            **_keep(column, "p", "t"),
            f"_ts_{column}": text.cast(nw.Datetime("us")),
            f"_z_{column}": text.str.ends_with("Z"),
            f"_tail_{column}": text.str.slice(-6),  # "+HH:MM" or "-HH:MM" if written
        },
        {
            **_keep(column, "p", "ts", "z", "tail"),
            f"_off_{column}": tail.str.starts_with("+") | tail.str.starts_with("-"),
            f"_neg_{column}": tail.str.starts_with("-"),
        },
        {
            **_keep(column, "p"),
            f"_y_{column}": wall.dt.year().cast(integer),
            f"_mo_{column}": wall.dt.month().cast(integer),
            f"_d_{column}": wall.dt.day().cast(integer),
            f"_w_{column}": (wall - ns.lit(_EPOCH_NAIVE)).dt.total_microseconds().cast(integer),
            f"_naive_{column}": ~field("z") & ~offset,
            f"_offus_{column}": ns.when(offset).then(written).otherwise(ns.lit(0)),
        },
    ]


#: Text the journey table allows, and the wall time (as microseconds) each must give.
_PROBES = {
    "2024-06-01T10:00:00.5+01:00": 1_717_236_000_500_000,
    "2024-06-01T09:00:01.25Z": 1_717_232_401_250_000,
    "2024-06-01 10:00": 1_717_236_000_000_000,
    "2024-06-01T10:00:00.000001": 1_717_236_000_000_001,
    "2024-06-01T10:00-05:30": 1_717_236_000_000_000,
    "2024-02-29T23:59:59.123456-00:15": 1_709_251_199_123_456,
    "1972-03-19T01:30:00": 69_816_600_000_000,
    "2100-10-31T23:59:59Z": 4_128_710_399_000_000,
}


@functools.cache
def _duckdb_reads_wall_time(sql: bool = False) -> bool:
    """True if this DuckDB's ``CAST(text AS TIMESTAMP)``, through narwhals (with ``sql``,
    written by :mod:`._sql`), gives the written wall time of every form the journey table
    allows (offsets ignored, 1 to 6 fraction digits, ``T`` or a space, seconds optional),
    so the engine may use it. Asked once per process, on a connection of its own."""
    import duckdb
    import narwhals as nw

    expected = []
    for wall in _PROBES.values():
        date = (_EPOCH_NAIVE + dt.timedelta(microseconds=wall)).date()
        expected.append((wall, date.year, date.month, date.day))
    values = ", ".join(f"('{text}')" for text in _PROBES)  # our own constants
    try:
        connection = duckdb.connect()
        try:
            frame = nw.from_native(connection.sql(f"SELECT * FROM (VALUES {values}) v(t)"))
            stages = _text_stages_native("t", _namespace(sql))
            if sql:
                from ._sql import select_stages

                frame = nw.from_native(select_stages(frame.to_native(), [], stages))
            else:
                for stage in stages:
                    frame = _select(frame, [], stage)
            got = frame.select("_w_t", "_y_t", "_mo_t", "_d_t").to_native().fetchall()
        finally:
            connection.close()
    except Exception:  # any failure: use the portable parser (or narwhals' SQL)
        return False
    return [tuple(row) for row in got] == expected


_FIELDS = ("p", "y", "mo", "d", "w", "naive", "offus")


def _polars_fields(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], columns: list[str]
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """``frame`` (polars) with the fields of each ISO 8601 text column of ``columns``
    (``_p_``, ``_y_``, ``_mo_``, ``_d_``, ``_w_``, ``_naive_``, ``_offus_``: see the
    stages above), read with polars' own ``strptime``, whose cost follows the number of
    cells (string slices cost as much for an empty cell as for a full one).

    The wall time to the minute or second is parsed in one of the journey table's four
    shapes (``T`` or a space, seconds or not), each only where the text has that shape;
    the fraction and the offset are read with slices, only where written. A present cell
    no shape reads is parsed strictly once more, so that it fails the query as a cast
    error (as the portable parser's casts do) rather than become a null.
    """
    import narwhals as nw
    import polars as pl

    def shape(text: pl.Expr, length: int, fmt: str) -> pl.Expr:
        return text.str.slice(0, length).str.to_datetime(fmt, strict=False, time_unit="us")

    def digits(text: pl.Expr, start: int, length: int | pl.Expr) -> pl.Expr:
        return text.str.slice(start, length).cast(pl.Int64)

    # Steps of small expressions on columns, as in the stages above: a tree that repeats
    # its subtrees takes polars long to plan.
    steps: list[list[pl.Expr]] = [[] for _ in range(7)]
    for column in columns:

        def field(name: str, column: str = column) -> pl.Expr:
            return pl.col(f"_{name}_{column}")

        cell = pl.col(column).fill_null("")
        text, sign, body, wall = field("t"), field("sign"), field("body"), field("pw")
        offset = sign.is_in(["+", "-"]).fill_null(False)
        seconds = (body == 19) | ((body >= 21) & (body <= 26))
        minutes = body == 16
        fractional = pl.when(body >= 21).then(text)
        fraction = fractional.str.slice(20, body - 20).str.pad_end(6, "0").cast(pl.Int64)
        written = pl.when(offset).then(text)
        offset_minutes = digits(written, -5, 2) * 60 + digits(written, -2, 2)
        steps[0] += [
            (cell != "").alias(f"_p_{column}"),
            pl.when(cell != "").then(cell).alias(f"_t_{column}"),
        ]
        steps[1] += [
            text.str.ends_with("Z").fill_null(False).alias(f"_z_{column}"),
            text.str.slice(-6, 1).alias(f"_sign_{column}"),
        ]
        steps[2] += [
            (
                text.str.len_chars() - pl.when(field("z")).then(1).when(offset).then(6).otherwise(0)
            ).alias(f"_body_{column}")
        ]
        steps[3] += [
            pl.coalesce(
                shape(pl.when(seconds).then(text), 19, "%Y-%m-%dT%H:%M:%S"),
                shape(pl.when(minutes).then(text), 16, "%Y-%m-%dT%H:%M"),
            ).alias(f"_pw_{column}")
        ]
        missing = wall.is_null()
        steps[4] += [
            pl.coalesce(
                wall,
                shape(pl.when(seconds & missing).then(text), 19, "%Y-%m-%d %H:%M:%S"),
                shape(pl.when(minutes & missing).then(text), 16, "%Y-%m-%d %H:%M"),
            ).alias(f"_pw_{column}")
        ]
        unread = pl.when(field("p") & missing).then(text)
        steps[5] += [
            pl.coalesce(wall, unread.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us")).alias(
                f"_pw_{column}"
            )
        ]
        steps[6] += [
            wall.dt.year().cast(pl.Int64).alias(f"_y_{column}"),
            wall.dt.month().cast(pl.Int64).alias(f"_mo_{column}"),
            wall.dt.day().cast(pl.Int64).alias(f"_d_{column}"),
            (wall.dt.epoch("us") + fraction.fill_null(0)).alias(f"_w_{column}"),
            (~field("z") & ~offset).alias(f"_naive_{column}"),
            (offset_minutes * pl.when(sign == "-").then(-MINUTE_US).otherwise(MINUTE_US))
            .fill_null(0)
            .alias(f"_offus_{column}"),
        ]
    native = frame.to_native()
    for step in steps:
        native = native.with_columns(*step)
    result: nw.DataFrame[Any] | nw.LazyFrame[Any] = nw.from_native(native)
    return result


def _fields_from_datetime(column: str, aware: bool) -> list[Stage]:
    """Stages 0-3 for a datetime column: its parts, which every backend extracts alike
    (narwhals has no ``timestamp()`` on DuckDB or PySpark). Aware values are read in
    UTC, naive ones are London wall time."""
    import narwhals as nw

    value = _col(column, "t")
    if aware:
        value = value.dt.convert_time_zone("UTC")
    present = ~nw.col(column).is_null()

    def part(field: nw.Expr, absent: int) -> nw.Expr:
        # Cast after choosing: pandas gives NaN for the parts of NaT.
        chosen = nw.when(_col(column, "p")).then(field).otherwise(nw.lit(absent))
        return chosen.cast(nw.Int64())

    return [
        {f"_p_{column}": present, f"_t_{column}": nw.col(column)},
        _keep(column, "p", "t"),
        _keep(column, "p", "t"),
        {
            **_keep(column, "p"),
            f"_y_{column}": part(value.dt.year(), 1970),
            f"_mo_{column}": part(value.dt.month(), 1),
            f"_d_{column}": part(value.dt.day(), 1),
            f"_tod_{column}": part(value.dt.hour(), 0) * HOUR_US
            + part(value.dt.minute(), 0) * MINUTE_US
            + part(value.dt.second(), 0) * US
            + part(value.dt.microsecond(), 0),
            f"_naive_{column}": nw.lit(not aware),
            f"_offus_{column}": nw.lit(0, dtype=nw.Int64()),
        },
    ]


def _fields_absent(column: str) -> list[Stage]:
    """Stages 0-3 for a column with no values at all."""
    import narwhals as nw

    values = {"y": 1970, "mo": 1, "d": 1, "tod": 0, "offus": 0}
    return [
        {f"_p_{column}": nw.lit(False)},
        _keep(column, "p"),
        _keep(column, "p"),
        {
            **_keep(column, "p"),
            **{f"_{k}_{column}": nw.lit(v, dtype=nw.Int64()) for k, v in values.items()},
            f"_naive_{column}": nw.lit(False),
        },
    ]


def _keep(column: str, *fields: str) -> Stage:
    """Columns a stage passes on as they are (selected by name: cheaper to build than an
    expression, and there are many)."""
    return dict.fromkeys((f"_{field}_{column}" for field in fields), None)


def _select(frame: Frame, keep: list[str], stage: Stage) -> Frame:
    """``frame`` reduced to ``keep`` and the stage's columns."""
    named = (name if expr is None else expr.alias(name) for name, expr in stage.items())
    return frame.select(*keep, *named)


def _instant_stages(
    column: str, ops: Arithmetic, wall_known: bool, selective: bool, ns: Any
) -> list[Stage]:
    """Stages 4-7: from the fields to ``_u_`` (UTC microseconds; read it only where
    ``_p_``), keeping the written date (``_y_``, ``_mo_``, ``_d_``, day number ``_dn_``)
    and ``_bs_``/``_be_``, when BST starts and ends.

    The day number is H. Hinnant's ``days_from_civil`` (proleptic Gregorian) on years
    counted from 1 March (``_ys_``), for years 1 and later, written as
    ``365 y + y // 4 - y // 100 + y // 400`` plus the days since 1 March; where the wall
    time ``_w_`` was parsed natively it is ``_w_ // day`` instead. BST's bounds are
    those of the March-based year: for a January or February date they are the year
    before's, which also say GMT.

    With ``selective`` (SQL engines, which evaluate a ``CASE`` branch only for the rows
    that take it) the usual case is a cheaper branch of its own.
    """
    import narwhals as nw

    field = functools.partial(_col, column, ns=ns)

    month = field("mo")
    start, end, hour = _bst_changes(field("ys"), field("march"), ns)
    # On the wall clock a change takes effect once both offsets' wall times have passed:
    # skipped wall times read as GMT (they move on by the gap), repeated ones as BST.
    wall = field("w")
    in_bst = (wall >= field("bs") + HOUR_US) & (wall < field("be") + HOUR_US)
    london = ns.when(in_bst).then(ns.lit(HOUR_US)).otherwise(ns.lit(0))
    utc = ns.when(field("naive")).then(wall - london).otherwise(wall - field("offus"))
    date = ("p", "y", "mo", "d")
    fields = (*date, "naive", "offus")
    ys = field("y") - ns.when(month <= 2).then(ns.lit(1)).otherwise(ns.lit(0))
    year = field("ys")
    march = year * 365 + ops.div(year, 4) - ops.div(year, 100) + ops.div(year, 400) - _EPOCH_SHIFT
    if selective:  # y // 100 - y // 400 is 15 from 1901 to 2099: two divisions fewer
        usual = (year >= 1901) & (year <= 2099)
        short = year * 365 + ops.div(year, 4) - (15 + _EPOCH_SHIFT)
        march = ns.when(usual).then(short).otherwise(march)
    bounds = {
        f"_bs_{column}": _sunday_at(start, hour, ops),
        f"_be_{column}": _sunday_at(end, hour, ops),
    }
    last = {**_keep(column, *date, "dn", "bs", "be"), f"_u_{column}": utc.cast(nw.Int64())}
    if wall_known:
        return [
            {**_keep(column, *fields, "w"), f"_ys_{column}": ys},
            {
                **_keep(column, *fields, "w", "ys"),
                f"_march_{column}": march,
                f"_dn_{column}": ops.div(wall, DAY_US),
            },
            {**_keep(column, *fields, "w", "dn"), **bounds},
            last,
        ]
    day_number = field("march") + field("doy")
    return [
        {
            **_keep(column, *fields, "tod"),
            f"_ys_{column}": ys,
            f"_mb_{column}": ns.when(month > 2).then(month - 3).otherwise(month + 9),
        },
        {
            **_keep(column, *fields, "tod", "ys"),
            f"_march_{column}": march,
            f"_doy_{column}": ops.div(153 * field("mb") + 2, 5) + field("d") - 1,
        },
        {
            **_keep(column, *fields),
            f"_dn_{column}": day_number,
            f"_w_{column}": day_number * DAY_US + field("tod"),
            **bounds,
        },
        last,
    ]


def _local_stage(column: str, keep_date: bool, ns: Any) -> Stage:
    """Stage 8: ``_l_``, the Europe/London wall time of ``_u_`` as microseconds."""
    utc, starts, ends = (ns.col(f"_{name}_{column}") for name in ("u", "bs", "be"))
    in_bst = (utc >= starts) & (utc < ends)
    offset = ns.when(in_bst).then(ns.lit(HOUR_US)).otherwise(ns.lit(0))
    date = ("y", "mo", "d", "dn") if keep_date else ()
    return {**_keep(column, "p", "u", *date), f"_l_{column}": utc + offset}


def _key_stages(
    column: str, period: Period, ops: Arithmetic, selective: bool, ns: Any
) -> list[Stage]:
    """Stages 9-11: ``_k_``, the period key of the London date of ``_l_`` (0 where
    absent). That date is the written one (``_d_``), moved by a day or two where ``_l_``
    is not on the written day (``_r_``, the microseconds from the written day's midnight
    to ``_l_``, is from -1 to 2 days: offsets are within 24 hours), so it is at most one
    month away (``_step_``). With ``selective``, the usual case (the same month) is a
    branch of its own."""
    import narwhals as nw

    field = functools.partial(_col, column, ns=ns)

    year, month, after = field("y"), field("mo"), field("r")
    local_day = field("d") + (
        ns.when(after < 0)
        .then(ns.lit(-1))
        .when(after >= 2 * DAY_US)
        .then(ns.lit(2))
        .otherwise(ns.lit(1))
    )
    leap = (ops.mod(year, 4) == 0) & ((ops.mod(year, 100) != 0) | (ops.mod(year, 400) == 0))
    length = (
        ns.when(month == 2)
        .then(ns.when(leap).then(ns.lit(29)).otherwise(ns.lit(28)))
        .when(month.is_in([4, 6, 9, 11]))
        .then(ns.lit(30))
        .otherwise(ns.lit(31))
    )
    step = (
        ns.when((after >= 0) & (after < DAY_US))
        .then(ns.lit(0))
        .when(local_day < 1)
        .then(ns.lit(-1))
        .when((local_day > 28) & (local_day > length))
        .then(ns.lit(1))
        .otherwise(ns.lit(0))
    )
    moved = month + field("step")
    local_month = ns.when(moved == 13).then(ns.lit(1)).when(moved == 0).then(ns.lit(12))
    local_year = year + ns.when(moved == 13).then(ns.lit(1)).when(moved == 0).then(
        ns.lit(-1)
    ).otherwise(ns.lit(0))
    key = period_key(period, local_year, local_month.otherwise(moved), ns)
    if selective:
        key = ns.when(field("step") == 0).then(period_key(period, year, month, ns)).otherwise(key)
    return [
        {
            **_keep(column, "p", "u", "l", "y", "mo", "d"),
            f"_r_{column}": field("l") - field("dn") * DAY_US,
        },
        {**_keep(column, "p", "u", "l", "y", "mo"), f"_step_{column}": step},
        {
            **_keep(column, "p", "u", "l"),
            f"_k_{column}": ns.when(field("p")).then(key).otherwise(ns.lit(0)).cast(nw.Int64()),
        },
    ]


def prepare_timestamps(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    keep: list[str],
    columns: list[str],
    local: list[str],
    buckets: list[str],
    period: Period,
    *,
    native: bool | None = None,
    sql: bool | None = None,
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """``frame`` reduced to the ``keep`` columns plus, for each timestamp column ``c`` of
    ``columns``: ``_p_c`` (Boolean, never null) and ``_u_c`` (UTC microseconds, Int64;
    null or 0 where absent, so read it only where ``_p_c``); ``_l_c`` (Europe/London wall
    time as microseconds) for ``c`` in ``local``; ``_k_c`` (the period key of its London
    date, 0 where absent) for ``c`` in ``buckets`` (which must be in ``local``).

    Text is read with polars' own ``strptime`` on polars (:func:`_polars_fields`), with
    DuckDB's own timestamp cast on DuckDB (where it reads the journey table's forms as
    the portable parser does: see :func:`_duckdb_reads_wall_time`), else with string
    slices and casts; ``native=False`` forces the portable parser (for tests).

    On DuckDB, where every column is text read natively, the stages' expressions are
    written as SQL text (:mod:`._sql`: the SQL narwhals writes for them), each stage one
    ``select`` on the relation, rather than translated by narwhals: building the query
    costs less. ``sql=False`` builds them through narwhals (for tests)."""
    import narwhals as nw

    schema = frame.collect_schema()
    implementation = frame.implementation
    nullable = implementation not in (
        nw.Implementation.PANDAS,
        nw.Implementation.MODIN,
        nw.Implementation.CUDF,
    )
    polars = implementation is nw.Implementation.POLARS
    on_duckdb = implementation is nw.Implementation.DUCKDB
    text = [c for c in columns if schema[c] == nw.String]
    as_sql = on_duckdb and native is not False and len(text) == len(columns)
    if sql is None:
        sql = as_sql and _duckdb_reads_wall_time(sql=True)
    elif sql and not as_sql:
        raise ValueError("sql=True: only for DuckDB, every column text read natively")
    if native is None:
        native = polars or sql or (on_duckdb and _duckdb_reads_wall_time())
    if native and polars and text:
        frame = _polars_fields(frame, text)
    ns = _namespace(sql)
    ops = Arithmetic(implementation)
    guard = implementation in (
        nw.Implementation.DUCKDB,
        nw.Implementation.PYSPARK,
        nw.Implementation.PYSPARK_CONNECT,
    )
    stages: list[Stage] = [{} for _ in range(_STAGES)]
    for column in columns:
        dtype = schema[column]
        wall_known = False
        if dtype == nw.String:
            wall_known = native
            if native and polars:
                first = [_keep(column, *_FIELDS)] * _FIELD_STAGES
            elif native:
                first = _text_stages_native(column, ns)
            else:
                first = _text_stages(column, nullable)
        elif isinstance(dtype, nw.Datetime):
            first = _fields_from_datetime(column, dtype.time_zone is not None)
        elif _all_null(frame, column):
            first = _fields_absent(column)
        else:
            raise TypeError(
                f"column {column} holds {dtype}: expected ISO 8601 text or datetimes "
                "(see docs/journey-table.md)"
            )
        column_stages = [*first, *_instant_stages(column, ops, wall_known, guard, ns)]
        done: tuple[str, ...] = ("p", "u")
        if column in local:
            column_stages.append(_local_stage(column, column in buckets, ns))
            done = ("p", "u", "l")
        if column in buckets:
            column_stages += _key_stages(column, period, ops, guard, ns)
            done = ("p", "u", "l", "k")
        column_stages += [_keep(column, *done)] * (len(stages) - len(column_stages))
        if guard:
            column_stages = _guarded(column, column_stages, ns)
        for stage, exprs in zip(stages, column_stages, strict=True):
            stage.update(exprs)
    if sql:
        from ._sql import select_stages

        selected: nw.LazyFrame[Any] = nw.from_native(select_stages(frame.to_native(), keep, stages))
        return selected
    for stage in stages:
        frame = _select(frame, keep, stage)
    return frame


def _namespace(sql: bool) -> Any:
    """What the stages build expressions with (``col``, ``lit``, ``when``): narwhals, or
    :mod:`._sql` for SQL text."""
    if sql:
        from . import _sql

        return _sql
    import narwhals as nw

    return nw


def _guarded(column: str, stages: list[Stage], ns: Any) -> list[Stage]:
    """``stages`` with each value computed from the fields on (stages 4 on) behind
    ``when(_p_)``: SQL engines evaluate a ``CASE`` branch only for the rows that take it,
    so a sparse milestone costs in proportion to its cells. Absent rows are null there
    already (their text is); the period key, 0 where absent, is left as it is."""
    present = ns.col(f"_p_{column}")
    guarded = list(stages[:_FIELD_STAGES])
    for before, stage in zip(stages[_FIELD_STAGES - 1 :], stages[_FIELD_STAGES:], strict=False):
        guarded.append(
            {
                name: expr
                if name in before or name.startswith(("_p_", "_k_"))
                else ns.when(present).then(expr)
                for name, expr in stage.items()
            }
        )
    return guarded


def _all_null(frame: nw.DataFrame[Any] | nw.LazyFrame[Any], column: str) -> bool:
    """True for an eager column with no values (pandas reads an empty CSV column as
    floats, pyarrow as nulls); lazy frames are not scanned for this."""
    import narwhals as nw

    if isinstance(frame, nw.DataFrame):
        series = frame[column]
        return series.null_count() == len(series)
    return False


def normalise_text_columns(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], columns: set[str]
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """``frame`` with the categorical or object ``columns`` cast to String."""
    import narwhals as nw

    schema = frame.collect_schema()
    casts = [
        nw.col(c).cast(nw.String())
        for c in sorted(columns)
        if c in schema
        and (schema[c] == nw.Categorical or schema[c] == nw.Enum or schema[c] == nw.Object)
    ]
    return frame.with_columns(*casts) if casts else frame


def label(column: str) -> nw.Expr:
    """A group-by or breakdown column as text, empty cells given their label."""
    import narwhals as nw

    cell = nw.col(column).cast(nw.String()).fill_null("")
    empty = EMPTY_LABELS.get(column, "unknown")
    return nw.when(cell == "").then(nw.lit(empty)).otherwise(cell)
