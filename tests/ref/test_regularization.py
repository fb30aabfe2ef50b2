"""regularization: dropout vs F.dropout (same RNG stream) and its statistics, M16/M17, stochastic depth, Lasso/Ridge
vs scikit-learn, soft-thresholding, mixup/CutMix label mixing, dropout-before-BN variance shift."""

import numpy as np
import pytest
import scipy.stats
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, Ridge

from mldrill.ref import regularization as Rg


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_dropout_equals_f_dropout_with_same_rng_state(p):
    x = torch.randn(5, 7, dtype=torch.float64)
    torch.manual_seed(3)
    ref = F.dropout(x, p, training=True)
    torch.manual_seed(3)
    torch.testing.assert_close(Rg.dropout(x, p, True), ref, rtol=0, atol=0)


def test_dropout_at_eval_is_identity_m16():
    x = torch.randn(4, 4)
    assert Rg.dropout(x, 0.5, training=False) is x  # no (1 - p) scaling at inference
    torch.testing.assert_close(F.dropout(x, 0.5, training=False), x)


def test_dropout_preserves_expectation_and_drops_fraction_p_m17():
    g = torch.Generator().manual_seed(0)
    x = torch.full((200_000,), 2.0, dtype=torch.float64)
    out = Rg.dropout(x, 0.3, True, generator=g)
    dropped = int((out == 0).sum())
    # p is the DROP probability: binomial test, false-failure rate 0.001
    assert scipy.stats.binomtest(dropped, x.numel(), 0.3).pvalue > 1e-3
    kept = out[out != 0]
    torch.testing.assert_close(kept, torch.full_like(kept, 2.0 / 0.7))
    z = (out.mean().item() - 2.0) / (out.std().item() / np.sqrt(x.numel()))
    assert abs(z) < 3.29  # E[out] = x, two-sided alpha = 0.001


def test_dropout_edge_probabilities():
    x = torch.randn(3)
    assert torch.equal(Rg.dropout(x, 0.0), x)
    assert torch.equal(Rg.dropout(x, 1.0), torch.zeros(3))
    with pytest.raises(ValueError, match="between 0 and 1"):
        Rg.dropout(x, 1.5)


def test_drop_path_row_and_batch_modes():
    g = torch.Generator().manual_seed(0)
    x = torch.ones(1000, 3, 2)
    row = Rg.drop_path(x, 0.2, generator=g)
    per_sample = row.reshape(1000, -1)
    assert torch.all((per_sample == 0).all(1) | (per_sample == 1 / 0.8).all(1))  # whole samples dropped
    assert scipy.stats.binomtest(int((per_sample[:, 0] == 0).sum()), 1000, 0.2).pvalue > 1e-3
    batch = Rg.drop_path(x, 0.5, mode="batch", generator=g)
    assert len(batch.unique()) == 1
    assert torch.equal(Rg.drop_path(x, 0.5, training=False), x)
    with pytest.raises(ValueError, match="mode"):
        Rg.drop_path(x, 0.5, mode="col")


def test_variance_shift_dropout_before_bn():
    ratio = Rg.variance_shift_demo(0.5, generator=torch.Generator().manual_seed(0))
    assert ratio == pytest.approx(1 / (1 - 0.5), rel=0.02)  # != 1: BN statistics learnt in train are off in eval


@settings(max_examples=25, deadline=None)
@given(w=st.floats(-10, 10), lam=st.floats(0, 5))
def test_soft_threshold_is_the_l1_prox(w, lam):
    grid = np.linspace(-12, 12, 240001)
    prox = grid[np.argmin(0.5 * (grid - w) ** 2 + lam * np.abs(grid))]
    assert Rg.soft_threshold(np.array(w), lam) == pytest.approx(prox, abs=2e-4)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_lasso_cd_matches_sklearn(alpha):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    y = X @ np.array([3.0, 0, 0, -2.0, 0, 0.5]) + 0.1 * rng.normal(size=40) + 1.0
    w, b = Rg.lasso_cd(X, y, alpha)
    ref = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-7)
    assert b == pytest.approx(ref.intercept_, abs=1e-7)


def test_l1_gives_exact_zeros_l2_does_not():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 8))
    y = X[:, 0] * 2 + 0.1 * rng.normal(size=50)
    w1, _ = Rg.lasso_cd(X, y, 0.1)
    w2, _ = Rg.ridge(X, y, 10.0)
    assert np.sum(w1 == 0) >= 5 and np.sum(w2 == 0) == 0


