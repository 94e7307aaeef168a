"""Reporting periods: a key computed from a local (Europe/London) year and month, and its
label.

Keys are integers, so that results sort in time order on every backend; labels are made
from the keys only once the figures are aggregated.

=================  ==========================  ============  ============
period             months                      key           label
=================  ==========================  ============  ============
``month``          one calendar month          ``202404``    ``2024-04``
``quarter``        financial quarters from     ``20241``     ``2024-25 Q1``
                   April (Q1 April-June)
``financial_year`` 1 April to 31 March         ``2024``      ``2024-25``
``calendar_year``  1 January to 31 December    ``2024``      ``2024``
=================  ==========================  ============  ============
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import narwhals as nw

Period = Literal["month", "quarter", "financial_year", "calendar_year"]
PERIODS: tuple[Period, ...] = ("month", "quarter", "financial_year", "calendar_year")


def check_period(period: str) -> Period:
    """``period`` if it is one of :data:`PERIODS`; ``ValueError`` otherwise."""
    for known in PERIODS:
        if period == known:
            return known
    raise ValueError(f"unknown period {period!r}: expected one of {', '.join(PERIODS)}")


def period_key(period: Period, year: Any, month: Any, ns: Any) -> Any:
    """The period key of a local ``year`` and ``month`` (1-12), both Int64 expressions
    built with ``ns``: narwhals, or ``_sql`` for SQL text (see ``_prepare``)."""
    if period == "calendar_year":
        return year
    if period == "month":
        return year * 100 + month
    # Financial years start on 1 April: January to March belong to the year before.
    early = ns.when(month <= 3).then(ns.lit(1)).otherwise(ns.lit(0))
    financial_year = year - early
    if period == "financial_year":
        return financial_year
    # April-June Q1, July-September Q2, October-December Q3, January-March Q4 (no
    # division: see `_prepare` on nesting `//` and `%`).
    quarter = (
        ns.when(month <= 3)
        .then(ns.lit(4))
        .when(month <= 6)
        .then(ns.lit(1))
        .when(month <= 9)
        .then(ns.lit(2))
        .otherwise(ns.lit(3))
    )
    return financial_year * 10 + quarter


def _floor_div(value: nw.Expr, divisor: int) -> nw.Expr:
    from ._prepare import floor_div

    return floor_div(value, divisor)


def _two_digits(value: nw.Expr) -> nw.Expr:
    """0-99 as two digits ("07"); plain string operations every backend has."""
    import narwhals as nw

    return (value + 100).cast(nw.String).str.slice(1, 2)


def period_label(period: Period, key: nw.Expr) -> nw.Expr:
    """The label of a period key (see the module docstring)."""
    import narwhals as nw

    if period == "calendar_year":
        return key.cast(nw.String)
    if period == "month":
        year, month = _floor_div(key, 100), key % 100
        return nw.concat_str(year.cast(nw.String), nw.lit("-"), _two_digits(month))
    start = key if period == "financial_year" else _floor_div(key, 10)
    label = nw.concat_str(start.cast(nw.String), nw.lit("-"), _two_digits((start + 1) % 100))
    if period == "financial_year":
        return label
    return nw.concat_str(label, nw.lit(" Q"), (key % 10).cast(nw.String))
