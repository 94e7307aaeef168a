"""Charts of KPI results with matplotlib (the ``charts`` extra).

>>> from datetime import UTC, datetime
>>> from fostering_hub.kpi import compute_kpis
>>> from fostering_hub.kpi.plot import funnel, trend
>>> as_of = datetime(2025, 4, 1, tzinfo=UTC)
>>> figures = compute_kpis(
...     "journeys.csv", by="local_authority", period="quarter", as_of=as_of
... )  # doctest: +SKIP
>>> funnel(figures).figure.savefig("funnel.png")  # doctest: +SKIP
>>> trend(figures, "enquiries").figure.savefig("enquiries.png")  # doctest: +SKIP

Both take a :func:`~fostering_hub.kpi.compute_kpis` result of any frame kind (a lazy one
is collected: the result is small) and return the matplotlib ``Axes`` they drew on.
matplotlib is imported when a chart is drawn, not with this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FUNNEL", "funnel", "trend"]

FUNNEL: tuple[tuple[str, str], ...] = (
    ("enquiries", "Enquiry"),
    ("first_contacts", "First contact"),
    ("initial_visits", "Initial visit"),
    ("eois", "EOI"),
    ("handovers", "Handover"),
    ("applications", "Application"),
    ("approvals", "Approval"),
)
"""The funnel's stages: the count KPI of each and its label."""


def _rows(figures: Any) -> list[dict[str, Any]]:
    import narwhals as nw

    frame = nw.from_native(figures)
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return list(frame.iter_rows(named=True))


def _overall(row: dict[str, Any]) -> bool:
    """True for a figure that is not one of a breakdown KPI's rows (whose ``breakdown`` is
    text; elsewhere None, or NaN / pd.NA in a pandas frame)."""
    return not isinstance(row.get("breakdown"), str)


def _group_columns(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    names = list(rows[0])
    return names[names.index("period") + 1 : names.index("kpi")]


def _axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, created = plt.subplots(figsize=(8, 4.5))
    return created


def funnel(figures: Any, period: str | None = None, ax: Axes | None = None) -> Axes:
    """A horizontal bar per journey stage (enquiry, first contact, initial visit, EOI,
    handover, application, approval): the stage's count KPI, summed over every group of
    ``figures`` and over ``period`` (one label, e.g. ``"2024-25"``) or every period.

    The counts are period-based (each stage counted by its own timestamp), as the KPIs
    are; each bar is annotated with its share of the enquiries. Stages whose count KPI is
    not in ``figures`` show as 0.
    """
    rows = [r for r in _rows(figures) if period is None or r["period"] == period]
    totals = {kpi: 0.0 for kpi, _ in FUNNEL}
    for row in rows:
        if row["kpi"] in totals and _overall(row) and row["value"] is not None:
            totals[row["kpi"]] += float(row["value"])
    ax = _axes(ax)
    labels = [label for _, label in FUNNEL]
    values = [totals[kpi] for kpi, _ in FUNNEL]
    positions = list(range(len(FUNNEL)))
    ax.barh(positions, values, color="#2a6f97")
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    enquiries = values[0]
    for position, value in zip(positions, values, strict=True):
        share = f" ({value / enquiries:.1%})" if enquiries and position else ""
        ax.annotate(
            f"{value:,.0f}{share}",
            (value, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
        )
    ax.set_xlabel("households")
    ax.set_title(f"Recruitment funnel{', ' + period if period else ''}")
    ax.margins(x=0.2)
    return ax


def trend(
    figures: Any,
    kpi: str,
    by: str = "local_authority",
    groups: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """One line per value of the ``by`` column (each LA by default) of ``kpi`` over the
    periods of ``figures``; one line for the whole table if ``figures`` has no ``by``
    column. ``groups`` limits the lines drawn. Periods without a figure are gaps."""
    from ._catalogue import KPIKind, describe

    entry = describe(kpi)
    every = _rows(figures)  # collected once, even from a lazy frame
    rows = [r for r in every if r["kpi"] == kpi and _overall(r)]
    columns = _group_columns(every)
    periods = sorted({r["period"] for r in rows})
    series: dict[str, dict[str, float]] = {}
    for row in rows:
        name = str(row[by]) if by in columns else "all"
        if groups is not None and name not in groups:
            continue
        series.setdefault(name, {})[row["period"]] = float(row["value"])
    ax = _axes(ax)
    positions = list(range(len(periods)))
    for name in sorted(series):
        values = [series[name].get(p, float("nan")) for p in periods]
        ax.plot(positions, values, marker="o", label=name)
    ax.set_xticks(positions, periods)
    unit = "share" if entry.kind is KPIKind.RATE else entry.unit
    ax.set_ylabel(unit)
    if entry.kind is KPIKind.RATE:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(kpi.replace("_", " "))
    if series:
        ax.legend(title=by if by in columns else None, fontsize="small")
    return ax
