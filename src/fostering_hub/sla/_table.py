"""``evaluate_table``: every journey of a journey table against every target, in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Duration, DurationUnit
from ..models import STAGE_COLUMNS, to_london
from ._bulk import (
    _TERMINAL_COLUMNS,
    DAY_US,
    NAT,
    _Days,
    _Zone,
    due_for,
    elapsed_in_unit,
    epoch_us,
    parse_bytes,
    parse_instants,
    parse_present,
    zone_for,
)
from ._clock import REPORTED_UNIT
from ._evaluate import RESULT_COLUMNS, SLAStatus, Target

if TYPE_CHECKING:
    import narwhals as nw

_INSTANT_FIELDS = ("started_at", "due_at", "stopped_at", "breached_at")
_TEXT_COLUMNS = ("enquiry_id", "channel", "source", "local_authority")


def _frame(table: Any) -> tuple[nw.DataFrame[Any], Any]:
    """An eager narwhals frame and the native namespace to answer in."""
    import narwhals as nw

    if isinstance(table, str | Path):
        # Every column as text, as the journey table is written ("0042" stays "0042").
        try:
            import polars  # noqa: F401
        except ImportError:  # pragma: no cover - depends on what is installed
            frame = nw.read_csv(str(table), backend="pandas", dtype=str, keep_default_na=False)
        else:
            frame = nw.read_csv(str(table), backend="polars", infer_schema=False)
    else:
        native = nw.from_native(table)
        if isinstance(native, nw.LazyFrame):
            native = native.collect()
        if not isinstance(native, nw.DataFrame):
            raise TypeError("expected a data frame, a lazy frame or a CSV path")
        frame = native
    return frame, nw.get_native_namespace(frame)


def _instants(frame: nw.DataFrame[Any], column: str) -> Any:
    """A timestamp column as UTC microseconds (NaT where empty)."""
    import narwhals as nw
    import numpy as np

    series = frame[column]
    dtype = series.dtype
    if dtype == nw.Datetime:
        if getattr(dtype, "time_zone", None) is not None:
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            return series.to_numpy().astype("datetime64[us]").astype(np.int64)
        # A naive datetime column holds London wall times, as naive text does.
        return parse_instants(series.to_numpy().astype("datetime64[us]"), column)
    result = np.full(len(series), NAT, dtype=np.int64)
    if series.null_count() == len(series):
        return result
    text = series.cast(nw.String)
    present = (~text.is_null() & (text != "")).fill_null(value=False)
    rows = np.flatnonzero(np.asarray(present.to_numpy(), dtype=bool))
    # Only the cells that hold something leave the frame: most milestones are empty.
    values = text if len(rows) == len(text) else text.filter(present)
    fast = _polars_bytes(values.to_native())
    if fast is not None:
        result[rows] = parse_bytes(*fast, column, rows)
    else:
        result[rows] = parse_present(values.to_numpy(), column, rows)
    return result


def _polars_bytes(native: Any) -> tuple[Any, Any] | None:
    """A polars text column as a (rows, width) uint8 matrix of ASCII characters and the
    lengths, without a Python string per cell: the cells are padded to one width and
    joined into one buffer. ``None`` for anything else (non-ASCII text, not polars)."""
    import narwhals as nw
    import numpy as np

    if not nw.dependencies.is_polars_series(native) or len(native) == 0:
        return None
    lengths = native.str.len_bytes()
    width = lengths.max()
    if not isinstance(width, int) or not 0 < width <= 64:
        return None
    try:
        joined = native.str.pad_end(width).str.join("").item().encode("ascii")
    except (AttributeError, UnicodeEncodeError):  # an old polars, or not ASCII
        return None
    if len(joined) != width * len(native):
        return None
    matrix = np.frombuffer(joined, dtype=np.uint8).reshape(len(native), width)
    return matrix, lengths.to_numpy().astype(np.int64)


def _strings(frame: nw.DataFrame[Any], column: str) -> Any:
    import narwhals as nw

    return frame[column].cast(nw.String).fill_null("").to_numpy().astype(str)


def _applies(target: Target, text: dict[str, Any], count: int) -> Any:
    """:meth:`Target.applies_to` for every row (an empty cell matches no list)."""
    import numpy as np

    mask = np.ones(count, dtype=bool)
    when = target.rule.when
    if when is None:
        return mask
    channel, source, authority = text["channel"], text["source"], text["local_authority"]
    if when.channels is not None:
        mask &= np.isin(channel, [c.value for c in when.channels])
    if when.sources is not None:
        mask &= np.isin(source, when.sources) & (source != "")
    if when.local_authorities is not None:
        mask &= np.isin(authority, when.local_authorities) & (authority != "")
    return mask


def _durations(target: Target) -> list[Duration]:
    rule = target.rule
    if not rule.honour_callback_request:
        return [rule.duration]
    return [rule.duration, rule.callback_tolerance or Duration(0, DurationUnit.MINUTES)]


def evaluate_table(table: Any, targets: Sequence[Target], now: dt.datetime) -> Any:
    """Every journey in ``table`` against every target name, as of ``now``.

    ``table`` is a journey table as a pandas, polars or pyarrow frame (anything narwhals
    reads; a lazy frame is collected) or a CSV path (read with polars if installed, else
    pandas, every column as text). Timestamp columns may be text (as in the CSV: with an
    offset or ``Z`` an instant, without one London wall time), timezone-aware datetimes,
    or naive datetimes (London wall time). The table is not validated: check it first
    (:func:`fostering_hub.models.iter_journey_table`) if it may hold bad rows. A naive
    ``now`` is London wall time.

    Returns a frame of the same kind (polars for a path) with :data:`RESULT_COLUMNS`, one
    row per enquiry and target name, target by target (all rows for the first name, then
    all for the next): the first rule of each name whose ``when`` matches, the row's
    ``not_applicable`` if none does. Instants are timezone-aware (UTC); ``used`` and
    ``remaining`` are null where the clock has not started. Needs the ``dataframes``
    extra (narwhals and numpy, plus pandas or polars).
    """
    import narwhals as nw
    import numpy as np

    frame, namespace = _frame(table)
    required = {"enquiry_id", "callback_requested_for", *_TERMINAL_COLUMNS}
    for target in targets:
        required |= {STAGE_COLUMNS[target.rule.start], STAGE_COLUMNS[target.rule.stop]}
    conditional = any(t.rule.when is not None for t in targets)
    if conditional:
        required |= {"channel", "source", "local_authority"}
    missing = sorted(required - set(frame.columns))
    if missing:
        raise ValueError(f"not a journey table: no column {', '.join(missing)}")
    count = len(frame)
    now_us = epoch_us(to_london(now))
    instants = {c: _instants(frame, c) for c in sorted(required - set(_TEXT_COLUMNS))}
    zone = zone_for(*instants.values(), np.array([now_us]))
    when_columns = ("channel", "source", "local_authority")
    text = {c: _strings(frame, c) for c in when_columns} if conditional else {}

    parts = []
    for name in dict.fromkeys(t.name for t in targets):
        result = _empty(count)
        left = np.ones(count, dtype=bool)
        for target in (t for t in targets if t.name == name):
            applies = _applies(target, text, count)
            rows = np.flatnonzero(left & applies)
            left[rows] = False
            _fill(result, rows, target, instants, now_us, zone)
        result["status"][left] = _CODES[SLAStatus.NOT_APPLICABLE]
        parts.append(_part(frame, namespace, name, result))
    if not parts:
        parts.append(_part(frame.head(0), namespace, "", _empty(0)))
    native = nw.concat(parts, how="vertical").to_native()
    if hasattr(native, "reset_index"):  # pandas-like: a fresh 0..n-1 index
        native = native.reset_index(drop=True)
    return native


_STATUSES = tuple(SLAStatus)
_CODES = {status: code for code, status in enumerate(_STATUSES)}
_UNITS = tuple(dict.fromkeys(REPORTED_UNIT.values()))


def _part(frame: nw.DataFrame[Any], namespace: Any, name: str, result: dict[str, Any]) -> Any:
    """The result rows of one target name as a frame of the input's kind."""
    import narwhals as nw

    def series(key: str, values: Any, dtype: Any) -> nw.Series[Any]:
        return nw.new_series(key, values, dtype, backend=namespace)

    statuses = {code: status.value for code, status in enumerate(_STATUSES)}
    units: dict[int, str | None] = {-1: None, **dict(enumerate(_UNITS))}
    return (
        frame.select(nw.col("enquiry_id").cast(nw.String))
        .with_columns(
            nw.lit(name, dtype=nw.String).alias("target"),
            series("status", result["status"], nw.Int8()),
            *(
                series(key, result[key].astype("datetime64[us]"), nw.Datetime("us"))
                for key in _INSTANT_FIELDS
            ),
            series("used", result["used"], nw.Float64()),
            series("remaining", result["remaining"], nw.Float64()),
            series("unit", result["unit"], nw.Int8()),
        )
        .with_columns(
            nw.col("status").replace_strict(statuses, return_dtype=nw.String()),
            *(nw.col(k).dt.replace_time_zone("UTC") for k in _INSTANT_FIELDS),
            nw.col("used").fill_nan(None),
            nw.col("remaining").fill_nan(None),
            nw.col("unit").replace_strict(units, return_dtype=nw.String()),
        )
        .select(list(RESULT_COLUMNS))
    )


