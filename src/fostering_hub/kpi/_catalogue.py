"""The KPI catalogue: every KPI id, its kind and its definition, declared once.

The ids and definitions are a contract (they are what hubs report to their governance
board and to the DfE): ``docs/_generated/kpis.md`` and ``fostering-hub kpi --list`` are
rendered from this table, and a test keeps the generated page in sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import attrs


class KPIKind(StrEnum):
    """How a KPI's value is made."""

    COUNT = "count"
    """A number of rows; ``numerator`` and ``denominator`` are empty."""
    RATE = "rate"
    """``numerator / denominator``, a share from 0 to 1; no row where the denominator is 0."""
    MEDIAN = "median"
    """The median of a duration, in the KPI's unit; no row where nothing was measured."""


@attrs.frozen
class KPI:
    """One KPI of the catalogue."""

    id: str
    kind: KPIKind
    unit: str
    period_by: str
    """The timestamp column whose Europe/London date puts a row in a period."""
    definition: str
    needs_as_of: bool = False
    """True if the KPI depends on the as-of time (it fails without one)."""
    breakdown: str | None = None
    """The column whose values split the KPI into rows (``breakdown`` in the result)."""


_COUNTED = (
    ("enquiries", "enquired_at", "Enquiries received"),
    ("first_contacts", "first_contact_at", "First conversations held"),
    ("initial_visits", "initial_visit_at", "Initial (home) visits made"),
    ("eois", "eoi_at", "Expressions of interest authorised"),
    ("handovers", "handed_over_at", "Households handed over to an LA"),
    ("applications", "application_at", "Applications made to an LA"),
    ("approvals", "approved_at", "Households approved as foster carers"),
    ("withdrawals", "withdrawn_at", "Households that withdrew"),
)

CATALOGUE: tuple[KPI, ...] = (
    *(
        KPI(
            id,
            KPIKind.COUNT,
            "rows",
            column,
            f"{what}: the rows whose `{column}` falls in the period.",
        )
        for id, column, what in _COUNTED
    ),
    KPI(
        "enquiry_to_application_rate",
        KPIKind.RATE,
        "share",
        "enquired_at / application_at",
        "`applications / enquiries` in the same period and group (period-based, as Ofsted "
        "reports it): the applications are not necessarily those enquiries'.",
    ),
    KPI(
        "application_to_approval_rate",
        KPIKind.RATE,
        "share",
        "application_at / approved_at",
        "`approvals / applications` in the same period and group (period-based).",
    ),
    KPI(
        "cohort_application_rate",
        KPIKind.RATE,
        "share",
        "enquired_at",
        "Of the enquiries whose `enquired_at` falls in the period, the share with an "
        "`application_at` (cohort-based; the honest conversion figure).",
    ),
    KPI(
        "median_hours_to_first_contact",
        KPIKind.MEDIAN,
        "hours",
        "enquired_at",
        "Over the enquiries in the period that have a `first_contact_at`, the median of "
        "`first_contact_at - enquired_at`, in hours.",
    ),
    KPI(
        "first_contact_within_24h_rate",
        KPIKind.RATE,
        "share",
        "enquired_at",
        "Of the enquiries in the period whose first 24 hours have passed by the as-of time "
        "(`enquired_at + 24 hours <= as_of`), the share with `first_contact_at <= "
        "enquired_at + 24 hours` (clock time).",
        needs_as_of=True,
    ),
    KPI(
        "first_contact_sla_rate",
        KPIKind.RATE,
        "share",
        "enquired_at",
        "The same with the hub's configured `first_contact` SLA target (requested callback "
        "times honoured): of the enquiries in the period whose due time has passed by the "
        "as-of time, the share the SLA engine finds `met`.",
        needs_as_of=True,
    ),
    KPI(
        "median_days_application_to_approval",
        KPIKind.MEDIAN,
        "days",
        "approved_at",
        "Over the approvals in the period (by `approved_at`) that have an `application_at`, "
        "the median of `approved_at - application_at`, in days (fractional).",
    ),
    KPI(
        "median_days_enquiry_to_initial_visit",
        KPIKind.MEDIAN,
        "days",
        "enquired_at",
        "Over the enquiries in the period (cohort by `enquired_at`) that have an "
        "`initial_visit_at`, the median of `initial_visit_at - enquired_at`, in days.",
    ),
    KPI(
        "median_days_enquiry_to_application",
        KPIKind.MEDIAN,
        "days",
        "enquired_at",
        "Over the enquiries in the period (cohort by `enquired_at`) that have an "
        "`application_at`, the median of `application_at - enquired_at`, in days.",
    ),
    KPI(
        "initial_visit_within_days_rate",
        KPIKind.RATE,
        "share",
        "initial_visit_at",
        "Of the initial visits in the period (by `initial_visit_at`), the share made within "
        "X days of the enquiry, X being the hub config's `reporting.initial_visit_within_days` "
        "(default 10): calendar days on the Europe/London wall clock, so the visit is at or "
        "before the enquiry's local time X days later.",
    ),
    KPI(
        "withdrawals_by_reason",
        KPIKind.COUNT,
        "rows",
        "withdrawn_at",
        "Withdrawals in the period, one row per Ofsted reason code (`AW0`-`AW5`; `unknown` "
        "if empty) in `breakdown`.",
        breakdown="withdrawal_reason",
    ),
    KPI(
        "enquiries_by_source",
        KPIKind.COUNT,
        "rows",
        "enquired_at",
        "Enquiries in the period, one row per `source` (how they heard of the hub; "
        "`unknown` if empty) in `breakdown`: campaign effectiveness.",
        breakdown="source",
    ),
)
"""Every KPI, in the order results are sorted."""

