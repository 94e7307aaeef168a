"""``fostering_hub.kpi.plot``: the funnel and a trend, drawn with matplotlib (Agg)."""

from __future__ import annotations

import polars as pl
import pytest

from _kpi_data import AS_OF, ROWS
from fostering_hub.kpi import KPI_IDS, compute_kpis

matplotlib = pytest.importorskip("matplotlib", reason="the charts extra is not installed")
matplotlib.use("Agg")

from fostering_hub.kpi.plot import FUNNEL, funnel, trend  # noqa: E402


@pytest.fixture(scope="module")
def figures() -> pl.DataFrame:
    return compute_kpis(
        pl.DataFrame(ROWS), kpis=list(KPI_IDS), by="local_authority", as_of=AS_OF, period="quarter"
    )


def test_funnel(figures: pl.DataFrame) -> None:
    import matplotlib.pyplot as plt

    ax = funnel(figures)
    bars = [patch.get_width() for patch in ax.patches]
    assert bars == [8, 6, 3, 1, 1, 2, 1]  # every period and LA summed
    assert [t.get_text() for t in ax.get_yticklabels()] == [label for _, label in FUNNEL]
    ax = funnel(figures.lazy(), period="2024-25 Q1")
    assert [patch.get_width() for patch in ax.patches][:2] == [3, 2]  # C G H; D H
    assert "2024-25 Q1" in ax.get_title()
    plt.close("all")


def test_trend(figures: pl.DataFrame) -> None:
    import matplotlib.pyplot as plt

    ax = trend(figures, "enquiries")
    assert sorted(line.get_label() for line in ax.get_lines()) == [
        "E06000001",
        "E06000002",
        "unallocated",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "2023-24 Q1",
        "2023-24 Q4",
        "2024-25 Q1",
        "2024-25 Q3",
    ]
    ax = trend(figures, "cohort_application_rate", groups=["E06000001"])
    assert [line.get_label() for line in ax.get_lines()] == ["E06000001"]
    assert ax.get_ylabel() == "share"
    whole = compute_kpis(pl.DataFrame(ROWS), kpis="enquiries")
    assert [line.get_label() for line in trend(whole, "enquiries").get_lines()] == ["all"]
    plt.close("all")
