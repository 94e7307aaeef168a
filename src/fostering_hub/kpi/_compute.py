"""``compute_kpis``: the catalogue's figures on any data frame narwhals reads.

The plan, all narwhals (so lazy frames stay lazy):

1. **Prepare** one row per enquiry: group-by labels; each timestamp the KPIs need as UTC
   microseconds with a presence flag; each timestamp a KPI is bucketed by as a period key
   of its Europe/London date; row-level measures (durations, 0/1 flags).
2. **Events**: one slice of rows per bucketing timestamp (the enquiries by
   ``enquired_at``, the approvals by ``approved_at``, ...), stacked, so that every KPI of
   a period and group comes out of **one** group-by of the events by kind (rates whose
   numerator and denominator are bucketed by different timestamps included), whose small
   result is then pivoted to one row per period and group; the breakdown KPIs (by reason,
   by source) are kinds of their own.
3. **Long**: that wide result unpivoted into ``kpi, value, numerator, denominator`` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import _first_contact
from ._catalogue import KPI, KPI_IDS, resolve
from ._periods import Period, check_period, period_label
from ._prepare import DAY_US, GROUP_COLUMNS, HOUR_US

if TYPE_CHECKING:
    import narwhals as nw

    from ..config import HubConfig
    from ..sla import Target

    #: A narwhals DataFrame or LazyFrame. Typed loosely: narwhals types eager and lazy
    #: operations apart, and every step here takes either.
    Frame = Any

RESULT_COLUMNS: tuple[str, ...] = (
    "period",
    "kpi",
    "breakdown",
    "value",
    "numerator",
    "denominator",
)
"""The result's columns, the group-by columns coming after ``period``."""

#: Count KPI -> the timestamp column it counts.
_COUNTED = {
    "enquiries": "enquired_at",
    "first_contacts": "first_contact_at",
    "initial_visits": "initial_visit_at",
    "eois": "eoi_at",
    "handovers": "handed_over_at",
    "applications": "application_at",
    "approvals": "approved_at",
    "withdrawals": "withdrawn_at",
}
#: Rate KPI -> (numerator column, denominator column) of the wide group-by.
_RATES = {
    "enquiry_to_application_rate": ("_n_application_at", "_n_enquired_at"),
    "application_to_approval_rate": ("_n_approved_at", "_n_application_at"),
    "cohort_application_rate": ("_cohort_n", "_n_enquired_at"),
    "first_contact_within_24h_rate": ("_w24_n", "_w24_d"),
    "first_contact_sla_rate": ("_sla_n", "_sla_d"),
    "initial_visit_within_days_rate": ("_ivw_n", "_n_initial_visit_at"),
}
#: Median KPI -> (measure column, bucketing column, unit in microseconds).
_MEDIANS = {
    "median_hours_to_first_contact": ("_x_first_contact", "enquired_at", HOUR_US),
    "median_days_application_to_approval": ("_x_approval", "approved_at", DAY_US),
    "median_days_enquiry_to_initial_visit": ("_x_initial_visit", "enquired_at", DAY_US),
    "median_days_enquiry_to_application": ("_x_application", "enquired_at", DAY_US),
}
#: Row-level measure -> (bucketing column, timestamps it reads).
_MEASURES = {
    "_cohort_n": ("enquired_at", ("enquired_at", "application_at")),
    "_w24_n": ("enquired_at", ("enquired_at", "first_contact_at")),
    "_w24_d": ("enquired_at", ("enquired_at", "first_contact_at")),
    "_sla_n": ("enquired_at", ("enquired_at", "first_contact_at", "callback_requested_for")),
    "_sla_d": ("enquired_at", ("enquired_at", "first_contact_at", "callback_requested_for")),
    "_ivw_n": ("initial_visit_at", ("enquired_at", "initial_visit_at")),
    "_x_first_contact": ("enquired_at", ("enquired_at", "first_contact_at")),
    "_x_approval": ("approved_at", ("application_at", "approved_at")),
    "_x_initial_visit": ("enquired_at", ("enquired_at", "initial_visit_at")),
    "_x_application": ("enquired_at", ("enquired_at", "application_at")),
}
_BREAKDOWNS = {
    "withdrawals_by_reason": ("withdrawn_at", "withdrawal_reason"),
    "enquiries_by_source": ("enquired_at", "source"),
}
_RANK = {kpi_id: rank for rank, kpi_id in enumerate(KPI_IDS)}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _pandas_like() -> tuple[Any, ...]:
    import narwhals as nw

    return (nw.Implementation.PANDAS, nw.Implementation.MODIN, nw.Implementation.CUDF)


