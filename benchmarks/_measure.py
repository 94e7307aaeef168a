"""Timing and peak-memory helpers the benchmarks share (``bench_kpi.py``, ``bench_sla.py``)."""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def best_of(repeat: int, call: Callable[[], Any]) -> tuple[float, float, Any]:
    """Best wall time and best CPU time (user + system, all threads) of ``repeat`` calls,
    and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = call()
            wall = min(wall, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        finally:
            gc.enable()
    return wall, cpu, result


def _status_kb(key: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb(call: Callable[[], Any]) -> tuple[float, str]:
    """Peak RSS increase during ``call`` in MiB, and how it was measured."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset VmHWM to the current RSS
        method = "VmHWM"
    except OSError:
        method = "ru_maxrss"
    before = _status_kb("VmRSS") or 0
    call()
    if method == "VmHWM":
        peak = _status_kb("VmHWM") or 0
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak = peak // 1024 if sys.platform == "darwin" else peak
    return (peak - before) / 1024, method
