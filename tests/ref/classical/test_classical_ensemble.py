"""Ensembles: gradient boosting vs sklearn exactly; bagging and forests on their defining properties."""

import numpy as np
from numpy.testing import assert_allclose
from sklearn.ensemble import GradientBoostingRegressor as SkGBR

from mldrill.ref.classical.ensemble import BaggingClassifier, GradientBoostingRegressor, RandomForestClassifier
from mldrill.ref.classical.tree import DecisionTreeClassifier


def _reg(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1)).astype(np.float32).astype(np.float64)
    return X, np.sin(2 * X[:, 0]) + 0.2 * rng.normal(size=n)


def _clf(seed=0, n=200, d=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = ((X[:, 0] + X[:, 1] ** 2 - 1 + 0.7 * rng.normal(size=n)) > 0).astype(int)
    return X, y


def test_gradient_boosting_matches_sklearn():
    X, y = _reg()
    kw = {"n_estimators": 25, "learning_rate": 0.2, "max_depth": 2}
    ours = GradientBoostingRegressor(**kw).fit(X, y)
    sk = SkGBR(loss="squared_error", random_state=0, **kw).fit(X, y)
    Xq = np.linspace(-2.5, 2.5, 101)[:, None].astype(np.float32).astype(np.float64)
    assert_allclose(ours.predict(Xq), sk.predict(Xq), rtol=1e-10, atol=1e-12)
    assert_allclose(ours.train_score_, sk.train_score_, rtol=1e-9)


def test_boosting_training_loss_decreases():
    X, y = _reg(seed=1)
    m = GradientBoostingRegressor(n_estimators=30, learning_rate=0.1, max_depth=1).fit(X, y)
    assert (np.diff(m.train_score_) <= 1e-12).all()
    assert m.train_score_[-1] < 0.5 * np.var(y)


def test_forest_without_randomness_is_the_single_tree():
    X, y = _clf(seed=2)
    forest = RandomForestClassifier(3, max_features=None, bootstrap=False, random_state=0).fit(X, y)
    tree = DecisionTreeClassifier().fit(X, y)
    Xq = np.random.default_rng(3).normal(size=(50, 6))
    assert_allclose(forest.predict_proba(Xq), tree.predict_proba(Xq), rtol=1e-15)


def test_bagging_reduces_variance_of_predictions():
    """Across training sets, averaged trees fluctuate less than single deep trees (variance reduction)."""
    Xq = np.random.default_rng(4).normal(size=(100, 6))
    single, bagged = [], []
    for s in range(4):
        X, y = _clf(seed=10 + s)
        single.append(DecisionTreeClassifier().fit(X, y).predict_proba(Xq)[:, 1])
        bagged.append(BaggingClassifier(10, random_state=s).fit(X, y).predict_proba(Xq)[:, 1])
    assert np.var(bagged, axis=0).mean() < 0.6 * np.var(single, axis=0).mean()


def test_forest_generalizes_better_than_a_tree_and_oob_tracks_test_accuracy():
    X, y = _clf(seed=5, n=300)
    Xt, yt = _clf(seed=6, n=600)
    tree_acc = (DecisionTreeClassifier().fit(X, y).predict(Xt) == yt).mean()
    rf = RandomForestClassifier(40, random_state=0).fit(X, y)
    rf_acc = (rf.predict(Xt) == yt).mean()
    assert rf_acc > tree_acc
    assert abs(rf.oob_score(X, y) - rf_acc) < 0.08
    assert_allclose(rf.oob_mask_.mean(), (1 - 1 / 300) ** 300, atol=0.02)  # ~36.8% out of bag