@attrs.frozen
class _Plan:
    kpis: tuple[KPI, ...]
    by: tuple[str, ...]
    period: Period
    as_of: dt.datetime | None
    as_of_us: int | None
    visit_days: int
    targets: tuple[Target, ...]

    @property
    def ids(self) -> set[str]:
        return {k.id for k in self.kpis}

    def only(self, ids: set[str]) -> _Plan:
        return attrs.evolve(self, kpis=tuple(k for k in self.kpis if k.id in ids))

    def measures(self) -> list[str]:
        """The row-level measure columns the chosen KPIs read."""
        ids = self.ids
        wanted = [m for k in ids & _RATES.keys() for m in _RATES[k] if m in _MEASURES]
        wanted += [_MEDIANS[k][0] for k in ids & _MEDIANS.keys()]
        return sorted(set(wanted))

    def buckets(self) -> list[str]:
        """The timestamp columns rows are bucketed by, in journey order."""
        from ..models import JOURNEY_COLUMNS

        used = {_COUNTED[k] for k in self.ids & _COUNTED.keys()}
        used |= {c[3:] for k in self.ids & _RATES.keys() for c in _RATES[k] if c[:3] == "_n_"}
        used |= {_MEASURES[m][0] for m in self.measures()}
        used |= {_BREAKDOWNS[k][0] for k in self.ids & _BREAKDOWNS.keys()}
        return [c for c in JOURNEY_COLUMNS if c in used]

    def timestamps(self) -> list[str]:
        """Every timestamp column the chosen KPIs read, in journey order."""
        from ..models import JOURNEY_COLUMNS

        used = set(self.buckets())
        for measure in self.measures():
            used |= set(_MEASURES[measure][1])
        return [c for c in JOURNEY_COLUMNS if c in used]


def _check_by(by: str | Sequence[str]) -> tuple[str, ...]:
    columns = (by,) if isinstance(by, str) else tuple(by)
    unknown = [c for c in columns if c not in GROUP_COLUMNS]
    if unknown:
        raise ValueError(
            f"cannot group by {', '.join(unknown)}: expected any of {', '.join(GROUP_COLUMNS)}"
        )
    if len(set(columns)) != len(columns):
        raise ValueError("a group-by column is given twice")
    return columns


