"""``fostering-hub demo``: run the hub on a seeded synthetic year."""

from __future__ import annotations

import argparse
import collections
import datetime as dt
from pathlib import Path
from typing import Any

from ._output import fail_usage, load_hub_config


def register(commands: argparse._SubParsersAction[Any]) -> None:
    parser = commands.add_parser(
        "demo",
        help="run the hub on built-in synthetic data",
        description=(
            "Run the hub on a seeded synthetic year for the cluster in the hub config (the "
            "North East by default): generate and validate the enquiries, allocate them, "
            "evaluate the SLA targets, build and validate the handovers, sweep retention and "
            "compute the KPIs as of the year end; write the journey table, handovers, KPI "
            "table and a self-contained HTML report (report.html) to --out."
        ),
    )
    parser.add_argument("--config", type=Path, help="hub config (default: North East)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument(
        "--enquiries", type=int, default=4000, help="how many enquiries (default 4000)"
    )
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=dt.date(2024, 4, 1),
        help="first day of the year (default 2024-04-01, a financial year)",
    )
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    parser.set_defaults(run=run)


#: Where the synthetic funnel's default rates come from (FunnelRates cites each one).
RATES_NOTE = (
    "funnel rates: published defaults (initial visit 31% of enquiries, Fostering Network; "
    "application 12% of enquiries and approval 51% of applications, Ofsted Fostering in "
    "England); the rest chosen (see fostering_hub.synthetic.FunnelRates)"
)


def _progress(message: str) -> None:
    print(f"- {message}", flush=True)


def run(args: argparse.Namespace) -> int:
    if args.enquiries < 1:
        return fail_usage("--enquiries must be at least 1")
    config = load_hub_config(args.config)
    if isinstance(config, int):
        return config
    try:
        import faker  # noqa: F401
        import matplotlib  # noqa: F401
        import narwhals  # noqa: F401
        import polars  # noqa: F401
    except ImportError as error:
        return fail_usage(
            f"the demo needs the 'demo' extra ({error.name} is missing): "
            "pip install 'fostering-hub[demo]'"
        )
    from ..models import to_london, write_journey_table
    from ..synthetic import generate_year
    from ..validation import validate_json

    base_dir = args.config.resolve().parent if args.config is not None else None
    _progress(f"{config.hub.brand_name}: {len(config.members)} local authorities")
    year = generate_year(
        config, seed=args.seed, enquiries=args.enquiries, start=args.start, base_dir=base_dir
    )
    as_of = to_london(dt.datetime.combine(year.end, dt.time(0)))
    # What the hub's CRM holds at the end of the year: later events not yet happened.
    year = year.known_at(as_of)
    _progress(f"generated {len(year.enquiries)} enquiries (seed {args.seed}) from {args.start}")
    _progress(RATES_NOTE)

    invalid = 0
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "enquiries.ndjson").open("w", encoding="utf-8") as handle:
        for enquiry in year.enquiries:
            payload = enquiry.model_dump_json()
            invalid += bool(validate_json("enquiry", payload))
            handle.write(payload + "\n")
    _progress(
        f"validated every enquiry as JSON: {len(year.enquiries) - invalid} valid, {invalid} invalid"
    )
    journeys_csv = args.out / "journeys.csv"
    rows = write_journey_table(year.journeys, journeys_csv)
    _progress(f"wrote {rows} journeys to {journeys_csv}")

    _progress(f"evaluating as of {as_of.isoformat()} (the end of the synthetic year)")
    names = {m.gss_code: m.name for m in config.cluster.members}
    funnel, channels = _funnel(year)
    decisions, allocation = _allocation(config, year, base_dir, names)
    sla = _sla(config, year, as_of, args.out, names)
    handovers = _handovers(config, year, decisions, as_of, args.out, base_dir, args.seed)
    statuses, due = _retention(config, year, as_of, args.out)
    monthly, yearly = _kpis(config, journeys_csv, as_of, args.out)

    from ._report import ReportData, render

    report = args.out / "report.html"
    data = ReportData(
        hub=config.hub.brand_name,
        seed=args.seed,
        start=args.start,
        as_of=as_of,
        enquiries=len(year.enquiries),
        funnel=funnel,
        channels=channels,
        allocation=allocation,
        sla=sla,
        handovers_valid=handovers[0],
        handovers_invalid=handovers[1],
        broken=handovers[2],
        retention_statuses=statuses,
        retention_due=due,
        monthly=monthly,
        yearly=yearly,
        la_names=names,
    )
    report.write_text(render(data), encoding="utf-8")
    print()
    print(f"Output: {args.out.resolve()}")
    print(f"Report: {report.resolve()}")
    return 1 if invalid or handovers[1] else 0


