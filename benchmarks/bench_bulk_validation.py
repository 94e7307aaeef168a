"""Bulk validation: ``fostering-hub validate handover`` on NDJSON files of 10,000 and 100,000.

The issue's target: the command streams, so its memory stays flat, not proportional to the
file size. This script writes NDJSON files of handover payloads to a temporary directory
(the ~2 KB payloads of ``bench_validation.py``: three valid to one invalid, every invalid
category of that script, every line with its own ``handover_id``), then runs, for each
size and for ``--format json`` and ``--format text``::

    fostering-hub validate handover FILE --format json --quiet --as-of 2026-01-01T00:00 \\
        > /dev/null

as a child process of the venv's CLI (the ``fostering-hub`` script next to
``sys.executable``, else ``python -m fostering_hub.cli``). Each run is started by a fresh,
small intermediary Python process, which reports

* the wall time and the child's CPU time (``RUSAGE_CHILDREN``), hence payloads per second;
* the child's peak RSS as ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (on Linux this also
  takes in the intermediary's own peak at the time of the fork/exec, a floor of ~10 MB,
  which is why the intermediary is fresh and small rather than this script);
* and as a cross-check the child's ``VmHWM`` (peak RSS of its own address space) polled
  from ``/proc/PID/status`` every 20 ms, the last reading before it exits.

It prints both sizes side by side and the ratio of peak memory 100k / 10k: flat is about
1.0x; PASS if at most 1.5x (a figure, never a failure). A 1-payload run gives the
start-up floor. Before timing, one run with ``--summary`` checks that the command counts
as many valid and invalid payloads as ``validate_handover`` does in this process.

Run: ``python benchmarks/bench_bulk_validation.py [--quick]`` (``--quick``: 1,000 and
10,000 payloads). ``TMPDIR=/dev/shm`` keeps the files (~230 MB for 100,000) off disk.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validation import NOW, encode, invalid_payloads, valid_payloads

from fostering_hub.config import load_config
from fostering_hub.validation import validate_handover

AS_OF = "2026-01-01T00:00"  # the same instant as bench_validation.NOW (GMT in January)
POOL = 1000  # distinct valid and invalid payloads to cycle through
FORMATS = ("json", "text")

#: Runs one command and reports its cost as JSON. Kept small: its own peak RSS is the
#: floor of ``ru_maxrss`` for its child.
RUNNER = r"""
import json, os, resource, subprocess, sys, time
argv, err_path = json.loads(sys.argv[1])

def hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None

with open(os.devnull, "wb") as out, open(err_path, "wb") as err:
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=out, stderr=err)
    polled = 0
    while child.poll() is None:
        seen = hwm_kb(child.pid)
        if seen:
            polled = max(polled, seen)
        time.sleep(0.02)
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "rc": child.returncode,
    "wall": wall,
    "cpu": usage.ru_utime + usage.ru_stime,
    "maxrss_kb": usage.ru_maxrss,
    "polled_hwm_kb": polled,
    "runner_hwm_kb": hwm_kb("self") or 0,
}))
"""


def cli_command() -> list[str]:
    """The venv's ``fostering-hub`` script, or ``python -m fostering_hub.cli``."""
    script = Path(sys.executable).parent / "fostering-hub"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "fostering_hub.cli"]


def build_pool() -> tuple[list[bytes], list[bytes]]:
    """Distinct valid and invalid lines, each checked with ``validate_handover`` here."""
    config = load_config()
    valid = [encode(p) for p in valid_payloads(POOL)]
    invalid = [encode(p) for _category, _what, p in invalid_payloads(POOL)]
    valid = [b for b in valid if validate_handover(b, config=config, now=NOW).valid]
    invalid = [b for b in invalid if not validate_handover(b, config=config, now=NOW).valid]
    return valid, invalid


