"""Hidden checks for the pca-svd kata. Expected values: sklearn.decomposition.PCA(n_components=k,
svd_solver="full"), whose components have their largest-|.| entry positive (scikit-learn >= 1.5)."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA as SkPCA

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, compare_arrays, showing

TOL = {"atol": 1e-9, "rtol": 1e-7}
PARTS = ("components_", "explained_variance_", "explained_variance_ratio_", "transform")


def _case(
    X: np.ndarray, Xq: np.ndarray, k: int, parts: tuple[str, ...], up_to_sign: bool = False
) -> tuple[list[Call], Judge]:
    """One fit + reads + transform; compare `parts` only (up_to_sign: |components| and |scores|, so a check about
    something else does not fail on a sign flip)."""
    sk = SkPCA(n_components=k, svd_solver="full").fit(X)
    fitted = (sk.components_, sk.explained_variance_, sk.explained_variance_ratio_, sk.transform(Xq))
    want = dict(zip(PARTS, fitted, strict=True))
    steps = (Step("fit", (X,)), *(Step("." + p) for p in PARTS[:3]))
    if "transform" in parts:  # only where it is compared: an error in transform would fail the whole call
        steps = (*steps, Step("transform", (Xq,)))

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        got = dict(zip(PARTS, o.value[1:], strict=False))
        for p in parts:
            g, w = got[p], want[p]
            if up_to_sign and p in ("components_", "transform"):
                try:
                    g, w = np.abs(np.asarray(g, dtype=np.float64)), np.abs(w)
                except (TypeError, ValueError):
                    return f"{p}: not an array"
            if msg := compare_arrays(g, w, name=p + (" (absolute values)" if up_to_sign else ""), **TOL):
                return msg
        return None

    return [Call((k,), steps=steps)], showing([{p: want[p] for p in parts}], judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def data(n: int, d: int, offset: float = 3.0) -> np.ndarray:
        """Correlated features with distinct variances and a non-zero mean."""
        A = rng.normal(size=(d, d)) * rng.uniform(0.3, 3.0, size=d)[:, None]
        return rng.normal(size=(n, d)) @ A + rng.normal(scale=offset, size=d)

    def needs_flip(X: np.ndarray, k: int) -> bool:
        """Does NumPy's raw SVD give some axis with its largest-|.| entry negative? (then a missing flip shows)"""
        Vt = np.linalg.svd(X - X.mean(0), full_matrices=False)[2][:k]
        return bool((Vt[np.arange(k), np.abs(Vt).argmax(1)] < 0).any())

    X1, X2 = data(40, 6), data(25, 8)
    while True:
        Xs = data(30, 5)
        if needs_flip(Xs, 3):
            break
    Xfar = data(30, 4, offset=0.0) + rng.uniform(40, 60, size=4) * rng.choice([-1, 1], size=4)
    Xq = data(7, 6, offset=8.0)

    return [
        Check(
            "matches sklearn's PCA",
            "Centre, thin SVD, the first k rows of Vt (largest-|.| entry positive), s^2 / (n - 1), the ratio to "
            "the total variance, and scores (X - mean_) @ components_.T.",
            *_case(X1, data(6, 6), 3, PARTS),
        ),
        Check(
            "the data is centred before the SVD",
            "PCA diagonalises the covariance: subtract the column means first. Without it, on data far from the "
            "origin the first 'axis' points at the mean and its variance is the squared distance to the origin.",
            *_case(Xfar, Xfar[:5], 2, ("explained_variance_",)),
        ),
        Check(
            "the principal axes are the rows of Vt",
            "With Xc = U S Vt (n x d data), the axes live in feature space: the rows of Vt, each of length d. "
            "Rows of U.T are per-sample scores (length n), and columns of Vt are not axes.",
            *_case(X2, X2[:4], 3, ("components_",), up_to_sign=True),
        ),
        Check(
            "explained variance divides by n - 1",
            "explained_variance_ = s^2 / (n - 1), the eigenvalues of the unbiased sample covariance (sklearn's "
            "convention). Dividing by n is smaller by (n - 1) / n; the ratio does not show it.",
            *_case(X2, X2[:4], 3, ("explained_variance_",)),
        ),
        Check(
            "the ratio is over the total variance of all features",
            "explained_variance_ratio_ divides by the variance of the whole data, so with k < d the ratios sum to "
            "less than 1 (the variance kept). Dividing by the top-k sum always gives 1.",
            *_case(X2, X2[:4], 3, ("explained_variance_ratio_",)),
        ),
        Check(
            "each axis's largest-|.| entry is positive",
            "SVD (or eigh) returns each axis with an arbitrary sign, which changes from one library or version to "
            "the next: flip each row of components_ so that its entry of largest absolute value is positive, and "
            "project with the flipped rows (scores kept from the unflipped SVD have the wrong sign).",
            *_case(Xs, Xs[:5], 3, ("components_", "transform")),
        ),
        Check(
            "transform centres with the training mean",
            "New points are projected after subtracting mean_ from fit. Centring them on their own mean (a refit) "
            "moves every score, and a single point would always map to 0.",
            *_case(X1, Xq, 3, ("transform",), up_to_sign=True),
        ),
    ]
