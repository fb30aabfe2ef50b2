"""Numbers stated in the kb1 cards (activations/init/norms/residuals, optimizers, losses), recomputed independently.

Each test loads the card with yaml.safe_load, recomputes the number with torch / numpy / arithmetic from the
problem's inputs (never from the card's text), formats it the way the card writes it, and asserts the answer
contains it. Where a card states a PyTorch default or behaviour, the default is read from the library itself.
"""

import inspect
import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from cardtext import contains, trap_contains
from torch import nn

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"


def default(fn, name):
    return inspect.signature(fn).parameters[name].default


def sci(x: float, digits: int = 1) -> str:
    """1.2e-07 -> '1.2e-7' (the way cards write it)."""
    mant, exp = f"{x:.{digits}e}".split("e")
    return f"{mant}e{int(exp)}"


def f64(*xs):
    return torch.tensor(xs, dtype=torch.float64)


# ------------------------------------------------------------------------------------------ activation functions
GRID = torch.linspace(-10, 10, 200_001, dtype=torch.float64)


def test_sigmoid_tanh_derivative_maxima():
    x = GRID.clone().requires_grad_(True)
    torch.sigmoid(x).sum().backward()
    contains("activation-functions/sigmoid-tanh-derivatives", f"**{x.grad.max().item():.2f}**")
    x.grad = None
    torch.tanh(x).sum().backward()
    assert x.grad.max().item() == pytest.approx(1.0)
    s5 = torch.sigmoid(f64(5.0))
    contains("activation-functions/sigmoid-tanh-derivatives", f"{(s5 * (1 - s5)).item():.4f}")


def test_sigmoid_stack_bound():
    contains("activation-functions/sigmoid-vanishing", f"**{sci(0.25**10)}**", sci(0.25**20))
    s = torch.sigmoid(f64(5.0))
    assert (s * (1 - s)).item() < 0.007
    contains("activation-functions/sigmoid-vanishing", "0.007")


def test_gelu_approximation_errors():
    exact = F.gelu(GRID)
    tanh_err = (exact - F.gelu(GRID, approximate="tanh")).abs()
    sig = GRID * torch.sigmoid(1.702 * GRID)
    sig_err = (exact - sig).abs()
    card = "activation-functions/gelu-approximations"
    contains(card, f"**{sci(tanh_err.max().item())}**", f"**{sig_err.max().item():.3f}**")
    assert tanh_err.max() < 5e-4
    contains(card, f"{GRID[sig_err.argmax()].item():.2f}")
    contains(card, f"{round(sig_err.max().item() / tanh_err.max().item(), -1):.0f}×")


def test_silu_and_gelu_minima():
    s = F.silu(GRID)
    contains("activation-functions/silu-swish", f"**{s.min().item():.3f}**", f"{GRID[s.argmin()].item():.3f}")
    g = F.gelu(GRID)
    contains("activation-functions/gelu-vs-relu", f"{g.min().item():.3f}", f"{GRID[g.argmin()].item():.2f}")
    x = GRID.clone().requires_grad_(True)
    F.silu(x).sum().backward()
    contains("activation-functions/silu-swish", f"{x.grad.max().item():.1f}", f"{GRID[x.grad.argmax()].item():.1f}")


def test_sigmoid_overflow_and_saturation():
    contains("activation-functions/stable-sigmoid", f"{math.log(torch.finfo(torch.float32).max):.1f}")
    one_minus = 1 - torch.sigmoid(torch.tensor(17.0))
    assert one_minus.item() == 0.0 and (1 - torch.sigmoid(torch.tensor(15.0))).item() > 0
    contains("activation-functions/stable-sigmoid", "17")


def test_softplus_and_relu_family_defaults():
    contains("activation-functions/softplus", f"{F.softplus(torch.tensor(0.0)).item():.3f}")
    contains("activation-functions/softplus", f"threshold={nn.Softplus().threshold:.0f}")
    contains("activation-functions/relu-family", f"negative_slope={default(F.leaky_relu, 'negative_slope')}")
    contains("activation-functions/relu-family", f"{nn.PReLU().weight.item():.2f}")
    assert default(F.elu, "alpha") == 1.0


def test_selu_constants_and_gain():
    lam = F.selu(torch.tensor(1.0, dtype=torch.float64)).item()
    alpha = -F.selu(torch.tensor(-50.0, dtype=torch.float64)).item() / lam
    contains("activation-functions/selu-self-normalizing", f"{lam:.4f}", f"{alpha:.4f}")
    assert nn.init.calculate_gain("selu") == 0.75
    contains("activation-functions/selu-self-normalizing", "3/4")


# ------------------------------------------------------------------------------------------------ weight init
def test_standard_normal_growth():
    torch.manual_seed(0)
    x = torch.randn(4096, 512, dtype=torch.float64)
    w = torch.randn(512, 512, dtype=torch.float64)
    ratio = (x @ w.T).std() / x.std()
    assert ratio.item() == pytest.approx(math.sqrt(512), rel=0.02)
    contains("weight-init/why-not-standard-normal", f"{math.sqrt(512):.1f}")


def test_xavier_bound_and_std():
    torch.manual_seed(0)
    w = torch.empty(512, 256, dtype=torch.float64)  # (n_out, n_in) = 256 -> 512
    nn.init.xavier_uniform_(w)
    bound = math.sqrt(6 / (256 + 512))
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.99 * bound
    contains("weight-init/xavier-formula", f"**{bound:.4f}**", f"{math.sqrt(2 / 768):.4f}")
    nn.init.xavier_normal_(w)
    assert w.std().item() == pytest.approx(math.sqrt(2 / 768), rel=0.01)


def test_he_std_and_conv_fan_in():
    torch.manual_seed(0)
    w = torch.empty(512, 512, dtype=torch.float64)
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert w.std().item() == pytest.approx(math.sqrt(2 / 512), rel=0.01)
    contains("weight-init/he-factor-two", f"{math.sqrt(2 / 512):.4f}")
    conv = torch.empty(128, 64, 3, 3, dtype=torch.float64)
    nn.init.kaiming_normal_(conv, nonlinearity="relu")
    fan_in = 64 * 3 * 3
    assert conv.std().item() == pytest.approx(math.sqrt(2 / fan_in), rel=0.02)
    contains("weight-init/fan-mode", f"fan_in {fan_in}", f"{math.sqrt(2 / fan_in):.4f}")
    # the default nonlinearity/a give the ReLU gain
    w2 = torch.empty(512, 512, dtype=torch.float64)
    nn.init.kaiming_normal_(w2)
    assert w2.std().item() == pytest.approx(math.sqrt(2 / 512), rel=0.01)
    assert default(nn.init.kaiming_normal_, "nonlinearity") == "leaky_relu"
    assert default(nn.init.kaiming_normal_, "mode") == "fan_in"


