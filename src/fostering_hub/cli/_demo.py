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
    from ..models import MILESTONES, write_journey_table
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
    print(
        f"  {'withdrawn':<14} {sum(withdrawn.values()):>6}  "
        + ", ".join(f"{code} {count}" for code, count in sorted(withdrawn.items()))
    )
    print()
    print("Enquiries by channel:")
    for channel, count in collections.Counter(
        e.channel.value for e in year.enquiries
    ).most_common():
        print(f"  {channel:<14} {count:>6}")
    print()
    print("Households allocated, by local authority:")
    names = {m.gss_code: m.name for m in config.cluster.members}
    allocated = collections.Counter(j.local_authority for j in year.journeys if j.local_authority)
    for code, count in sorted(allocated.items(), key=lambda item: -item[1]):
        print(f"  {names.get(code, code):<22} {count:>6}")
    print()
    print(f"Output: {args.out.resolve()}")
    return 1 if invalid else 0
