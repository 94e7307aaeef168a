"""KPI results as pandas frames: a missing breakdown is NaN there, not None, and the
helpers that read results (``to_wide``, the charts) treat both alike."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from _kpi_data import AS_OF, ROWS
from fostering_hub.kpi import KPI_IDS, compute_kpis, to_wide

matplotlib = pytest.importorskip("matplotlib", reason="the charts extra is not installed")
matplotlib.use("Agg")

from fostering_hub.kpi.plot import funnel, trend  # noqa: E402

OPTIONS = {"kpis": list(KPI_IDS), "by": "local_authority", "as_of": AS_OF, "period": "quarter"}


@pytest.fixture(scope="module")
def both() -> tuple[pd.DataFrame, pl.DataFrame]:
    text = pd.DataFrame(ROWS).astype(str)
    return compute_kpis(text, **OPTIONS), compute_kpis(pl.DataFrame(ROWS), **OPTIONS)


def test_pandas_result_has_a_fresh_index(both: tuple[pd.DataFrame, pl.DataFrame]) -> None:
    pandas, polars = both
    assert list(pandas.index) == list(range(len(polars)))


def test_to_wide_on_pandas_matches_polars(both: tuple[pd.DataFrame, pl.DataFrame]) -> None:
    pandas, polars = both
    wide_pandas, wide_polars = to_wide(pandas), to_wide(polars)
    assert list(wide_pandas.columns) == wide_polars.columns
    assert not any(str(c).endswith(":nan") for c in wide_pandas.columns)
    assert_frame_equal(pl.from_pandas(wide_pandas), wide_polars, check_dtypes=False)


def test_charts_on_pandas_match_polars(both: tuple[pd.DataFrame, pl.DataFrame]) -> None:
    import matplotlib.pyplot as plt

    pandas, polars = both
    bars = [[p.get_width() for p in funnel(f).patches] for f in (pandas, polars)]
    assert bars[0] == bars[1] == [8, 6, 3, 1, 1, 2, 1]
    lines = [
        sorted(
            (line.get_label(), str(list(line.get_ydata()))) for line in trend(f, "enquiries").lines
        )
        for f in (pandas, polars)
    ]
    assert lines[0] == lines[1]
    assert len(lines[0]) == 3
    plt.close("all")