def test_relu_halves_second_moment_and_compounds():
    torch.manual_seed(0)
    y = torch.randn(1_000_000, dtype=torch.float64)
    assert (F.relu(y) ** 2).mean().item() == pytest.approx(0.5, rel=0.01)
    contains("weight-init/xavier-with-relu", f"**{sci(2**-25)}**", "$2^{50}$", "$2^{25}$")
    contains("weight-init/variance-propagation", f"{0.9**50 * 100:.1f}%", f"{1.1**50:.0f}")


def test_pytorch_default_linear_init():
    torch.manual_seed(0)
    lin = nn.Linear(4096, 4096)
    bound = 1 / math.sqrt(4096)
    assert lin.weight.abs().max().item() <= bound + 1e-9
    assert lin.bias.abs().max().item() <= bound + 1e-9
    assert (lin.weight.var().item() * 3 * 4096) == pytest.approx(1.0, rel=0.01)
    he_over_default = (2 / 4096) / lin.weight.var().item()
    contains("weight-init/pytorch-default", f"**{round(he_over_default)}× smaller**", f"{math.sqrt(6):.2f}×")
    assert nn.init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))


def test_calculate_gain_values():
    g = nn.init.calculate_gain
    assert g("linear") == 1 and g("sigmoid") == 1 and g("tanh") == pytest.approx(5 / 3) and g("selu") == 0.75
    contains(
        "weight-init/calculate-gain", f"**{g('relu'):.3f}**", f"**{g('leaky_relu', 0.2):.3f}**", "**5/3**", "**3/4**"
    )


def test_all_zero_mlp_only_output_bias_moves():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
    for p in net.parameters():
        nn.init.zeros_(p)
    F.cross_entropy(net(torch.randn(32, 8)), torch.randint(0, 3, (32,))).backward()
    grads = [p.grad.abs().sum().item() for p in net.parameters()]
    assert all(gr == 0 for gr in grads[:-1]) and grads[-1] > 0


def test_output_bias_prior():
    pi = 0.01
    b = math.log(pi / (1 - pi))
    assert torch.sigmoid(torch.tensor(b, dtype=torch.float64)).item() == pytest.approx(pi)
    contains("weight-init/output-bias-prior", f"**{b:.3f}**")
    y = torch.zeros(10_000, dtype=torch.float64)
    y[:100] = 1
    loss0 = F.binary_cross_entropy_with_logits(torch.zeros_like(y), y).item()
    loss_prior = F.binary_cross_entropy_with_logits(torch.full_like(y, b), y).item()
    contains("weight-init/output-bias-prior", f"{loss0:.3f}", f"**{loss_prior:.3f}**")


def test_orthogonal_init_preserves_norm():
    torch.manual_seed(0)
    w = torch.empty(64, 64)
    nn.init.orthogonal_(w)
    assert torch.allclose(w.T @ w, torch.eye(64), atol=1e-5)


def test_gpt2_residual_proj_std():
    for n_layer, s in ((12, "**{:.5f}**"), (48, "{:.5f}")):
        contains("weight-init/gpt2-residual-scaling", s.format(0.02 / math.sqrt(2 * n_layer)))


def test_embedding_default_init():
    torch.manual_seed(0)
    e = nn.Embedding(10_000, 768)
    assert e.weight.std().item() == pytest.approx(1.0, rel=0.01)
    contains("weight-init/embedding-init", f"{math.sqrt(768):.1f}")


# ------------------------------------------------------------------------------------------------- batchnorm
def test_batchnorm_biased_vs_unbiased():
    bn = nn.BatchNorm1d(1).double()
    x = f64(1, 2, 3, 4).view(4, 1)
    y = bn(x).flatten()
    card = "batchnorm/biased-vs-unbiased"
    contains(card, "[" + ", ".join(f"{v:.4f}" for v in y.tolist()) + "]")
    contains(card, f"{x.var(unbiased=False).item():.2f}", f"{x.var().item():.4f}")
    contains(card, f"{bn.running_mean.item():.2f}", f"{bn.running_var.item():.4f}")


def test_batchnorm_defaults_and_momentum():
    bn = nn.BatchNorm2d(4)
    assert bn.momentum == 0.1 and bn.eps == 1e-5
    contains("batchnorm/momentum-convention", "**10%**", f"{0.9**50:.3f}")
    contains("batchnorm/forward", "$\\epsilon = 10^{-5}$")


def test_batchnorm_batch_of_one():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(torch.randn(1, 3))
    contains("batchnorm/batch-size-one", "Expected more than 1 value per channel when training")
    nn.BatchNorm2d(3)(torch.randn(1, 3, 4, 4))  # runs: pools over H*W


def test_bias_before_bn_gets_zero_grad():
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 4, 3, bias=True).double(), nn.BatchNorm2d(4).double()
    out = bn(conv(torch.randn(8, 3, 6, 6, dtype=torch.float64)))
    (out * torch.randn_like(out)).sum().backward()
    assert conv.bias.grad.abs().max().item() < 1e-10


def test_fold_bn_into_conv_is_exact_in_eval():
    torch.manual_seed(0)
    conv, bn = nn.Conv2d(3, 4, 3).double(), nn.BatchNorm2d(4).double()
    for _ in range(5):
        bn(conv(torch.randn(8, 3, 6, 6, dtype=torch.float64)))
    nn.init.uniform_(bn.weight)
    nn.init.uniform_(bn.bias)
    bn.eval()
    x = torch.randn(2, 3, 6, 6, dtype=torch.float64)
    ref = bn(conv(x))
    s = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    fused = nn.Conv2d(3, 4, 3).double()
    with torch.no_grad():
        fused.weight.copy_(conv.weight * s.view(-1, 1, 1, 1))
        fused.bias.copy_((conv.bias - bn.running_mean) * s + bn.bias)
    assert torch.allclose(fused(x), ref, rtol=1e-10, atol=1e-10)


