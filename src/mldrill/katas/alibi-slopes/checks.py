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

    return [
        check("powers of two: 2^(-8k/h)", "A geometric sequence starting at 2^(-8/h) with the same ratio: 8 heads "
              "give 1/2, 1/4, ..., 1/256.", [1, 2, 8, 16]),
        check("non-powers of two interleave the slopes of 2p heads", "For h = 12: the 8 slopes of 8 heads, then "
              "every other slope of 16 heads (the first 4 of them). 2^(-8k/h) with h = 12 is not what ALiBi models "
              "were trained with.", [6, 12, 20]),
        check("large head counts", "The same rule at h = 40 and 96 (p = 32 and 64).", [40, 96]),
    ]  # fmt: skip