def compute_kpis(
    frame: Any,
    kpis: str | Sequence[str] | None = None,
    by: str | Sequence[str] = (),
    period: str = "financial_year",
    as_of: dt.datetime | None = None,
    config: HubConfig | None = None,
    *,
    duplicates: str = "keep",
) -> Any:
    """The KPIs of a journey table, in tidy long format.

    ``frame`` is a journey table as a pandas, polars (eager or lazy) or pyarrow frame, a
    DuckDB relation, a PySpark DataFrame (anything narwhals reads) or the path of a
    journey table CSV. The result is a frame of the same kind (polars for a path; lazy
    stays lazy) with the columns ``period``, then each ``by`` column, then ``kpi``,
    ``breakdown`` (the reason or source of the two breakdown KPIs, else null), ``value``,
    ``numerator`` and ``denominator`` (rates only, else null), sorted by period, group,
    catalogue order and breakdown.

    - ``kpis``: catalogue ids (see :data:`CATALOGUE`); default the hub config's
      ``reporting.kpis``, or the whole catalogue.
    - ``by``: any of ``local_authority`` (empty shown as ``unallocated``), ``channel`` and
      ``source`` (empty shown as ``unknown``); none for the whole table.
    - ``period``: ``month``, ``quarter`` (financial), ``financial_year`` or
      ``calendar_year``, of the Europe/London date of the timestamp each KPI counts.
    - ``as_of``: the time the figures are taken at; the first-contact rates need it
      (``ValueError`` without). A naive value is Europe/London time. Never read from the
      clock here.
    - ``config``: the hub config, for the first-contact SLA target and
      ``reporting.initial_visit_within_days``; without one, the DfE template's target and
      10 days.
    - ``duplicates``: how enquiries from the same household count. Only ``"keep"`` (every
      row counts, as Ofsted's returns do) exists today; duplicate-aware counts are a later
      step and will be another value here (see :func:`counted_rows`).

    A count of zero has no row; a rate has no row where its denominator is 0, nor a
    median where nothing was measured.
    """
    import narwhals as nw

    from ..config import ReportingSection
    from ..models import to_london
    from ._prepare import load

    default = list(config.reporting.kpis) if config is not None else []
    chosen = resolve(kpis, default)
    columns = _check_by(by)
    checked = check_period(period)
    if duplicates != "keep":
        raise NotImplementedError(
            f"duplicates={duplicates!r}: duplicate-aware counts are not available yet; "
            "only 'keep' (every row counts)"
        )
    needing = [k.id for k in chosen if k.needs_as_of]
    if needing and as_of is None:
        raise ValueError(
            f"{', '.join(needing)} need(s) as_of, the time the figures are taken at "
            "(e.g. as_of=datetime(2025, 4, 1, tzinfo=UTC)); none was given"
        )
    instant = to_london(as_of) if as_of is not None else None
    reporting = config.reporting if config is not None else ReportingSection()
    targets: tuple[Target, ...] = ()
    if "first_contact_sla_rate" in {k.id for k in chosen}:
        targets = tuple(_first_contact.first_contact_targets(config))
    plan = _Plan(
        kpis=tuple(chosen),
        by=columns,
        period=checked,
        as_of=instant,
        as_of_us=(instant - _EPOCH) // dt.timedelta(microseconds=1) if instant else None,
        visit_days=reporting.initial_visit_within_days,
        targets=targets,
    )
    source, give_back = load(frame)
    source = counted_rows(source, duplicates)
    if isinstance(source, nw.DataFrame) and source.implementation is nw.Implementation.POLARS:
        # polars plans the whole computation lazily (shared subplans computed once, no
        # intermediate frames kept) and gives an eager frame back.
        return give_back(_finish(_long(source.lazy(), plan), plan).collect())
    result = _finish(_long(source, plan), plan)
    if result.implementation is nw.Implementation.PANDAS:
        native = (
            result.to_native()
            .astype({"numerator": "Int64", "denominator": "Int64"})
            .reset_index(drop=True)
        )
        return give_back(nw.from_native(native, eager_only=True))
    return give_back(result)


def counted_rows(frame: Frame, duplicates: str) -> Frame:
    """The rows the KPIs count: the hook for duplicate-aware counts.

    People enquire with several services and return after a pause, so enquiry counts are
    inflated (Children and Young People Now, May 2023). A later step will collapse
    duplicate and returning enquirers here, before any KPI is computed; today every row
    counts (``duplicates="keep"``).
    """
    del duplicates
    return frame


# --------------------------------------------------------------------------- prepare


def _needed_columns(plan: _Plan) -> set[str]:
    needed = set(plan.by) | set(plan.timestamps())
    for kpi_id in plan.ids & _BREAKDOWNS.keys():
        needed.add(_BREAKDOWNS[kpi_id][1])
    if plan.targets and _first_contact.needs_raw_text(list(plan.targets)):
        needed |= {"channel", "source", "local_authority"}
    return needed


