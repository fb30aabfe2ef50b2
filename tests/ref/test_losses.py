"""losses: every loss vs torch.nn.functional in float64, forward and backward; traps and M2-M6 as named tests."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.class_weight import compute_class_weight

from mldrill.ref import losses as L
from oracles import check_against_torch

G = torch.Generator().manual_seed(0)


def _targets(n, c, seed=0, ignore=False):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, c, (n,), generator=g)
    if ignore:
        y[::3] = -100
    return y


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_torch(smoothing, weighted, ignore, reduction):
    y = _targets(7, 5, ignore=ignore)
    w = torch.rand(5, dtype=torch.float64, generator=torch.Generator().manual_seed(9)) + 0.5 if weighted else None
    kw = dict(weight=w, label_smoothing=smoothing, reduction=reduction)
    check_against_torch(lambda z: L.cross_entropy(z, y, **kw), lambda z: F.cross_entropy(z, y, **kw), [(7, 5)])


def test_cross_entropy_spatial_targets_match_torch():
    y = torch.randint(0, 4, (2, 3, 5), generator=torch.Generator().manual_seed(1))
    y[0, 0, :2] = -100
    for red in ["mean", "none"]:
        check_against_torch(
            lambda z, r=red: L.cross_entropy(z, y, reduction=r, label_smoothing=0.2),
            lambda z, r=red: F.cross_entropy(z, y, reduction=r, label_smoothing=0.2),
            [(2, 4, 3, 5)],
        )


def test_m2_ignore_index_targets_are_skipped_and_mean_is_over_the_rest():
    z = torch.randn(4, 3, dtype=torch.float64, generator=G)
    y = torch.tensor([0, 2, -100, -100])
    full = L.cross_entropy(z, y, reduction="none")
    assert full[2] == 0 and full[3] == 0
    torch.testing.assert_close(L.cross_entropy(z, y), L.cross_entropy(z[:2], y[:2]), rtol=1e-14, atol=0)
    torch.testing.assert_close(L.cross_entropy(z, y), F.cross_entropy(z, y), rtol=1e-12, atol=0)


def test_cross_entropy_takes_logits_not_probabilities():
    z = torch.tensor([[4.0, 0.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([0])
    double_softmax = L.cross_entropy(torch.softmax(z, -1), y)
    assert double_softmax > 2 * L.cross_entropy(z, y)  # probabilities as logits: a confident-right answer looks bad
    torch.testing.assert_close(double_softmax, F.cross_entropy(torch.softmax(z, -1), y))


def test_cross_entropy_finite_at_extreme_logits():
    z = torch.tensor([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=torch.float64, requires_grad=True)
    loss = L.cross_entropy(z, torch.tensor([0, 0]))
    loss.backward()
    torch.testing.assert_close(loss, torch.tensor(1000.0, dtype=torch.float64))
    assert torch.isfinite(z.grad).all()


def test_m3_smooth_targets_pytorch_convention():
    q = L.smooth_targets(torch.tensor([1, 0]), 4, 0.1)
    torch.testing.assert_close(q[0], torch.tensor([0.025, 0.925, 0.025, 0.025], dtype=torch.float64))
    assert q[0, 1] == pytest.approx(1 - 0.1 + 0.1 / 4)
    assert q[0, 0] != pytest.approx(0.1 / 3)  # not the eps/(K-1) convention
    z = torch.randn(2, 4, dtype=torch.float64, generator=G)
    soft_ce = -(q * torch.log_softmax(z, -1)).sum(-1).mean()
    torch.testing.assert_close(
        soft_ce, F.cross_entropy(z, torch.tensor([1, 0]), label_smoothing=0.1), rtol=1e-12, atol=0
    )


@pytest.mark.parametrize("pos_weight", [None, 3.0, "vector"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_matches_torch(pos_weight, reduction):
    y = (torch.rand(6, 3, generator=torch.Generator().manual_seed(2)) > 0.5).double()
    pw = torch.tensor([0.5, 2.0, 4.0], dtype=torch.float64) if pos_weight == "vector" else pos_weight
    pw_t = torch.tensor(pw, dtype=torch.float64) if isinstance(pw, float) else pw
    check_against_torch(
        lambda x: L.bce_with_logits(x, y, pos_weight=pw, reduction=reduction),
        lambda x: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw_t, reduction=reduction),
        [(6, 3)],
    )


def test_bce_with_logits_stable_at_large_logits():
    x = torch.tensor([800.0, -800.0], dtype=torch.float64)
    y = torch.tensor([0.0, 1.0], dtype=torch.float64)
    out = L.bce_with_logits(x, y, reduction="none")
    torch.testing.assert_close(out, torch.tensor([800.0, 800.0], dtype=torch.float64))


def test_pos_weight_scales_only_positive_term():
    x = torch.randn(5, dtype=torch.float64, generator=G)
    neg = torch.zeros(5, dtype=torch.float64)
    torch.testing.assert_close(L.bce_with_logits(x, neg, pos_weight=7.0), L.bce_with_logits(x, neg), rtol=0, atol=0)


def _focal_oracle(x, y, alpha, gamma):
    p = torch.sigmoid(x)
    p_t = torch.where(y == 1, p, 1 - p)
    alpha_t = torch.where(y == 1, torch.full_like(x, alpha), torch.full_like(x, 1 - alpha))
    return -alpha_t * (1 - p_t) ** gamma * torch.log(p_t)


@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0, 5.0])
def test_focal_matches_closed_form(gamma):
    y = (torch.rand(4, 5, generator=torch.Generator().manual_seed(4)) > 0.5).double()
    check_against_torch(
        lambda x: L.sigmoid_focal_loss(x, y, alpha=0.25, gamma=gamma),
        lambda x: _focal_oracle(x, y, 0.25, gamma),
        [(4, 5)],
    )


def test_focal_gamma_0_is_alpha_weighted_bce():
    y = (torch.rand(10, generator=torch.Generator().manual_seed(5)) > 0.5).double()
    w = 0.25 * y + 0.75 * (1 - y)
    check_against_torch(
        lambda x: L.sigmoid_focal_loss(x, y, alpha=0.25, gamma=0.0, reduction="mean"),
        lambda x: F.binary_cross_entropy_with_logits(x, y, weight=w),
        [(10,)],
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_torch(reduction):
    check_against_torch(
        lambda a, b: L.mse(a, b, reduction=reduction),
        lambda a, b: F.mse_loss(a, b, reduction=reduction),
        [(4, 3), (4, 3)],
    )
    check_against_torch(
        lambda a, b: L.mae(a, b, reduction=reduction),
        lambda a, b: F.l1_loss(a, b, reduction=reduction),
        [(4, 3), (4, 3)],
    )
    for d in [0.3, 1.0, 2.5]:
        check_against_torch(
            lambda a, b, d=d: L.huber(a, b, delta=d, reduction=reduction),
            lambda a, b, d=d: F.huber_loss(a, b, delta=d, reduction=reduction),
            [(4, 3), (4, 3)],
        )
        check_against_torch(
            lambda a, b, d=d: L.smooth_l1(a, b, beta=d, reduction=reduction),
            lambda a, b, d=d: F.smooth_l1_loss(a, b, beta=d, reduction=reduction),
            [(4, 3), (4, 3)],
        )


def test_m4_smooth_l1_is_huber_over_beta():
    a, b = torch.randn(20, dtype=torch.float64, generator=G), torch.randn(20, dtype=torch.float64, generator=G) * 3
    torch.testing.assert_close(L.smooth_l1(a, b, beta=0.5), F.huber_loss(a, b, delta=0.5) / 0.5)
    assert not torch.allclose(L.smooth_l1(a, b, beta=0.5), L.huber(a, b, delta=0.5))
    torch.testing.assert_close(L.smooth_l1(a, b, beta=1.0), L.huber(a, b, delta=1.0))


def test_mse_fits_mean_mae_fits_median():
    data = torch.tensor([0.0, 1.0, 2.0, 100.0], dtype=torch.float64)
    cands = torch.linspace(-1, 101, 10201, dtype=torch.float64)
    best_mse = cands[torch.stack([L.mse(c.expand(4), data) for c in cands[::10]]).argmin() * 10]
    assert abs(best_mse - data.mean()) < 0.2
    mae_vals = torch.stack([L.mae(c.expand(4), data) for c in cands[::10]])
    best = cands[::10][mae_vals.argmin()]
    assert 1.0 <= best <= 2.0  # any median of {0, 1, 2, 100}


@settings(max_examples=20, deadline=None)
@given(y=st.lists(st.integers(0, 3), min_size=4, max_size=30).filter(lambda v: len(set(v)) == 4))
def test_balanced_class_weights_match_sklearn(y):
    y = np.array(y)
    np.testing.assert_allclose(
        L.balanced_class_weights(y), compute_class_weight("balanced", classes=np.arange(4), y=y), rtol=1e-14
    )


def test_weighted_ce_mean_divides_by_target_weights():
    z = torch.randn(3, 2, dtype=torch.float64, generator=G)
    y = torch.tensor([0, 0, 1])
    w = torch.tensor([1.0, 4.0], dtype=torch.float64)
    per = L.cross_entropy(z, y, weight=w, reduction="none")
    torch.testing.assert_close(L.cross_entropy(z, y, weight=w), per.sum() / 6.0)  # 1 + 1 + 4, not N = 3
    torch.testing.assert_close(L.cross_entropy(z, y, weight=w), F.cross_entropy(z, y, weight=w))


def test_balanced_class_weights_missing_class_is_an_error():
    with pytest.raises(ValueError, match="no samples"):
        L.balanced_class_weights(np.array([0, 0, 2]), 3)


def test_dice_toy_masks():
    g = torch.zeros(1, 8, 8, dtype=torch.float64)
    g[0, 2:5, 2:5] = 1
    assert L.soft_dice_loss(g, g).item() == pytest.approx(0.0, abs=1e-12)
    disjoint = torch.zeros_like(g)
    disjoint[0, 6:, 6:] = 1
    assert L.soft_dice_loss(disjoint, g, eps=1e-6).item() == pytest.approx(1.0, abs=1e-6)
    empty = torch.zeros_like(g)
    assert torch.isfinite(L.soft_dice_loss(empty, empty, eps=1.0))
    assert L.soft_dice_loss(empty, empty, eps=1.0).item() == 0.0
    assert torch.isnan(L.soft_dice_loss(empty, empty, eps=0.0))  # why eps is needed on empty masks


@pytest.mark.parametrize("p", [1.0, 2.0])
@pytest.mark.parametrize("margin", [0.5, 1.0])
def test_triplet_matches_torch(p, margin):
    check_against_torch(
        lambda a, b, c: L.triplet_loss(a, b, c, margin=margin, p=p),
        lambda a, b, c: F.triplet_margin_loss(a, b, c, margin=margin, p=p),
        [(5, 4), (5, 4), (5, 4)],
    )


def test_triplet_easy_negatives_give_zero_grad():
    a = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    L.triplet_loss(a, torch.tensor([[0.1, 0.0]]).double(), torch.tensor([[10.0, 0.0]]).double()).backward()
    assert torch.count_nonzero(a.grad) == 0


def test_info_nce_is_ce_over_similarity():
    def oracle(q, k):
        sim = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).T
        return F.cross_entropy(sim / 0.1, torch.arange(q.shape[0]))

    check_against_torch(lambda q, k: L.info_nce(q, k, tau=0.1), oracle, [(6, 4), (6, 4)])


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_m6_kl_argument_order():
    p = torch.softmax(torch.randn(3, 5, dtype=torch.float64, generator=G), -1)
    q = torch.softmax(torch.randn(3, 5, dtype=torch.float64, generator=G), -1)
    torch.testing.assert_close(L.kl(p, q), F.kl_div(q.log(), p, reduction="batchmean"))
    assert not torch.allclose(L.kl(p, q), F.kl_div(p.log(), q, reduction="batchmean"))
    assert not torch.allclose(L.kl(p, q), F.kl_div(q.log(), p, reduction="mean"))  # 'mean' divides by elements


def test_kd_loss_matches_kldiv_batchmean():
    y = _targets(4, 5, seed=7)
    t_logits = torch.randn(4, 5, dtype=torch.float64, generator=G)

    def oracle(s):
        soft = F.kl_div(
            F.log_softmax(s / 3.0, -1), F.log_softmax(t_logits / 3.0, -1), reduction="batchmean", log_target=True
        )
        return 0.7 * 9.0 * soft + 0.3 * F.cross_entropy(s, y)

    check_against_torch(lambda s: L.kd_loss(s, t_logits, y, T=3.0, alpha=0.7), oracle, [(4, 5)])


def test_m5_kd_soft_gradient_scale_needs_t_squared():
    g = torch.Generator().manual_seed(11)
    s = torch.randn(64, 10, dtype=torch.float64, generator=g)
    t = torch.randn(64, 10, dtype=torch.float64, generator=g)
    y = torch.zeros(64, dtype=torch.long)
    norms = {}
    for T in [2.0, 8.0]:
        s_ = s.clone().requires_grad_()
        L.kd_loss(s_, t, y, T=T, alpha=1.0).backward()
        norms[T] = s_.grad.norm().item()
    # with T^2 the soft gradient scale is roughly T-independent (without it, it would drop ~16x from T=2 to T=8)
    assert 0.25 < norms[8.0] / norms[2.0] < 4.0


def test_head_for_table():
    assert L.head_for("multi-label") == ("sigmoid", "bce_with_logits")
    assert L.head_for("multi-class") == ("softmax", "cross_entropy")
    assert L.head_for("regression")[0] == "identity"
    with pytest.raises(ValueError, match="unknown task"):
        L.head_for("ranking")


def test_manual_softmax_ce_backward_vs_autograd():
    g = torch.Generator().manual_seed(6)
    z = torch.randn(5, 7, dtype=torch.float64, generator=g, requires_grad=True)
    y = torch.randint(0, 7, (5,), generator=g)
    loss, cache = L.softmax_ce_forward(z.detach(), y)
    ref = F.cross_entropy(z, y)
    torch.testing.assert_close(loss, ref.detach(), rtol=1e-12, atol=0)
    dout = torch.tensor(1.7, dtype=torch.float64)
    (ref * dout).backward()
    torch.testing.assert_close(L.softmax_ce_backward(dout, cache), z.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("target", [[1, 2], [1, 1], [3, 1, 3], [2]])
def test_ctc_forward_matches_torch(target):
    g = torch.Generator().manual_seed(len(target))
    T, V = 6, 4
    logits = torch.randn(T, V, dtype=torch.float64, generator=g, requires_grad=True)
    lp = logits.log_softmax(-1)
    ours = L.ctc_forward(lp, target)
    ref = F.ctc_loss(
        lp[:, None, :], torch.tensor([target]), torch.tensor([T]), torch.tensor([len(target)]), reduction="sum"
    )
    torch.testing.assert_close(ours, ref, rtol=1e-10, atol=1e-12)
    # torch's CTC backward assumes its input came from log_softmax, so compare gradients w.r.t. the logits
    ga = torch.autograd.grad(ours, logits, retain_graph=True)[0]
    gb = torch.autograd.grad(ref, logits)[0]
    torch.testing.assert_close(ga, gb, rtol=1e-8, atol=1e-10)


def test_ctc_impossible_alignment_is_inf():
    lp = torch.randn(2, 3, dtype=torch.float64).log_softmax(-1)
    assert L.ctc_forward(lp, [1, 1]).item() == math.inf  # repeated label needs a blank between: 3 frames minimum


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(2, 6),
    smoothing=st.sampled_from([0.0, 0.05, 0.3]),
    n_ignored=st.integers(0, 2),
    weighted=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_cross_entropy_random_shapes(n, c, smoothing, n_ignored, weighted, seed):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, c, (n,), generator=g)
    y[: min(n_ignored, n - 1)] = -100  # keep at least one real target
    w = torch.rand(c, dtype=torch.float64, generator=g) + 0.1 if weighted else None
    kw = dict(weight=w, label_smoothing=smoothing)
    check_against_torch(
        lambda z: L.cross_entropy(z, y, **kw), lambda z: F.cross_entropy(z, y, **kw), [(n, c)], seed=seed
    )


def test_softmax_is_wrong_for_multi_label():
    y = torch.tensor([[1.0, 1.0, 0.0]], dtype=torch.float64)  # two positive labels
    z = torch.zeros(1, 3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([z], lr=1.0)
    for _ in range(200):
        opt.zero_grad()
        L.bce_with_logits(z, y).backward()
        opt.step()
    assert (torch.sigmoid(z)[0, :2] > 0.9).all()  # independent sigmoids: both labels can be certain
    p = torch.softmax(torch.tensor([[50.0, 50.0, -50.0]]), -1)
    assert p[0, :2].max() <= 0.5 + 1e-12  # softmax classes compete: at most 0.5 each


def test_batch_hard_mining_returns_the_brute_force_pairs():
    g = torch.Generator().manual_seed(4)
    emb = torch.randn(9, 3, dtype=torch.float64, generator=g)
    labels = torch.tensor([0, 0, 1, 1, 1, 2, 2, 0, 2])
    loss, pos, neg = L.batch_hard_triplet_mining(emb, labels, margin=0.5)
    for a in range(9):
        cands = [p for p in range(9) if p != a and labels[p] == labels[a]]
        assert int(pos[a]) == max(cands, key=lambda p: float(torch.dist(emb[a], emb[p])))
        others = [n for n in range(9) if labels[n] != labels[a]]
        assert int(neg[a]) == min(others, key=lambda n: float(torch.dist(emb[a], emb[n])))
    torch.testing.assert_close(loss, L.batch_hard_triplet_loss(emb, labels, margin=0.5))
    with pytest.raises(ValueError, match="at least two"):
        L.batch_hard_triplet_mining(emb[:3], torch.tensor([0, 0, 1]))


def test_batch_hard_triplet_equals_brute_force():
    g = torch.Generator().manual_seed(3)
    emb = torch.randn(8, 3, dtype=torch.float64, generator=g)
    labels = torch.tensor([0, 0, 1, 1, 1, 2, 2, 0])
    losses = []
    for a in range(8):
        pos = [torch.dist(emb[a], emb[p]) for p in range(8) if p != a and labels[p] == labels[a]]
        neg = [torch.dist(emb[a], emb[n]) for n in range(8) if labels[n] != labels[a]]
        losses.append(torch.clamp(max(pos) - min(neg) + 0.5, min=0))
    torch.testing.assert_close(L.batch_hard_triplet_loss(emb, labels, margin=0.5), torch.stack(losses).mean())


def test_info_nce_bounds():
    g = torch.Generator().manual_seed(0)
    for n in (4, 64):
        q = torch.randn(n, 16, dtype=torch.float64, generator=g)
        k_random = torch.randn(n, 16, dtype=torch.float64, generator=g)
        assert L.info_nce(q, k_random, tau=100.0).item() == pytest.approx(math.log(n), rel=1e-3)  # chance: log N
        assert L.info_nce(q, q, tau=0.01).item() < 1e-3  # perfectly aligned pairs
    # the mutual-information lower bound log N - L is capped at log N: it rises with the batch size
    bounds = []
    for n in (4, 64):
        q = torch.randn(n, 16, dtype=torch.float64, generator=g)
        k = q + 0.5 * torch.randn(n, 16, dtype=torch.float64, generator=g)
        bounds.append(math.log(n) - L.info_nce(q, k, tau=0.1).item())
    assert bounds[1] > bounds[0] + 1.0


def test_mae_gradient_is_constant_mse_gradient_shrinks_near_optimum():
    for r in (10.0, 0.01):
        p = torch.tensor([r], dtype=torch.float64, requires_grad=True)
        (g_mae,) = torch.autograd.grad(L.mae(p, torch.zeros(1, dtype=torch.float64)), p)
        (g_mse,) = torch.autograd.grad(L.mse(p, torch.zeros(1, dtype=torch.float64)), p)
        assert g_mae.item() == 1.0 and g_mse.item() == pytest.approx(2 * r)


def test_loss_vs_margin_derivatives_match_autograd():
    m = torch.linspace(-6, 6, 121, dtype=torch.float64)
    m = m[(m - 1).abs() > 1e-9].requires_grad_()  # skip the hinge kink
    curves = L.loss_vs_margin(m.detach())
    for name in ["ce", "mse_prob", "hinge", "focal_0", "focal_1", "focal_2", "focal_5"]:
        (grad,) = torch.autograd.grad(L.loss_vs_margin(m)[name].sum(), m)
        torch.testing.assert_close(curves[f"d_{name}"], grad, rtol=1e-9, atol=1e-12, msg=lambda s, n=name: f"{n}: {s}")
    torch.testing.assert_close(curves["focal_0"], curves["ce"])


def test_ce_gradient_big_when_confidently_wrong_but_mse_on_probabilities_vanishes():
    c = L.loss_vs_margin(torch.tensor([-10.0], dtype=torch.float64))
    assert c["d_ce"].item() == pytest.approx(-1.0, abs=1e-4)
    assert abs(c["d_mse_prob"].item()) < 1e-4  # saturated sigmoid: MSE barely pushes a confidently wrong answer


def test_alignment_and_uniformity_match_wang_and_isola() -> None:
    """Against the paper's reference code (Wang & Isola 2020, Fig. 5: pdist form) and, for points uniform on the
    circle, the closed form log E exp(-2 |x - y|^2) = -4 + log I0(4)."""
    from scipy.special import i0

    from mldrill.ref.losses import alignment, uniformity

    g = torch.Generator().manual_seed(0)
    x = torch.nn.functional.normalize(torch.randn(50, 8, generator=g, dtype=torch.float64), dim=1)
    y = torch.nn.functional.normalize(x + 0.1 * torch.randn(50, 8, generator=g, dtype=torch.float64), dim=1)
    torch.testing.assert_close(alignment(x, y), (x - y).norm(p=2, dim=1).pow(2).mean())
    torch.testing.assert_close(uniformity(x), torch.pdist(x, p=2).pow(2).mul(-2).exp().mean().log())
    angle = torch.rand(4000, generator=g, dtype=torch.float64) * 2 * math.pi
    circle = torch.stack([angle.cos(), angle.sin()], 1)
    # On the circle E[h(x, y) | x] is the same for every x, so the pair average is a degenerate U-statistic with
    # sd ~ sqrt(2 Var h) / n ~ 1e-4 (5e-4 on the log): a 0.005 band is > 9 sigma
    assert abs(float(uniformity(circle)) - (-4 + math.log(i0(4)))) < 0.005
