"""Hidden checks for the chinchilla-allocation kata. Expected values: the closed form N = sqrt(C / (6 r)), D = r N,
and the properties it must have (6 N D = C, D / N = r, N proportional to sqrt(C))."""

from __future__ import annotations

import math

from mldrill.grader.checks import Call, Check, Failure, Outcome, expect_parts

TOL = {"atol": 0.0, "rtol": 1e-9}


def _closed(c: float, r: float) -> tuple[float, float]:
    n = math.sqrt(c / (6.0 * r))
    return n, r * n


def _pairs(outcomes: list[Outcome]) -> list[tuple[float, float]] | Failure:
    out = []
    for i, o in enumerate(outcomes):
        if o.error is not None:
            return Failure(f"call {i + 1}: raised {o.error}", i)
        if not isinstance(o.value, list | tuple) or len(o.value) != 2:
            return Failure(f"call {i + 1}: expected a tuple (N, D)", i, actual=o.value)
        try:
            out.append((float(o.value[0]), float(o.value[1])))
        except (TypeError, ValueError):
            return Failure(f"call {i + 1}: N and D must be numbers, got {o.value!r}", i, actual=o.value)
    return out


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def budget() -> float:
        return float(10 ** rng.uniform(18, 25))

    def call(c: float, r: float | None = None) -> Call:
        return Call((c,), {} if r is None else {"tokens_per_param": r})

    def values(cases: list[tuple[float, float | None]]):
        return expect_parts([_closed(c, 20.0 if r is None else r) for c, r in cases], ("N", "D"), **TOL)

    def prop(test, cases: list[tuple[float, float]]):
        """A judge of one property of each call's (C, r, N, D): test returns (ok, what was measured)."""

        def judge(outcomes: list[Outcome]):
            got = _pairs(outcomes)
            if isinstance(got, Failure):
                return got
            for i, ((c, r), (n, d)) in enumerate(zip(cases, got, strict=True)):
                ok, msg = test(c, r, n, d)
                if not ok:
                    return Failure(f"call {i + 1}: {msg}", i, actual=[n, d])
            return None

        return judge

    random = [(budget(), None), (budget(), None), (budget(), float(rng.uniform(5, 60)))]
    scaled = budget()
    spend_cases = [(budget(), 20.0), (budget(), 20.0)]
    ratio_cases = [(budget(), 20.0), (budget(), 20.0)]
    ratio_r = [(budget(), float(r)) for r in (rng.uniform(2, 12), rng.uniform(30, 200))]
    order = [(budget(), None)]

    def spends(c: float, r: float, n: float, d: float) -> tuple[bool, str]:
        return math.isclose(6 * n * d, c, rel_tol=1e-9), f"6 N D = {6 * n * d:.6g} FLOPs, budget C = {c:.6g}"

    def ratio(c: float, r: float, n: float, d: float) -> tuple[bool, str]:
        return math.isclose(
            d / n, r, rel_tol=1e-9
        ) if n else False, f"D / N = {d / n if n else math.inf:.6g}, r = {r:g}"

    def sqrt_law(outcomes: list[Outcome]):
        got = _pairs(outcomes)
        if isinstance(got, Failure):
            return got
        base = got[0][0]
        for i, k in ((1, 4), (2, 100)):
            want = math.sqrt(k)
            if not (base and math.isclose(got[i][0] / base, want, rel_tol=1e-9)):
                return Failure(f"call {i + 1}: {k} x the compute gave {got[i][0] / base if base else math.inf:.6g} x "
                               f"the parameters, expected sqrt({k}) = {want:g}", i, actual=list(got[i]))  # fmt: skip
        return None

    def order_judge(outcomes: list[Outcome]):
        got = _pairs(outcomes)
        if isinstance(got, Failure):
            return got
        n, d = got[0]
        want = _closed(order[0][0], 20.0)
        if math.isclose(n, want[1], rel_tol=1e-9) and math.isclose(d, want[0], rel_tol=1e-9):
            return Failure("returned (D, N): the parameters come first", 0, list(want), [n, d])
        if not n < d:
            return Failure(f"N = {n:.6g} is not below D = {d:.6g}; with r = 20 tokens per parameter D = 20 N", 0)
        return None

    return [
        Check(
            "matches N = sqrt(C / 6r), D = r N",
            "C = 6 N D and D = r N give C = 6 r N^2, so N = sqrt(C / (6 r)) and D = r N.",
            [call(c, r) for c, r in random],
            values(random),
        ),
        Check(
            "spends the whole budget: 6 N D = C",
            "Each parameter costs 6 FLOPs per token (2 forward, 4 backward). Without the 6 (N = sqrt(C / r)) the plan "
            "needs 6x the compute; taking the root of C / 6 and then dividing by r misplaces r.",
            [call(c) for c, _ in spend_cases],
            prop(spends, spend_cases),
        ),
        Check(
            "D is r times N, not N / r",
            "r is tokens PER PARAMETER: D = r N, about 20x more tokens than parameters (Chinchilla: 70B on 1.4T).",
            [call(c) for c, _ in ratio_cases],
            prop(ratio, ratio_cases),
        ),
        Check(
            "N grows as the square root of C",
            "N and D both scale as C^0.5 (4x the compute: 2x the parameters and 2x the tokens). Forgetting the "
            "square root makes N grow linearly with C and D by C as well: the budget is then spent many times over.",
            [call(c) for c in (scaled, 4 * scaled, 100 * scaled)],
            sqrt_law,
        ),
        Check(
            "uses tokens_per_param",
            "r is an argument (about 20 for Chinchilla, far more for models trained for cheap inference): a "
            "hard-coded 20 ignores it.",
            [call(c, r) for c, r in ratio_r],
            values(ratio_r),
        ),
        Check(
            "returns (N, D): parameters first",
            "The tuple is (parameters, tokens); with r = 20 the token count is the larger one.",
            [call(c) for c, _ in order],
            order_judge,
        ),
    ]