def _prepare(frame: Frame, plan: _Plan, injected: Sequence[str] = ()) -> Frame:
    """One row per enquiry: labels, UTC microseconds, presence flags, period keys and the
    row-level measures (see the module docstring)."""
    import narwhals as nw

    from ._prepare import label, normalise_text_columns, prepare_timestamps

    frame = normalise_text_columns(frame, _needed_columns(plan))
    timestamps = plan.timestamps()
    buckets = plan.buckets()
    local = list(buckets)
    if "_ivw_n" in plan.measures():
        local += [c for c in ("enquired_at", "initial_visit_at") if c not in local]
    exprs: list[nw.Expr] = [label(c).alias(c) for c in plan.by]
    for kpi_id in sorted(plan.ids & _BREAKDOWNS.keys()):
        column = _BREAKDOWNS[kpi_id][1]
        exprs.append(label(column).alias(f"_b_{column}"))
    if plan.targets and _first_contact.needs_raw_text(list(plan.targets)):
        exprs += [
            nw.col(c).cast(nw.String()).fill_null("").alias(f"_raw_{c}")
            for c in ("channel", "source", "local_authority")
        ]
    exprs += [nw.col(c) for c in injected]
    labelled = frame.select(*exprs, *(nw.col(c) for c in timestamps if c not in plan.by))
    keep = [
        *plan.by,
        *(n for n in labelled.collect_schema().names()[len(plan.by) :] if n.startswith("_")),
    ]
    prepared = prepare_timestamps(labelled, keep, timestamps, local, buckets, plan.period)
    measures = [
        _measure(name, plan).alias(name) for name in plan.measures() if name not in injected
    ]
    return prepared.with_columns(*measures) if measures else prepared


def _measure(name: str, plan: _Plan) -> nw.Expr:
    import narwhals as nw

    def flag(condition: nw.Expr) -> nw.Expr:
        return nw.when(condition).then(nw.lit(1)).otherwise(nw.lit(0)).cast(nw.Int64())

    def span(later: str, earlier: str) -> nw.Expr:
        # Whole microseconds as Float64: exact (below 2**53), and null-friendly on pandas.
        both = nw.col(f"_p_{later}") & nw.col(f"_p_{earlier}")
        difference = nw.col(f"_u_{later}") - nw.col(f"_u_{earlier}")
        return nw.when(both).then(difference.cast(nw.Float64()))

    if name == "_cohort_n":
        return flag(nw.col("_p_application_at"))
    if name in ("_w24_n", "_w24_d"):
        assert plan.as_of_us is not None
        numerator, denominator = _first_contact.within_24h_flags(plan.as_of_us)
        return numerator if name == "_w24_n" else denominator
    if name in ("_sla_n", "_sla_d"):
        assert plan.as_of_us is not None
        numerator, denominator = _first_contact.sla_flags(list(plan.targets), plan.as_of_us)
        return numerator if name == "_sla_n" else denominator
    if name == "_ivw_n":
        visit, enquiry = nw.col("_l_initial_visit_at"), nw.col("_l_enquired_at")
        return flag(nw.col("_p_initial_visit_at") & (visit <= enquiry + plan.visit_days * DAY_US))
    later, earlier = {
        "_x_first_contact": ("first_contact_at", "enquired_at"),
        "_x_approval": ("approved_at", "application_at"),
        "_x_initial_visit": ("initial_visit_at", "enquired_at"),
        "_x_application": ("application_at", "enquired_at"),
    }[name]
    return span(later, earlier)


# --------------------------------------------------------------------------- compute


