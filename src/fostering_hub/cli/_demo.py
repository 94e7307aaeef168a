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
            "Generate a seeded synthetic year of enquiries for the cluster in the hub config "
            "(the North East by default), validate them and write the journey table."
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


def _progress(message: str) -> None:
    print(f"- {message}", flush=True)


def run(args: argparse.Namespace) -> int:
    if args.enquiries < 1:
        return fail_usage("--enquiries must be at least 1")
    config = load_hub_config(args.config)
    if isinstance(config, int):
        return config
    try:
        from ..synthetic import generate_year
    except ImportError as error:  # faker is in the demo extra
        return fail_usage(f"the demo needs the 'demo' extra ({error.name} is missing)")
    from ..models import write_journey_table
    from ..validation import validate_json

    _progress(f"{config.hub.brand_name}: {len(config.members)} local authorities")
    year = generate_year(config, seed=args.seed, enquiries=args.enquiries, start=args.start)
    _progress(f"generated {len(year.enquiries)} enquiries (seed {args.seed}) from {args.start}")

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
    rows = write_journey_table(year.journeys, args.out / "journeys.csv")
    _progress(f"wrote {rows} journeys to {args.out / 'journeys.csv'}")

    from ..models import to_london

    as_of = to_london(dt.datetime.combine(year.end, dt.time(0)))
    _progress(f"evaluating as of {as_of.isoformat()} (the end of the synthetic year)")
    _funnel(year)
    _allocation(config, year)
    _sla(config, year, as_of, args.out)
    _retention(config, year, as_of, args.out)
    print()
    print(f"Output: {args.out.resolve()}")
    return 1 if invalid else 0


def _funnel(year: Any) -> None:
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
    for channel, count in collections.Counter(
        e.channel.value for e in year.enquiries
    ).most_common():
        print(f"  {channel:<14} {count:>6}")


def _allocation(config: Any, year: Any) -> None:
    from ..allocation import Allocator

    allocator = Allocator.from_config(config)
    decisions = allocator.allocate_all(year.enquiries)
    names = {m.gss_code: m.name for m in config.cluster.members}
    print()
    print(f"Allocation by the hub's policy chain ({' > '.join(config.allocation.chain)}):")
    by_policy = collections.Counter(d.policy if d.allocated else "unallocated" for d in decisions)
    print("  decided by: " + ", ".join(f"{p} {n}" for p, n in by_policy.most_common()))
    allocated = collections.Counter(d.local_authority for d in decisions if d.local_authority)
    for code, count in sorted(allocated.items(), key=lambda item: -item[1]):
        print(f"  {names.get(code, code):<22} {count:>6}")


def _sla(config: Any, year: Any, as_of: dt.datetime, out: Path) -> None:
    import csv

    from ..sla import RESULT_COLUMNS, SLAStatus, evaluate_journey, targets_from_config

    targets = targets_from_config(config)
    results = [r for j in year.journeys for r in evaluate_journey(j, targets, as_of)]
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


def _retention(config: Any, year: Any, as_of: dt.datetime, out: Path) -> None:
    from ..gdpr import retention_sweep

    report = retention_sweep(year.journeys, config, as_of=as_of.date())
    (out / "retention.csv").write_text(report.to_csv(), encoding="utf-8")
    print()
    print(f"Retention schedule as of {as_of.date().isoformat()}:")
    statuses = collections.Counter(d.status.value for d in report.decisions)
    actions = collections.Counter(
        f"{d.action.value} {d.due.year}" for d in report.decisions if d.action and d.due
    )
    print("  " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())))
    print("  actions falling due: " + ", ".join(f"{a} ({n})" for a, n in sorted(actions.items())))
