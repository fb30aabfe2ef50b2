"""residual: Jacobian contains I, ReZero/zero-init identity at init, highway formula, dense-block channels,
variance growth with depth, and M58 (degradation: a deep plain net trains worse than its residual twin)."""

import pytest
import torch
from torch import nn

from mldrill.ref import residual as Rz


def test_residual_jacobian_is_identity_plus_branch():
    torch.manual_seed(0)
    f = nn.Sequential(nn.Linear(4, 4), nn.Tanh()).double()
    x = torch.randn(4, dtype=torch.float64)
    j = torch.autograd.functional.jacobian(Rz.Residual(f), x)
    jf = torch.autograd.functional.jacobian(f, x)
    torch.testing.assert_close(j, torch.eye(4, dtype=torch.float64) + jf)


def test_rezero_is_identity_at_init_and_learns_alpha():
    blk = Rz.ReZero(nn.Linear(5, 5))
    x = torch.randn(3, 5)
    torch.testing.assert_close(blk(x), x, rtol=0, atol=0)
    (blk(x) ** 2).sum().backward()
    assert blk.alpha.grad.abs() > 0  # alpha gets gradient even though the output ignores f at init


def test_highway_formula_and_closed_gate():
    x, h = torch.randn(3, 4), torch.randn(3, 4)
    t = torch.rand(3, 4)
    torch.testing.assert_close(Rz.highway(x, h, t), t * h + (1 - t) * x)
    torch.testing.assert_close(Rz.highway(x, h, torch.zeros_like(t)), x)
    hw = Rz.Highway(4, gate_bias=-20.0)
    xx = torch.randn(2, 4, requires_grad=True)
    hw(xx).sum().backward()
    assert hw.h.weight.grad.abs().max() < 1e-6  # a closed carry gate chokes the transform's gradient


def test_pre_and_post_ln_blocks():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 8)
    post = Rz.PostLNBlock(8)
    out = post(x)
    torch.testing.assert_close(out.mean(-1), torch.zeros(2, 3), atol=1e-5, rtol=0)  # LN is the last op
    pre = Rz.PreLNBlock(8)
    nn.init.zeros_(pre.mlp.c_proj.weight)
    nn.init.zeros_(pre.mlp.c_proj.bias)
    torch.testing.assert_close(pre(x), x)  # clean identity path


def test_preact_block_has_nothing_on_the_skip():
    blk = Rz.PreActBlock(3)
    nn.init.zeros_(blk.conv2.weight)
    x = torch.randn(2, 3, 5, 5) - 3  # negative inputs: a ReLU on the skip would change them
    torch.testing.assert_close(blk(x), x)


def test_dense_block_channels():
    out = Rz.DenseBlock(c0=6, growth=4, n_layers=3)(torch.randn(2, 6, 5, 5))
    assert out.shape == (2, 6 + 3 * 4, 5, 5)


def test_residual_variance_grows_linearly_with_depth():
    v = Rz.residual_var_vs_depth(16, generator=torch.Generator().manual_seed(0))
    for layer in [4, 16]:
        assert v[layer] == pytest.approx(1 + layer, rel=0.05)
    scaled = Rz.residual_var_vs_depth(16, branch_scale=1 / (2 * 16) ** 0.5, generator=torch.Generator().manual_seed(0))
    assert scaled[-1] == pytest.approx(1.5, rel=0.05)


def _deep(d, depth, residual):
    blocks = [nn.Sequential(nn.Linear(d, d), nn.Tanh()) for _ in range(depth)]
    return [Rz.Residual(b) if residual else b for b in blocks]


def test_first_layer_gradient_plain_vs_residual():
    torch.manual_seed(0)
    x = torch.randn(32, 16)
    plain = Rz.grad_norm_first_layer(_deep(16, 30, False), x, lambda h: h.pow(2).mean())
    torch.manual_seed(0)
    res = Rz.grad_norm_first_layer(_deep(16, 30, True), x, lambda h: h.pow(2).mean())
    assert res > 100 * plain


@pytest.mark.slow  # ~5 s alone, much more when torch threads contend on a busy machine
def test_m58_degradation_deep_plain_net_has_higher_training_loss():
    """He et al.'s observation: the deeper *plain* net fits the training set worse (not overfitting)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 8, generator=g)
    y = torch.sin(x @ torch.randn(8, 1, generator=g))

    def train(depth, residual):
        torch.manual_seed(1)
        body = nn.Sequential(nn.Linear(8, 16), *_deep(16, depth, residual), nn.Linear(16, 1))
        opt = torch.optim.Adam(body.parameters(), lr=0.01)
        for _ in range(50):
            opt.zero_grad()
            loss = ((body(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
        return loss.item()

    shallow_plain, deep_plain, deep_res = train(2, False), train(12, False), train(12, True)
    assert deep_plain > shallow_plain  # depth made training error worse...
    assert deep_res < deep_plain  # ...and the residual version of the same depth fixes it


def test_pre_norm_keeps_first_layer_gradient_as_depth_grows_post_norm_does_not():
    """Ratio of first-block gradient norms between 24 and 2 blocks, median over seeds (statistical, seeded)."""
    x = torch.randn(8, 4, 16, generator=torch.Generator().manual_seed(0))

    def ratio(cls):
        out = []
        for seed in range(3):
            norms = []
            for depth in (2, 24):
                torch.manual_seed(seed)
                blocks = [cls(16) for _ in range(depth)]
                norms.append(Rz.grad_norm_first_layer(blocks, x, lambda h: h.pow(2).mean()))
            out.append(norms[1] / norms[0])
        return sorted(out)[1]

    assert ratio(Rz.PostLNBlock) < 0.5 * ratio(Rz.PreLNBlock)
