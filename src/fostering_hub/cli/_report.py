"""The demo's HTML report: one self-contained file (inline CSS and SVG charts, no scripts,
nothing fetched), deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Headline KPIs of the year table, in catalogue order.
YEAR_KPIS = (
    "enquiries",
    "first_contacts",
    "initial_visits",
    "handovers",
    "applications",
    "approvals",
    "first_contact_within_24h_rate",
    "first_contact_sla_rate",
    "median_hours_to_first_contact",
    "cohort_application_rate",
)
#: KPIs drawn as monthly trends by LA, with their captions.
TREND_KPIS = {
    "enquiries": "Enquiries received in the month.",
    "first_contact_sla_rate": (
        "Share of the month's enquiries first contacted within the hub's first-contact "
        "target (24 hours, or at the call-back time the enquirer asked for), of those "
        "whose due time had passed."
    ),
    "handovers": "Households handed over to the LA in the month.",
}


@attrs.frozen
class SLARow:
    """One LA's results against one SLA target."""

    la: str
    target: str
    met: int
    breached: int
    open: int

    @property
    def rate(self) -> float | None:
        decided = self.met + self.breached
        return self.met / decided if decided else None


@attrs.frozen
class BrokenPayload:
    """A deliberately broken handover and what the validator said of it."""

    description: str
    issues: tuple[tuple[str, str, str], ...]  # code, JSON pointer, message


@attrs.frozen
class ReportData:
    """Everything the report shows (no personal data: counts, codes and figures)."""

    hub: str
    seed: int
    start: dt.date
    as_of: dt.datetime
    enquiries: int
    funnel: tuple[tuple[str, int], ...]
    channels: tuple[tuple[str, int], ...]
    allocation: tuple[tuple[str, str, int], ...]  # LA, policy, households
    sla: tuple[SLARow, ...]
    handovers_valid: int
    handovers_invalid: int
    broken: tuple[BrokenPayload, ...]
    retention_statuses: tuple[tuple[str, int], ...]
    retention_due: tuple[tuple[str, str, int], ...]  # action, year, records
    monthly: Any  # compute_kpis result by month and LA (polars)
    yearly: Any  # compute_kpis result for the year by LA (polars)
    la_names: dict[str, str] = attrs.field(factory=dict)


_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px;
       padding: 1rem 2rem 3rem; color: #1d2a33; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { border-bottom: 2px solid #2a6f97; padding-bottom: .2rem; margin-top: 2.2rem; }
