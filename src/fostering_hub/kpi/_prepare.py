"""Reading a journey table's columns into numbers every backend computes alike.

Timestamps become **UTC microseconds since the Unix epoch** (Int64) and reporting periods
come from their **Europe/London local date**, both by plain integer arithmetic on
narwhals expressions: string slices and casts, ``+ - * / %`` and ``when``. Backends
differ in their datetime support (DuckDB and PySpark keep the time zone in the session,
narwhals has no ``timestamp()`` there, pyarrow has no zone database on some platforms),
so the engine uses none of it for text; durations are differences of integers, so
nothing is rounded.

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

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._periods import Period, period_key

if TYPE_CHECKING:
    import narwhals as nw

US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
_EPOCH_SHIFT = 719_468  # days from 0000-03-01 to 1970-01-01 (proleptic Gregorian)
_ABSENT = "1970-01-01T00:00Z"  # parsed in place of an empty cell; it is 0 exactly

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
    if isinstance(source, nw.DataFrame | nw.LazyFrame):
        return source, lambda result: result
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
    and cheaply on every backend.

    Not narwhals' ``//``: on DuckDB it is a ``CASE`` that repeats its operand five times
    (slow per row, and exponential when nested), and polars divides by a constant as a
    multiplication by its reciprocal, which can land an ulp either side of a whole
    number. Here ``dividend - dividend % divisor`` is an exact multiple ``k * divisor``;
    adding half the divisor puts the quotient at ``k + 0.5``, so ``floor`` gives ``k``
    whichever way the backend divides.
    """
    import narwhals as nw

    centred = dividend - dividend % divisor + divisor / 2
    return (centred / divisor).floor().cast(nw.Int64())


def _bst_bounds(year: nw.Expr, march: nw.Expr) -> tuple[nw.Expr, nw.Expr]:
    """UTC microseconds when BST starts and ends in ``year`` (Europe/London since 1972),
    ``march`` being the day number of 1 March that year:

    - 1972-1980: Sunday on or after 16 March to Sunday on or after 23 October, 02:00 GMT;
    - 1981-1995: last Sunday of March to Sunday on or after 23 October (22 from 1990),
      01:00 UTC;
    - since 1996: last Sunday of March to last Sunday of October, 01:00 UTC.
    """
    import narwhals as nw

    early = year <= 1980
    hour = nw.when(early).then(nw.lit(2 * HOUR_US)).otherwise(nw.lit(HOUR_US))
    start_from = march + nw.when(early).then(nw.lit(15)).otherwise(nw.lit(24))  # 16/25 Mar
    end_from = march + (  # 23 / 22 / 25 October, as days after 1 March
        nw.when(year <= 1989)
        .then(nw.lit(214 + 22))
        .when(year <= 1995)
        .then(nw.lit(214 + 21))
        .otherwise(nw.lit(214 + 24))
    )

    def sunday_on_or_after(day: nw.Expr) -> nw.Expr:
        # 1970-01-01 was a Thursday: (day + 3) % 7 is the weekday, Monday 0 to Sunday 6.
        return day + 6 - (day + 3) % 7

    start = sunday_on_or_after(start_from) * DAY_US + hour
    end = sunday_on_or_after(end_from) * DAY_US + hour
    return start, end


# --------------------------------------------------------------------------- instants
# Each stage is one `select` of the columns still needed, so the plan stays shallow and
# narrow (DuckDB's planner slows down sharply with deep chains of wide projections), and
# a value used several times by the next stage is a column, not a repeated subtree
# (pandas, pyarrow and eager polars evaluate every node of an expression tree).

Stage = dict[str, "nw.Expr"]


def _col(column: str, field: str) -> nw.Expr:
    import narwhals as nw

    return nw.col(f"_{field}_{column}")


