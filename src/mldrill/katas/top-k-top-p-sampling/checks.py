"""Hidden checks for the top-k-top-p-sampling kata.

Each statistical check draws N tokens from identical rows and compares their counts with the expected distribution
(computed here in NumPy) by a chi-square goodness-of-fit test (scipy.stats.chisquare) at alpha = 1e-6: a correct
solution fails a given check once in a million runs (the generator seeds come from the run's seed, so a verdict
replays with it); the traps shift probabilities by far more at N = 20,000 draws. A token outside the allowed set
fails the check outright.
"""

from __future__ import annotations

import numpy as np
import scipy.stats

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, TorchGen, showing

ALPHA = 1e-6
N = 20_000


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z[np.isfinite(z)].max())
    return e / e.sum()


def expected_probs(logits: np.ndarray, temperature: float, top_k: int | None, top_p: float | None) -> np.ndarray:
    z = logits / temperature
    if top_k is not None:
        kth = np.sort(z)[::-1][top_k - 1]
        z = np.where(z < kth, -np.inf, z)
    if top_p is not None:
        p = _softmax(z)
        order = np.argsort(-p, kind="stable")
        before = np.cumsum(p[order]) - p[order]  # mass strictly before each sorted token
        keep = np.zeros(len(z), dtype=bool)
        keep[order[before < top_p]] = True
        z = np.where(keep, z, -np.inf)
    return _softmax(z)


def distributed_as(probs: np.ndarray) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        s = np.asarray(o.value)
        if s.shape != (N,) or s.dtype.kind not in "iu":
            return f"expected an integer tensor of shape ({N},), got {s.dtype} {s.shape}"
        outside = sorted({int(t) for t in s if not (0 <= t < len(probs)) or probs[t] == 0})
        if outside:
            return (
                f"drew tokens {outside[:5]} that should have been removed (allowed: {np.flatnonzero(probs).tolist()})"
            )
        support = np.flatnonzero(probs)
        counts = np.bincount(s, minlength=len(probs))[support]
        if len(support) == 1:
            return None
        stat = scipy.stats.chisquare(counts, probs[support] * N)
        if stat.pvalue < ALPHA:
            freq = np.round(counts / N, 3).tolist()
            want = np.round(probs[support], 3).tolist()
            return (
                f"frequencies {freq} of tokens {support.tolist()}, expected {want} "
                f"(chi-square p-value {stat.pvalue:.2g} < {ALPHA})"
            )
        return None

    return showing([probs], judge)


def greedy(token: int, n: int) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        got = np.asarray(o.value).tolist()
        return None if got == [token] * n else f"expected token {token} every time, got {got[:10]}..."

    return showing([[token] * n], judge)


