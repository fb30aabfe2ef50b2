"""Classification and regression metrics: accuracy, P/R/F1, confusion matrix, ROC-AUC, PR-AUC, log loss, MSE, R^2.

precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R); averages: 'binary' (the positive class),
'micro' (pool the counts), 'macro' (mean over classes), 'weighted' (by support). A 0/0 is reported as 0 (sklearn's
zero_division=0).
ROC-AUC = P(score of a random positive > score of a random negative), ties counting 1/2: computed from the ROC curve
with the trapezoid rule, which handles ties exactly like the rank (Mann-Whitney) formula.
Average precision (sklearn) = sum_k (R_k - R_{k-1}) P_k, a step function with no interpolation; the trapezoidal area
under the PR curve (`pr_auc_trapezoid`) is a different, optimistic number (trap: AP != trapezoidal PR-AUC).
log loss clips probabilities to [eps, 1 - eps]; R^2 = 1 - SS_res / SS_tot (negative for a model worse than the
mean). Trap: 99% accuracy on 99/1 imbalanced data is what the constant classifier gets; look at PR-AUC and recall.
Tested against sklearn.metrics in tests/ref/metrics/test_metrics_classification.py.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Average = Literal["binary", "micro", "macro", "weighted"]


def accuracy_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, *, labels: np.ndarray | None = None) -> np.ndarray:
    """C[i, j] = number of samples of true class labels[i] predicted as labels[j] (rows: truth, columns: guess)."""
    labels = np.unique(np.concatenate([y_true, y_pred])) if labels is None else np.asarray(labels)
    t = np.searchsorted(labels, y_true)
    p = np.searchsorted(labels, y_pred)
    C = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(C, (t, p), 1)
    return C


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b != 0)


def precision_recall_fscore(
    y_true: np.ndarray, y_pred: np.ndarray, *, average: Average = "binary", pos_label: object = 1, beta: float = 1.0
) -> tuple[float, float, float]:
    labels = np.unique(np.concatenate([y_true, y_pred]))
    C = confusion_matrix(y_true, y_pred, labels=labels)
    tp = np.diag(C).astype(np.float64)
    fp, fn = C.sum(0) - tp, C.sum(1) - tp
    if average == "binary":
        where = np.flatnonzero(labels == pos_label)
        if len(where) == 0:
            raise ValueError(f"pos_label={pos_label!r} is not among the labels {labels.tolist()}")
        i = int(where[0])
        tp, fp, fn = tp[i : i + 1], fp[i : i + 1], fn[i : i + 1]
    elif average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)
    p, r = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
    b2 = beta**2
    f = _safe_div((1 + b2) * p * r, b2 * p + r)
    if average == "weighted":
        w = (tp + fn) / (tp + fn).sum()
        return float(p @ w), float(r @ w), float(f @ w)
    return float(p.mean()), float(r.mean()), float(f.mean())


def precision_score(y_true: np.ndarray, y_pred: np.ndarray, *, average: Average = "binary") -> float:
    return precision_recall_fscore(y_true, y_pred, average=average)[0]


def recall_score(y_true: np.ndarray, y_pred: np.ndarray, *, average: Average = "binary") -> float:
    return precision_recall_fscore(y_true, y_pred, average=average)[1]


def f1_score(y_true: np.ndarray, y_pred: np.ndarray, *, average: Average = "binary") -> float:
    return precision_recall_fscore(y_true, y_pred, average=average)[2]


def f1_at_threshold(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """Binary F1 of the rule `score >= threshold`."""
    return f1_score(np.asarray(y_true).astype(int), (np.asarray(scores) >= threshold).astype(int))


def _binary_clf_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative (fps, tps) at each distinct score threshold, highest threshold first."""
    y = np.asarray(y_true).astype(np.float64)
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    s, y = np.asarray(scores, dtype=np.float64)[order], y[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # tied scores form one threshold
    tps = np.cumsum(y)[last_of_tie]
    fps = (last_of_tie + 1) - tps
    return fps, tps, s[last_of_tie]


def roc_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fpr, tpr, thresholds), starting at (0, 0) with threshold +inf (sklearn keeps every corner point)."""
    fps, tps, thr = _binary_clf_curve(y_true, scores)
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    return fps / fps[-1], tps / tps[-1], np.r_[np.inf, thr]


def roc_auc_score(y_true: np.ndarray, scores: np.ndarray) -> float:
    y = np.asarray(y_true)
    if len(np.unique(y)) != 2:
        raise ValueError("ROC-AUC is undefined unless y_true has both classes")
    fpr, tpr, _ = roc_curve(y, scores)
    return float(np.trapezoid(tpr, fpr))


def precision_recall_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) in sklearn's order: recall decreasing, ending at (P=1, R=0)."""
    fps, tps, thr = _binary_clf_curve(y_true, scores)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thr[::-1]


def average_precision_score(y_true: np.ndarray, scores: np.ndarray) -> float:
    """AP = sum_k (R_k - R_{k-1}) P_k over thresholds (step-wise, no interpolation)."""
    p, r, _ = precision_recall_curve(y_true, scores)
    return float(-np.sum(np.diff(r) * p[:-1]))


def pr_auc_trapezoid(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Trapezoidal area under the PR curve: NOT the same as average precision (linear interpolation is optimistic)."""
    p, r, _ = precision_recall_curve(y_true, scores)
    return float(-np.trapezoid(p, r))


def log_loss(y_true: np.ndarray, proba: np.ndarray, *, eps: float | None = None) -> float:
    """Mean negative log-likelihood. proba: (n,) P(class 1) for binary, or (n, C) with classes in sorted order."""
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 1:
        proba = np.stack([1 - proba, proba], axis=1)  # (n, 2)
    eps = float(np.finfo(np.float64).eps) if eps is None else eps
    proba = np.clip(proba, eps, 1 - eps)
    proba = proba / proba.sum(1, keepdims=True)
    _, y = np.unique(y_true, return_inverse=True)
    return float(-np.log(proba[np.arange(len(y)), y]).mean())


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(np.mean(r**2))


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    y = np.asarray(y_true, dtype=np.float64)
    ss_res = float(((y - y_pred) ** 2).sum())
    ss_tot = float(((y - y.mean()) ** 2).sum())
    return 1.0 - ss_res / ss_tot


def pr_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """PR-AUC reported as average precision (step-wise), the number sklearn and most papers mean."""
    return average_precision_score(y_true, scores)