def _text_stages(column: str, nullable: bool) -> list[Stage]:
    """Stages 0-3 for an ISO 8601 text column: the text, its shape, then the fields,
    ``naive`` and the written offset.

    With ``nullable`` an empty cell becomes null and every later value of its row is
    null too, which costs next to nothing, so sparse milestones are cheap to parse.
    Otherwise (pandas, whose integer columns cannot hold nulls) it is parsed as the
    epoch, so that casts never see an empty string.
    """
    import narwhals as nw

    integer = nw.Int64()
    cell = nw.col(column).fill_null("")
    present = cell != ""
    text = _col(column, "t")

    def digits(start: int, length: int) -> nw.Expr:
        return text.str.slice(start, length).cast(integer)

    def digits_if(condition: nw.Expr, start: int, length: int) -> nw.Expr:
        # Choose the text first and cast after, so no backend casts text that is not
        # digits (polars and pandas evaluate both branches of a `when`).
        chosen = nw.when(condition).then(text.str.slice(start, length)).otherwise(nw.lit("0"))
        return chosen.cast(integer)

    sign, zulu, offset = _col(column, "sign"), _col(column, "z"), _col(column, "off")
    body = _col(column, "body")
    # 1 to 6 digits after "." (position 19), up to the offset or the end; right-padded.
    fraction = text.str.slice(20, 6).str.replace_all(r"[^0-9].*$", "").str.pad_end(6, "0")
    negative = nw.when(_col(column, "neg")).then(nw.lit(-MINUTE_US)).otherwise(nw.lit(MINUTE_US))
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
            f"_sign_{column}": text.str.slice(-6, 1),  # of "+HH:MM" / "-HH:MM", if any
            f"_len_{column}": text.str.len_chars().cast(integer),
        },
        {
            **_keep(column, "p", "t", "z"),
            f"_off_{column}": (sign == "+") | (sign == "-"),
            f"_neg_{column}": sign == "-",
            f"_body_{column}": _col(column, "len")
            - nw.when(zulu)
            .then(nw.lit(1))
            .when((sign == "+") | (sign == "-"))
            .then(nw.lit(6))
            .otherwise(nw.lit(0)),
        },
        {
            **_keep(column, "p"),
            f"_y_{column}": digits(0, 4),
            f"_mo_{column}": digits(5, 2),
            f"_d_{column}": digits(8, 2),
            f"_h_{column}": digits(11, 2),
            f"_mi_{column}": digits(14, 2),
            f"_s_{column}": digits_if(body >= 19, 17, 2),
            f"_us_{column}": nw.when(body >= 21)
            .then(fraction)
            .otherwise(nw.lit("0"))
            .cast(integer),
            f"_naive_{column}": ~zulu & ~offset,
            f"_offus_{column}": (digits_if(offset, -5, 2) * 60 + digits_if(offset, -2, 2))
            * negative,
        },
    ]


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
            f"_h_{column}": part(value.dt.hour(), 0),
            f"_mi_{column}": part(value.dt.minute(), 0),
            f"_s_{column}": part(value.dt.second(), 0),
            f"_us_{column}": part(value.dt.microsecond(), 0),
            f"_naive_{column}": nw.lit(not aware),
            f"_offus_{column}": nw.lit(0, dtype=nw.Int64()),
        },
    ]


def _fields_absent(column: str) -> list[Stage]:
    """Stages 0-3 for a column with no values at all."""
    import narwhals as nw

    values = {"y": 1970, "mo": 1, "d": 1, "h": 0, "mi": 0, "s": 0, "us": 0, "offus": 0}
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
    return {f"_{field}_{column}": _col(column, field) for field in fields}


def _instant_stages(column: str) -> list[Stage]:
    """Stages 4-8: from the fields to ``_u_`` (UTC microseconds; read it only where
    ``_p_``), keeping the written date (``_y_``, ``_mo_``, ``_d_``, day number
    ``_days_``) and ``_bs_``/``_be_``, when BST starts and ends.

    The day number is H. Hinnant's ``days_from_civil`` (proleptic Gregorian) on years
    counted from 1 March, for years 1 and later, so every operand of a division is
    positive. Each stage computes small expressions of the columns the one before made:
    a value used twice is a column, not a repeated subtree (pandas and pyarrow evaluate
    every node, PySpark builds every node over py4j, DuckDB plans every node). BST's
    bounds are those of the March-based year: for a January or February date they are
    the year before's, which also say GMT.
    """
    import narwhals as nw

    def field(name: str) -> nw.Expr:
        return _col(column, name)

    month = field("mo")
    year_of_era = field("yoe")
    start, end = _bst_bounds(field("ys"), field("march"))
    # On the wall clock a change takes effect once both offsets' wall times have passed:
    # skipped wall times read as GMT (they move on by the gap), repeated ones as BST.
    wall = field("wall")
    in_bst = (wall >= field("bs") + HOUR_US) & (wall < field("be") + HOUR_US)
    london = nw.when(in_bst).then(nw.lit(HOUR_US)).otherwise(nw.lit(0))
    utc = nw.when(field("naive")).then(wall - london).otherwise(wall - field("offus"))
    date = ("p", "y", "mo", "d")
    return [
        {
            **_keep(column, *date, "naive", "offus"),
            f"_ys_{column}": field("y") - nw.when(month <= 2).then(nw.lit(1)).otherwise(nw.lit(0)),
            f"_mb_{column}": nw.when(month > 2).then(month - 3).otherwise(month + 9),
            f"_tod_{column}": field("h") * HOUR_US
            + field("mi") * MINUTE_US
            + field("s") * US
            + field("us"),
        },
        {
            **_keep(column, *date, "naive", "offus", "tod", "ys"),
            f"_era_{column}": floor_div(field("ys"), 400),
            f"_yoe_{column}": field("ys") % 400,
            f"_doy_{column}": floor_div(153 * field("mb") + 2, 5) + field("d") - 1,
        },
        {
            **_keep(column, *date, "naive", "offus", "tod", "ys", "doy"),
            f"_march_{column}": field("era") * 146_097
            + year_of_era * 365
            + floor_div(year_of_era, 4)
            - floor_div(year_of_era, 100)
            - _EPOCH_SHIFT,
        },
        {
            **_keep(column, *date, "naive", "offus"),
            f"_days_{column}": field("march") + field("doy"),
            f"_wall_{column}": (field("march") + field("doy")) * DAY_US + field("tod"),
            f"_bs_{column}": start,
            f"_be_{column}": end,
        },
        {
            **_keep(column, *date, "days", "bs", "be"),
            f"_u_{column}": utc.cast(nw.Int64()),
        },
    ]