def lines(count: int, valid: list[bytes], invalid: list[bytes]) -> Iterator[tuple[bool, bytes]]:
    """``count`` NDJSON lines, every fourth one invalid, each with its own handover_id."""
    for n in range(count):
        is_valid = n % 4 != 3
        pool = valid if is_valid else invalid
        line = pool[(n // 4) % len(pool)]
        # Every pool line's id is HO-2024-<6 digits>; give each line its own.
        start = line.find(b'"handover_id":"HO-2024-')
        if start >= 0:
            end = line.index(b'"', start + 15)
            line = line[:start] + f'"handover_id":"HO-B-{n:08d}'.encode() + line[end:]
        yield is_valid, line


def write_file(path: Path, count: int, valid: list[bytes], invalid: list[bytes]) -> int:
    """Write the NDJSON file; returns the number of valid lines."""
    good = 0
    with path.open("wb") as handle:
        for is_valid, line in lines(count, valid, invalid):
            good += is_valid
            handle.write(line + b"\n")
    return good


def run_once(argv: list[str], work: Path) -> dict[str, float]:
    """One run of ``argv`` (stdout to /dev/null) under a fresh intermediary process."""
    err_path = work / "stderr.txt"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps([argv, str(err_path)])],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    if result["rc"] not in (0, 1):
        message = err_path.read_text(errors="replace").strip()[-500:]
        print(f"  command failed with status {result['rc']}: {message}")
    return result


def verify(cli: list[str], path: Path, count: int, good: int, work: Path) -> None:
    """One untimed run with --summary: the counts must match this process's verdicts."""
    out = work / "results.json"
    options = ["--format", "json", "--quiet", "--summary", "--as-of", AS_OF]
    with out.open("wb") as handle:
        subprocess.run(
            [*cli, "validate", "handover", str(path), *options],
            stdout=handle,
            check=False,
        )
    try:
        summary = json.loads(out.read_bytes())["summary"]
    except (ValueError, KeyError) as error:
        print(f"  check: the JSON output did not parse ({error})")
        return
    expected = {"checked": count, "valid": good, "invalid": count - good}
    got = {key: summary.get(key) for key in expected}
    verdict = "as expected" if got == expected else f"EXPECTED {expected}"
    print(f"  check on {count:,} payloads (--summary): {got} {verdict}")
    top = sorted(summary.get("codes", {}).items(), key=lambda kv: -kv[1])[:6]
    print("  most frequent codes: " + ", ".join(f"{code} {n}" for code, n in top))
    out.unlink()


def cpu_us(count: int, result: dict[str, float]) -> str:
    """CPU us per payload, start-up included ("-" for the 1-payload start-up run)."""
    return "-" if count == 1 else f"{result['cpu'] / count * 1e6:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 payloads")
    args = parser.parse_args()
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)

    cli = cli_command()
    print(f"fostering-hub validate handover on NDJSON: {' '.join(cli)}")
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPUs; --as-of {AS_OF}")
    start = time.perf_counter()
    valid, invalid = build_pool()
    print(f"pool: {len(valid)} valid + {len(invalid)} invalid distinct payloads")

    with tempfile.TemporaryDirectory(prefix="fh-bulk-") as tmp:
        work = Path(tmp)
        files: dict[int, tuple[Path, int]] = {}
        for count in (1, small, large):
            path = work / f"handovers-{count}.ndjson"
            files[count] = (path, write_file(path, count, valid, invalid))
        sizes = {count: path.stat().st_size for count, (path, _good) in files.items()}
        print(
            f"files written in {time.perf_counter() - start:.1f} s (not counted): "
            + ", ".join(
                f"{count:,} payloads {sizes[count] / 2**20:.1f} MiB ({good:,} valid)"
                for count, (_path, good) in files.items()
                if count > 1
            )
            + f", in {work.parent}"
        )
        path, good = files[small]
        verify(cli, path, small, good, work)

        results: dict[tuple[int, str], dict[str, float]] = {}
        for count in (1, small, large):
            for fmt in FORMATS:
                argv = [*cli, "validate", "handover", str(files[count][0]), "--format", fmt]
                results[count, fmt] = run_once([*argv, "--quiet", "--as-of", AS_OF], work)

    floor = max(r["runner_hwm_kb"] for r in results.values()) / 1024
    print(
        "\nPer run: wall time, payloads/s (wall), CPU us/payload, peak RSS of the child "
        "(ru_maxrss,\nRUSAGE_CHILDREN of a fresh intermediary) and /proc VmHWM polled "
        f"every 20 ms; intermediary floor {floor:.0f} MB"
    )
    print(
        f"  {'payloads':>9} {'format':<6} {'file MiB':>8} {'wall s':>7} {'payloads/s':>10} "
        f"{'CPU us':>7} {'peak MB':>8} {'VmHWM MB':>9} {'exit':>4}"
    )
    for (count, fmt), r in results.items():
        print(
            f"  {count:>9,} {fmt:<6} {sizes[count] / 2**20:8.1f} {r['wall']:7.2f} "
            f"{count / r['wall']:10,.0f} {cpu_us(count, r):>7} "
            f"{r['maxrss_kb'] / 1024:8.1f} {r['polled_hwm_kb'] / 1024:9.1f} {r['rc']:>4}"
        )
    startup = {fmt: results[1, fmt]["wall"] for fmt in FORMATS}
    print(
        "  (the 1-payload row is the start-up cost: "
        + ", ".join(f"{fmt} {s:.2f} s" for fmt, s in startup.items())
        + "; exit 1 = some payloads invalid)"
    )
    print(
        "\nSteady rate, start-up excluded: "
        + ", ".join(
            f"{fmt} {large / max(results[large, fmt]['wall'] - startup[fmt], 1e-9):,.0f} payloads/s"
            for fmt in FORMATS
        )
    )

    print(f"\nMemory, {large:,} / {small:,} payloads (file {sizes[large] / sizes[small]:.1f}x):")
    for fmt in FORMATS:
        peak = results[large, fmt]["maxrss_kb"] / results[small, fmt]["maxrss_kb"]
        polled = results[large, fmt]["polled_hwm_kb"] / max(results[small, fmt]["polled_hwm_kb"], 1)
        verdict = "PASS" if peak <= 1.5 else "MISS"
        print(
            f"  {verdict}  --format {fmt}: peak RSS {peak:.2f}x (VmHWM {polled:.2f}x); "
            "target <= 1.5x (flat = 1.0x)"
        )


if __name__ == "__main__":
    main()
