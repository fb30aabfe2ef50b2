"""Hidden checks for the mixup kata. The judge recovers each example's partner j from x_mixed (x_i and the drawn
inputs are continuous, so only one j fits), then checks the closed form of Zhang et al. (2018) against it: any way
of drawing the permutation passes, and x and y must agree on it."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Outcome, T, TorchGen


def _partners(x: np.ndarray, lam: float, xm: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """The j with x_mixed[i] = lam x[i] + (1 - lam) x[j] for every i, or a message saying which row has none."""
    n = len(x)
    flat, got = x.reshape(n, -1), xm.reshape(n, -1)
    cand = (got - lam * flat) / (1 - lam)
    j = ((cand[:, None, :] - flat[None, :, :]) ** 2).sum(-1).argmin(1)
    err = np.abs(got - (lam * flat + (1 - lam) * flat[j])).max(1)
    bad = np.flatnonzero(err > 1e-9 * (1 + np.abs(flat).max()))
    if len(bad):
        i = int(bad[0])
        return None, f"x_mixed[{i}] is not lam * x[{i}] + (1 - lam) * x[j] for any j (lam = {lam:.4f})"
    return j, None


def _judge(x: np.ndarray, y: np.ndarray, lam: float, K: int, aspects: tuple[str, ...]):
    onehot = np.eye(K)[y]

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        if not isinstance(o.value, list) or len(o.value) != 2:
            return "expected a tuple (x_mixed, y_mixed)"
        ydtype = np.asarray(o.value[1]).dtype
        xm, ym = np.asarray(o.value[0], dtype=np.float64), np.asarray(o.value[1], dtype=np.float64)
        if "onehot" in aspects and ym.shape != onehot.shape:
            return f"y_mixed has shape {ym.shape}, expected {onehot.shape} = (N, num_classes)"
        if ("onehot" in aspects or "y" in aspects) and ydtype != x.dtype:  # before a 1e-9 comparison fails on it
            return (f"y_mixed has dtype {ydtype}, expected x's dtype {x.dtype}: F.one_hot gives int64 and .float() "
                    f"makes it float32; use .to(x.dtype)")  # fmt: skip
        if xm.shape != x.shape:
            return f"x_mixed has shape {xm.shape}, expected {x.shape}"
        j, msg = _partners(x, lam, xm)
        if j is None:
            return msg
        if "perm" in aspects and len(set(j.tolist())) != len(j):
            dup = int(np.bincount(j, minlength=len(j)).argmax())
            return f"the partners {j.tolist()} are not a permutation: example {dup} is used more than once"
        if "shuffled" in aspects and (j == np.arange(len(j))).all():
            return "every example was mixed with itself (x_mixed == x): the partners must come from a permutation"
        if "y" in aspects:
            if ym.shape != onehot.shape:
                return f"y_mixed has shape {ym.shape}, expected {onehot.shape} = (N, num_classes)"
            want = lam * onehot + (1 - lam) * onehot[j]
            bad = np.flatnonzero(np.abs(ym - want).max(1) > 1e-9)
            if len(bad):
                i = int(bad[0])
                return (f"y_mixed[{i}] = {np.round(ym[i], 4).tolist()}, expected lam * onehot(y[{i}]) + (1 - lam) * "
                        f"onehot(y[{int(j[i])}]) = {np.round(want[i], 4).tolist()} (x_mixed[{i}] used partner "
                        f"{int(j[i])})")  # fmt: skip
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def lam() -> float:  # away from 0, 1 and 0.5 (where lam and 1 - lam cannot be told apart)
        return float(rng.uniform(0.6, 0.85) if rng.uniform() < 0.5 else rng.uniform(0.15, 0.4))

    def check(name: str, why: str, shape: tuple[int, ...], K: int, aspects: tuple[str, ...], top: bool = True):
        """top: the batch holds class K - 1 (then one_hot without num_classes happens to get the width right)."""
        x = rng.normal(size=shape)
        y = rng.integers(0, K - 2 if not top else K, size=shape[0])
        if top:
            y[int(rng.integers(shape[0]))] = K - 1
        w = lam()
        call = Call((T(x), T(y), w), {"num_classes": K, "generator": TorchGen(int(rng.integers(2**31)))})
        return Check(name, why, [call], _judge(x, y, w, K, aspects))

    n = int(rng.integers(12, 20))
    everything = ("onehot", "perm", "shuffled", "y")
    return [
        check(
            "mixes inputs and one-hot targets with one permutation",
            "x_mixed[i] = lam x[i] + (1 - lam) x[perm[i]] and y_mixed[i] = lam e(y[i]) + (1 - lam) e(y[perm[i]]), "
            "one permutation of the batch for both, one-hot over num_classes.",
            (n, 2, 3, 3), 5, everything,
        ),
        check(
            "lam weights the example, 1 - lam its partner",
            "x_mixed[i] = lam * x[i] + (1 - lam) * x[j]. Swapping the weights mixes every example mostly with its "
            "partner, so its label no longer matches (and lam no longer means what the schedule says).",
            (n, 4), 4, (),
        ),
        check(
            "targets use the same partner and the same lam as the inputs",
            "The label of a mixed input is the same mix of the two labels: drawing a second permutation for y (or "
            "using 1 - lam there) pairs images with labels of other images.",
            (n, 4), 6, ("y",),
        ),
        check(
            "targets are one-hot over num_classes",
            "y_mixed is (N, num_classes), in x's dtype. F.one_hot(y) without num_classes is y.max() + 1 wide, "
            "which changes with the batch (here the largest classes are absent); mixing integer labels gives no "
            "distribution at all.",
            (n, 3), 7, ("onehot",), top=False,
        ),
        check(
            "the partners are a permutation",
            "Partners come from one permutation: every example is used once as a partner. Drawing indices with "
            "replacement (randint) over-uses some examples and skips others.",
            (n, 5), 4, ("perm",),
        ),
        check(
            "examples are mixed with a shuffled partner",
            "Mixing each example with itself (an identity 'permutation') returns the batch unchanged: no "
            "augmentation at all.",
            (n, 5), 4, ("shuffled",),
        ),
    ]  # fmt: skip