def _local_stage(column: str, keep_date: bool) -> Stage:
    """Stage 9: ``_l_``, the Europe/London wall time of ``_u_`` as microseconds."""
    import narwhals as nw

    utc = _col(column, "u")
    in_bst = (utc >= _col(column, "bs")) & (utc < _col(column, "be"))
    offset = nw.when(in_bst).then(nw.lit(HOUR_US)).otherwise(nw.lit(0))
    date = ("y", "mo", "d", "days") if keep_date else ()
    return {**_keep(column, "p", "u", *date), f"_l_{column}": utc + offset}


def _key_stages(column: str, period: Period) -> list[Stage]:
    """Stages 10-11: ``_k_``, the period key of the London date of ``_l_`` (0 where
    absent). That date is the written one moved by ``_l_``'s whole days past the written
    day number: at most two days (offsets are within 24 hours), so at most one month."""
    import narwhals as nw

    def field(name: str) -> nw.Expr:
        return _col(column, name)

    year, month, day = field("y"), field("mo"), field("d")
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = (
        nw.when(month == 2)
        .then(nw.when(leap).then(nw.lit(29)).otherwise(nw.lit(28)))
        .when(month.is_in([4, 6, 9, 11]))
        .then(nw.lit(30))
        .otherwise(nw.lit(31))
    )
    local_day = day + floor_div(field("l"), DAY_US) - field("days")
    step = (
        nw.when(local_day > length)
        .then(nw.lit(1))
        .when(local_day < 1)
        .then(nw.lit(-1))
        .otherwise(nw.lit(0))
    )
    moved = month + field("step")
    local_month = nw.when(moved == 13).then(nw.lit(1)).when(moved == 0).then(nw.lit(12))
    local_year = year + nw.when(moved == 13).then(nw.lit(1)).when(moved == 0).then(
        nw.lit(-1)
    ).otherwise(nw.lit(0))
    key = period_key(period, local_year, local_month.otherwise(moved))
    return [
        {**_keep(column, "p", "u", "l", "y", "mo"), f"_step_{column}": step},
        {
            **_keep(column, "p", "u", "l"),
            f"_k_{column}": nw.when(field("p")).then(key).otherwise(nw.lit(0)).cast(nw.Int64()),
        },
    ]


def prepare_timestamps(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    keep: list[str],
    columns: list[str],
    local: list[str],
    buckets: list[str],
    period: Period,
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """``frame`` reduced to the ``keep`` columns plus, for each timestamp column ``c`` of
    ``columns``: ``_p_c`` (Boolean, never null) and ``_u_c`` (UTC microseconds, Int64;
    null or 0 where absent, so read it only where ``_p_c``); ``_l_c`` (Europe/London wall
    time as microseconds) for ``c`` in ``local``; ``_k_c`` (the period key of its London
    date, 0 where absent) for ``c`` in
    ``buckets`` (which must be in ``local``)."""
    import narwhals as nw

    schema = frame.collect_schema()
    nullable = frame.implementation not in (
        nw.Implementation.PANDAS,
        nw.Implementation.MODIN,
        nw.Implementation.CUDF,
    )
    stages: list[Stage] = [{} for _ in range(4 + 5 + 1 + 2)]
    for column in columns:
        dtype = schema[column]
        if dtype == nw.String:
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
        column_stages = [*first, *_instant_stages(column)]
        done: tuple[str, ...] = ("p", "u")
        if column in local:
            column_stages.append(_local_stage(column, keep_date=column in buckets))
            done = ("p", "u", "l")
        if column in buckets:
            column_stages += _key_stages(column, period)
            done = ("p", "u", "l", "k")
        column_stages += [_keep(column, *done)] * (len(stages) - len(column_stages))
        for stage, exprs in zip(stages, column_stages, strict=True):
            stage.update(exprs)
    kept = [nw.col(c) for c in keep]
    for stage in stages:
        frame = frame.select(*kept, *(expr.alias(name) for name, expr in stage.items()))
    return frame


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
