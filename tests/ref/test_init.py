"""init: bit-for-bit equal to nn.init with the same generator state, KS tests against the target distribution
(alpha = 0.001, seeded), gains and fans vs torch, M8 and the residual-scaling helpers."""

import math

import numpy as np
import pytest
import scipy.stats
import torch
from torch import nn

from mldrill.ref import init as I

SHAPES = [(64, 32), (16, 8, 3, 3), (20, 50)]


def _same_as_torch(ours, theirs, shape):
    a, b = torch.empty(shape), torch.empty(shape)
    ours(a, generator=torch.Generator().manual_seed(7))
    theirs(b, generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    return a


@pytest.mark.parametrize("shape", SHAPES)
def test_xavier_matches_nn_init_and_distribution(shape):
    fan_in, fan_out = I.fans(torch.empty(shape))
    a = _same_as_torch(
        lambda w, **k: I.xavier_uniform_(w, 1.3, **k), lambda w, **k: nn.init.xavier_uniform_(w, 1.3, **k), shape
    )
    bound = 1.3 * math.sqrt(6 / (fan_in + fan_out))
    assert scipy.stats.kstest(a.flatten().numpy(), "uniform", args=(-bound, 2 * bound)).pvalue > 1e-3
    b = _same_as_torch(I.xavier_normal_, nn.init.xavier_normal_, shape)
    assert scipy.stats.kstest(b.flatten().numpy(), "norm", args=(0, math.sqrt(2 / (fan_in + fan_out)))).pvalue > 1e-3


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nl,a", [("relu", 0.0), ("leaky_relu", 0.2), ("tanh", 0.0)])
@pytest.mark.parametrize("shape", SHAPES)
def test_kaiming_matches_nn_init(shape, nl, a, mode):
    kw = dict(a=a, mode=mode, nonlinearity=nl)
    u = _same_as_torch(
        lambda w, **k: I.kaiming_uniform_(w, **kw, **k), lambda w, **k: nn.init.kaiming_uniform_(w, **kw, **k), shape
    )
    n = _same_as_torch(
        lambda w, **k: I.kaiming_normal_(w, **kw, **k), lambda w, **k: nn.init.kaiming_normal_(w, **kw, **k), shape
    )
    fan = I.fans(u)[0 if mode == "fan_in" else 1]
    std = nn.init.calculate_gain(nl, a) / math.sqrt(fan)
    assert scipy.stats.kstest(n.flatten().numpy(), "norm", args=(0, std)).pvalue > 1e-3
    assert u.abs().max() <= math.sqrt(3) * std


def test_m8_xavier_is_not_lecun():
    w = torch.empty(300, 100)
    I.xavier_normal_(w, generator=torch.Generator().manual_seed(0))
    var = w.var().item()
    assert var == pytest.approx(2 / 400, rel=0.03)
    assert abs(var - 1 / 100) > 0.004  # LeCun's 1/n_in would be 0.01
    I.lecun_normal_(w, generator=torch.Generator().manual_seed(0))
    assert w.var().item() == pytest.approx(1 / 100, rel=0.03)


@pytest.mark.parametrize("nl,param", [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                                      ("leaky_relu", None), ("leaky_relu", 0.3), ("selu", None)])  # fmt: skip
def test_gain_matches_torch(nl, param):
    assert I.calculate_gain(nl, param) == pytest.approx(nn.init.calculate_gain(nl, param), rel=1e-15)


def test_fans_match_torch():
    for shape in SHAPES:
        assert I.fans(torch.empty(shape)) == nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="at least 2 dims"):
        I.fans(torch.empty(3))


@pytest.mark.parametrize("shape", [(5, 5), (3, 8), (8, 3), (4, 2, 3)])
def test_orthogonal_matches_nn_init(shape):
    w = _same_as_torch(
        lambda t, **k: I.orthogonal_(t, 2.0, **k), lambda t, **k: nn.init.orthogonal_(t, 2.0, **k), shape
    )
    m = w.reshape(shape[0], -1) / 2.0
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    torch.testing.assert_close(gram, torch.eye(gram.shape[0]), atol=1e-5, rtol=0)