def test_batchnorm_backward_formula():
    torch.manual_seed(0)
    x = torch.randn(16, 1, dtype=torch.float64, requires_grad=True)
    bn = nn.BatchNorm1d(1, affine=False).double()
    y = bn(x)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    sigma = torch.sqrt(x.detach().var(unbiased=False) + bn.eps)
    xh = (x.detach() - x.detach().mean()) / sigma
    manual = (g - g.mean() - xh * (g * xh).mean()) / sigma
    assert torch.allclose(x.grad, manual, atol=1e-10)


# ----------------------------------------------------------------------------------- layer / rms / group norms
def test_layernorm_eps_default_and_sensitivity():
    assert nn.LayerNorm(8).eps == 1e-5
    card = "layer-rms-group-norm/layernorm-eps"
    contains(card, "$\\epsilon = 10^{-5}$")
    torch.manual_seed(0)
    x = torch.randn(1000, 768, dtype=torch.float64)
    diff = (F.layer_norm(x, (768,), eps=1e-5) - F.layer_norm(x, (768,), eps=1e-6)).abs().max().item()
    assert diff > 1e-5  # fails fp32 atol
    contains(card, f"about {sci(diff, 0)}")
    small = x * 1e-3
    s5 = F.layer_norm(small, (768,), eps=1e-5).std().item()
    s6 = F.layer_norm(small, (768,), eps=1e-6).std().item()
    contains(card, f"**{s5:.2f}**", f"**{s6:.2f}**")
    assert torch.tensor(1e-12, dtype=torch.float16).item() == 0.0


def test_layernorm_biased_variance():
    torch.manual_seed(0)
    x = torch.randn(4, 16, dtype=torch.float64)
    mine = (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True, unbiased=False) + 1e-5)
    assert torch.allclose(mine, F.layer_norm(x, (16,)), rtol=1e-7)


def test_rmsnorm_default_eps():
    assert nn.RMSNorm(8).eps is None
    x = torch.randn(3, 8)
    manual = x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + torch.finfo(torch.float32).eps)
    assert torch.allclose(nn.RMSNorm(8)(x), manual, atol=1e-6)
    contains("layer-rms-group-norm/rmsnorm", f"{sci(torch.finfo(torch.float32).eps, 2)}")


def test_groupnorm_extremes():
    torch.manual_seed(0)
    x = torch.randn(2, 8, 5, 5, dtype=torch.float64)
    assert torch.allclose(F.group_norm(x, 1), F.layer_norm(x, x.shape[1:]), atol=1e-10)
    assert torch.allclose(F.group_norm(x, 8), F.instance_norm(x), atol=1e-10)
    assert nn.GroupNorm(4, 8).eps == 1e-5


def test_instancenorm_defaults():
    m = nn.InstanceNorm2d(4)
    assert m.affine is False and m.track_running_stats is False
    contains("layer-rms-group-norm/instancenorm", "`affine=False`", "`track_running_stats=False`")


# ------------------------------------------------------------------------------------------- sgd + momentum
def _run(opt_cls, grads, p0=1.0, **kw):
    p = torch.tensor([p0], dtype=torch.float64, requires_grad=True)
    opt = opt_cls([p], **kw)
    out = []
    for g in grads:
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
        out.append(p.item())
    return out


def test_torch_momentum_steady_state():
    for mu, label in ((0.9, "**10×**"), (0.99, "**100×**")):
        traj = _run(torch.optim.SGD, [1.0] * (200 if mu == 0.9 else 2000), p0=0.0, lr=1.0, momentum=mu)
        step = traj[-2] - traj[-1]
        assert step == pytest.approx(1 / (1 - mu), rel=1e-6)
        contains("sgd-momentum/torch-momentum", label)
    assert default(torch.optim.SGD.__init__, "dampening") == 0
    # first step uses v_1 = g_1 (not (1 - mu) g_1)
    assert _run(torch.optim.SGD, [1.0], p0=0.0, lr=1.0, momentum=0.9)[0] == -1.0
    # "lr=0.1, momentum=0.9 is an effective step of 1.0"
    contains("sgd-momentum/torch-momentum", f"{0.1 / (1 - 0.9):.1f}")


def test_nesterov_form():
    g = [1.0, 0.5, -0.2]
    traj = _run(torch.optim.SGD, g, p0=0.0, lr=0.1, momentum=0.9, nesterov=True)
    p, v = 0.0, 0.0
    for gi, ti in zip(g, traj, strict=False):
        v = 0.9 * v + gi
        p -= 0.1 * (gi + 0.9 * v)
        assert p == pytest.approx(ti)


def test_momentum_effective_lr_jump():
    contains("sgd-momentum/momentum-lr-coupling", f"{0.1 / (1 - 0.99):.0f}", "**10× larger effective")


def test_quadratic_rates():
    lmin, lmax = 1.0, 100.0
    kappa = lmax / lmin
    card = "sgd-momentum/quadratic-stability"
    contains(card, f"**{2 / lmax:.2f}**", f"{2 / (lmin + lmax):.4f}")
    r_gd = (kappa - 1) / (kappa + 1)
    r_hb = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    contains(card, f"**{r_gd:.3f}**", f"**{r_hb:.3f}**")
    contains(
        card,
        f"about {round(math.log(1000) / -math.log(r_gd))} steps",
        f"about {round(math.log(1000) / -math.log(r_hb))} steps",
    )
    # GD really diverges just above 2/lambda_max and converges just below
    for eta, ok in ((0.0199, True), (0.0201, False)):
        e = 1.0
        for _ in range(2000):
            e *= 1 - eta * lmax
        assert (abs(e) < 1) == ok


def test_sgd_weight_decay_is_l2():
    a = _run(torch.optim.SGD, [0.3, -0.1], p0=2.0, lr=0.1, weight_decay=0.01)
    p = 2.0
    for g in (0.3, -0.1):
        p = (1 - 0.1 * 0.01) * p - 0.1 * g
    assert a[-1] == pytest.approx(p)