def _long(frame: Frame, plan: _Plan) -> Frame:
    """The KPI rows before labels and sorting: ``_key``, the group-by columns, ``kpi``,
    ``breakdown``, ``value``, ``numerator``, ``denominator`` (the last three Float64)."""
    import narwhals as nw

    from ._prepare import require_columns

    require_columns(frame, _needed_columns(plan))
    parts: list[Frame] = []
    injected: list[str] = []
    if plan.targets and not _first_contact.in_query(list(plan.targets)):
        if isinstance(frame, nw.LazyFrame):
            parts.append(_sla_rows_eagerly(frame, plan))
            plan = plan.only(plan.ids - {"first_contact_sla_rate"})
        else:
            frame = _with_engine_flags(frame, plan)
            injected = ["_sla_n", "_sla_d"]
    if plan.kpis:
        parts.append(_rows(_prepare(frame, plan, injected), frame, plan))
    if len(parts) == 1:
        return parts[0]
    return nw.concat(parts, how="vertical")


def _with_engine_flags(frame: nw.DataFrame[Any], plan: _Plan) -> nw.DataFrame[Any]:
    """The eager ``frame`` with the SLA engine's ``_sla_n`` and ``_sla_d`` columns."""
    import narwhals as nw

    from ._prepare import require_columns

    assert plan.as_of is not None
    assert plan.as_of_us is not None
    targets = list(plan.targets)
    columns = _first_contact.engine_columns(targets)
    require_columns(frame, set(columns))
    met, counted = _first_contact.engine_flags(
        frame.select(columns), targets, plan.as_of, plan.as_of_us
    )
    namespace = nw.get_native_namespace(frame)
    return frame.with_columns(
        nw.new_series("_sla_n", met, nw.Int64(), backend=namespace),
        nw.new_series("_sla_d", counted, nw.Int64(), backend=namespace),
    )


def _sla_rows_eagerly(frame: nw.LazyFrame[Any], plan: _Plan) -> Frame:
    """``first_contact_sla_rate`` through the SLA engine for a lazy frame: only the columns
    it needs are collected, and the (few) result rows go back to the same backend."""
    import narwhals as nw

    sub_plan = plan.only({"first_contact_sla_rate"})
    columns = set(_first_contact.engine_columns(list(plan.targets))) | set(plan.by)
    eager = frame.select(sorted(columns)).collect()
    rows = _long(eager, sub_plan)
    assert isinstance(rows, nw.DataFrame)
    implementation = frame.implementation
    if implementation is nw.Implementation.POLARS:
        return rows.lazy(backend="polars")
    if implementation in (nw.Implementation.PYSPARK, nw.Implementation.PYSPARK_CONNECT):
        return rows.lazy(backend=implementation, session=frame.to_native().sparkSession)
    # Any other lazy backend (DuckDB relations of any connection, ...): the rows as
    # literals selected from one row of the input, so they stay on its connection.
    return _literal_rows(rows, frame.head(1))


def _literal_rows(rows: nw.DataFrame[Any], one_row: Frame) -> Frame:
    import narwhals as nw

    schema = rows.schema
    parts = [
        one_row.select(
            *(nw.lit(value, dtype=schema[name]).alias(name) for name, value in row.items())
        )
        for row in rows.iter_rows(named=True)
    ]
    if not parts:
        return one_row.select(
            *(nw.lit(None, dtype=dtype).alias(name) for name, dtype in schema.items())
        ).head(0)
    return parts[0] if len(parts) == 1 else nw.concat(parts, how="vertical")


@attrs.frozen
class _Kind:
    """A kind of event: the rows with a ``bucket`` timestamp, each counted in the period
    of that timestamp (and, for a breakdown KPI, under its ``breakdown`` value)."""

    name: str
    bucket: str
    breakdown: str | None = None

    @property
    def counter(self) -> str:
        return f"_n_{self.name}"


def _kinds(plan: _Plan) -> list[_Kind]:
    ids = plan.ids
    used = {_COUNTED[k] for k in ids & _COUNTED.keys()}
    used |= {c[3:] for k in ids & _RATES.keys() for c in _RATES[k] if c[:3] == "_n_"}
    used |= {_MEASURES[m][0] for m in plan.measures()}
    kinds = [_Kind(c, c) for c in plan.buckets() if c in used]
    kinds += [_Kind(k, *_BREAKDOWNS[k]) for k in sorted(ids & _BREAKDOWNS.keys())]
    return kinds