def _funnel(year: Any) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    from ..models import MILESTONES

    print()
    print("Funnel (enquiries reaching each stage):")
    reached = collections.Counter(
        stage for journey in year.journeys for stage in MILESTONES if journey.reached(stage)
    )
    for stage in MILESTONES:
        share = reached[stage] / len(year.journeys)
        print(f"  {stage.value:<14} {reached[stage]:>6}  {share:6.1%}")
    withdrawn = collections.Counter(
        j.withdrawal.reason.value for j in year.journeys if j.withdrawal and j.withdrawal.reason
    )
    reasons = ", ".join(f"{code} {count}" for code, count in sorted(withdrawn.items()))
    print(f"  {'withdrawn':<14} {sum(withdrawn.values()):>6}  {reasons}")
    print()
    print("Enquiries by channel:")
    channels = collections.Counter(e.channel.value for e in year.enquiries).most_common()
    for channel, count in channels:
        print(f"  {channel:<14} {count:>6}")
    return tuple((stage.value, reached[stage]) for stage in MILESTONES), tuple(channels)


def _allocation(
    config: Any, year: Any, base_dir: Path | None, names: dict[str, str]
) -> tuple[list[Any], tuple[tuple[str, str, int], ...]]:
    from ..allocation import Allocator

    allocator = Allocator.from_config(config, base_dir=base_dir)
    decisions = allocator.allocate_all(year.enquiries)
    print()
    print(f"Allocation by the hub's policy chain ({' > '.join(config.allocation.chain)}):")
    by_policy = collections.Counter(d.policy if d.allocated else "unallocated" for d in decisions)
    print("  decided by: " + ", ".join(f"{p} {n}" for p, n in by_policy.most_common()))
    allocated = collections.Counter(d.local_authority for d in decisions if d.local_authority)
    for code, count in sorted(allocated.items(), key=lambda item: -item[1]):
        print(f"  {names.get(code, code):<22} {count:>6}")
    pairs = collections.Counter(
        (names.get(d.local_authority, d.local_authority), d.policy)
        for d in decisions
        if d.local_authority
    )
    return list(decisions), tuple((la, policy, n) for (la, policy), n in sorted(pairs.items()))