# --------------------------------------------------------------------------------------- adaptive optimizers
def test_adam_adamw_defaults():
    card = "adaptive-optimizers/adam-defaults"
    assert default(torch.optim.Adam.__init__, "lr") == 1e-3
    assert default(torch.optim.Adam.__init__, "betas") == (0.9, 0.999)
    assert default(torch.optim.Adam.__init__, "eps") == 1e-8
    assert default(torch.optim.Adam.__init__, "weight_decay") == 0
    assert default(torch.optim.AdamW.__init__, "weight_decay") == 0.01
    contains(card, "`lr=1e-3`", "`betas=(0.9, 0.999)`", "`eps=1e-8`", "`weight_decay=0`", "`weight_decay=0.01`")


def test_adagrad_rmsprop_defaults():
    sig = torch.optim.Adagrad.__init__
    assert (
        default(sig, "lr") == 0.01 and default(sig, "eps") == 1e-10 and default(sig, "initial_accumulator_value") == 0
    )
    contains("adaptive-optimizers/adagrad", "`lr=0.01`", "`eps=1e-10`")
    sig = torch.optim.RMSprop.__init__
    assert default(sig, "alpha") == 0.99 and default(sig, "eps") == 1e-8 and default(sig, "lr") == 0.01
    contains("adaptive-optimizers/rmsprop-defaults", "`lr=0.01`", "`alpha=0.99`", "`eps=1e-8`")
    # eps outside the sqrt: one step from v=0 with tiny gradient
    g = 1e-12
    got = _run(torch.optim.RMSprop, [g], p0=0.0, lr=1.0)[0]
    v = 0.01 * g * g
    assert got == pytest.approx(-g / (math.sqrt(v) + 1e-8))
    contains("adaptive-optimizers/rmsprop-defaults", f"{math.sqrt(1e-8):.0e}".replace("e-0", "e-"))
    contains("adaptive-optimizers/rmsprop-defaults", f"{round(math.sqrt(1e-8) / 1e-8):,}×")


def test_adam_update_matches_torch():
    torch.manual_seed(0)
    grads = torch.randn(10, 5, dtype=torch.float64)
    p = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p])
    mine = torch.zeros(5, dtype=torch.float64)
    m = torch.zeros(5, dtype=torch.float64)
    v = torch.zeros(5, dtype=torch.float64)
    for t, g in enumerate(grads, start=1):
        p.grad = g.clone()
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mine -= 1e-3 * (m / (1 - 0.9**t)) / ((v / (1 - 0.999**t)).sqrt() + 1e-8)
    assert torch.allclose(p.detach(), mine, rtol=1e-7)
    trap_contains("adaptive-optimizers/adam-update", f"{(1 - 0.9) / math.sqrt(1 - 0.999):.2f}×")


def test_bias_correction_horizons():
    card = "adaptive-optimizers/adam-bias-correction"
    contains(
        card,
        f"**{round(math.log(0.01) / math.log(0.9))} steps**",
        f"**{round(math.log(0.01) / math.log(0.999))} steps**",
    )


def test_adam_first_step_is_lr_sign():
    for g in (1e-6, 100.0):
        step = _run(torch.optim.Adam, [g], p0=0.0)[0]
        assert step == pytest.approx(-1e-3, rel=1e-2)
    contains("adaptive-optimizers/adam-first-step", "1e-3")


def test_adam_eps_in_fp16():
    assert torch.tensor(1e-8, dtype=torch.float16).item() == 0.0
    smallest = torch.finfo(torch.float16).smallest_normal * 2**-10
    contains("adaptive-optimizers/adam-eps", f"about {sci(smallest, 0)}")
    # v's increment (1 - b2) g^2 underflows below |g| ~ 5.5e-3
    thr = math.sqrt((smallest / 2) / 1e-3)
    contains("adaptive-optimizers/adam-eps", f"about {thr:.1e}".replace("e-03", "e-3"))
    assert torch.tensor(1e-3 * (0.99 * thr) ** 2, dtype=torch.float16).item() == 0.0
    assert torch.tensor(1e-3 * (1.01 * thr) ** 2, dtype=torch.float16).item() > 0.0
    assert torch.tensor(1e-8, dtype=torch.bfloat16).item() > 0


def test_adamw_differs_from_adam_l2_and_follows_lr():
    torch.manual_seed(0)
    grads = torch.randn(5, 3, dtype=torch.float64)

    def run(cls, **kw):
        p = torch.ones(3, dtype=torch.float64, requires_grad=True)
        opt = cls([p], lr=1e-2, **kw)
        for g in grads:
            p.grad = g.clone()
            opt.step()
        return p.detach()

    assert not torch.allclose(run(torch.optim.Adam, weight_decay=0.1), run(torch.optim.AdamW, weight_decay=0.1))
    # with zero gradient AdamW shrinks by exactly (1 - lr*wd) per step
    p = torch.ones(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.AdamW([p])
    p.grad = torch.zeros(1, dtype=torch.float64)
    opt.step()
    assert p.item() == pytest.approx(1 - 1e-3 * 0.01)
    card = "adaptive-optimizers/adamw-lr-coupling"
    contains(
        card,
        "$1 - 10^{-5}$",
        f"about {round(100 * (1 - (1 - 1e-5) ** 1000))}%",
        f"{round(100 * (1 - (1 - 1e-5) ** 100_000))}%",
    )
    contains(card, f"{sci(0.1 * 3e-4, 0)}".replace("3e-5", "3\\times10^{-5}"))


def test_optimizer_memory_175b():
    psi = 175e9
    states = psi * (4 + 4)
    full = psi * (2 + 2 + 4 + 4 + 4)
    card = "adaptive-optimizers/optimizer-memory"
    contains(card, f"**{states / 1e12:.1f} TB**", f"**{full / 1e12:.1f} TB**", "**16 B/param**")
    assert psi * 2 * 2 / 1e9 == 700  # the wrong claim's 700 GB
    contains(card, f"{(4 + 4 + 4) // 2}×")


def test_beta2_memory_lengths():
    contains("adaptive-optimizers/beta2-llm", f"about {round(1 / (1 - 0.999))} steps", f"{round(1 / (1 - 0.95))} steps")


# ------------------------------------------------------------------------------------------------ schedules
def test_noam_peak():
    d, tw = 512, 4000
    peak = d**-0.5 * min(tw**-0.5, tw * tw**-1.5)
    contains("lr-schedules/noam-peak", f"**{sci(peak)}**")


def test_cosine_fractions_and_wraparound():
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    lrs = []
    for _ in range(150):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    contains("lr-schedules/cosine", f"**{lrs[25]:.3f}**", f"**{lrs[75]:.3f}**")
    assert lrs[149] > lrs[100] + 0.1  # climbs back after T_max
    trap_contains("lr-schedules/cosine", f"{round(100 * lrs[25])}%", "75%")


def test_lambda_lr_step0_is_zero():
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, s / 1000))
    assert opt.param_groups[0]["lr"] == 0.0


