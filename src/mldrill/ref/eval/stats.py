"""pass@k, majority vote (self-consistency), and McNemar's exact test for paired model comparisons.

pass@k (Chen et al., 2021), unbiased from n samples of which c pass: 1 - C(n - c, k) / C(n, k), computed stably as
1 - prod_{i = n - c + 1}^{n} (1 - k / i); it is 1 when n - c < k, and pass@1 = c / n. Averaging 1[any of k random
samples passes] by Monte Carlo converges to the same number.
McNemar: on the same test items, only discordant pairs matter: b = A right / B wrong, c = A wrong / B right;
under H0 b ~ Binomial(b + c, 1/2), two-sided exact p-value. Trap: comparing two accuracies with an unpaired test
ignores that both models saw the same items, and small test sets give wide intervals.
Tested against scipy.stats.binomtest, closed forms and Monte Carlo in tests/ref/eval/test_eval_stats.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


def pass_at_k(n: int, c: int, k: int) -> float:
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def self_consistency(answers: Sequence[Hashable]) -> Hashable:
    """Majority vote; ties go to the answer seen first."""
    counts = Counter(answers)
    best = max(counts.values())
    return next(a for a in answers if counts[a] == best)


def mcnemar_exact(a_correct: Sequence[bool], b_correct: Sequence[bool]) -> float:
    """Two-sided exact McNemar p-value."""
    a, b = np.asarray(a_correct, bool), np.asarray(b_correct, bool)
    n01, n10 = int((a & ~b).sum()), int((~a & b).sum())
    n = n01 + n10
    if n == 0:
        return 1.0
    lo = min(n01, n10)
    p = sum(math.comb(n, i) for i in range(lo + 1)) / 2**n
    return min(1.0, 2 * p)


def bootstrap_ci(
    scores: Sequence[float] | np.ndarray,
    *,
    n_resamples: int = 9999,
    confidence: float = 0.95,
    seed: int | np.random.Generator = 0,
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean score: resample the items with replacement
    (indices drawn as rng.integers(0, n, (n_resamples, n)), the same draws scipy.stats.bootstrap makes), take the
    mean of each resample, and report the (1 - confidence)/2 and (1 + confidence)/2 percentiles. Small test sets
    give wide intervals: report them next to the score."""
    x = np.asarray(scores, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), (n_resamples, len(x)))].mean(axis=1)  # (n_resamples,)
    alpha = (1 - confidence) / 2
    lo, hi = np.percentile(means, [100 * alpha, 100 * (1 - alpha)])
    return float(lo), float(hi)


mcnemar = mcnemar_exact  # the syllabus name