.lede { color: #4a5a66; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #c9d6df; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #dde5ea; padding: .25rem .6rem; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #eef3f6; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #4a5a66; font-size: .85rem; }
code { background: #eef3f6; padding: 0 .2rem; border-radius: 3px; }
.note { color: #4a5a66; font-size: .85rem; }
"""


def _svg(draw: Callable[..., object], size: tuple[float, float] = (9, 4.5)) -> str:
    """An inline SVG of what ``draw`` puts on a fresh Axes (deterministic ids, no date)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "fostering-hub", "svg.fonttype": "path"}):
        figure = Figure(figsize=size, layout="constrained")
        draw(ax=figure.subplots())
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(name: str, svg: str, caption: str) -> str:
    return (
        f'<figure id="chart-{name}" class="chart">{svg}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def _table(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_td(v) for v in row) + "</tr>" for row in rows)
    return f'<table id="table-{name}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _td(value: object) -> str:
    numeric = isinstance(value, int | float) or (isinstance(value, str) and value.endswith("%"))
    cls = ' class="num"' if numeric else ""
    return f"<td{cls}>{html.escape(_cell(value))}</td>"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _sla_chart(data: ReportData) -> Callable[..., object]:
    targets = list(dict.fromkeys(row.target for row in data.sla))
    las = sorted({row.la for row in data.sla})
    rates = {(row.la, row.target): row.rate for row in data.sla}

    def draw(*, ax: Axes) -> None:
        from matplotlib.ticker import PercentFormatter

        height = 0.8 / max(1, len(targets))
        for index, target in enumerate(targets):
            positions = [p + index * height for p in range(len(las))]
            values = [rates.get((la, target)) or 0.0 for la in las]
            ax.barh(positions, values, height=height, label=target.replace("_", " "))
        ax.set_yticks([p + 0.4 - height / 2 for p in range(len(las))], las)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlim(0, 1)
        ax.set_xlabel("met, of those decided")
        ax.set_title("SLA compliance by local authority")
        ax.legend(fontsize="small", loc="lower right")

    return draw


def _allocation_chart(data: ReportData) -> Callable[..., object]:
    las = sorted({la for la, _, _ in data.allocation})
    policies = sorted({policy for _, policy, _ in data.allocation})
    counts = {(la, policy): n for la, policy, n in data.allocation}

    def draw(*, ax: Axes) -> None:
        left = [0.0] * len(las)
        for policy in policies:
            values = [float(counts.get((la, policy), 0)) for la in las]
            ax.barh(range(len(las)), values, left=left, label=policy)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(range(len(las)), las)
        ax.invert_yaxis()
        ax.set_xlabel("households")
        ax.set_title("Allocations by local authority and deciding policy")
        ax.legend(fontsize="small", loc="lower right")

    return draw


def _named(figures: Any, names: dict[str, str]) -> Any:
    """KPI figures with each LA code replaced by its name (for chart legends)."""
    import polars as pl

    return figures.with_columns(pl.col("local_authority").replace(names))


def render(data: ReportData) -> str:
    """The report as one HTML document."""
    from ..kpi.plot import funnel, trend
    from ._demo import RATES_NOTE

    monthly = _named(data.monthly, data.la_names)
    members = sorted(data.la_names.values())
    sections: list[str] = []
    first, handed = (
        dict(data.funnel).get("first_contact", 0),
        dict(data.funnel).get("handed_over", 0),
    )
    cards = [
        ("enquiries", data.enquiries),
        ("first contacts", first),
        ("handovers", handed),
        ("valid handover payloads", data.handovers_valid),
    ]
    sections.append(
        '<div class="cards" id="summary">'
        + "".join(f'<div class="card"><b>{n:,}</b>{html.escape(label)}</div>' for label, n in cards)
        + "</div>"
    )

    sections.append('<h2 id="funnel">Recruitment funnel</h2>')
    sections.append(
        _figure(
            "funnel",
            _svg(functools.partial(funnel, monthly)),
            "Households at each stage in the year, each stage counted by its own date "
            "(the count KPIs).",
        )
    )
    sections.append(
        _table(
            "funnel",
            ["stage reached", "enquiries", "share"],
            [
                (stage.replace("_", " "), n, _percent(n / data.enquiries))
                for stage, n in data.funnel
            ],
        )
    )
    sections.append(_table("channels", ["channel", "enquiries"], data.channels))

    sections.append('<h2 id="sla">SLA compliance by local authority</h2>')
    sections.append(_figure("sla", _svg(_sla_chart(data), (9, 6)), "Met, of those decided."))
    sections.append(
        _table(
            "sla",
            ["local authority", "target", "met %", "met", "breached", "open"],
            [
                (row.la, row.target, _percent(row.rate), row.met, row.breached, row.open)
                for row in data.sla
            ],
        )
    )

    sections.append('<h2 id="trends">KPI trends by month and local authority</h2>')
    for kpi, caption in TREND_KPIS.items():
        sections.append(
            _figure(
                f"trend-{kpi}",
                _svg(functools.partial(trend, monthly, kpi, groups=members), (10, 5)),
                f"{caption} One line per member LA (unallocated enquiries are in the table "
                "below; the KPI catalogue defines each figure).",
            )
        )
    sections.append(_year_table(data))

    sections.append('<h2 id="allocation">Allocation</h2>')
    sections.append(_figure("allocation", _svg(_allocation_chart(data), (9, 5)), ""))
    sections.append(
        _table(
            "allocation",
            ["local authority", "policy", "households"],
            sorted(data.allocation),
        )
    )

    sections.append('<h2 id="handovers">Handover payloads</h2>')
    sections.append(
        f"<p>{data.handovers_valid + data.handovers_invalid:,} payloads built and validated: "
        f"{data.handovers_valid:,} valid, {data.handovers_invalid:,} invalid "
        "(<code>handovers.ndjson</code>). Deliberately broken copies of one payload, "
        "as the validator reports them (<code>broken-handovers.ndjson</code>):</p>"
    )
    sections.append(
        _table(
            "broken",
            ["broken copy", "code", "path", "message"],
            [
                (item.description, code, path or "/", message)
                for item in data.broken
                for code, path, message in item.issues
            ],
        )
    )

    sections.append('<h2 id="retention">Retention actions due</h2>')
    sections.append(
        '<p class="note">Records by status: '
        + html.escape(", ".join(f"{status} {n:,}" for status, n in data.retention_statuses))
        + ". <code>missing_date</code>: a rule needs a date the record does not have yet "
        "(in this demo, approved carers whose approval has not ended); reported, never guessed "
        "(<code>retention.csv</code> has every decision and its reasons).</p>"
    )
    sections.append(_table("retention", ["action", "due in", "records"], data.retention_due))

    title = f"{data.hub}: synthetic year from {data.start.isoformat()}"
    lede = (
        f"Seed {data.seed}, {data.enquiries:,} fictitious enquiries, figures as of "
        f"{data.as_of.isoformat()}. Everything here is synthetic (fostering-hub demo); "
        f"{RATES_NOTE}."
    )
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='lede'>{html.escape(lede)}</p>"
        + "\n".join(sections)
        + "</body></html>\n"
    )


def _year_table(data: ReportData) -> str:
    from ..kpi import to_wide

    wide = to_wide(data.yearly)
    columns = [k for k in YEAR_KPIS if k in wide.columns]
    rows = []
    for row in wide.iter_rows(named=True):
        name = data.la_names.get(row["local_authority"], row["local_authority"])
        values = []
        for kpi in columns:
            value = row[kpi]
            values.append(_percent(value) if kpi.endswith("_rate") else value)
        rows.append((row["period"], name, *values))
    header = ["year", "local authority", *(k.replace("_", " ") for k in columns)]
    return _table("kpis", header, rows)
