"""weight-penalties/l1-vs-l2-geometry and preprocessing-leakage/leakage-noise-demo, asserted on the labs' numbers."""

import numpy as np

from mldrill.labs import lasso_ridge_paths, leakage_cv


def test_l1_zeros_l2_none() -> None:
    n = lasso_ridge_paths.run(n_features=8, n_samples=60, seed=0).numbers
    assert max(n["zeros_l2"]) == 0  # ridge never lands exactly on zero
    assert n["zeros_l1"][-1] == 8 and n["zeros_l1"][0] < 8  # lasso: all zero at the largest lambda
    assert all(np.diff(n["zeros_l1"]) >= -1)  # zeros mostly accumulate along the path
    first_zero = [int(np.argmax(np.asarray(n["lasso"])[:, j] == 0)) for j in range(8)]
    assert max(first_zero[3:]) <= min(first_zero[:3])  # the noise features drop out before the signal ones


def test_leaky_selection_scores_far_above_chance() -> None:
    n = leakage_cv.run(n_samples=100, n_features=2000, repeats=2, seed=0).numbers
    leaky, honest = np.mean(n["leaky"][20]), np.mean(n["honest"][20])
    # 200 held-out predictions per arm: chance accuracy has std 0.035; the leaky arm sits > 6 sigma above 0.5
    assert leaky > 0.72 and abs(honest - 0.5) < 0.12