def _stacked_slices(prepared: Frame, plan: _Plan, kinds: list[_Kind]) -> Frame:
    """The events as one filtered slice of ``prepared`` per kind, stacked: for eager
    frames (``prepared`` is materialised) and polars (which computes a shared subplan
    once)."""
    import narwhals as nw

    slices = []
    for kind in kinds:
        columns: list[nw.Expr] = [nw.col(f"_k_{kind.bucket}").alias("_key"), *map(nw.col, plan.by)]
        breakdown = nw.col(f"_b_{kind.breakdown}") if kind.breakdown else nw.lit("")
        columns.append(breakdown.cast(nw.String()).alias("_b"))
        columns.append(nw.lit(kinds.index(kind), dtype=nw.Int64()).alias("_kind"))
        for measure in plan.measures():
            if measure.startswith("_x_"):
                continue  # medians are taken from their bucket's rows (see `_rows`)
            mine = kind.breakdown is None and _MEASURES[measure][0] == kind.bucket
            column = nw.col(measure) if mine else _empty(measure)
            columns.append(column.alias(measure))
        slices.append(prepared.filter(nw.col(f"_p_{kind.bucket}")).select(*columns))
    return slices[0] if len(slices) == 1 else nw.concat(slices, how="vertical")


def _cross_joined(prepared: Frame, numbers: Frame, plan: _Plan, kinds: list[_Kind]) -> Frame:
    """The events as ``prepared`` cross joined with the kinds' numbers and filtered: for
    lazy SQL backends (DuckDB, PySpark), which would compute ``prepared`` once per
    reference to it."""
    import narwhals as nw

    kind_numbers = _first_numbers(numbers, len(kinds)).select(nw.col("_number").alias("_kind"))
    number = {k.name: i for i, k in enumerate(kinds)}

    def pick(values: dict[str, nw.Expr], otherwise: nw.Expr) -> nw.Expr:
        chosen: Any = None
        for name, value in values.items():
            condition = nw.col("_kind") == number[name]
            chosen = (
                nw.when(condition).then(value)
                if chosen is None
                else chosen.when(condition).then(value)
            )
        return chosen.otherwise(otherwise) if chosen is not None else otherwise

    present = pick({k.name: nw.col(f"_p_{k.bucket}") for k in kinds}, nw.lit(False))
    columns: list[nw.Expr] = [
        pick({k.name: nw.col(f"_k_{k.bucket}") for k in kinds}, nw.lit(0)).alias("_key"),
        *map(nw.col, plan.by),
        pick({k.name: nw.col(f"_b_{k.breakdown}") for k in kinds if k.breakdown}, nw.lit("")).alias(
            "_b"
        ),
    ]
    columns.append(nw.col("_kind"))
    for measure in plan.measures():
        bucket = _MEASURES[measure][0]
        owner = next(k.name for k in kinds if k.breakdown is None and k.bucket == bucket)
        columns.append(
            nw.when(nw.col("_kind") == number[owner])
            .then(nw.col(measure))
            .otherwise(_empty(measure))
            .alias(measure)
        )
    return prepared.join(kind_numbers, how="cross").filter(present).select(*columns)


def _empty(measure: str) -> nw.Expr:
    import narwhals as nw

    if measure.startswith("_x_"):
        return nw.lit(None, dtype=nw.Float64())
    return nw.lit(0, dtype=nw.Int64())


def _first_numbers(numbers: Frame, count: int) -> Frame:
    """The rows of a :func:`_numbers_frame` below ``count``."""
    import narwhals as nw

    return numbers.filter(nw.col("_number") < count)