def test_onecycle_defaults():
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
    n = 1000
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=n)
    lrs = []
    for _ in range(n):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step() if len(lrs) < n else None
    card = "lr-schedules/onecycle-defaults"
    contains(card, f"**{sci(lrs[0], 0)}**", f"**{sci(lrs[-1], 0)}**")
    peak = max(range(n), key=lambda i: lrs[i])
    assert abs(peak / n - 0.3) < 0.01
    contains(card, "**30%**")


def test_linear_scaling_goyal():
    contains("lr-schedules/linear-scaling", f"**{0.1 * 8192 / 256:.1f}**", f"{8192 // 256}")


# --------------------------------------------------------------------------------------------------- losses
def test_mean_vs_median():
    y = f64(1, 2, 3, 4, 100)
    cs = torch.linspace(0, 100, 100_001, dtype=torch.float64)
    mse_best = cs[((y[None] - cs[:, None]) ** 2).mean(1).argmin()].item()
    mae_best = cs[(y[None] - cs[:, None]).abs().mean(1).argmin()].item()
    huber_best = cs[
        F.huber_loss(cs[:, None].expand(-1, 5), y[None].expand(len(cs), -1), reduction="none", delta=1.0)
        .mean(1)
        .argmin()
    ].item()
    card = "losses/mean-vs-median"
    contains(card, f"**{mse_best:.0f}**", f"**{mae_best:.0f}**")
    assert huber_best == pytest.approx(3.0, abs=1e-3)
    trap_contains(card, f"factor of {round(mse_best / mae_best)}")


def test_focal_factors():
    card = "losses/focal-numbers"
    for pt, s in ((0.9, "**{}×**"), (0.968, "about **{}×**")):
        factor = 1 / (1 - pt) ** 2
        expected = round(factor, -2) if pt == 0.9 else round(factor, -3)
        contains(card, s.format(int(expected)))
    contains(card, f"{round(100 * 0.9**2)}\\%")


def _sigmoid_focal(x, y, alpha, gamma):
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    pt = p * y + (1 - p) * (1 - y)
    a = alpha * y + (1 - alpha) * (1 - y)
    return a * (1 - pt) ** gamma * ce


def test_focal_gamma_zero_is_weighted_bce():
    torch.manual_seed(0)
    x, y = torch.randn(100, dtype=torch.float64), torch.randint(0, 2, (100,)).double()
    w = 0.25 * y + 0.75 * (1 - y)
    assert torch.allclose(
        _sigmoid_focal(x, y, 0.25, 0.0), w * F.binary_cross_entropy_with_logits(x, y, reduction="none")
    )


def test_balanced_weights_match_sklearn():
    import numpy as np
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0] * 900 + [1] * 100)
    w = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    contains("losses/balanced-weights", f"**{w[0]:.3f}**", f"**{w[1]:.1f}**")
    assert round(w[1] / w[0]) == 9


def test_weighted_ce_mean():
    logits = f64(2, 0, 0, 1, 1, 1).view(3, 2)
    t = torch.tensor([0, 1, 1])
    w = f64(1, 9)
    per = F.cross_entropy(logits, t, reduction="none")
    card = "losses/weighted-ce-mean"
    a, b, c = (f"{v:.3f}" for v in per.tolist())
    contains(card, f"{a}, {b} and {c}")
    total = (per * w[t]).sum().item()
    contains(card, f"{total:.3f}", f"**{F.cross_entropy(logits, t, weight=w).item():.3f}**", f"{total / 3:.3f}")


def test_dice_values():
    def dice_loss(p, g, eps=1.0):
        return 1 - (2 * (p * g).sum() + eps) / (p.sum() + g.sum() + eps)

    g = torch.zeros(1000, dtype=torch.float64)
    g[:100] = 1
    assert dice_loss(g, g).item() == 0.0
    disjoint = torch.zeros_like(g)
    disjoint[500:600] = 1
    assert dice_loss(disjoint, g, eps=1e-6).item() == pytest.approx(1.0, abs=1e-8)
    half = torch.zeros_like(g)
    half[:50] = 1
    d = 2 * (half * g).sum() / (half.sum() + g.sum())
    contains("losses/dice-loss", f"{d.item():.3f}", f"{1 - d.item():.3f}")


def test_triplet_default_margin_and_zero_grad():
    m = nn.TripletMarginLoss()
    assert m.margin == 1.0
    contains("losses/triplet-loss", "`margin=1.0`")
    a = torch.zeros(1, 2, requires_grad=True)
    p = torch.tensor([[0.1, 0.0]])
    n = torch.tensor([[5.0, 0.0]])
    loss = m(a, p, n)
    loss.backward()
    assert loss.item() == 0.0 and a.grad.abs().sum().item() == 0.0


def test_infonce_is_ce_and_init_loss():
    contains("losses/infonce", f"{math.log(4096):.3f}")
    torch.manual_seed(0)
    q, k = torch.randn(8, 4, dtype=torch.float64), torch.randn(8, 4, dtype=torch.float64)
    logits = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).T / 0.07
    manual = -(torch.diagonal(torch.log_softmax(logits, 1))).mean()
    assert torch.allclose(manual, F.cross_entropy(logits, torch.arange(8)))
    contains("losses/infonce-temperature", f"{1 / 0.07:.1f}", f"{math.log(32768):.1f} nats")


def test_ctc_min_frames():
    # "hello" as labels h=1, e=2, l=3, o=4; blank=0
    target = torch.tensor([[1, 2, 3, 3, 4]])
    repeats = int((target[0, 1:] == target[0, :-1]).sum())
    t_min = target.shape[1] + repeats
    contains("losses/ctc-repeats", f"**{t_min}**")

    def ctc(t_frames):
        lp = torch.randn(t_frames, 1, 5, dtype=torch.float64).log_softmax(-1)
        return F.ctc_loss(lp, target, torch.tensor([t_frames]), torch.tensor([5]), reduction="sum")

    torch.manual_seed(0)
    assert torch.isinf(ctc(t_min - 1)) and torch.isfinite(ctc(t_min))
    assert default(F.ctc_loss, "blank") == 0