def _empty(count: int) -> dict[str, Any]:
    import numpy as np

    return {
        "status": np.full(count, -1, dtype=np.int8),
        "started_at": np.full(count, NAT, dtype=np.int64),
        "due_at": np.full(count, NAT, dtype=np.int64),
        "stopped_at": np.full(count, NAT, dtype=np.int64),
        "breached_at": np.full(count, NAT, dtype=np.int64),
        "used": np.full(count, np.nan),
        "remaining": np.full(count, np.nan),
        "unit": np.full(count, -1, dtype=np.int8),
    }


def _fill(
    result: dict[str, Any],
    rows: Any,
    target: Target,
    instants: dict[str, Any],
    now: int,
    zone: _Zone,
) -> None:
    """:func:`fostering_hub.sla.evaluate` for ``rows`` (no pauses: the table has none)."""
    import numpy as np

    if len(rows) == 0:
        return
    result["unit"][rows] = _UNITS.index(target.unit)
    start = instants[STAGE_COLUMNS[target.rule.start]][rows]
    started = (start != NAT) & (start <= now)
    result["status"][rows[~started]] = _CODES[SLAStatus.NOT_STARTED]
    rows, start = rows[started], start[started]
    if len(rows) == 0:
        return
    stop = instants[STAGE_COLUMNS[target.rule.stop]][rows]
    stopped = (stop != NAT) & (stop >= start) & (stop <= now)
    ended = np.full(len(rows), NAT, dtype=np.int64)
    for column in _TERMINAL_COLUMNS:
        at = instants[column][rows]
        ok = ~stopped & (ended == NAT) & (at != NAT) & (at >= start) & (at <= now)
        ended = np.where(ok, at, ended)
    has_ended = ended != NAT
    until = np.where(stopped, stop, np.where(has_ended, ended, now))
    callback = instants["callback_requested_for"][rows]
    use = (callback != NAT) & (callback >= start)
    if not target.rule.honour_callback_request:
        use[:] = False
    local = zone.to_local(np.concatenate([start, until, callback[use]]))
    days = _Days.span(
        target,
        _durations(target),
        int(local.min() // DAY_US) - 1,
        int(local.max() // DAY_US),
    )
    # Due times fall inside the day span: make sure the zone reaches that far too.
    zone = zone.covering(days.first, days.first + len(days.working))
    due = due_for(target, target.rule.duration, start, zone, days)
    if use.any():
        tolerance = target.rule.callback_tolerance or Duration(0, DurationUnit.MINUTES)
        due[use] = due_for(target, tolerance, callback[use], zone, days)
    allowance = elapsed_in_unit(target, start, due, zone, days)
    used = elapsed_in_unit(target, start, until, zone, days)
    status = np.select(
        [
            stopped & (stop <= due),
            stopped,
            has_ended & (ended > due),
            has_ended,
            now > due,
            used >= target.rule.warn_at * allowance,
        ],
        [
            _CODES[SLAStatus.MET],
            _CODES[SLAStatus.BREACHED],
            _CODES[SLAStatus.BREACHED],
            _CODES[SLAStatus.STOPPED],
            _CODES[SLAStatus.BREACHED],
            _CODES[SLAStatus.AT_RISK],
        ],
        _CODES[SLAStatus.PENDING],
    )
    result["status"][rows] = status
    result["started_at"][rows] = start
    result["due_at"][rows] = due
    result["stopped_at"][rows] = np.where(stopped, stop, ended)
    result["breached_at"][rows] = np.where(status == _CODES[SLAStatus.BREACHED], due, NAT)
    result["used"][rows] = used
    result["remaining"][rows] = allowance - used
