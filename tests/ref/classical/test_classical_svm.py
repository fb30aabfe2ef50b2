"""SVMs vs sklearn.svm.SVC (libsvm) and sklearn.metrics.pairwise kernels; the M53 feature-map count."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import pairwise
from sklearn.svm import SVC as SkSVC

from mldrill.ref.classical.svm import SVC, LinearSVM, linear_kernel, poly2_features, polynomial_kernel, rbf_kernel


def _data(seed=0, n=60, sep=1.5):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    X = rng.normal(size=(n, 2)) + sep * (2 * y[:, None] - 1) * [1.0, 0.5]
    return X, y


def test_kernels_match_sklearn():
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(6, 3)), rng.normal(size=(4, 3))
    assert_allclose(linear_kernel(A, B), pairwise.linear_kernel(A, B), rtol=1e-12)
    assert_allclose(
        polynomial_kernel(A, B, degree=3, gamma=0.5, coef0=2.0),
        pairwise.polynomial_kernel(A, B, degree=3, gamma=0.5, coef0=2.0),
        rtol=1e-12,
    )
    assert_allclose(rbf_kernel(A, B, gamma=0.7), pairwise.rbf_kernel(A, B, gamma=0.7), rtol=1e-12)


def test_m53_degree2_kernel_on_two_features_is_a_three_feature_map():
    """M53: (x.y)^2 = phi(x).phi(y) with 3 features; (x.y + 1)^2 needs 6."""
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(7, 2))
    phi_x, phi_y = poly2_features(X), poly2_features(Y)
    assert phi_x.shape[1] == 3
    assert_allclose(phi_x @ phi_y.T, (X @ Y.T) ** 2, rtol=1e-12)
    phi_x1, phi_y1 = poly2_features(X, coef0=1.0), poly2_features(Y, coef0=1.0)
    assert phi_x1.shape[1] == 6
    assert_allclose(phi_x1 @ phi_y1.T, (X @ Y.T + 1) ** 2, rtol=1e-12)


@pytest.mark.parametrize(
    ("kernel", "kw"),
    [
        ("linear", {}),
        ("rbf", {"gamma": 0.5}),
        ("rbf", {"gamma": "scale"}),
        ("poly", {"degree": 2, "gamma": 0.5, "coef0": 1.0}),
    ],
)
@pytest.mark.parametrize("C", [0.1, 1.0, 10.0])
def test_smo_matches_libsvm(kernel, kw, C):
    X, y = _data(seed=3, sep=0.8)  # overlapping classes: bounded and free support vectors
    ours = SVC(C=C, kernel=kernel, tol=1e-10, **kw).fit(X, y)
    sk = SkSVC(C=C, kernel=kernel, tol=1e-10, **kw).fit(X, y)
    Xq = np.random.default_rng(4).normal(size=(30, 2)) * 2
    # libsvm caches Q in float32 (Qfloat), so agreement is at fp32 level, scaled by the size of the decisions.
    f_sk = sk.decision_function(Xq)
    scale = np.abs(f_sk).max()
    assert_allclose(ours.decision_function(Xq), f_sk, rtol=1e-4, atol=1e-5 * scale)
    assert_allclose(ours.intercept_, sk.intercept_[0], rtol=1e-4, atol=1e-5 * scale)
    assert_array_equal(ours.predict(Xq), sk.predict(Xq))
    # In float64 our dual objective is at least as low as libsvm's (it is the exact optimum, not an approximation).
    s = np.where(y == 1, 1.0, -1.0)
    K = ours._kernel(X, X)
    a_ours, a_sk = np.zeros(len(X)), np.zeros(len(X))
    a_ours[ours.support_] = np.abs(ours.dual_coef_)
    a_sk[sk.support_] = np.abs(sk.dual_coef_[0])
    dual = lambda a: 0.5 * (a * s) @ K @ (a * s) - a.sum()  # noqa: E731
    assert dual(a_ours) <= dual(a_sk) + 1e-12 * abs(dual(a_sk))
    assert_allclose(a_ours @ s, 0.0, atol=1e-10)
    assert a_ours.min() >= 0 and a_ours.max() <= C


def test_linear_svm_subgradient_approaches_the_dual_optimum():
    X, y = _data(seed=5, sep=0.8)
    C = 1.0
    ours = LinearSVM(C=C, lr=0.05, max_iter=4000).fit(X, y)
    sk = SkSVC(C=C, kernel="linear", tol=1e-10).fit(X, y)
    s = np.where(y == 1, 1.0, -1.0)
    opt = ours.objective(X, s, sk.coef_[0], sk.intercept_[0])  # libsvm's optimum of the same primal
    assert opt <= ours.objective_ <= opt * (1 + 2e-3)
    Xq = np.random.default_rng(6).normal(size=(200, 2)) * 2
    agree = (ours.predict(Xq) == sk.predict(Xq)).mean()
    assert agree >= 0.97
    curve = np.array(ours.objective_curve_)
    assert (np.diff(curve) > 0).any()  # the sub-gradient method is not a descent method


def test_large_c_approaches_hard_margin():
    X, y = _data(seed=7, sep=3.0)  # separable
    soft, hard = SVC(C=0.01, kernel="linear", tol=1e-8).fit(X, y), SVC(C=1e4, kernel="linear", tol=1e-8).fit(X, y)
    s = np.where(y == 1, 1.0, -1.0)
    assert (s * hard.decision_function(X) >= 1 - 1e-6).all()  # every point outside the margin
    assert (s * soft.decision_function(X) < 1).sum() > (s * hard.decision_function(X) < 1 - 1e-6).sum()


def test_multiclass_is_a_clear_error():
    with pytest.raises(ValueError, match="2 classes"):
        SVC().fit(np.zeros((3, 2)), np.array([0, 1, 2]))
