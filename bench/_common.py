"""Shared helpers for the bench/ scripts (not a test)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

BENCH_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench-data"


def best_of(fn: Callable[[], object], repeats: int = 5) -> float:
    """Best wall time in seconds over `repeats` runs (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_file(name: str) -> Path | None:
    for root in (BENCH_DATA, Path.cwd().parent / "shared" / "bench-data", Path("../shared/bench-data")):
        if (root / name).is_file():
            return root / name
    return None
