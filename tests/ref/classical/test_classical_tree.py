"""Decision trees vs sklearn.tree on float32-exact data (sklearn casts X to float32), and the impurity helpers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import entropy as sp_entropy
from sklearn import tree as sktree

from mldrill.ref.classical.tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    best_split,
    entropy,
    gini,
    information_gain,
)


def _data(n=120, d=4, seed=0, k=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32).astype(np.float64)
    y = ((X[:, 0] > 0).astype(int) + (X[:, -1] + 0.5 * rng.normal(size=n) > 0.3).astype(int)) % k
    return X, y


def test_impurities_match_closed_forms():
    counts = np.array([3.0, 1.0, 0.0])
    assert_allclose(gini(counts), 1 - (0.75**2 + 0.25**2), rtol=1e-15)
    assert_allclose(entropy(counts), sp_entropy(counts, base=2), rtol=1e-15)
    assert entropy(np.array([5.0, 0.0])) == 0.0  # 0 log 0 = 0
    # Information gain weights the children by size.
    parent, kids = np.array([5.0, 5.0]), [np.array([4.0, 0.0]), np.array([1.0, 5.0])]
    expected = 1.0 - (0.4 * 0.0 + 0.6 * sp_entropy([1, 5], base=2))
    assert_allclose(information_gain(parent, kids), expected, rtol=1e-14)


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_best_split_equals_sklearn_stump(criterion):
    X, y = _data(seed=1)
    thr, gain = best_split(X[:, 0], y, criterion=criterion)
    stump = sktree.DecisionTreeClassifier(max_depth=1, criterion=criterion).fit(X[:, :1], y)
    assert_allclose(thr, stump.tree_.threshold[0], rtol=1e-12)
    imp = stump.tree_.impurity
    n = stump.tree_.n_node_samples
    sk_gain = imp[0] - (n[1] * imp[1] + n[2] * imp[2]) / n[0]
    assert_allclose(gain, sk_gain, rtol=1e-9)


CONFIGS = [(1, 1), (3, 1), (None, 1), (None, 5), (4, 3)]


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize(("max_depth", "min_samples_leaf"), CONFIGS)
def test_classifier_matches_sklearn_on_one_feature(criterion, max_depth, min_samples_leaf):
    """One feature: no ties between features, so the whole tree must match (leftmost cut wins in both)."""
    X, y = _data(seed=2, d=1)
    kw = {"criterion": criterion, "max_depth": max_depth, "min_samples_leaf": min_samples_leaf}
    ours, sk = DecisionTreeClassifier(**kw).fit(X, y), sktree.DecisionTreeClassifier(random_state=0, **kw).fit(X, y)
    assert ours.get_n_leaves() == sk.get_n_leaves() and ours.get_depth() == sk.get_depth()
    Xq = np.vstack([X, np.random.default_rng(3).normal(size=(50, 1))])
    assert_allclose(ours.predict_proba(Xq), sk.predict_proba(Xq.astype(np.float32)), rtol=1e-12)


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize(("max_depth", "min_samples_leaf"), CONFIGS)
def test_classifier_matches_sklearn(criterion, max_depth, min_samples_leaf):
    """Several features: small deep nodes often have equally good cuts on different features, which sklearn breaks
    in a random feature order; compare the root, the size of the tree, the training fit and the total leaf impurity
    everywhere, and the full prediction function for shallow trees (no ties there on this data)."""
    X, y = _data(seed=2)
    kw = {"criterion": criterion, "max_depth": max_depth, "min_samples_leaf": min_samples_leaf}
    ours, sk = DecisionTreeClassifier(**kw).fit(X, y), sktree.DecisionTreeClassifier(random_state=0, **kw).fit(X, y)
    assert ours.tree_.feature[0] == sk.tree_.feature[0]
    assert_allclose(ours.tree_.threshold[0], sk.tree_.threshold[0], rtol=1e-12)
    assert ours.get_n_leaves() == sk.get_n_leaves() and ours.get_depth() == sk.get_depth()
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X.astype(np.float32)), rtol=1e-12)
    if max_depth is not None and max_depth <= 3:
        Xq = np.random.default_rng(3).normal(size=(200, 4))
        assert_allclose(ours.predict_proba(Xq), sk.predict_proba(Xq.astype(np.float32)), rtol=1e-12)
        assert_allclose(ours.feature_importances_, sk.feature_importances_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("max_depth", "min_samples_leaf"), [(2, 1), (None, 1), (5, 4)])
@pytest.mark.parametrize("d", [1, 3])
def test_regressor_matches_sklearn(max_depth, min_samples_leaf, d):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(100, d)).astype(np.float32).astype(np.float64)
    y = np.sin(2 * X[:, 0]) + X[:, -1] ** 2 + 0.1 * rng.normal(size=100)
    kw = {"max_depth": max_depth, "min_samples_leaf": min_samples_leaf}
    ours, sk = DecisionTreeRegressor(**kw).fit(X, y), sktree.DecisionTreeRegressor(random_state=0, **kw).fit(X, y)
    assert ours.get_n_leaves() == sk.get_n_leaves()
    assert_allclose(ours.predict(X), sk.predict(X.astype(np.float32)), rtol=1e-12)
    if d == 1 or max_depth == 2:
        Xq = rng.normal(size=(40, d))
        assert_allclose(ours.predict(Xq), sk.predict(Xq.astype(np.float32)), rtol=1e-12)


def test_xor_needs_a_zero_gain_split():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    m = DecisionTreeClassifier().fit(X, y)
    assert_array_equal(m.predict(X), y)  # the root split gains nothing, yet the children separate perfectly
    assert m.get_depth() == 2


def test_pure_node_is_a_leaf_and_depth_limit_holds():
    X, y = _data(seed=5)
    assert DecisionTreeClassifier().fit(X, np.zeros_like(y)).get_n_leaves() == 1
    assert DecisionTreeClassifier(max_depth=2).fit(X, y).get_depth() <= 2


def test_child_impurity_must_be_weighted_by_size():
    """Trap: the unweighted mean of child impurities prefers cutting off a single pure sample."""
    x = np.arange(10.0)
    y = np.array([1, 0, 0, 0, 0, 1, 1, 1, 1, 0])
    Ys = np.eye(2)[y]
    cuts = range(1, 10)
    unweighted = min(cuts, key=lambda i: (gini(Ys[:i].sum(0)) + gini(Ys[i:].sum(0))) / 2)
    weighted = min(cuts, key=lambda i: i * gini(Ys[:i].sum(0)) + (10 - i) * gini(Ys[i:].sum(0)))
    assert unweighted != weighted
    thr, _ = best_split(x, y, criterion="gini")
    assert thr == (x[weighted - 1] + x[weighted]) / 2
    stump = sktree.DecisionTreeClassifier(max_depth=1).fit(x[:, None], y)
    assert_allclose(thr, stump.tree_.threshold[0], rtol=1e-12)
