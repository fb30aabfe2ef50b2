"""Alignment objectives against closed forms: ln 2 at equality, clip regions, GAE's two limits, KL estimators."""

import math

import numpy as np
import pytest
import torch

from mldrill.ref.alignment import (
    bt_loss,
    dpo_loss,
    gae,
    grpo_advantages,
    grpo_loss,
    kl_estimators,
    kl_k1_k3,
    kl_penalty,
    kl_regularized_optimum,
    log_odds,
    orpo_loss,
    ppo_clip_loss,
    sequence_logprobs,
    toy_rlhf,
)

D = torch.float64


def test_bt_loss_is_ln2_at_equal_rewards_and_matches_the_formula():
    r = torch.randn(7, dtype=D)
    assert bt_loss(r, r).item() == pytest.approx(math.log(2), abs=1e-15)
    rw, rl = torch.randn(50, dtype=D), torch.randn(50, dtype=D)
    expected = np.mean([math.log1p(math.exp(-(a - b))) for a, b in zip(rw.tolist(), rl.tolist(), strict=True)])
    assert bt_loss(rw, rl).item() == pytest.approx(expected, rel=1e-12)


def test_bt_loss_is_finite_for_huge_gaps():
    big = torch.tensor([1000.0], dtype=D)
    assert bt_loss(-big, big).item() == pytest.approx(2000.0)
    assert bt_loss(big, -big).item() == 0.0


def _ppo_by_cases(ratio: float, a: float, eps: float) -> float:
    clipped = min(max(ratio, 1 - eps), 1 + eps)
    return -min(ratio * a, clipped * a)


@pytest.mark.parametrize(
    ("ratio", "adv", "grad_is_zero"),
    [
        (1.5, 1.0, True),  # A > 0, already pushed past 1 + eps: clipped, no more push
        (0.5, 1.0, False),  # A > 0, ratio fell: the unclipped term is smaller, gradient pulls it back up
        (0.5, -1.0, True),  # A < 0, already pushed below 1 - eps: clipped
        (1.5, -1.0, False),  # A < 0, ratio grew: the pessimistic unclipped term wins, gradient pushes it down
        (1.1, 1.0, False),  # inside the trust region: plain ratio * A
    ],
)
def test_ppo_clip_regions(ratio: float, adv: float, grad_is_zero: bool):
    eps = 0.2
    logp_old = torch.tensor([-1.3], dtype=D)
    logp = (logp_old + math.log(ratio)).clone().requires_grad_(True)
    loss = ppo_clip_loss(logp, logp_old, torch.tensor([adv], dtype=D), eps=eps)
    assert loss.item() == pytest.approx(_ppo_by_cases(ratio, adv, eps), rel=1e-12)
    (g,) = torch.autograd.grad(loss, logp)
    assert (g.abs().item() == 0.0) == grad_is_zero


def _gae_by_sums(r, v, dones, last, gamma, lam):
    """A_t = sum_l (gamma lam)^l delta_{t+l}, summed directly and stopped at the episode's end."""
    T = len(r)
    nxt = [*v[1:], last]
    delta = [r[t] + gamma * nxt[t] * (1 - dones[t]) - v[t] for t in range(T)]
    out = []
    for t in range(T):
        total, w = 0.0, 1.0
        for u in range(t, T):
            total += w * delta[u]
            if dones[u]:
                break
            w *= gamma * lam
        out.append(total)
    return out