@pytest.mark.parametrize("alpha", [0.1, 10.0])
def test_ridge_matches_sklearn(alpha):
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(30, 5)), rng.normal(size=30)
    w, b = Rg.ridge(X, y, alpha)
    ref = Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, rtol=1e-10)
    assert b == pytest.approx(ref.intercept_, rel=1e-10)


def test_mixup_mixes_inputs_and_labels_with_same_lambda():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(8, 3, dtype=torch.float64)
    y = F.one_hot(torch.arange(8) % 4, 4).double()
    xm, ym, lam = Rg.mixup(x, y, alpha=0.4, generator=g)
    assert 0 <= lam <= 1
    torch.testing.assert_close(ym.sum(-1), torch.ones(8, dtype=torch.float64))
    # each mixed row is lam * own + (1 - lam) * partner for one partner j, identically for x and y
    for i in range(8):
        j = [k for k in range(8) if torch.allclose(xm[i], lam * x[i] + (1 - lam) * x[k])]
        assert j and torch.allclose(ym[i], lam * y[i] + (1 - lam) * y[j[0]])


def test_mixup_batch_is_the_closed_form_with_one_permutation():
    x = torch.randn(6, 2, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = torch.tensor([0, 2, 2, 1, 0, 2])
    xm, ym = Rg.mixup_batch(x, y, 0.7, num_classes=5, generator=torch.Generator().manual_seed(3))
    perm = torch.randperm(6, generator=torch.Generator().manual_seed(3))  # the same stream
    onehot = torch.eye(5, dtype=torch.float64)[y]  # (6, 5): classes 3 and 4 absent from the batch still get columns
    torch.testing.assert_close(xm, 0.7 * x + 0.3 * x[perm])
    torch.testing.assert_close(ym, 0.7 * onehot + 0.3 * onehot[perm])
    torch.testing.assert_close(ym.sum(-1), torch.ones(6, dtype=torch.float64))
    xm1, ym1 = Rg.mixup_batch(x, y, 1.0, num_classes=5, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(xm1, x)  # lambda = 1: every example is itself
    torch.testing.assert_close(ym1, onehot)


def test_cutmix_lambda_from_clipped_box():
    g = torch.Generator().manual_seed(1)
    x = torch.zeros(4, 1, 10, 10)
    x[1::2] = 1.0  # two distinguishable kinds of image
    y = F.one_hot(torch.tensor([0, 1, 0, 1]), 2).float()
    for _ in range(5):
        xm, ym, lam = Rg.cutmix(x, y, alpha=1.0, generator=g)
        for i in range(4):
            pasted = float((xm[i] != x[i]).float().mean())  # fraction of pixels taken from a different-kind partner
            if pasted > 0:
                assert 1 - lam == pytest.approx(pasted, abs=1e-6)
        torch.testing.assert_close(ym.sum(-1), torch.ones(4))
    assert Rg.cutmix_box(10, 10, 0.75, 0, 0) == (0, 2, 0, 2)  # a box at the corner is clipped: area < 25%


def test_l2_penalty_grad_equals_sgd_weight_decay():
    w = torch.randn(5, requires_grad=True)
    Rg.l2_penalty([w], 0.3).backward()
    torch.testing.assert_close(w.grad, 0.3 * w.detach())


@pytest.mark.parametrize("l1_ratio", [0.2, 0.7])
def test_elastic_net_cd_matches_sklearn(l1_ratio):
    from sklearn.linear_model import ElasticNet

    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 5))
    y = X @ np.array([1.5, 0, -1.0, 0, 0]) + 0.2 * rng.normal(size=40)
    w, b = Rg.lasso_cd(X, y, 0.2, l1_ratio=l1_ratio)
    ref = ElasticNet(alpha=0.2, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(w, ref.coef_, atol=1e-7)
    assert b == pytest.approx(ref.intercept_, abs=1e-7)


def test_drop_path_rates_rise_linearly_with_depth():
    rates = Rg.drop_path_rates(5, 0.2)
    assert rates == pytest.approx([0.0, 0.05, 0.1, 0.15, 0.2])
    assert Rg.drop_path_rates(1, 0.1) == [0.1]