def _numbers_frame(like: Frame, count: int, column: str) -> Frame:
    """A one-column frame of the Int64 numbers ``0..count-1`` on ``like``'s backend and
    connection.

    Literals selected from one row of ``like`` (cheap to plan and run): ``b`` one-row
    frames of the digits ``0..b-1`` stacked, crossed with themselves for ``b * b``
    numbers. Fewer frames than one per number, which matters where every frame is planned
    or bound as it is built (DuckDB, PySpark).
    """
    import math

    import narwhals as nw

    base = max(1, math.isqrt(count - 1) + 1) if count else 1
    one_row = like.head(1)
    digits = nw.concat(
        [one_row.select(nw.lit(d, dtype=nw.Int64()).alias("_high")) for d in range(base)],
        how="vertical",
    )
    numbers = digits.join(digits.select(nw.col("_high").alias("_low")), how="cross").select(
        (nw.col("_high") * base + nw.col("_low")).alias(column)
    )
    return numbers.filter(nw.col(column) < count)


def _rows(prepared: Frame, like: Frame, plan: _Plan) -> Frame:
    """Every KPI from one group-by of the events (see the module docstring)."""
    import narwhals as nw

    from ._median import exact_in_group_by, group_medians

    kinds = _kinds(plan)
    keys = ["_key", *plan.by, "_b"]
    measures = plan.measures()
    medians = [m for m in measures if m.startswith("_x_")]
    sums = [m for m in measures if m not in medians]
    exact = exact_in_group_by(prepared)
    # One frame of numbers for the kinds and the KPIs (each frame is bound as it is built
    # on DuckDB: fewer is cheaper).
    numbers = _numbers_frame(like, max(len(kinds), len(plan.kpis)), "_number")
    stacked = isinstance(prepared, nw.DataFrame)
    if stacked or prepared.implementation is nw.Implementation.POLARS:
        events = _stacked_slices(prepared, plan, kinds)
        wide = _widen(events, keys, kinds, sums, [])
        # Medians straight from the rows of their own bucket, not the stacked events.
        for bucket in dict.fromkeys(_MEASURES[m][0] for m in medians):
            columns = [m for m in medians if _MEASURES[m][0] == bucket]
            rows = prepared.filter(nw.col(f"_p_{bucket}")).select(
                nw.col(f"_k_{bucket}").alias("_key"), *plan.by, nw.lit("").alias("_b"), *columns
            )
            found = (
                rows.group_by(keys).agg(*(nw.col(m).median() for m in columns))
                if exact
                else group_medians(rows, keys, columns)
            )
            wide = wide.join(found, on=keys, how="left")
    else:
        events = _cross_joined(prepared, numbers, plan, kinds)
        if medians and not exact:
            group_medians(events, keys, medians)  # raises: lazy and no exact median
        wide = _widen(events, keys, kinds, sums, medians)
    return _unpivot(wide, numbers, plan, keys)


def _widen(
    events: Frame, keys: list[str], kinds: list[_Kind], sums: list[str], medians: list[str]
) -> Frame:
    """The events' figures, one row per period, group and breakdown: each kind's count
    (``_n_<kind>``), the sums of ``sums`` and the medians of ``medians``; ``_kind`` is the
    kind's position in ``kinds``.

    One group-by of the events by kind as well (a count, narrow sums), then a small one
    that puts each kind's count in a column of its own: cheaper than summing a 0/1 column
    per kind over every event. A measure is only ever non-zero (or, for a median,
    non-null) in the rows of the one kind it belongs to."""
    import narwhals as nw

    narrow = events.group_by([*keys, "_kind"]).agg(
        nw.len().alias("_n"),
        *(nw.col(m).sum() for m in sums),
        *(nw.col(m).median() for m in medians),
    )
    counters = [
        nw.when(nw.col("_kind") == number).then(nw.col("_n")).otherwise(nw.lit(0)).alias(k.counter)
        for number, k in enumerate(kinds)
    ]
    return (
        narrow.with_columns(*counters)
        .group_by(keys)
        .agg(
            *(nw.col(k.counter).sum() for k in kinds),
            *(nw.col(m).sum() for m in sums),
            *(nw.col(m).max() for m in medians),
        )
    )


