"""Pivoting the long KPI result wide: one row per period and group, one column per KPI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._catalogue import KPI_IDS, KPIKind, describe


def _label(kpi: str, breakdown: object) -> str:
    # A missing breakdown is None, or NaN / pd.NA in a pandas frame: only text is one.
    return f"{kpi}:{breakdown}" if isinstance(breakdown, str) else kpi


def to_wide(long: Any, values: str = "value", columns: Sequence[str] | None = None) -> Any:
    """``long`` (a :func:`compute_kpis` result, any frame kind) pivoted wide.

    Rows: each period and group (the columns between ``period`` and ``kpi``), sorted.
    Columns: one per KPI in catalogue order, ``kpi:breakdown`` for the breakdown KPIs
    (``withdrawals_by_reason:AW3``), holding ``values`` (``value``, ``numerator`` or
    ``denominator``). Counts missing from a row are 0 (the long form has no row for a
    count of 0); other missing figures are null. The result is a frame of the same kind
    as ``long``, built with a group-by, so a lazy frame stays lazy; to name its columns
    the distinct KPIs of a lazy frame are read first (the query runs twice), unless
    ``columns`` lists the labels to produce.
    """
    import narwhals as nw

    frame = nw.from_native(long)
    was_native = frame is not long
    names = frame.collect_schema().names()
    if values not in ("value", "numerator", "denominator"):
        raise ValueError("values must be 'value', 'numerator' or 'denominator'")
    if "kpi" not in names or "period" not in names:
        raise ValueError("not a KPI result: expected the columns period, ..., kpi, breakdown")
    index = names[: names.index("kpi")]
    if columns is None:
        pairs = frame.select("kpi", "breakdown").unique()
        collected = pairs.collect() if isinstance(pairs, nw.LazyFrame) else pairs
        rank = {kpi: position for position, kpi in enumerate(KPI_IDS)}
        found = sorted(
            collected.iter_rows(),
            key=lambda row: (
                rank.get(row[0], len(rank)),
                row[0],
                row[1] if isinstance(row[1], str) else "",
            ),
        )
        columns = [_label(kpi, breakdown) for kpi, breakdown in found]
    label = (
        nw.when(nw.col("breakdown").is_null())
        .then(nw.col("kpi"))
        .otherwise(nw.concat_str(nw.col("kpi"), nw.lit(":"), nw.col("breakdown")))
    )
    spread = frame.with_columns(label.alias("_label")).with_columns(
        *(
            nw.when(nw.col("_label") == name).then(nw.col(values).cast(nw.Float64())).alias(name)
            for name in columns
        )
    )
    wide = spread.group_by(index).agg(*(nw.col(name).max() for name in columns))
    counts = [
        name
        for name in columns
        if name.split(":")[0] in KPI_IDS and describe(name.split(":")[0]).kind is KPIKind.COUNT
    ]
    if values == "value" and counts:
        wide = wide.with_columns(*(nw.col(name).fill_null(0.0) for name in counts))
    result = wide.sort(index).select(*index, *columns)
    return result.to_native() if was_native else result