def _sla(
    config: Any, year: Any, as_of: dt.datetime, out: Path, names: dict[str, str]
) -> tuple[Any, ...]:
    import csv

    from ..sla import RESULT_COLUMNS, SLAStatus, evaluate_journey, targets_from_config
    from ._report import SLARow

    targets = targets_from_config(config)
    results = []
    by_la: collections.Counter[tuple[str, str, SLAStatus]] = collections.Counter()
    for journey in year.journeys:
        la = names.get(journey.local_authority or "", "unallocated")
        for result in evaluate_journey(journey, targets, as_of):
            results.append(result)
            by_la[la, result.target, result.status] += 1
    with (out / "sla.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=RESULT_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(r.as_dict() for r in results)
    print()
    print("SLA targets (met % of those decided):")
    for name in dict.fromkeys(t.name for t in targets):
        counts = collections.Counter(r.status for r in results if r.target == name)
        met, breached = counts[SLAStatus.MET], counts[SLAStatus.BREACHED]
        rate = f"{met / (met + breached):6.1%}" if met + breached else "     -"
        print(
            f"  {name:<16} met {rate}  (met {met}, breached {breached}, "
            f"open {counts[SLAStatus.PENDING] + counts[SLAStatus.AT_RISK]})"
        )
    rows = []
    for la in sorted({la for la, _, _ in by_la}):
        for name in dict.fromkeys(t.name for t in targets):
            rows.append(
                SLARow(
                    la=la,
                    target=name,
                    met=by_la[la, name, SLAStatus.MET],
                    breached=by_la[la, name, SLAStatus.BREACHED],
                    open=by_la[la, name, SLAStatus.PENDING] + by_la[la, name, SLAStatus.AT_RISK],
                )
            )
    return tuple(rows)


def _handovers(
    config: Any,
    year: Any,
    decisions: list[Any],
    as_of: dt.datetime,
    out: Path,
    base_dir: Path | None,
    seed: int,
) -> tuple[int, int, tuple[Any, ...]]:
    import json
    import random

    from ..synthetic._handovers import broken_copies, handover_payload
    from ..validation import validate_handover
    from ._report import BrokenPayload

    rng = random.Random(seed)
    valid = invalid = 0
    first = None
    with (out / "handovers.ndjson").open("w", encoding="utf-8") as handle:
        for enquiry, journey, decision in zip(
            year.enquiries, year.journeys, decisions, strict=True
        ):
            handover = handover_payload(enquiry, journey, decision, config.hub.id, rng)
            if handover is None:
                continue
            text = handover.model_dump_json()
            report = validate_handover(text, config=config, now=as_of, base_dir=base_dir)
            valid += report.valid
            invalid += not report.valid
            first = first or handover
            handle.write(text + "\n")
    _progress(f"built and validated {valid + invalid} handovers: {valid} valid, {invalid} invalid")
    broken: list[Any] = []
    if first is not None:
        print()
        print("Deliberately broken handovers, as the validator reports them:")
        with (out / "broken-handovers.ndjson").open("w", encoding="utf-8") as handle:
            for description, payload in broken_copies(first):
                text = json.dumps(payload, ensure_ascii=False)
                handle.write(text + "\n")
                report = validate_handover(text, config=config, now=as_of, base_dir=base_dir)
                issues = tuple((i.code, i.path, i.message) for i in report.errors)
                broken.append(BrokenPayload(description, issues))
                print(f"  {description}:")
                for code, path, message in issues:
                    print(f"    {code} {path or '/'}: {message}")
    return valid, invalid, tuple(broken)


def _retention(
    config: Any, year: Any, as_of: dt.datetime, out: Path
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str, int], ...]]:
    from ..gdpr import retention_sweep

    report = retention_sweep(year.journeys, config, as_of=as_of.date())
    (out / "retention.csv").write_text(report.to_csv(), encoding="utf-8")
    print()
    print(f"Retention schedule as of {as_of.date().isoformat()}:")
    statuses = collections.Counter(d.status.value for d in report.decisions)
    actions = collections.Counter(
        (d.action.value, str(d.due.year)) for d in report.decisions if d.action and d.due
    )
    print("  " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
    print(
        "  actions falling due: "
        + ", ".join(f"{a} {y} ({n})" for (a, y), n in sorted(actions.items()))
    )
    return tuple(sorted(statuses.items())), tuple(
        (a, y, n) for (a, y), n in sorted(actions.items())
    )


def _kpis(config: Any, journeys: Path, as_of: dt.datetime, out: Path) -> tuple[Any, Any]:
    from ..kpi import KPI_IDS, compute_kpis

    # The whole catalogue (the config's reporting.kpis is the board's short list).
    monthly, yearly = (
        compute_kpis(
            journeys,
            kpis=list(KPI_IDS),
            by="local_authority",
            period=period,
            as_of=as_of,
            config=config,
        )
        for period in ("month", "financial_year")
    )
    monthly.write_csv(out / "kpis.csv")
    _progress(
        f"computed {monthly.height} KPI figures by month and local authority ({out / 'kpis.csv'})"
    )
    return monthly, yearly
