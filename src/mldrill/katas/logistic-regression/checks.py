"""Hidden checks for the logistic-regression kata.

Expected values: sklearn.linear_model.LogisticRegression(C, solver="newton-cholesky", tol=1e-12), same objective.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing


def _case(
    X: np.ndarray, y: np.ndarray, Xq: np.ndarray, *, C: float = 1.0, fit_intercept: bool = True
) -> tuple[list[Call], Judge]:
    sk = LogisticRegression(C=C, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-12, max_iter=1000)
    sk.fit(X, y)
    want = {
        "coef_": sk.coef_,
        "intercept_": np.asarray(sk.intercept_, dtype=np.float64).reshape(1),
        "predict_proba": sk.predict_proba(Xq),
        "predict": sk.predict(Xq),
    }
    steps = (Step("fit", (X, y)), Step(".coef_"), Step(".intercept_"), Step("predict_proba", (Xq,)),
             Step("predict", (Xq,)))  # fmt: skip

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        got = dict(zip(want, o.value[1:], strict=True))
        for name in ("coef_", "intercept_"):  # shapes (1, d) and (1,) as sklearn; a flat or scalar value is accepted
            if np.size(got[name]) == np.size(want[name]):
                got[name] = np.asarray(got[name], dtype=np.float64).reshape(np.shape(want[name]))
        for name, exp in want.items():
            msg = compare_arrays(got[name], exp, atol=1e-6, rtol=1e-5, name=name)
            if msg:
                return msg
        return None

    return [Call((), {"C": C, "fit_intercept": fit_intercept}, steps=steps)], showing([want], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def data(n: int, d: int, shift: float = 0.0, labels: tuple[int, int] = (0, 1)) -> tuple[np.ndarray, ...]:
        X = rng.normal(size=(n, d)) + shift
        z = (X - shift) @ rng.normal(size=d) - 0.5 + rng.normal(size=n)
        y = np.where(z > 0, labels[1], labels[0])
        y[:2] = labels  # both classes, whatever the draw
        return X, y, rng.normal(size=(6, d)) + shift

    X, y, Xq = data(80, 3)
    Xs, ys, qs = data(60, 2, shift=4.0)  # far from the origin: a penalized intercept would be visibly wrong
    Xl, yl, ql = data(50, 2, labels=(-3, 7))
    # queries placed along the fitted w so that z = w.x + b is +-800 and +-2000 (times a drawn factor) whatever w is
    fitted = LogisticRegression(C=10.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X[:, :2], y)
    w, b = fitted.coef_[0], float(fitted.intercept_[0])
    zs = np.array([800.0, -800.0, 2000.0, -2000.0]) * rng.uniform(0.8, 1.25, size=4)
    huge = (zs - b)[:, None] * w / (w @ w)
    return [
        Check("matches sklearn's LogisticRegression (C = 1)", "Minimize C * sum of log-losses + ||w||^2 / 2 to "
              "convergence (Newton's method).", *_case(X, y, Xq)),
        Check("C scales the data term, not the penalty", "sklearn's C multiplies the loss sum: small C = strong "
              "regularization.", *_case(X, y, Xq, C=0.05)),
        Check("the intercept is not penalized", "The L2 term covers w only: penalizing b pulls it towards 0, which "
              "shows when the data sit far from the origin.", *_case(Xs, ys, qs, C=0.1)),
        Check("no intercept when fit_intercept=False", "b = 0 and only w is fitted.",
              *_case(X, y, Xq, fit_intercept=False)),
        Check("predict returns the original labels", "classes_ = the sorted labels; predict maps the winning "
              "column back to them, not to 0/1.", *_case(Xl, yl, ql)),
        Check("predict_proba stays finite at |z| in the thousands", "exp(z) / (1 + exp(z)) is inf / inf = NaN at "
              "z = 1000: never exponentiate a large positive number.", *_case(X[:, :2], y, huge, C=10.0)),
    ]  # fmt: skip