def same_draws(n: int, v: int) -> Judge:
    """Two calls with generators seeded alike: the same n tokens, all in 0..v-1."""

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, o in enumerate(outcomes):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            s = np.asarray(o.value)
            if s.shape != (n,) or s.dtype.kind not in "iu" or not ((s >= 0) & (s < v)).all():
                return f"call {i + 1}: expected {n} token ids in 0..{v - 1}, got {s.dtype} {s.shape}"
        a, b = (np.asarray(o.value) for o in outcomes)
        if not np.array_equal(a, b):
            return (
                f"call 2: the same generator seed gave other tokens ({int((a != b).sum())} of {n} differ): "
                "the draws do not come from `generator`"
            )
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    # the hand-chosen distribution on randomly ordered token ids, shifted by a constant (softmax ignores it)
    base = np.log(np.array([0.5, 0.3, 0.12, 0.05, 0.03]))[rng.permutation(5)] + rng.uniform(-5, 5)
    wide = rng.normal(size=8) * 1.5
    seeds = [int(s) for s in rng.choice(2**31, size=11, replace=False)]  # the generators' seeds, drawn too
    # top-k = 3 keeps 0.4, 0.3, 0.12 (renormalized: 0.49, 0.37, 0.15); top-p = 0.8 on those keeps 2 tokens, while on
    # the probabilities before top-k (mass before the third: 0.7 < 0.8) it would keep 3
    renorm = np.log(np.array([0.4, 0.3, 0.12, 0.1, 0.08]))[rng.permutation(5)] + rng.uniform(-5, 5)
    # the distribution of `base` with its top two (p = 0.7 keeps them) not on ids {0, 1}: a keep mask left in sorted
    # order keeps ids 0 and 1 instead
    while True:
        perm = rng.permutation(5)
        if set(perm[:2].tolist()) != {0, 1}:
            break
    unsorted = np.empty(5)
    unsorted[perm] = np.log(np.array([0.5, 0.3, 0.12, 0.05, 0.03]))
    unsorted += rng.uniform(-5, 5)

    def case(name: str, expl: str, logits: np.ndarray, seed: int, t: float = 1.0, k: int | None = None,
             p: float | None = None) -> Check:  # fmt: skip
        kwargs: dict[str, object] = {"temperature": t, "generator": TorchGen(seeds[seed])}
        if k is not None:
            kwargs["top_k"] = k
        if p is not None:
            kwargs["top_p"] = p
        return Check(
            name, expl, [Call((T(np.tile(logits, (N, 1))),), kwargs)], distributed_as(expected_probs(logits, t, k, p))
        )

    # Temperature first matters here: at T = 2 top-p = 0.75 keeps 3 tokens, before the temperature only 2.
    assert (expected_probs(base, 2.0, None, 0.75) > 0).sum() != (expected_probs(base, 1.0, None, 0.75) > 0).sum()
    replay = [Call((T(np.tile(wide, (200, 1))),), {"top_k": 6, "generator": TorchGen(seeds[10])}) for _ in range(2)]
    return [
        Check(
            "draws with the given generator (same seed, same tokens)",
            "Pass generator= to torch.multinomial (or whatever draws): sampling from the global RNG ignores the "
            "caller's generator, so a seeded run cannot be replayed.",
            replay,
            same_draws(200, len(wide)),
        ),
        case(
            "samples from softmax(logits) (chi-square)",
            "With no filter, token frequencies must follow softmax(logits): sample with torch.multinomial from the "
            "probabilities, not the argmax or the raw logits.",
            wide,
            1,
        ),
        case(
            "divides the logits by the temperature",
            "softmax(z / T): T = 0.5 sharpens the distribution (multiplying by T flattens it instead).",
            wide,
            2,
            t=0.5,
        ),
        Check(
            "temperature 0 is greedy",
            "T = 0 means argmax (dividing by 0 gives inf/NaN): every draw is the most likely token.",
            [Call((T(np.tile(wide, (100, 1))),), {"temperature": 0.0, "generator": TorchGen(seeds[3])})],
            greedy(int(np.argmax(wide)), 100),
        ),
        case(
            "top-k keeps exactly the k most likely tokens",
            "Keep the k largest logits, set the rest to -inf and renormalize; nothing outside the top k is ever drawn.",
            wide,
            4,
            k=3,
        ),
        case(
            "top-p keeps the token that crosses p (M32)",
            "Keep the smallest prefix with mass >= p: with probabilities 0.5, 0.3, ... and p = 0.7, the two most "
            "likely tokens stay (0.5 < 0.7 <= 0.8). Keeping only the tokens whose cumulative sum is <= p drops the "
            "crossing token.",
            base,
            5,
            p=0.7,
        ),
        case(
            "temperature is applied before top-p",
            "The order is temperature -> top-k -> top-p: a temperature of 2 flattens the distribution, so top-p = "
            "0.75 keeps 3 tokens here; filtering first keeps only 2.",
            base,
            6,
            t=2.0,
            p=0.75,
        ),
        case(
            "top-p runs on the renormalized top-k survivors",
            "top-p measures mass in the distribution top-k left (softmax over the survivors): with probabilities "
            "0.4, 0.3, 0.12, ... top-k = 3 and top-p = 0.8 keep two tokens; measured before top-k the first two "
            "hold only 0.7, and a third token slips in.",
            renorm,
            8,
            k=3,
            p=0.8,
        ),
        case(
            "top-p filters token ids, not sorted positions",
            "The cumulative sum runs over the probabilities sorted in decreasing order: map the keep mask back "
            "through the sort indices (scatter), or sample a sorted position and return order[position]. The mask "
            "left in sorted order keeps tokens 0 and 1, not the two most likely.",
            unsorted,
            9,
            p=0.7,
        ),
        case(
            "top-k and top-p together",
            "top-k first, then top-p on the renormalized survivors, then sample.",
            wide,
            7,
            k=5,
            p=0.8,
        ),
    ]
