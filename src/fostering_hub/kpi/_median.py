"""Exact medians on every backend.

polars, pandas, DuckDB (``median`` is ``quantile_cont(0.5)``) and PySpark 3.4+ (``median``
is ``percentile(0.5)``) compute an exact median in a group-by. pyarrow's group-by has only
``approximate_median`` (a t-digest), and PySpark before 3.4 only ``percentile_approx``:
there the engine works around it with a sort (see :func:`group_medians`) rather than
return a different figure. The values are whole microseconds held as Float64, so the mean
of the two middle values is exact on every backend, whichever way it interpolates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import narwhals as nw


def exact_in_group_by(frame: nw.DataFrame[Any] | nw.LazyFrame[Any]) -> bool:
    """True if the backend's group-by ``median`` is exact."""
    import narwhals as nw

    implementation = frame.implementation
    if implementation in (
        nw.Implementation.POLARS,
        nw.Implementation.PANDAS,
        nw.Implementation.MODIN,
        nw.Implementation.CUDF,
        nw.Implementation.DUCKDB,
    ):
        return True
    if implementation in (nw.Implementation.PYSPARK, nw.Implementation.PYSPARK_CONNECT):
        return bool(implementation._backend_version() >= (3, 4))
    return False


def group_medians(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], keys: Sequence[str], columns: Sequence[str]
) -> nw.DataFrame[Any]:
    """The exact median of each of ``columns`` (nulls ignored) per group of ``keys``, by
    sorting: the mean of the middle one or two values of each group. Eager frames only;
    a group whose values are all null has no median (null)."""
    import narwhals as nw

    if not isinstance(frame, nw.DataFrame):
        raise NotImplementedError(
            f"no exact median on {frame.implementation}: its group-by median is approximate "
            "and the sort-based workaround needs an eager frame (collect it first)"
        )
    keys = list(keys)
    result = frame.select(keys).unique(keys)
    for column in columns:
        values = frame.filter(~nw.col(column).is_null()).select(*keys, column)
        ordered = values.sort([*keys, column]).with_row_index("_row")
        bounds = ordered.group_by(keys).agg(
            nw.col("_row").min().alias("_first"), nw.len().alias("_count")
        )
        position = nw.col("_row") - nw.col("_first")
        count = nw.col("_count")
        middle = ordered.join(bounds, on=keys).filter(
            (position == (count - 1) // 2) | (position == count // 2)
        )
        medians = middle.group_by(keys).agg(nw.col(column).mean())
        result = result.join(medians, on=keys, how="left")
    return result