def test_gaussian_nll_eps_default():
    assert default(F.gaussian_nll_loss, "eps") == 1e-6
    contains("losses/gaussian-nll", "`eps=1e-6`")


# ------------------------------------------------------------------------------------------- residual nets
def test_plain_vs_residual_gradient():
    contains("residual-connections/residual-jacobian", f"{0.9**50:.3f}")
    torch.manual_seed(0)
    d, depth = 64, 50
    ws = [torch.randn(d, d, dtype=torch.float64) * 0.9 / math.sqrt(d) for _ in range(depth)]
    x = torch.randn(d, dtype=torch.float64, requires_grad=True)
    h = x
    for w in ws:
        h = w @ h
    h.sum().backward()
    plain = x.grad.norm().item()
    x.grad = None
    h = x
    for w in ws:
        h = h + w @ h / math.sqrt(depth)
    h.sum().backward()
    assert x.grad.norm().item() > 100 * plain


def test_projection_shortcut_params():
    proj = nn.Sequential(nn.Conv2d(64, 128, 1, stride=2, bias=False), nn.BatchNorm2d(128))
    conv_w = proj[0].weight.numel()
    bn = sum(p.numel() for p in proj[1].parameters())
    contains("residual-connections/projection-shortcut", f"{conv_w}", f"{bn} BN")


def test_stream_variance_growth():
    torch.manual_seed(0)
    n_blocks, d = 48, 1024
    x = torch.randn(512, d, dtype=torch.float64)
    for _ in range(n_blocks):
        x = x + torch.randn_like(x)  # each branch adds ~unit-variance, uncorrelated output
    var = x.var().item()
    assert var == pytest.approx(1 + n_blocks, rel=0.02)
    contains(
        "residual-connections/stream-variance",
        f"about **{1 + n_blocks}**",
        f"about {round(math.sqrt(1 + n_blocks))} times",
    )


def test_deepnet_constants():
    n = 100
    contains("residual-connections/deepnet", f"**{(2 * n) ** 0.25:.2f}**", f"**{(8 * n) ** -0.25:.3f}**")


def test_densenet_channels():
    c0, k, layers = 64, 32, 6
    contains("residual-connections/densenet", f"**{c0 + layers * k}**")


def test_rezero_identity_and_alpha_grad():
    torch.manual_seed(0)
    f = nn.Linear(8, 8)
    alpha = torch.zeros(1, requires_grad=True)
    x = torch.randn(4, 8)
    y = x + alpha * f(x)
    assert torch.equal(y, x)
    (y * torch.randn_like(y)).sum().backward()
    assert alpha.grad.abs().item() > 0 and f.weight.grad.abs().sum().item() == 0


# ---------------------------------------------------------------------------------- vanishing / exploding
def test_depth_and_rnn_gains():
    contains("vanishing-exploding-gradients/depth-gain", f"**{0.9**50:.4f}**", f"**{1.1**50:.0f}**")
    contains("vanishing-exploding-gradients/debug-early-layers", f"{10 ** (-6 / 29):.2f}")


def test_clipping_never_enlarges():
    p = torch.zeros(3, requires_grad=True)
    p.grad = torch.full((3,), 1e-8)
    nn.utils.clip_grad_norm_([p], max_norm=1.0)
    assert torch.equal(p.grad, torch.full((3,), 1e-8))


def test_sigmoid_mlp_vanishes_vs_residual_relu():
    torch.manual_seed(0)
    depth, d = 20, 64

    def first_layer_grad(block):
        layers = [nn.Linear(d, d) for _ in range(depth)]
        x = torch.randn(128, d)
        h = x
        for lin in layers:
            h = block(h, lin)
        h.pow(2).mean().backward()
        return layers[0].weight.grad.norm().item()

    def sig(h, lin):
        return torch.sigmoid(lin(h))

    def res(h, lin):
        nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        return h + F.relu(lin(h)) / math.sqrt(depth)

    assert first_layer_grad(res) > 1e4 * first_layer_grad(sig)


# ----------------------------------------------------------------------------------- second-pass extras
def test_kaiming_uniform_bound():
    torch.manual_seed(0)
    w = torch.empty(1024, 512, dtype=torch.float64)
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    bound = math.sqrt(6 / 512)
    assert w.abs().max().item() <= bound and w.abs().max().item() > 0.99 * bound
    contains("weight-init/kaiming-uniform-bound", f"**{bound:.3f}**")


def test_elu_code_and_where_nan_trap():
    def elu(x, alpha=1.0):
        return torch.where(x > 0, x, alpha * torch.expm1(x.clamp(max=0)))

    x = torch.tensor([-100.0, -1e-8, 0.0, 1e-8, 1.0, 100.0], dtype=torch.float64, requires_grad=True)
    assert torch.allclose(elu(x), F.elu(x), rtol=1e-7)
    elu(x).sum().backward()
    assert torch.isfinite(x.grad).all()
    # the trap: no clamp -> exp(1000) = inf in the discarded branch -> NaN gradient
    z = torch.tensor([1000.0], dtype=torch.float64, requires_grad=True)
    torch.where(z > 0, z, torch.exp(z) - 1).sum().backward()
    assert torch.isnan(z.grad).all()


