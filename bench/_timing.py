"""Shared timing helpers for the bench/ scripts: best wall time of several repeats, and interleaved rounds that time
ours and a peer alternately so that a change in machine load hits both sides alike."""

from __future__ import annotations

import statistics
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


def interleaved(
    fns: dict[str, Callable[[], object]], *, rounds: int = 7, warmup: bool = True
) -> dict[str, list[float]]:
    """Seconds per call of each function over `rounds` rounds; within a round the functions run one after the other
    (the order alternates between rounds), after one warm-up call each unless `warmup` is False."""
    for fn in fns.values() if warmup else ():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            t0 = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def ratio_line(name: str, times: dict[str, list[float]], ours: str, peer: str) -> str:
    """One line: the median time of each side and the median of the per-round ratios ours/peer."""
    a, b = times[ours], times[peer]
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return (
        f"{name:<34} {ours} {statistics.median(a) * 1e3:9.2f} ms   {peer} {statistics.median(b) * 1e3:9.2f} ms   "
        f"{ours}/{peer} {ratio:6.2f}x{f' ({1 / ratio:.1f}x faster)' if ratio < 1 else ''}"
        f"  (median of {len(a)} interleaved rounds)"
    )
