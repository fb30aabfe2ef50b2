"""Claims of the moe and ssm-mamba cards, computed (review of issue 13; the ledgers name each test)."""

import math

import numpy as np
import torch

from mldrill.ref.moe import dispatch, router_z_loss, switch_aux_loss
from mldrill.ref.ssm import zoh


def test_aux_loss_is_alpha_when_uniform_alpha_E_when_collapsed_and_can_dip_below_alpha():
    """mixture-of-experts/aux-loss: alpha at balance, alpha*E at collapse; f and P can disagree and go below."""
    E, alpha = 3, 0.01
    uniform = torch.full((6, E), 1 / E, dtype=torch.float64)
    assert math.isclose(switch_aux_loss(uniform, torch.arange(6).remainder(E)[:, None], E, alpha=alpha).item(), alpha)
    onehot = torch.tensor([[1.0, 0.0, 0.0]] * 6, dtype=torch.float64)
    assert math.isclose(switch_aux_loss(onehot, torch.zeros(6, 1, dtype=torch.long), E, alpha=alpha).item(), alpha * E)
    # Expert 3 holds probability but wins no argmax: token 1 -> expert 1 (a tie at 0.5 broken to 1), token 2 -> 2.
    probs = torch.tensor([[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]], dtype=torch.float64)
    idx = torch.tensor([[0], [1]])
    assert math.isclose(switch_aux_loss(probs, idx, E, alpha=alpha).item(), 0.75 * alpha)


def test_z_loss_gradient_is_softmax_weighted_and_a_common_shift_keeps_the_gates():
    """mixture-of-experts/z-loss: d/dz (logZ)^2 = 2 logZ softmax(z); shifting all logits down lowers it for free."""
    z = torch.tensor([[3.0, 1.0, -2.0, 0.5]], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(router_z_loss(z), z)
    lse = torch.logsumexp(z.detach(), -1)
    torch.testing.assert_close(g, 2 * lse * torch.softmax(z.detach(), -1))
    shifted = z.detach() - lse  # logZ = 0: the z-loss is 0 and the gates are unchanged
    assert router_z_loss(shifted).item() < 1e-20
    torch.testing.assert_close(torch.softmax(shifted, -1), torch.softmax(z.detach(), -1))


def test_capacity_without_k_drops_half_at_cf_1_and_37_5_percent_at_1_25():
    """mixture-of-experts/capacity trap: top-2, perfectly balanced routing, capacity T/E*cf without the factor k."""
    T, E = 4096, 8
    idx = torch.stack([torch.arange(T) % E, (torch.arange(T) + 1) % E], dim=1)  # every expert gets 1,024 slots
    for cf, share in ((1.0, 0.5), (1.25, 0.375)):
        d = dispatch(idx, E, capacity_factor=cf / 2)  # dispatch includes k = 2: halving cf removes it
        assert d.capacity == math.ceil(T / E * cf)
        assert d.dropped / idx.numel() == share
    assert (
        dispatch(idx, E, capacity_factor=1.25).capacity == 1280 and dispatch(idx, E, capacity_factor=1.25).dropped == 0
    )


def test_experts_touched_by_a_decode_batch():
    """mixture-of-experts/decode-bandwidth: 8 * (1 - 0.75^B) experts per layer under uniform top-2 routing."""
    rng = np.random.default_rng(0)
    for B, expected in ((8, 7.2), (32, 8.0)):
        assert abs(8 * (1 - 0.75**B) - expected) < 0.01
        picks = rng.random((20_000, B, 8)).argsort(-1)[..., :2]  # each token's 2 distinct experts, uniformly
        touched = (np.eye(8, dtype=bool)[picks].any(axis=(1, 2))).sum(-1)  # (trials,) experts hit by the batch
        assert abs(touched.mean() - 8 * (1 - 0.75**B)) < 0.02  # std of the mean < 0.007: 3 sigma


def test_euler_goes_unstable_where_zoh_stays_stable():
    """state-space-models/zoh: 1 + dt*A leaves the unit circle once dt*|A| > 2; exp(dt*A) never does."""
    A, B = np.array([[-1.0]]), np.array([[1.0]])
    for dt in (0.1, 1.0, 2.5, 10.0):
        Ab, Bb = zoh(A, B, dt)
        assert abs(Ab[0, 0]) < 1
        assert (abs(1 + dt * A[0, 0]) < 1) == (dt < 2)
    Ab, Bb = zoh(A, B, 0.1)
    assert math.isclose(Ab[0, 0], 0.9048, abs_tol=5e-5) and math.isclose(Bb[0, 0], 0.0952, abs_tol=5e-5)


def test_mamba_block_projection_params_and_generation_state():
    """state-space-models/mamba-block (6 d^2 per block) and inference-memory (12.5 MB vs 2.7 GB at 8k tokens)."""
    d, expand = 2560, 2
    in_proj, out_proj = torch.nn.Linear(d, 2 * expand * d, bias=False), torch.nn.Linear(expand * d, d, bias=False)
    assert in_proj.weight.numel() + out_proj.weight.numel() == 6 * d * d
    state = 64 * (5120 * 16 + 5120 * 3)
    kv = 8192 * 2 * 32 * 2560 * 2
    assert state == 6_225_920 and round(state * 2 / 1e6, 1) == 12.5
    assert kv == 2_684_354_560 and kv / (state * 2) > 200