def test_inplace_after_sigmoid_raises():
    x = torch.randn(4, requires_grad=True)
    y = torch.sigmoid(x)
    F.relu(y, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    contains("activation-functions/activation-memory", "modified by an inplace operation")


def test_hardswish_exact_limits():
    x = f64(-5, -3, 3, 5)
    assert F.hardswish(x).tolist() == [0.0, 0.0, 3.0, 5.0]
    assert F.relu6(f64(7)).item() == 6


def test_preact_var_code():
    def preact_var(init_fn, n_in=512, n_out=512, n=8192, seed=0):
        torch.manual_seed(seed + 12345)  # weights and inputs must come from different streams
        g = torch.Generator().manual_seed(seed)
        w = torch.empty(n_out, n_in, dtype=torch.float64)
        init_fn(w)
        x = torch.randn(n, n_in, dtype=torch.float64, generator=g)
        return (x @ w.T).var().item()

    assert abs(preact_var(lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")) - 2.0) < 0.05
    assert abs(preact_var(lambda w: nn.init.xavier_normal_(w)) - 1.0) < 0.05
    contains("weight-init/preact-var-test", f"{512 * (2 / 512) * 1:.0f}")


def test_transformer_init_numbers():
    card = "weight-init/transformer-init-design"
    contains(card, f"{0.02 / math.sqrt(96):.4f}", f"{math.log(50_000):.1f}")
    contains(card, f"{1 / math.sqrt(2048):.2f}")


def test_layernorm_param_count_gpt2_small():
    d, n_layer = 768, 12
    blocks = nn.ModuleList(nn.LayerNorm(d) for _ in range(2 * n_layer + 1))
    n = sum(p.numel() for p in blocks.parameters())
    contains("layer-rms-group-norm/norm-param-count", f"**{n:,}**", f"{2 * d:,}")


def test_fp16_square_overflow():
    thr = math.sqrt(torch.finfo(torch.float16).max)
    contains("layer-rms-group-norm/norms-mixed-precision", f"{thr:.1f}")
    assert torch.isinf(torch.tensor(256.0, dtype=torch.float16) ** 2)
    assert torch.isfinite(torch.tensor(255.0, dtype=torch.float16) ** 2)


def test_highway_gate_fraction():
    contains("residual-connections/highway-gate-bias", f"**{torch.sigmoid(f64(-2)).item():.3f}**")


def test_bn_scale_invariance_grad_orthogonal():
    torch.manual_seed(0)
    lin, bn = nn.Linear(16, 8, bias=False).double(), nn.BatchNorm1d(8, eps=1e-300).double()
    x = torch.randn(64, 16, dtype=torch.float64)
    out1 = bn(lin(x))
    with torch.no_grad():
        lin.weight.mul_(3.0)
    bn2 = nn.BatchNorm1d(8, eps=1e-300).double()
    assert torch.allclose(out1, bn2(lin(x)), atol=1e-10)
    y = bn2(lin(x))
    (y * torch.randn_like(y)).sum().backward()
    assert abs((lin.weight.grad * lin.weight).sum().item()) < 1e-8


def test_adamw_port_numbers():
    lr, wd = 1e-3, 5e-4
    card = "adaptive-optimizers/adamw-port-debug"
    contains(card, "5\\times10^{-7}", f"about {100 * (1 - (1 - lr * wd) ** 10_000):.1f}%")
    contains(card, f"about **{round(1 / 1e-4):,}× stronger**")
    contains(card, f"{round(0.01 / wd)}-{round(0.1 / wd)}×")


def test_trust_ratio_numbers():
    w, u, lr = 20.0, 0.5, 0.01
    r = w / u
    card = "adaptive-optimizers/trust-ratio-number"
    contains(card, f"= {r:.0f}$", f"**{lr * r * u:.1f}**", f"**{round(100 * lr * r * u / w)}%**", f"{lr * u:.3f}")


def test_groupnorm_counts():
    n, c, h, w, g = 8, 256, 14, 14, 32
    x = torch.randn(n, c, h, w)
    per = x.view(n, g, -1)
    card = "layer-rms-group-norm/groupnorm-number"
    contains(
        card,
        f"**{per.shape[0] * per.shape[1]}**",
        f"**{per.shape[2]:,}**",
        f"{sum(p.numel() for p in nn.GroupNorm(g, c).parameters())}",
    )


def test_amsgrad_extra_state():
    p = torch.zeros(10, requires_grad=True)
    opt = torch.optim.Adam([p], amsgrad=True)
    p.grad = torch.ones(10)
    opt.step()
    tensors = [v for v in opt.state[p].values() if torch.is_tensor(v) and v.numel() == p.numel()]
    assert len(tensors) == 3  # exp_avg, exp_avg_sq, max_exp_avg_sq
    contains("adaptive-optimizers/amsgrad", f"{len(tensors) * 4} B/param", f"{2 * 4}")


def test_depth_overflow_layers():
    card = "vanishing-exploding-gradients/depth-overflow"
    for dt, label in ((torch.float32, "about **layer {}**"), (torch.float16, "about **layer {}**")):
        torch.manual_seed(0)
        h = torch.randn(64, 512, dtype=dt)
        first = None
        for layer in range(1, 60):
            z = h @ torch.randn(512, 512, dtype=dt).T
            if not torch.isfinite(z).all():
                first = layer
                break
            h = torch.relu(z)
        assert first is not None
        contains(card, label.format(first))
    contains(card, f"{16**4:,}".replace(",", "{,}"), f"\\sqrt{{{512 // 2}}} = {math.isqrt(256)}")


def test_bn_plain_net_gradient_explosion():
    torch.manual_seed(0)
    d, depth = 256, 50
    layers = []
    for _ in range(depth):
        lin = nn.Linear(d, d, bias=False)
        nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        layers += [lin, nn.BatchNorm1d(d), nn.ReLU()]
    net = nn.Sequential(*layers, nn.Linear(d, 10))
    F.cross_entropy(net(torch.randn(512, d)), torch.randint(0, 10, (512,))).backward()
    g = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)][:depth]
    assert g[0] / g[-1] > 1000
    per_layer = (g[0] / g[-1]) ** (1 / (depth - 1))
    contains("vanishing-exploding-gradients/bn-gradient-explosion", f"roughly {per_layer:.1f}×")


def test_sgd_step_order_matches_torch():
    def sgd_step(p, g, buf, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        d_p = g + weight_decay * p
        if momentum != 0:
            buf = d_p.clone() if buf is None else momentum * buf + (1 - dampening) * d_p
            d_p = d_p + momentum * buf if nesterov else buf
        return p - lr * d_p, buf

    torch.manual_seed(0)
    grads = torch.randn(6, 4, dtype=torch.float64)
    for kw in (
        dict(momentum=0.9),
        dict(momentum=0.9, nesterov=True, weight_decay=0.01),
        dict(momentum=0.5, dampening=0.3, weight_decay=0.1),
        dict(weight_decay=0.05),
    ):
        ref = torch.ones(4, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([ref], lr=0.1, **kw)
        mine, buf = torch.ones(4, dtype=torch.float64), None
        for g in grads:
            ref.grad = g.clone()
            opt.step()
            mine, buf = sgd_step(mine, g, buf, 0.1, **kw)
        assert torch.allclose(ref.detach(), mine, atol=1e-12)


def test_batch_renorm_forward_equals_running_stats():
    torch.manual_seed(0)
    x = torch.randn(8, dtype=torch.float64) * 2 + 1
    mu, sigma = 0.7, 1.9
    mb, sb = x.mean(), x.std(unbiased=False)
    r, dd = sb / sigma, (mb - mu) / sigma
    assert torch.allclose((x - mb) / sb * r + dd, (x - mu) / sigma)


def test_layerscale_and_wrong_axis():
    # LayerNorm over (T, d) leaks future tokens into earlier positions; over d it does not.
    torch.manual_seed(0)
    x = torch.randn(1, 6, 8, dtype=torch.float64)
    y = x.clone()
    y[0, 5] += 3.0
    bad = F.layer_norm(x, (6, 8))[0, :5] - F.layer_norm(y, (6, 8))[0, :5]
    good = F.layer_norm(x, (8,))[0, :5] - F.layer_norm(y, (8,))[0, :5]
    assert bad.abs().max() > 1e-3 and good.abs().max() == 0


def test_warmup_length_rule():
    card = "lr-schedules/warmup-length"
    for b2 in (0.999, 0.95):
        contains(card, f"**{round(2 / (1 - b2))}**")


def test_gelu_code_and_derivative():
    def gelu(x):
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))

    def gelu_grad(x):
        cdf = 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
        return cdf + x * torch.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

    x = torch.cat([torch.randn(1000, dtype=torch.float64), f64(0, 1e-8, -1e-8, 10, -10, 40, -40)]).requires_grad_(True)
    assert torch.allclose(gelu(x), F.gelu(x), rtol=1e-7, atol=1e-12)
    F.gelu(x).sum().backward()
    assert torch.allclose(gelu_grad(x.detach()), x.grad, rtol=1e-7, atol=1e-12)
    g = gelu_grad(GRID)
    card = "activation-functions/gelu-code"
    contains(card, f"{g.max().item():.2f}", f"{GRID[g.argmax()].item():.2f}", f"{gelu_grad(f64(0)).item():.1f}")
    contains(card, f"{GRID[g < 0].max().item():.2f}")


def test_ctc_greedy_decode():
    def ctc_greedy_decode(log_probs, blank=0):
        best = log_probs.argmax(dim=-1).tolist()
        out, prev = [], None
        for s in best:
            if s != prev and s != blank:
                out.append(s)
            prev = s
        return out

    alphabet = "-helo"
    frames = "hhe-ll-lo"
    lp = torch.full((len(frames), len(alphabet)), -10.0)
    for t, ch in enumerate(frames):
        lp[t, alphabet.index(ch)] = 0.0
    assert "".join(alphabet[i] for i in ctc_greedy_decode(lp)) == "hello"
    # the trap: drop blanks first, then merge -> "helo"
    no_blank = [c for c in frames if c != "-"]
    merged = [c for i, c in enumerate(no_blank) if i == 0 or c != no_blank[i - 1]]
    assert "".join(merged) == "helo"


def test_llrd_compounding():
    card = "lr-schedules/llrd-too-aggressive"
    contains(card, f"**{sci(1e-4 * 0.5**24)}**", sci(1e-4 * 0.5**12), f"{0.9**24:.2f}", f"about {0.05 ** (1 / 24):.2f}")
    contains(card, f"about {round(100 * 0.9**24)}%")


def test_cosine_with_warmup_code():
    def cosine_with_warmup(step, warmup, total, peak, floor=0.0):
        if step < warmup:
            return peak * (step + 1) / warmup
        progress = min((step - warmup) / max(1, total - warmup), 1.0)
        return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))

    w, tot, peak, floor = 100, 1100, 1.0, 0.1
    vals = [cosine_with_warmup(s, w, tot, peak, floor) for s in range(tot + 50)]
    assert vals[w - 1] == peak and vals[w] == pytest.approx(peak)
    assert vals[w + (tot - w) // 2] == pytest.approx((peak + floor) / 2)
    assert vals[tot] == pytest.approx(floor) and vals[-1] == pytest.approx(floor)
    assert all(a >= b - 1e-12 for a, b in zip(vals[w:], vals[w + 1 :], strict=False))
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=2.0)
    torch.optim.lr_scheduler.LambdaLR(opt, lambda s: cosine_with_warmup(s, w, tot, peak, floor))
    assert opt.param_groups[0]["lr"] == pytest.approx(2.0 / w)


