"""Classification and regression metrics vs sklearn.metrics."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import metrics as skm

from mldrill.ref.metrics import classification as M


def _binary(seed, n=60, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) + y
    if ties:
        s = np.round(s, 0)
    return y, s


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
def test_multiclass_prf_and_confusion(average):
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 4, 100), rng.integers(0, 4, 100)
    p[p == 3] = 2  # class 3 never predicted: precision 0/0 -> 0
    assert_array_equal(M.confusion_matrix(y, p), skm.confusion_matrix(y, p))
    ours = M.precision_recall_fscore(y, p, average=average)
    sk = skm.precision_recall_fscore_support(y, p, average=average, zero_division=0)[:3]
    assert_allclose(ours, sk, rtol=1e-12)
    assert_allclose(M.accuracy_score(y, p), skm.accuracy_score(y, p), rtol=1e-12)


def test_binary_prf():
    y, s = _binary(1)
    p = (s > 0.5).astype(int)
    assert_allclose(M.precision_score(y, p), skm.precision_score(y, p), rtol=1e-12)
    assert_allclose(M.recall_score(y, p), skm.recall_score(y, p), rtol=1e-12)
    assert_allclose(M.f1_score(y, p), skm.f1_score(y, p), rtol=1e-12)
    assert_allclose(M.f1_at_threshold(y, s, 0.5), skm.f1_score(y, (s >= 0.5).astype(int)), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), ties=st.booleans())
def test_roc_and_pr_match_sklearn(seed, ties):
    y, s = _binary(seed, ties=ties)
    assert_allclose(M.roc_auc_score(y, s), skm.roc_auc_score(y, s), rtol=1e-12)
    assert_allclose(M.average_precision_score(y, s), skm.average_precision_score(y, s), rtol=1e-12)
    p, r, t = M.precision_recall_curve(y, s)
    sp, sr, st_ = skm.precision_recall_curve(y, s, drop_intermediate=False)
    assert_allclose(p, sp, rtol=1e-12)
    assert_allclose(r, sr, rtol=1e-12)
    assert_allclose(t, st_, rtol=1e-12)
    fpr, tpr, _ = M.roc_curve(y, s)
    sfpr, stpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
    assert_allclose(fpr, sfpr, rtol=1e-12)
    assert_allclose(tpr, stpr, rtol=1e-12)


def test_average_precision_is_not_the_trapezoidal_pr_auc():
    y, s = _binary(3)
    p, r, _ = skm.precision_recall_curve(y, s)
    assert_allclose(M.pr_auc_trapezoid(y, s), skm.auc(r, p), rtol=1e-12)
    assert abs(M.pr_auc_trapezoid(y, s) - M.average_precision_score(y, s)) > 1e-3


def test_accuracy_is_trivial_on_imbalanced_data():
    y = np.r_[np.zeros(99, int), 1]
    const = np.zeros(100, int)
    assert M.accuracy_score(y, const) == 0.99
    assert M.recall_score(y, const) == 0.0 and M.f1_score(y, const) == 0.0


def test_log_loss_mse_r2():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 50)
    P = rng.dirichlet(np.ones(3), size=50)
    assert_allclose(M.log_loss(y, P), skm.log_loss(y, P), rtol=1e-12)
    yb, pb = rng.integers(0, 2, 50), rng.random(50)
    assert_allclose(M.log_loss(yb, pb), skm.log_loss(yb, pb), rtol=1e-12)
    t, q = rng.normal(size=40), rng.normal(size=40)
    assert_allclose(M.mean_squared_error(t, q), skm.mean_squared_error(t, q), rtol=1e-12)
    assert_allclose(M.r2_score(t, q), skm.r2_score(t, q), rtol=1e-12)
    assert M.r2_score(t, q) < 0  # a random predictor is worse than the mean


def test_roc_auc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        M.roc_auc_score(np.ones(5), np.arange(5.0))