@pytest.mark.parametrize("lam", [0.0, 0.5, 0.95, 1.0])
def test_gae_equals_the_direct_sum(lam: float):
    g = torch.Generator().manual_seed(0)
    r, v = torch.randn(12, dtype=D, generator=g), torch.randn(12, dtype=D, generator=g)
    dones = torch.zeros(12, dtype=D)
    dones[4] = dones[9] = 1
    adv, ret = gae(r, v, dones, last_value=0.7, gamma=0.9, lam=lam)
    expected = _gae_by_sums(r.tolist(), v.tolist(), dones.tolist(), 0.7, 0.9, lam)
    torch.testing.assert_close(adv, torch.tensor(expected, dtype=D), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(ret, adv + v)


def test_gae_limits_td0_and_monte_carlo():
    g = torch.Generator().manual_seed(1)
    r, v = torch.randn(6, dtype=D, generator=g), torch.randn(6, dtype=D, generator=g)
    dones, gamma, last = torch.zeros(6, dtype=D), 0.8, 0.3
    adv0, _ = gae(r, v, dones, last_value=last, gamma=gamma, lam=0.0)
    nxt = torch.cat([v[1:], torch.tensor([last], dtype=D)])
    torch.testing.assert_close(adv0, r + gamma * nxt - v)  # TD(0) error
    adv1, _ = gae(r, v, dones, last_value=last, gamma=gamma, lam=1.0)
    returns = [sum(gamma**k * r[t + k].item() for k in range(6 - t)) + gamma ** (6 - t) * last for t in range(6)]
    torch.testing.assert_close(adv1, torch.tensor(returns, dtype=D) - v)  # discounted return minus the baseline


def test_kl_estimators_are_unbiased_and_k3_is_nonnegative():
    g = torch.Generator().manual_seed(2)
    pi = torch.softmax(torch.randn(8, dtype=D, generator=g), -1)
    ref = torch.softmax(torch.randn(8, dtype=D, generator=g), -1)
    exact = (pi * (pi.log() - ref.log())).sum().item()
    n = 200_000
    idx = torch.multinomial(pi, n, replacement=True, generator=g)
    est = kl_estimators(pi.log()[idx], ref.log()[idx])
    assert (est["k3"] >= 0).all()
    assert (est["k1"] < 0).any()  # k1 is unbiased but individual samples go negative
    # Standard errors from the samples themselves; 5 sigma gives a false-failure rate below 1e-6.
    for name in ("k1", "k3"):
        se = est[name].std().item() / math.sqrt(n)
        assert abs(est[name].mean().item() - exact) < 5 * se, name
    assert kl_penalty(pi.log(), pi.log(), beta=0.3).abs().max().item() == 0.0


def test_kl_k1_k3_expectations_are_the_exact_kl_and_k3_is_exact_near_zero():
    g = torch.Generator().manual_seed(5)
    pi = torch.distributions.Categorical(logits=torch.randn(6, dtype=D, generator=g))
    ref = torch.distributions.Categorical(logits=torch.randn(6, dtype=D, generator=g))
    k1, k3 = kl_k1_k3(pi.logits, ref.logits)  # every outcome once; weight by pi for the exact expectation
    exact = torch.distributions.kl_divergence(pi, ref)
    torch.testing.assert_close((pi.probs * k1).sum(), exact)
    torch.testing.assert_close((pi.probs * k3).sum(), exact)
    x = torch.tensor([1e-9, -3e-8, 1e-6], dtype=D)  # log(ref / pi); k3 = e^x - 1 - x = x^2/2 + x^3/6 + O(x^4)
    _, k3 = kl_k1_k3(torch.zeros(3, dtype=D), x)
    torch.testing.assert_close(k3, x**2 / 2 + x**3 / 6, rtol=1e-6, atol=0)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_sequence_logprobs_match_shifted_cross_entropy(dtype: torch.dtype):
    g = torch.Generator().manual_seed(0)
    B, T, V = 3, 9, 13
    logits = torch.randn(B, T, V, generator=g, dtype=dtype) * 3
    labels = torch.randint(0, V, (B, T), generator=g)
    labels[0, :4] = -100  # a masked prompt
    labels[1, -3:] = -100  # padding
    nll = torch.nn.functional.cross_entropy(
        logits[:, :-1].transpose(1, 2), labels[:, 1:], ignore_index=-100, reduction="none"
    )  # (B, T-1), 0 where ignored
    torch.testing.assert_close(sequence_logprobs(logits, labels), -nll.sum(-1))


def test_sequence_logprobs_are_finite_for_huge_logits_and_ignore_the_first_label():
    logits = torch.zeros(1, 3, 4, dtype=D)
    logits[0, :, 0] = 5000.0  # token 0 has probability 1; tokens 1..3 have log-prob -5000
    labels = torch.tensor([[2, 3, 0]])
    assert sequence_logprobs(logits, labels).item() == pytest.approx(-5000.0)  # label 3 at t=1, then 0 at t=2
    labels[0, 0] = -100  # the first label is never predicted: changing it changes nothing
    assert sequence_logprobs(logits, labels).item() == pytest.approx(-5000.0)


def test_dpo_is_ln2_at_the_reference_and_matches_the_formula():
    g = torch.Generator().manual_seed(3)
    pw, pl = torch.randn(5, dtype=D, generator=g) - 20, torch.randn(5, dtype=D, generator=g) - 20
    loss, cr, rr = dpo_loss(pw, pl, pw.clone(), pl.clone(), beta=0.1)
    assert loss.item() == pytest.approx(math.log(2), abs=1e-14)
    assert cr.abs().max().item() == 0.0 and rr.abs().max().item() == 0.0
    rw, rl = pw + torch.randn(5, dtype=D, generator=g), pl + torch.randn(5, dtype=D, generator=g)
    beta = 0.5
    z = [
        beta * ((a - c) - (b - d))
        for a, b, c, d in zip(pw.tolist(), pl.tolist(), rw.tolist(), rl.tolist(), strict=True)
    ]
    expected = np.mean([math.log1p(math.exp(-x)) for x in z])
    assert dpo_loss(pw, pl, rw, rl, beta=beta)[0].item() == pytest.approx(expected, rel=1e-12)


def test_dpo_gradient_raises_chosen_and_lowers_rejected():
    pw = torch.tensor([-10.0], dtype=D, requires_grad=True)
    pl = torch.tensor([-10.0], dtype=D, requires_grad=True)
    loss, _, _ = dpo_loss(pw, pl, torch.tensor([-10.0], dtype=D), torch.tensor([-10.0], dtype=D), beta=0.1)
    gw, gl = torch.autograd.grad(loss, [pw, pl])
    assert gw.item() == pytest.approx(-0.05) and gl.item() == pytest.approx(0.05)  # -beta/2 and +beta/2 at pi = ref


def test_orpo_log_odds_and_loss():
    p = torch.tensor([0.01, 0.3, 0.5, 0.9, 0.999999], dtype=D)
    torch.testing.assert_close(log_odds(p.log()), torch.tensor([math.log(x / (1 - x)) for x in p.tolist()], dtype=D))
    # near p = 1: log p = -d with d tiny, 1 - p = d - d^2/2 + ..., so log odds = -d - log(d) + d/2 to O(d^2)
    d = torch.tensor([1e-12, 1e-18, 1e-30], dtype=D)
    torch.testing.assert_close(log_odds(-d), -d / 2 - torch.log(d), rtol=1e-12, atol=0)
    nll = torch.tensor([1.2, 0.7], dtype=D)
    lw, ll = torch.tensor([-0.4, -1.0], dtype=D), torch.tensor([-0.9, -0.8], dtype=D)
    odds = [
        math.log(math.exp(a) / (1 - math.exp(a))) - math.log(math.exp(b) / (1 - math.exp(b)))
        for a, b in zip(lw.tolist(), ll.tolist(), strict=True)
    ]
    expected = nll.mean().item() - 0.25 * np.mean([-math.log1p(math.exp(-o)) for o in odds])
    assert orpo_loss(nll, lw, ll, lam=0.25).item() == pytest.approx(expected, rel=1e-12)


def test_grpo_advantages_are_standardized_per_group_and_zero_for_ties():
    g = torch.Generator().manual_seed(4)
    r = torch.randn(3, 8, dtype=D, generator=g)
    r[1] = 0.5
    a = grpo_advantages(r)
    for i in (0, 2):
        assert a[i].mean().item() == pytest.approx(0.0, abs=1e-12)
        assert np.std(a[i].numpy()) == pytest.approx(1.0, rel=1e-12)
    assert torch.equal(a[1], torch.zeros(8, dtype=D))


def test_grpo_loss_equals_the_per_token_formula():
    g = torch.Generator().manual_seed(5)
    N, T, eps, beta = 4, 6, 0.2, 0.04
    logp = torch.randn(N, T, dtype=D, generator=g) * 0.3 - 2
    old = logp + torch.randn(N, T, dtype=D, generator=g) * 0.3
    ref = logp + torch.randn(N, T, dtype=D, generator=g) * 0.3
    adv = torch.randn(N, dtype=D, generator=g)
    mask = torch.ones(N, T, dtype=D)
    mask[0, 4:] = 0
    mask[2, 1:] = 0
    total = 0.0
    for i in range(N):
        terms = []
        for t in range(T):
            if mask[i, t]:
                rho = math.exp(logp[i, t] - old[i, t])
                surr = min(rho * adv[i].item(), min(max(rho, 1 - eps), 1 + eps) * adv[i].item())
                q = math.exp(ref[i, t] - logp[i, t])
                terms.append(surr - beta * (q - 1 - math.log(q)))
        total += sum(terms) / len(terms)
    assert grpo_loss(logp, old, ref, adv, mask, eps=eps, beta=beta).item() == pytest.approx(-total / N, rel=1e-12)


@pytest.mark.parametrize("beta", [0.25, 1.0])
def test_toy_rlhf_reaches_the_kl_regularized_optimum(beta: float):
    reward = torch.tensor([0.0, 1.0, 0.2, 0.8, -0.5], dtype=D)
    ref = torch.tensor([0.4, 0.05, 0.25, 0.2, 0.1], dtype=D)
    run = toy_rlhf(reward, ref, beta=beta, lr=0.5, steps=600, batch=256, generator=torch.Generator().manual_seed(0))
    target = kl_regularized_optimum(ref, reward, beta)
    tv = 0.5 * (run.policy - target).abs().sum().item()
    assert tv < 0.05, f"total variation to pi* = ref*exp(r/beta): {tv:.3f}"
    assert run.reward[-1] > (ref * reward).sum().item() + 0.1  # the reward rose from the reference's
    exact_kl = (target * (target.log() - ref.log())).sum().item()
    assert run.kl[-1] == pytest.approx(exact_kl, abs=0.1)  # ...while the KL settles at the optimum's, not beyond


def test_toy_rlhf_larger_beta_holds_the_policy_closer():
    reward = torch.tensor([0.0, 1.0, 0.2], dtype=D)
    ref = torch.tensor([0.6, 0.1, 0.3], dtype=D)
    kls = [toy_rlhf(reward, ref, beta=b, steps=400, batch=256, generator=torch.Generator().manual_seed(1)).kl[-1]
           for b in (0.2, 1.0)]  # fmt: skip
    assert kls[0] > kls[1]