def _unpivot(wide: Frame, numbers: Frame, plan: _Plan, keys: list[str]) -> Frame:
    """The wide group-by result as long rows, with ``_rank``, the KPI's catalogue rank.

    Not narwhals' ``unpivot``: on DuckDB it runs ``UNPIVOT`` on DuckDB's default
    connection, which fails for a relation from any other connection. A cross join with
    the KPIs' numbers stays on the relation's own connection; each row of it picks its
    KPI's value, numerator and denominator.
    """
    import narwhals as nw

    number = nw.Float64()
    columns: dict[str, nw.Expr] = {}
    for kpi in plan.kpis:
        if kpi.id in _COUNTED or kpi.id in _BREAKDOWNS:
            count = nw.col(f"_n_{_COUNTED.get(kpi.id, kpi.id)}")
            columns[f"v|{kpi.id}"] = nw.when(count > 0).then(count.cast(number))
        elif kpi.id in _RATES:
            numerator, denominator = (nw.col(c).cast(number) for c in _RATES[kpi.id])
            columns[f"v|{kpi.id}"] = nw.when(denominator > 0).then(numerator / denominator)
            columns[f"n|{kpi.id}"] = numerator
            columns[f"d|{kpi.id}"] = denominator
        else:
            measure, _, unit = _MEDIANS[kpi.id]
            # Times the reciprocal rather than divided: polars divides by a constant that
            # way, so every backend computes the same double (within an ulp of x / unit).
            columns[f"v|{kpi.id}"] = nw.col(measure).cast(number) * (1.0 / unit)

    def pick(part: str | None) -> nw.Expr:
        """Each row's KPI's column ``part|kpi``, or with ``None`` its id."""
        chosen: Any = None
        for position, kpi in enumerate(plan.kpis):
            name = f"{part}|{kpi.id}"
            if part is not None and name not in columns:
                continue
            value = nw.col(name) if part is not None else nw.lit(kpi.id, dtype=nw.String())
            condition = nw.col("_number") == position
            chosen = (
                nw.when(condition).then(value)
                if chosen is None
                else chosen.when(condition).then(value)
            )
        return nw.lit(None, dtype=number) if chosen is None else chosen

    rank: Any = None
    for position, kpi in enumerate(plan.kpis):
        condition = nw.col("_number") == position
        value = nw.lit(_RANK[kpi.id], dtype=nw.Int64())
        rank = nw.when(condition).then(value) if rank is None else rank.when(condition).then(value)
    long = (
        wide.select(*keys, **columns)
        .join(_first_numbers(numbers, len(plan.kpis)), how="cross")
        .select(
            "_key",
            *plan.by,
            pick(None).alias("kpi"),
            nw.when(nw.col("_b") == "")
            .then(nw.lit(None, dtype=nw.String()))
            .otherwise(nw.col("_b"))
            .alias("breakdown"),
            pick("v").cast(number).alias("value"),
            pick("n").cast(number).alias("numerator"),
            pick("d").cast(number).alias("denominator"),
            rank.alias("_rank"),
        )
    )
    return long.filter(~nw.col("value").is_null())


def _finish(long: Frame, plan: _Plan) -> Frame:
    """Labels, sort order and the result's dtypes."""
    import narwhals as nw

    ordered = long.sort(["_key", *plan.by, "_rank", "breakdown"], nulls_last=True)
    # numpy-backed pandas has no null integer: there the counts stay floats in the query
    # and become pandas' nullable Int64 at the end (see `compute_kpis`).
    pandas_like = ordered.implementation in _pandas_like()
    return ordered.select(
        period_label(plan.period, nw.col("_key")).alias("period"),
        *plan.by,
        "kpi",
        "breakdown",
        "value",
        *(
            nw.col(c) if pandas_like else nw.col(c).cast(nw.Int64())
            for c in ("numerator", "denominator")
        ),
    )
