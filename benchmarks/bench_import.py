"""Import cost of fostering_hub compared with pydantic, measured in fresh interpreters.

Each statement runs as ``python -c STATEMENT`` in a new process (``sys.executable``), the
statements interleaved round-robin so that machine noise hits them alike. The wall time
includes interpreter start-up, which the ``pass`` baseline shows on its own.

Target: ``import fostering_hub`` within 1.5x of ``import pydantic``. The script reports
PASS/MISS but never fails on a timing.

Also: ``-X importtime`` once for ``import fostering_hub.models`` (the 10 slowest modules),
and a check that the optional or heavy dependencies are not imported by the models.

Run: ``python benchmarks/bench_import.py [--runs N]`` (``make bench``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_RATIO = 1.5
#: name -> (what is printed, the code given to ``python -c``)
STATEMENTS = {
    "baseline": ("pass", "pass"),
    "pydantic": ("import pydantic", "import pydantic"),
    # Not a target: the floor for any package defining a pydantic model at import time
    # (``import pydantic`` alone is lazy and loads none of the model machinery).
    "pydantic_model": (
        "pydantic + one BaseModel (floor)",
        "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
    ),
    "fostering_hub": ("import fostering_hub", "import fostering_hub"),
    "fostering_hub.models": ("import fostering_hub.models", "import fostering_hub.models"),
    "fostering_hub.config": ("import fostering_hub.config", "import fostering_hub.config"),
}
CHECKED_AGAINST_TARGET = ("fostering_hub", "fostering_hub.models")
#: Must not be loaded by ``import fostering_hub.models`` (imported on first use, or extras).
NOT_AT_IMPORT = (
    "phonenumbers",
    "email_validator",
    "pendulum",
    "holidays",
    "numpy",
    "pandas",
    "polars",
    "narwhals",
    "faker",
)
IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


#: Bytecode caches go here (not into src/ or site-packages): the warm-up run writes them,
#: the timed runs read them, whatever PYTHONDONTWRITEBYTECODE says in the caller's shell.
PYCACHE = tempfile.TemporaryDirectory(prefix="fh-bench-pycache-")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "PYTHONWARNINGS"):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = PYCACHE.name
    return env


def _run(statement: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", statement],
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )
    return time.perf_counter() - start


def time_imports(runs: int) -> dict[str, list[float]]:
    """Wall times in seconds per statement name, ``runs`` fresh processes each."""
    env = _env()
    for _label, code in STATEMENTS.values():  # warm-up: writes .pyc files, fills page cache
        _run(code, env)
    times: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(runs):
        for name, (_label, code) in STATEMENTS.items():
            times[name].append(_run(code, env))
    return times


def importtime(module: str) -> list[tuple[int, int, int, str]]:
    """``(self_us, cumulative_us, depth, name)`` per module from ``-X importtime``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
    )
    rows = []
    for line in result.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            rows.append((int(self_us), int(cumulative_us), len(indent) // 2, name))
    return rows


def loaded_modules(module: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` (top-level names) are in sys.modules after importing ``module``."""
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        f"print(json.dumps(sorted(n for n in {list(candidates)!r} if n in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()
    )
    return list(json.loads(result.stdout))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def _owner(name: str) -> str:
    """fostering_hub modules one by one; anything else by its top-level package."""
    top = name.split(".")[0]
    if top == "fostering_hub":
        return name
    if top in {"pydantic", "pydantic_core", "annotated_types", "typing_extensions"}:
        return "pydantic (+core, annotated_types, typing_extensions)"
    return top


def report_importtime(module: str) -> None:
    rows = importtime(module)
    total_us = sum(r[0] for r in rows)
    print(f"\n-X importtime, import {module}: 10 slowest modules by self time")
    print(f"  {'self ms':>8} {'cumul ms':>9}  module (imported by)")
    parents: dict[int, str] = {}
    # importtime prints a module after its children: the importer is the next shallower row.
    importer: dict[str, str] = {}
    for _self, _cum, depth, name in reversed(rows):
        parents[depth] = name
        importer[name] = parents.get(depth - 1, "-")
    for self_us, cumulative_us, _depth, name in sorted(rows, reverse=True)[:10]:
        print(f"  {self_us / 1000:8.1f} {cumulative_us / 1000:9.1f}  {name} ({importer[name]})")
    by_owner: dict[str, int] = {}
    for self_us, _cum, _depth, name in rows:
        by_owner[_owner(name)] = by_owner.get(_owner(name), 0) + self_us
    print(
        f"  self time by owner, top 10 (total {total_us / 1000:.1f} ms over {len(rows)} modules;"
        "\n  a fostering_hub module's self time includes building its pydantic models):"
    )
    for key, us in sorted(by_owner.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {us / 1000:7.1f} ms  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per statement")
    args = parser.parse_args()

    print(
        "Import wall time in fresh processes: import fostering_hub / .models / .config vs "
        f"import pydantic ({args.runs} runs each)"
    )
    print(f"python {sys.version.split()[0]} at {sys.executable}")
    times = time_imports(args.runs)
    medians = {name: statistics.median(values) for name, values in times.items()}
    mins = {name: min(values) for name, values in times.items()}
    base = medians["baseline"]

    print(
        f"\n  {'python -c ...':<34} {'median ms':>9} {'min ms':>8} {'net ms':>8} "
        f"{'x pydantic':>10} {'net x pyd':>9}"
    )
    for name, (label, _code) in STATEMENTS.items():
        median = medians[name]
        ratio = median / medians["pydantic"]
        net = median - base
        net_pyd = medians["pydantic"] - base
        net_ratio = net / net_pyd if net_pyd > 0 else float("nan")
        ratio_text = f"{ratio:10.2f}" if name != "baseline" else f"{'':>10}"
        net_text = f"{net_ratio:9.2f}" if name != "baseline" else f"{'':>9}"
        print(
            f"  {label:<34} {_ms(median):>9} {_ms(mins[name]):>8} "
            f"{_ms(net):>8} {ratio_text} {net_text}"
        )
    print("  (net = median minus the 'pass' baseline; 'x pydantic' compares raw medians)")

    print(f"\nTarget: within {TARGET_RATIO}x of 'import pydantic' (raw median wall time)")
    for name in CHECKED_AGAINST_TARGET:
        ratio = medians[name] / medians["pydantic"]
        verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
        print(f"  {verdict}  import {name:<22} {ratio:.2f}x pydantic")
    floor = medians["pydantic_model"]
    extra = medians["fostering_hub.models"] - floor
    print(
        f"  info  import fostering_hub.models is {extra * 1000:+.1f} ms "
        f"({medians['fostering_hub.models'] / floor:.2f}x) against the pydantic-model floor"
    )

    print("\nHeavy or optional dependencies in sys.modules after import:")
    for module in ("fostering_hub.models", "fostering_hub", "fostering_hub.config"):
        loaded = loaded_modules(module, NOT_AT_IMPORT)
        status = "OK, none loaded" if not loaded else "LOADED: " + ", ".join(loaded)
        checked = "" if module == "fostering_hub.models" else " (informational)"
        print(f"  import {module:<22} {status}{checked}")
    print(f"  checked: {', '.join(NOT_AT_IMPORT)}")

    report_importtime("fostering_hub.models")


if __name__ == "__main__":
    main()
