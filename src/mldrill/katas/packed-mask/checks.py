"""Hidden checks for the packed-mask kata. Expected masks: an explicit double loop over (i, j)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Judge, Outcome, T, showing


def _loop(doc: np.ndarray, causal: bool) -> np.ndarray:
    t = len(doc)
    return np.array([[doc[i] != doc[j] or (causal and j > i) for j in range(t)] for i in range(t)])


def _want(doc: np.ndarray, causal: bool) -> np.ndarray:
    if doc.ndim == 1:
        return _loop(doc, causal)
    return np.stack([_loop(d, causal) for d in doc])[:, None]


def expect_mask(expected: list[np.ndarray]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            got = o.value
            if not isinstance(got, np.ndarray) or got.dtype != np.bool_:
                return f"call {i + 1}: expected a torch.bool tensor, got {getattr(got, 'dtype', type(got).__name__)}"
            if got.shape != e.shape:
                return f"call {i + 1}: shape {got.shape}, expected {e.shape}"
            bad = np.argwhere(got != e)
            if len(bad):
                idx = tuple(int(x) for x in bad[0])
                return f"call {i + 1}: mask{list(idx)} = {bool(got[idx])}, expected {bool(e[idx])} ({len(bad)} differ)"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def packed(n_docs: int, t: int) -> np.ndarray:  # document ids 0, 0, 1, 1, 1, 2, ... with drawn lengths
        cuts = np.sort(rng.choice(np.arange(1, t), size=n_docs - 1, replace=False))
        return np.repeat(np.arange(n_docs), np.diff(np.r_[0, cuts, t]))

    docs = packed(3, int(rng.integers(5, 10)))
    t = int(rng.integers(5, 9))
    batch = np.stack([packed(2, t), packed(3, t)])
    single = np.zeros(int(rng.integers(2, 9)), dtype=np.int64)

    def check(name: str, expl: str, cases: list[tuple[np.ndarray, bool]]) -> Check:
        calls = [Call((T(d),), {"causal": c}) for d, c in cases]
        return Check(name, expl, calls, expect_mask([_want(d, c) for d, c in cases]))

    return [
        check("block-diagonal and causal", "Blocked if the documents differ OR j > i: a token sees only the earlier "
              "tokens of its own document.", [(docs, True)]),
        check("no attention across documents", "Without the document term, packed documents leak into each other: a "
              "plain causal mask lets document 1 read document 0.", [(docs, False)]),
        check("a single document is the causal mask", "With one document the mask reduces to triu(ones, 1), True = "
              "blocked, the diagonal kept.", [(single, True)]),
        check("a batch gives (B, 1, T, T)", "Each row has its own documents; the singleton dimension broadcasts over "
              "heads.", [(batch, True)]),
    ]  # fmt: skip
