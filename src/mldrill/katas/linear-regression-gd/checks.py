"""Hidden checks for the linear-regression-gd kata.

Expected values: sklearn.linear_model.LinearRegression for the converged fit, and the gradient-descent recurrence
written out here (a closed form per step) for the first few epochs.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing


def _gd(X: np.ndarray, y: np.ndarray, lr: float, epochs: int, fit_intercept: bool) -> tuple[np.ndarray, float]:
    n = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        r = X @ w + b - y
        w, b = w - lr * X.T @ r / n, (b - lr * r.mean()) if fit_intercept else 0.0
    return w, b


def _case(
    X: np.ndarray, y: np.ndarray, Xq: np.ndarray, want: tuple[np.ndarray, float], tol: float, **kw: float
) -> tuple[list[Call], Judge]:
    w, b = want
    steps = (Step("fit", (X, y)), Step(".coef_"), Step(".intercept_"), Step("predict", (Xq,)))

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        _, coef, intercept, pred = o.value
        for name, got, exp in (("coef_", coef, w), ("intercept_", intercept, b), ("predict", pred, Xq @ w + b)):
            if name == "intercept_" and np.size(got) == 1:
                got = float(np.asarray(got, dtype=np.float64).reshape(()))
            msg = compare_arrays(got, exp, atol=tol, rtol=tol, name=name)
            if msg:
                return msg
        return None

    return [Call((), dict(kw), steps=steps)], showing([{"coef_": w, "intercept_": b, "predict": Xq @ w + b}], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def data(n: int, d: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        X = rng.normal(size=(n, d))
        X = (X - X.mean(0)) / X.std(0)  # standardized: well conditioned
        y = X @ rng.normal(size=d) + 2.5 + noise * rng.normal(size=n)
        return X, y, rng.normal(size=(5, d))

    X, y, Xq = data(60, 3)
    sk = LinearRegression().fit(X, y)
    big, ybig, qbig = data(2000, 4)
    X0, y0, q0 = data(40, 2)
    y0 = y0 - 2.5 + 1.0 * X0[:, 0]
    sk0 = LinearRegression(fit_intercept=False).fit(X0, y0)
    return [
        Check("converges to the least-squares solution", "Enough epochs of gradient descent on the MSE reach "
              "sklearn's LinearRegression (the closed form).",
              *_case(X, y, Xq, (sk.coef_, float(sk.intercept_)), 1e-6, lr=0.1, epochs=2000)),
        Check("follows the exact gradient-descent trajectory", "From w = 0, b = 0, exactly `epochs` steps of: "
              "r = Xw + b - y, then w -= lr X^T r / n and b -= lr mean(r), both from the same r (features not centred "
              "here, so a residual recomputed after the w update moves b differently).",
              *_case(X + 0.5, y, Xq, _gd(X + 0.5, y, 0.1, 3, True), 1e-10, lr=0.1, epochs=3)),
        Check("the gradient is a mean, not a sum", "X^T r / n: with a sum over n = 2000 samples the step is 2000 "
              "times too large and gradient descent diverges.",
              *_case(big, ybig, qbig, _gd(big, ybig, 0.1, 5, True), 1e-10, lr=0.1, epochs=5)),
        Check("no intercept when fit_intercept=False", "intercept_ stays 0 and only w is fitted.",
              *_case(X0, y0, q0, (sk0.coef_, 0.0), 1e-6, lr=0.3, epochs=1000, fit_intercept=False)),
    ]  # fmt: skip
