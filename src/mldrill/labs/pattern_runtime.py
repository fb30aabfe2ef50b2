"""Coding patterns: runtime vs n of the brute-force solution and the pattern solution, on a log-log scale, for
two-sum (hash map), longest substring without repeats (sliding window) and longest increasing subsequence
(patience sorting). Both solutions are checked to agree on every input."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.patterns.dp import lis_patience, lis_quadratic
from mldrill.ref.patterns.sliding_window import longest_unique_substring
from mldrill.ref.patterns.two_pointers import two_sum

TITLE = "Brute force vs the pattern: runtime vs n"
AREA = "coding-patterns"
TOPICS = ["array-patterns"]
SETTLES = ["graph-dp-heap-patterns/lis-patience"]
SECONDS = 1.5
PARAMS = {
    "max_log2_n": Int(6, 13, default=11, help="largest input size, as a power of two"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="Doubling n: how much longer does an O(n²) brute force take, compared with the O(n) pattern?",
    choices=("both about 2×", "4× vs 2×", "the brute force only starts to lose at n in the millions"),
    answer=1,
    why="On a log-log plot the slopes are the exponents: 2 for the brute force, 1 for the pattern.",
)


def two_sum_brute(nums: list[int], target: int) -> tuple[int, int] | None:
    for j in range(len(nums)):
        for i in range(j):
            if nums[i] + nums[j] == target:
                return i, j
    return None


def longest_unique_brute(s: str) -> int:
    best = 0
    for i in range(len(s)):
        seen: set[str] = set()
        for ch in s[i:]:
            if ch in seen:
                break
            seen.add(ch)
        best = max(best, len(seen))
    return best


def cases(rng: np.random.Generator) -> dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[[int], tuple]]]:
    return {
        "two-sum": (two_sum_brute, two_sum, lambda n: ([int(v) for v in rng.integers(0, 10 * n, n)], -1)),
        "longest unique substring": (
            longest_unique_brute,
            longest_unique_substring,
            lambda n: ("".join(chr(0x4E00 + int(c)) for c in rng.integers(0, n, n)),),  # n symbols: long windows
        ),
        "longest increasing subsequence": (
            lis_quadratic,
            lis_patience,
            lambda n: ([int(v) for v in rng.integers(0, n, n)],),
        ),
    }


def timed(fn: Callable[..., Any], args: tuple) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def run(max_log2_n: int = 11, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    ns = [2**k for k in range(5, max_log2_n + 1)]
    times: dict[str, dict[str, list[float]]] = {}
    agree = True
    for name, (brute, fast, make) in cases(rng).items():
        times[name] = {"brute": [], "pattern": []}
        for n in ns:
            args = make(n)
            tb, ob = timed(brute, args)
            tf, of = timed(fast, args)
            agree &= ob == of
            times[name]["brute"].append(tb)
            times[name]["pattern"].append(tf)
    fig, axes = figure(3, width=7.8, height=3.0)
    slopes = {}
    for ax, (name, t) in zip(axes, times.items(), strict=True):
        for kind, color in (("brute", "#b91c1c"), ("pattern", "#2563eb")):
            ax.plot(ns, t[kind], marker="o", ms=3, color=color, label=kind)
            half = len(ns) // 2  # fit the slope on the larger half (small n is overhead)
            slopes[(name, kind)] = float(np.polyfit(np.log(ns[half:]), np.log(np.maximum(t[kind][half:], 1e-9)), 1)[0])
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(name, fontsize=9.5)
        ax.set_xlabel("n")
    axes[0].set_ylabel("seconds")
    axes[0].legend(fontsize=8)
    rows = [[name, slopes[(name, "brute")], slopes[(name, "pattern")], t["brute"][-1] / t["pattern"][-1]]
            for name, t in times.items()]  # fmt: skip
    alt = (
        "Log-log runtime vs n for three problems: "
        + "; ".join(
            f"{r[0]}: brute-force slope {r[1]:.1f}, pattern slope {r[2]:.1f}, {r[3]:.0f}× apart at the largest n"
            for r in rows
        )
        + "."
    )
    text = (
        "On a log-log plot the slope is the exponent: the brute force's line climbs about twice as steeply as the "
        "pattern's, so the gap widens with every doubling of n (for the substring problem the brute force is "
        "O(n·window), about n^1.5 on random text). Both return the same answers on every input."
    )
    cols = ["problem", "slope brute", "slope pattern", "speed-up at max n"]
    fig_out = draw(fig, alt=alt, title="Runtime vs n", table=table(cols, rows))
    return LabResult([fig_out], {"agree": agree, "rows": rows, "n": ns}, text)