def test_batchnorm_code_matches_torch():
    class BatchNorm1d(nn.Module):
        def __init__(self, c, eps=1e-5, momentum=0.1):
            super().__init__()
            self.eps, self.momentum = eps, momentum
            self.weight = nn.Parameter(torch.ones(c))
            self.bias = nn.Parameter(torch.zeros(c))
            self.register_buffer("running_mean", torch.zeros(c))
            self.register_buffer("running_var", torch.ones(c))

        def forward(self, x):
            if self.training:
                mean, var = x.mean(0), x.var(0, unbiased=False)
                n = x.shape[0]
                with torch.no_grad():
                    self.running_mean.lerp_(mean, self.momentum)
                    self.running_var.lerp_(var * n / (n - 1), self.momentum)
            else:
                mean, var = self.running_mean, self.running_var
            return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias

    torch.manual_seed(0)
    mine, ref = BatchNorm1d(5).double(), nn.BatchNorm1d(5).double()
    for _ in range(4):
        x = (torch.randn(16, 5, dtype=torch.float64) * 3 + 2).requires_grad_(True)
        x2 = x.detach().clone().requires_grad_(True)
        g = torch.randn(16, 5, dtype=torch.float64)
        (mine(x) * g).sum().backward()
        (ref(x2) * g).sum().backward()
        assert torch.allclose(x.grad, x2.grad, rtol=1e-7)
    assert torch.allclose(mine.running_mean, ref.running_mean) and torch.allclose(mine.running_var, ref.running_var)
    mine.eval(), ref.eval()
    x = torch.randn(3, 5, dtype=torch.float64)
    assert torch.allclose(mine(x), ref(x), rtol=1e-7)
    assert "running_var" in mine.state_dict()
