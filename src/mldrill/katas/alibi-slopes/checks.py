"""Hidden checks for the alibi-slopes kata. Expected slopes: the recursive get_slopes of the ALiBi authors' code
(start = 2^(-2^-(log2 n - 3)), ratio = start), transcribed."""

from __future__ import annotations

import math

from mldrill.grader.checks import Call, Check, expect_close


def _get_slopes(n: int) -> list[float]:
    def power_of_2(n: int) -> list[float]:
        start = 2 ** (-(2 ** -(math.log2(n) - 3)))
        return [start * start**i for i in range(n)]

    if math.log2(n).is_integer():
        return power_of_2(n)
    p = 2 ** math.floor(math.log2(n))
    return power_of_2(p) + _get_slopes(2 * p)[0::2][: n - p]


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, hs: list[int]) -> Check:
        return Check(
            name, expl, [Call((h,)) for h in hs], expect_close([_get_slopes(h) for h in hs], atol=0, rtol=1e-12)
        )

    powers = sorted(2 ** rng.choice(9, size=4, replace=False))  # 4 of 1, 2, 4, ..., 256
    odd = sorted(rng.choice([h for h in range(3, 100) if h & (h - 1)], size=3, replace=False))
    return [
        check("powers of two: 2^(-8k/h)", "A geometric sequence starting at 2^(-8/h) with the same ratio: 8 heads "
              "give 1/2, 1/4, ..., 1/256.", [int(h) for h in powers]),
        check("non-powers of two interleave the slopes of 2p heads", "For h = 12: the 8 slopes of 8 heads, then "
              "every other slope of 16 heads (the first 4 of them). 2^(-8k/h) with h = 12 is not what ALiBi models "
              "were trained with.", [int(h) for h in odd]),
        check("large head counts", "The same rule for h between 33 and 63 (p = 32) and between 65 and 127 (p = 64).",
              [int(rng.integers(33, 64)), int(rng.integers(65, 128))]),
    ]  # fmt: skip
