"""Journey tables as data frames (pandas, polars, pyarrow: anything narwhals reads).

narwhals is imported on first use, so ``import fostering_hub.gdpr`` stays light; the
stdlib path (CSV files through :func:`fostering_hub.models.iter_journey_table`) needs
none of it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import JourneyTableError, check_journey_header
from ._pseudonym import Pseudonymiser


def is_frame(table: object) -> bool:
    """True for anything that is not a path, a string or an open text file."""
    return not isinstance(table, str | Path) and not hasattr(table, "read")


def _eager(table: Any) -> Any:
    import narwhals as nw

    frame = nw.from_native(table)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, nw.DataFrame):
        raise TypeError("expected a data frame, a lazy frame, a CSV path or a text file")
    return frame


def _check_columns(frame: Any) -> None:
    check_journey_header(list(frame.columns), "<data frame>")


def _cell(value: Any) -> Any:
    """A frame cell as the journey-table row reader takes it ("" for missing)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, dt.datetime):
        if value != value:  # pandas NaT
            return ""
        convert = getattr(value, "to_pydatetime", None)
        return convert() if convert is not None else value
    return str(value)


def frame_rows(table: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, row)`` for each row of a journey-table frame; ``line`` counts the header
    as line 1, as if the frame were written as CSV. Raises :class:`JourneyTableError` for
    missing or unknown columns."""
    frame = _eager(table)
    _check_columns(frame)
    for index, row in enumerate(frame.iter_rows(named=True)):
        yield index + 2, {name: _cell(value) for name, value in row.items()}


def anonymise_journey_frame(table: Any, pseudonymiser: Pseudonymiser) -> Any:
    """A copy of a journey-table frame (same library as given) with ``enquiry_id``
    pseudonymised; nothing else in the journey table is personal."""
    import narwhals as nw

    frame = _eager(table)
    if "enquiry_id" not in frame.columns:
        raise JourneyTableError(
            "<data frame>",
            [{"line": 1, "path": "/enquiry_id", "code": "FH-S001", "message": "Missing column"}],
        )
    values = [
        None if _cell(v) == "" else pseudonymiser(str(_cell(v)), "enquiry_id")
        for v in frame["enquiry_id"].to_list()
    ]
    series = nw.new_series(
        "enquiry_id", values, nw.String(), backend=nw.get_native_namespace(frame)
    )
    return frame.with_columns(series).to_native()
