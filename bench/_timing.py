"""Shared timing helper for the bench/ scripts: best wall time of several repeats, single-threaded torch."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], *, repeats: int = 7, number: int = 3) -> float:
    """Best (min) mean time per call in seconds over `repeats` runs of `number` calls, after one warm-up call."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def report(name: str, ours: float, theirs: float, peer: str) -> None:
    print(f"{name:<38} ours {ours * 1e3:9.3f} ms   {peer} {theirs * 1e3:9.3f} ms   ours/torch {ours / theirs:7.2f}x")