KPI_IDS: tuple[str, ...] = tuple(k.id for k in CATALOGUE)
"""Every KPI id, in catalogue order (the ids a hub config's ``[reporting] kpis`` and
``compute_kpis(kpis=...)`` accept)."""
_BY_ID = {k.id: k for k in CATALOGUE}


def describe(kpi_id: str) -> KPI:
    """The catalogue entry of ``kpi_id``; ``KeyError`` if there is none."""
    return _BY_ID[kpi_id]


def resolve(kpis: str | Sequence[str] | None, default: Sequence[str]) -> list[KPI]:
    """The KPIs asked for, in catalogue order. ``None`` means ``default`` if not empty, else
    the whole catalogue. Unknown ids raise ``ValueError`` naming them."""
    if isinstance(kpis, str):
        kpis = [kpis]
    wanted = list(kpis) if kpis is not None else (list(default) or list(KPI_IDS))
    unknown = [k for k in wanted if k not in _BY_ID]
    if unknown:
        raise ValueError(
            f"unknown KPI id(s): {', '.join(unknown)} (see `fostering-hub kpi --list`)"
        )
    if not wanted:
        raise ValueError("no KPIs asked for")
    chosen = set(wanted)
    return [k for k in CATALOGUE if k.id in chosen]


def render_markdown() -> str:
    """The catalogue as a Markdown table (``docs/kpi.md`` embeds it)."""
    lines = [
        "| id | kind | unit | period by | definition |",
        "| --- | --- | --- | --- | --- |",
    ]
    for kpi in CATALOGUE:
        extra = " Needs `as_of`." if kpi.needs_as_of else ""
        period_by = " / ".join(f"`{c}`" for c in kpi.period_by.split(" / "))
        lines.append(
            f"| `{kpi.id}` | {kpi.kind.value} | {kpi.unit} | {period_by} | "
            f"{kpi.definition}{extra} |"
        )
    return "\n".join(lines) + "\n"


def render_text(width: int = 100) -> str:
    """The catalogue as plain text for ``fostering-hub kpi --list``."""
    import textwrap

    blocks = []
    for kpi in CATALOGUE:
        head = f"{kpi.id}  ({kpi.kind.value}, {kpi.unit}; period by {kpi.period_by}"
        head += ", needs --as-of)" if kpi.needs_as_of else ")"
        body = textwrap.fill(
            kpi.definition.replace("`", ""),
            width=width,
            initial_indent="    ",
            subsequent_indent="    ",
        )
        blocks.append(f"{head}\n{body}")
    return "\n".join(blocks) + "\n"
