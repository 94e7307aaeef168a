"""KPI engine: the hub's performance figures on any data frame, from a notebook to Spark.

>>> from fostering_hub.kpi import compute_kpis
>>> from datetime import UTC, datetime
>>> as_of = datetime(2025, 4, 1, tzinfo=UTC)   # the time the figures are taken at
>>> figures = compute_kpis("journeys.csv", by="local_authority", as_of=as_of)  # doctest: +SKIP

:func:`compute_kpis` reads a journey table (pandas, polars eager or lazy, pyarrow, DuckDB,
PySpark, through narwhals; or a CSV path) and returns the figures in tidy long format as a
frame of the same kind: ``period, <group-by columns>, kpi, breakdown, value, numerator,
denominator``. :func:`to_wide` pivots it. :data:`CATALOGUE` lists every KPI with its
definition (the ids and definitions are a contract); ``fostering_hub.kpi.plot`` draws the
funnel and trends (matplotlib, the ``charts`` extra).

Importing this package is cheap: narwhals and the backends load when a function runs.
Needs the ``dataframes`` extra (narwhals, numpy, pandas, polars) to compute.
"""

from ._catalogue import CATALOGUE, KPI, KPI_IDS, KPIKind, describe
from ._compute import RESULT_COLUMNS, compute_kpis, counted_rows
from ._periods import PERIODS, Period
from ._prepare import EMPTY_LABELS, GROUP_COLUMNS
from ._wide import to_wide

__all__ = [
    "CATALOGUE",
    "EMPTY_LABELS",
    "GROUP_COLUMNS",
    "KPI",
    "KPI_IDS",
    "PERIODS",
    "RESULT_COLUMNS",
    "KPIKind",
    "Period",
    "compute_kpis",
    "counted_rows",
    "describe",
    "to_wide",
]
