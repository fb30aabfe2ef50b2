"""Hidden checks for the multinomial-naive-bayes kata. Expected values: sklearn.naive_bayes.MultinomialNB(alpha)."""

from __future__ import annotations

import numpy as np
from sklearn.naive_bayes import MultinomialNB as SkNB

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing

TOL = {"atol": 1e-8, "rtol": 1e-9}


def _case(
    X: np.ndarray, y: np.ndarray, Xq: np.ndarray, alpha: float, parts: tuple[str, ...]
) -> tuple[list[Call], Judge]:
    sk = SkNB(alpha=alpha).fit(X, y)
    want = {"predict_log_proba": sk.predict_log_proba(Xq), "predict": sk.predict(Xq)}
    steps = (Step("fit", (X, y)), *(Step(p, (Xq,)) for p in parts))

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        for p, got in zip(parts, o.value[1:], strict=True):
            if p == "predict":
                g = np.asarray(got)
                if g.shape != want[p].shape or not np.array_equal(g, want[p]):
                    return f"predict: {g.tolist()[:10]}, expected {want[p].tolist()[:10]}"
            elif msg := compare_arrays(got, want[p], name=p, **TOL):
                return msg
        return None

    return [Call((), {"alpha": alpha}, steps=steps)], showing([{p: want[p] for p in parts}], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def corpus(n_per: list[int], V: int, lengths: list[int], labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Documents of each class drawn from its own word distribution (a Dirichlet draw), shuffled."""
        X, y = [], []
        for n, length, lab in zip(n_per, lengths, labels, strict=True):
            theta = rng.dirichlet(np.full(V, 0.3))
            X.append(rng.multinomial(length, theta, size=n))
            y += [lab] * n
        order = rng.permutation(len(y))
        return np.concatenate(X).astype(np.float64)[order], np.array(y)[order]

    def queries(n: int, V: int, length: int) -> np.ndarray:
        return rng.multinomial(length, rng.dirichlet(np.full(V, 0.5)), size=n).astype(np.float64)

    labels = np.sort(rng.choice(np.arange(2, 40), size=3, replace=False))
    alpha = float(rng.uniform(0.3, 2.0))
    X1, y1 = corpus([15, 12, 10], 25, [30, 30, 30], labels)
    Xq1 = np.vstack([X1[:4], queries(4, 25, 20)])

    X2, y2 = corpus([16, 4], 200, [20, 20], labels[:2])  # a large vocabulary and unequal class totals
    Xq2 = queries(5, 200, 10)
    X3, y3 = corpus([36, 4], 20, [15, 15], labels[1:])  # 9 : 1 classes, queries of one or two words
    Xq3 = queries(6, 20, int(rng.integers(1, 3)))
    X4, y4 = corpus([20, 20], 20, [80, 4], labels[:2])  # as many documents per class, very different lengths
    Xq4 = queries(5, 20, 3)
    X5, y5 = corpus([8, 8, 8], 30, [40, 40, 40], labels)
    Xq5 = np.vstack([queries(3, 30, 20000), X5[:2] * 500])  # documents of 20,000 words

    first = np.argsort(y1 != labels[-1], kind="stable")  # the largest label first: appearance order is not sorted
    X6, y6 = X1[first], y1[first]

    return [
        Check(
            "matches sklearn's MultinomialNB",
            "Smoothed per-class word log-probabilities, log prior from document counts, joint log-likelihood "
            "X @ log_theta.T + log_prior normalized over classes; predict returns the label.",
            *_case(X1, y1, Xq1, alpha, ("predict_log_proba", "predict")),
        ),
        Check(
            "smoothing adds alpha for every vocabulary word to the denominator",
            "theta_cj = (N_cj + alpha) / (N_c + alpha * V): each of the V words got alpha pseudo-counts, so the "
            "denominator grows by alpha * V. With + alpha only, theta no longer sums to 1.",
            *_case(X2, y2, Xq2, 1.0, ("predict_log_proba",)),
        ),
        Check(
            "the class prior is part of the posterior",
            "p(c | x) is proportional to p(c) prod theta^x: with 9 : 1 classes and one-word documents the prior "
            "decides. Leaving it out assumes balanced classes.",
            *_case(X3, y3, Xq3, alpha, ("predict_log_proba", "predict")),
        ),
        Check(
            "the prior counts documents, not words",
            "p(c) = documents of class c / all documents. Counting words makes a class of long documents look "
            "more frequent than it is.",
            *_case(X4, y4, Xq4, alpha, ("predict_log_proba",)),
        ),
        Check(
            "long documents do not underflow",
            "A 20,000-word document has a likelihood near exp(-60000), which is 0.0 in float64: normalizing "
            "probabilities gives 0 / 0 = NaN. Stay in log space and use log-sum-exp with the row max subtracted.",
            *_case(X5, y5, Xq5, alpha, ("predict_log_proba",)),
        ),
        Check(
            "predict_log_proba is normalized over the classes",
            "The joint log p(c) + sum x log theta is not the posterior: subtract its log-sum-exp over classes so "
            "that exp(row) sums to 1.",
            *_case(X1, y1, Xq1[:3], alpha, ("predict_log_proba",)),
        ),
        Check(
            "columns follow the sorted class labels",
            "classes_ is the sorted unique labels (np.unique) and column c of predict_log_proba is classes_[c]. "
            "The order in which labels first appear in y (here the largest comes first) is not it.",
            *_case(X6, y6, Xq1, alpha, ("predict_log_proba",)),
        ),
        Check(
            "predict returns the class labels",
            "Labels are arbitrary integers (here not 0..C-1): return classes_[argmax], not the column index.",
            *_case(X3, y3, X3[:6], alpha, ("predict",)),
        ),
    ]