def test_orthogonal_sign_fix_makes_r_diagonal_positive():
    w = torch.empty(6, 6, dtype=torch.float64)
    I.orthogonal_(w, generator=torch.Generator().manual_seed(3))
    g = torch.Generator().manual_seed(3)
    a = torch.empty(6, 6, dtype=torch.float64).normal_(0, 1, generator=g)
    r = w.T @ a  # a = Q R  =>  R = Q^T a
    assert (torch.diagonal(r) > 0).all()


def test_linear_default_init_matches_nn_linear():
    torch.manual_seed(0)
    ref = nn.Linear(7, 4)
    ours = nn.Linear(7, 4)
    torch.manual_seed(0)
    I.linear_default_init_(ours)
    torch.testing.assert_close(ours.weight, ref.weight, rtol=0, atol=0)
    torch.testing.assert_close(ours.bias, ref.bias, rtol=0, atol=0)
    assert ref.weight.abs().max() <= 1 / math.sqrt(7)  # kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(fan_in))


def test_init_output_bias_gives_prior_entropy_loss():
    priors = [0.7, 0.2, 0.1]
    b = I.init_output_bias(priors)
    y = torch.multinomial(torch.tensor(priors), 20000, replacement=True, generator=torch.Generator().manual_seed(0))
    loss = nn.functional.cross_entropy(b.expand(20000, 3), y).item()
    entropy = -sum(p * math.log(p) for p in priors)
    assert loss == pytest.approx(entropy, abs=0.02) and loss < math.log(3) - 0.2
    assert I.init_output_bias([0.01]).item() == pytest.approx(math.log(0.01 / 0.99))
    with pytest.raises(ValueError, match="sum to 1"):
        I.init_output_bias([0.5, 0.6])


def test_zero_init_residual_makes_blocks_identity():
    from mldrill.ref.residual import PreLNBlock

    blocks = nn.Sequential(*[PreLNBlock(8) for _ in range(3)])
    assert I.zero_init_residual(blocks) == 3
    for b in blocks:
        b.mlp.c_proj.bias.data.zero_()
    x = torch.randn(2, 8)
    torch.testing.assert_close(blocks(x), x)


def test_scale_residual_proj_std():
    from mldrill.ref.residual import MLP

    model = nn.ModuleList([MLP(64) for _ in range(4)])
    assert I.scale_residual_proj(model, n_layer=4, generator=torch.Generator().manual_seed(0)) == 4
    w = torch.cat([m.c_proj.weight.detach().flatten() for m in model]).numpy()
    assert scipy.stats.kstest(w, "norm", args=(0, 0.02 / math.sqrt(8))).pvalue > 1e-3


def test_preact_var_grows_with_fan_in():
    g = torch.Generator().manual_seed(0)
    for fan_in in [16, 256]:
        v = I.preact_var(fan_in, generator=g)
        assert v == pytest.approx(fan_in, rel=0.35)  # N(0, 1) init: variance grows with fan-in


def test_constant_init_fails_to_break_symmetry():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    for p in model.parameters():
        nn.init.constant_(p, 0.3)  # any constant, not only zero
    x = torch.randn(5, 3)
    nn.functional.cross_entropy(model(x), torch.tensor([0, 1, 0, 1, 1])).backward()
    g = model[0].weight.grad
    assert np.allclose(g.numpy(), g[0].numpy())  # every hidden unit gets the same gradient


def test_bn_masks_a_bad_init_scale_in_the_forward_pass():
    from mldrill.ref.training import layer_stats

    def profile(with_bn):
        torch.manual_seed(0)
        layers = []
        for _ in range(10):
            lin = nn.Linear(64, 64, bias=False)
            nn.init.normal_(lin.weight, std=0.01)  # far too small: activations shrink ~12x per layer
            layers += [lin] + ([nn.BatchNorm1d(64)] if with_bn else []) + [nn.ReLU()]
        return [s["std"] for s in layer_stats(nn.Sequential(*layers), torch.randn(128, 64))]

    plain, bn = profile(False), profile(True)
    assert plain[-1] < 1e-8 * plain[0]
    assert bn[-1] > 0.1 * bn[1]  # each Linear's output is small, but the BN after it restores unit scale
