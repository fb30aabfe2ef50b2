"""Claims about training dynamics in the group-1 cards (activations/init/norm/residual, optimizers and schedules,
numerics and losses, regularization, information theory), settled by running the thing: a simulation, autograd, or
a closed form computed independently of the card's text. Each test also checks the card states the settled claim.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from cardtext import all_cards, contains, trap_contains
from torch import nn

from mldrill.ref import heavy_ball, signal_propagation


# ------------------------------------------------------------------------------------------------ weight init
def test_he_init_with_tanh_settles_instead_of_saturating():
    """weight-init/xavier-with-relu: 50 layers, width 512, Var(w) = 2/n, tanh."""
    p = signal_propagation.simulate(50, 512, torch.tanh, 2.0, batch=256, seed=0)
    assert p.preact_std[-1] == pytest.approx(0.79, abs=0.03)
    assert p.mean_abs_out == pytest.approx(0.48, abs=0.02)
    growth = p.grad_rms[0] / p.grad_rms[-1]
    assert 4 < growth < 16  # gradients grow toward the input, they do not vanish
    # independent of the simulation: the mean-field fixed point by quadrature
    q = signal_propagation.fixed_point(torch.tanh, 2.0)
    assert math.sqrt(q) == pytest.approx(0.79, abs=0.01)
    assert signal_propagation.chi(torch.tanh, 2.0, q) == pytest.approx(1.05**2, abs=0.02)
    contains("weight-init/xavier-with-relu", "**0.79**", "0.48", "5% per layer", "roughly 8×")
    # the critical gain for tanh is n Var(w) = 1; PyTorch's 5/3 (Var = 25/9 / n) grows faster than He's 2
    assert signal_propagation.chi(torch.tanh, 1.0, 1e-8) == pytest.approx(1.0, abs=1e-3)
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    q53 = signal_propagation.fixed_point(torch.tanh, 25 / 9)
    assert math.sqrt(signal_propagation.chi(torch.tanh, 25 / 9, q53)) == pytest.approx(1.10, abs=0.01)
    contains("weight-init/xavier-with-relu", "5/3", "about 10% per layer")


def test_xavier_relu_collapses_by_two_per_layer():
    p = signal_propagation.simulate(50, 512, torch.relu, 1.0, batch=256, seed=0)
    assert math.log2(p.preact_std[-1] / p.preact_std[0]) == pytest.approx(-24.5, abs=2)
    assert p.grad_rms[0] / p.grad_rms[-1] < 1e-6  # the backward signal shrinks the same way


# ------------------------------------------------------------------------------------- in-place after activations
def _backward_after_inplace_relu(act):
    torch.manual_seed(0)
    x = torch.randn(4, 8, requires_grad=True)
    h = nn.Linear(8, 8)(x)
    F.relu(act(h), inplace=True).sum().backward()


@pytest.mark.parametrize("act", [F.gelu, F.silu])
def test_inplace_relu_after_input_saving_activation_is_fine(act):
    _backward_after_inplace_relu(act)  # GELU and SiLU save their input, so overwriting their output is safe


@pytest.mark.parametrize("act", [torch.sigmoid, torch.tanh])
def test_inplace_relu_after_output_saving_activation_raises(act):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        _backward_after_inplace_relu(act)


def test_what_each_activation_saves_and_inplace_silu():
    x = torch.randn(5, requires_grad=True) * 1
    assert hasattr(F.gelu(x).grad_fn, "_saved_self")
    assert hasattr(torch.sigmoid(x).grad_fn, "_saved_result")
    assert hasattr(torch.tanh(x).grad_fn, "_saved_result")
    assert hasattr(F.relu(x).grad_fn, "_saved_result")
    # nn.SiLU(inplace=True) exists and backpropagates, but autograd keeps a separate copy of the input
    h = torch.randn(5, requires_grad=True) * 1
    ptr = h.data_ptr()
    y = nn.SiLU(inplace=True)(h)
    assert y.data_ptr() == ptr and y.grad_fn._saved_self.data_ptr() != ptr
    y.sum().backward()
    card = "activation-functions/activation-memory"
    contains(card, "nn.SiLU(inplace=True)", "modified by an inplace operation")
    text = " ".join(all_cards()[card]["answer"].split())
    assert "largest activation" not in text


# ---------------------------------------------------------------------------------------------- momentum
def test_momentum_stability_limit_barely_moves():
    """sgd-momentum/momentum-lr-coupling: the curvature limit lr*lam < 2(1 + mu) widens from 3.8 to 3.98."""
    for mu, lim in [(0.9, 3.8), (0.99, 3.98)]:
        assert heavy_ball.spectral_radius(0.999 * lim, 1.0, mu) < 1 < heavy_ball.spectral_radius(1.001 * lim, 1.0, mu)
    # a direction that is stable at mu = 0.9 stays stable at mu = 0.99 (lr = 0.1, lam = 30: lr*lam = 3)
    for mu in (0.9, 0.99):
        assert abs(heavy_ball.run(0.1, 30.0, mu, 3000)[-1]) < 1e-3
    # the constant-gradient step is what grows 10x
    lr = 0.1
    for mu in (0.9, 0.99):
        opt_p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([opt_p], lr=lr, momentum=mu)
        for _ in range(3000):
            opt.zero_grad()
            opt_p.grad = torch.ones(1)
            prev = opt_p.item()
            opt.step()
        assert prev - opt_p.item() == pytest.approx(lr / (1 - mu), rel=1e-3)
    contains("sgd-momentum/momentum-lr-coupling", "2(1 + \\mu)", "3.8", "3.98")


# ------------------------------------------------------------------------------------------ InfoNCE temperature
def _train_info_nce(tau: float, seed: int) -> tuple[float, float]:
    """4 latent classes x 16 items; two noisy views of each item are the positive pair, every other item (same
    class included) a negative. Returns (mean cosine between distinct items of one class, uniformity
    log E exp(-2 |z_i - z_j|^2); lower = more uniform, Wang & Isola 2020)."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(4, 16, generator=g) * 2
    x = centers.repeat_interleave(16, 0) + 0.5 * torch.randn(64, 16, generator=g)
    labels = torch.arange(4).repeat_interleave(16)
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(150):
        a = F.normalize(net(x + 0.3 * torch.randn_like(x)), dim=1)
        b = F.normalize(net(x + 0.3 * torch.randn_like(x)), dim=1)
        loss = F.cross_entropy(a @ b.T / tau, torch.arange(64))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        z = F.normalize(net(x), dim=1)
        sim = z @ z.T
        off = ~torch.eye(64, dtype=torch.bool)
        same = (labels[:, None] == labels[None]) & off
        return sim[same].mean().item(), torch.log(torch.exp(-2 * (2 - 2 * sim[off])).mean()).item()


def test_small_temperature_is_more_uniform_large_is_clustered():
    """losses/infonce-temperature (Wang & Liu 2021): the direction of the effect, two seeds each."""
    small = [_train_info_nce(0.05, s) for s in (0, 1)]
    large = [_train_info_nce(1.0, s) for s in (0, 1)]
    for (sim_s, uni_s), (sim_l, uni_l) in zip(small, large, strict=True):
        assert sim_l > sim_s + 0.15  # same-class items cluster at large tau
        assert uni_s < uni_l - 0.3  # small tau spreads the points more uniformly
    contains("losses/infonce-temperature", "**more uniform**", "**locally clustered**")
    trap_contains("losses/infonce-temperature", "It is the other way round")


# ----------------------------------------------------------------------------------------- init vs learning rate
def test_input_scale_sets_the_largest_stable_lr():
    """weight-init/init-vs-learning-rate: 10x larger inputs -> 100x sharper loss -> 100x smaller stable LR."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 16, generator=g, dtype=torch.float64)
    y = torch.randn(256, 1, generator=g, dtype=torch.float64)

    def final_loss(scale: float, lr: float) -> float:
        w = torch.zeros(16, 1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w], lr=lr)
        for _ in range(200):
            opt.zero_grad()
            loss = 0.5 * ((scale * x @ w - y) ** 2).mean()
            loss.backward()
            opt.step()
        return loss.item()

    lam1 = torch.linalg.eigvalsh(x.T @ x / 256).max().item()  # Hessian of the loss at scale 1
    lr = 1.5 / lam1  # below 2 / lambda_max
    assert math.isfinite(final_loss(1.0, lr)) and final_loss(1.0, lr) < 1.0
    assert not final_loss(10.0, lr) < 1e6  # the same LR diverges at 10x input scale
    assert final_loss(10.0, lr / 100) < 1.0  # and is stable again 100x lower
    contains("weight-init/init-vs-learning-rate", "100× sharper", "100× smaller")


# -------------------------------------------------------------------------------------------------- Adam betas
@pytest.mark.parametrize("beta1", [0.0, 0.9, 0.99])
def test_adam_step_for_a_constant_gradient_does_not_depend_on_beta1(beta1):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([p], lr=1e-3, betas=(beta1, 0.999))
    for _ in range(50):
        p.grad = torch.full((1,), 0.3)
        opt.step()
    assert -p.item() == pytest.approx(50 * 1e-3, rel=1e-4)  # |step| = lr every step, for any beta1
    trap_contains("adaptive-optimizers/betas-eps-together", "for a constant gradient $\\hat m = g$ for any $\\beta_1$")


# ------------------------------------------------------------------------------------ scale invariance + decay
def test_scale_invariant_weights_settle_at_sqrt_2_eta_lambda():
    """batchnorm/scale-invariance-wd: a loss that depends only on w / |w| (as after BN), SGD with weight decay.
    The gradient is orthogonal to w, and the angle moved per step settles at sqrt(2 eta lambda)."""
    g = torch.Generator().manual_seed(0)
    eta, lam = 0.1, 1e-2
    w = torch.randn(256, generator=g, dtype=torch.float64) * 2  # norm 32, four times the equilibrium ~ 7
    angles = []
    for t in range(4000):
        w.requires_grad_(True)
        xi = torch.randn(256, generator=g, dtype=torch.float64)
        ((w / w.norm()) @ xi).backward()
        grad = w.grad
        assert abs((grad @ w).item()) < 1e-9 * grad.norm().item() * w.norm().item()
        with torch.no_grad():
            new = w - eta * (grad + lam * w)
            if t >= 3000:
                angles.append(torch.arccos((new @ w) / (new.norm() * w.norm())).item())
        w = new.detach()
    assert sum(angles) / len(angles) == pytest.approx(math.sqrt(2 * eta * lam), rel=0.05)
    contains("batchnorm/scale-invariance-wd", "$\\sqrt{2\\eta\\lambda}$")


# ---------------------------------------------------------------------------------------- residual stream
def test_pre_norm_residual_stream_variance_grows_linearly():
    """residual-connections/stream-variance: 48 pre-norm blocks whose branch outputs have unit variance."""
    g = torch.Generator().manual_seed(0)
    d, blocks = 256, 48
    x = torch.randn(512, d, generator=g, dtype=torch.float64)
    for _ in range(blocks):
        w1 = torch.randn(d, 4 * d, generator=g, dtype=torch.float64) * math.sqrt(2 / d)
        w2 = torch.randn(4 * d, d, generator=g, dtype=torch.float64) * math.sqrt(1 / (4 * d))
        x = x + torch.relu(F.layer_norm(x, (d,)) @ w1) @ w2  # branch variance ~ 1
    assert x.var().item() == pytest.approx(1 + blocks, rel=0.15)
    contains("residual-connections/stream-variance", "about **49**", "7 times")


# ------------------------------------------------------------------------------------ vanishing / exploding
def _first_overflow_layer(dtype: torch.dtype) -> int:
    g = torch.Generator().manual_seed(0)
    h = torch.randn(64, 512, generator=g).to(dtype)
    for layer in range(1, 60):
        y = h @ torch.randn(512, 512, generator=g).to(dtype).T  # N(0, 1) weights
        if not torch.isfinite(y).all():
            return layer
        h = torch.relu(y)
    return -1


def test_standard_normal_relu_mlp_overflows_at_layer_32_and_4():
    """vanishing-exploding-gradients/depth-overflow: std grows 16x per layer at width 512."""
    assert _first_overflow_layer(torch.float32) in (31, 32, 33)
    assert _first_overflow_layer(torch.float16) in (3, 4)
    contains("vanishing-exploding-gradients/depth-overflow", "**layer 32**", "**layer 4**")


def test_deep_plain_batchnorm_net_has_exploding_gradients_at_init():
    """vanishing-exploding-gradients/bn-gradient-explosion (Yang et al. 2019): 50 Linear-BN-ReLU layers."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(50):
        lin = nn.Linear(256, 256, bias=False)
        nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        layers += [lin, nn.BatchNorm1d(256), nn.ReLU()]
    net = nn.Sequential(*layers)
    out = net(torch.randn(512, 256))
    (out * torch.randn_like(out)).sum().backward()
    g = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)]
    assert g[0] / g[-1] > 1000  # "thousands of times larger"
    assert (g[0] / g[-1]) ** (1 / 49) == pytest.approx(1.2, abs=0.05)
    assert math.sqrt(math.pi / (math.pi - 1)) == pytest.approx(1.2, abs=0.02)  # mean-field ReLU rate
    contains("vanishing-exploding-gradients/bn-gradient-explosion", "thousands of times larger", "1.2×")


# ----------------------------------------------------------------------------- more optimizer and init claims
def test_heavy_ball_tuned_rate_is_sqrt_kappa():
    """sgd-momentum/quadratic-stability and why-momentum: kappa = 100, tuned heavy ball contracts at 9/11."""
    lo, hi = 1.0, 100.0
    gd = max(abs(1 - (2 / (lo + hi)) * lam) for lam in (lo, hi))
    assert gd == pytest.approx(99 / 101)
    lr = 4 / (math.sqrt(hi) + math.sqrt(lo)) ** 2
    mu = ((math.sqrt(hi) - math.sqrt(lo)) / (math.sqrt(hi) + math.sqrt(lo))) ** 2
    rate = max(heavy_ball.spectral_radius(lr, lam, mu) for lam in (lo, 10.0, hi))
    assert rate == pytest.approx(9 / 11, rel=1e-3)
    contains("sgd-momentum/quadratic-stability", "**0.980**", "**0.818**")


def test_stale_second_moment_gives_oversized_adam_steps():
    """adaptive-optimizers/beta2-llm: a gradient that jumps 100x after a long quiet stretch."""
    biggest = {}
    for beta2 in (0.999, 0.95):
        p = torch.zeros(1)
        opt = torch.optim.Adam([p], lr=1.0, betas=(0.9, beta2))
        biggest[beta2] = 0.0
        for t in range(2500):
            p.grad = torch.full((1,), 1e-3 if t < 2000 else 1e-1)
            before = p.item()
            opt.step()
            if t >= 2000:
                biggest[beta2] = max(biggest[beta2], abs(p.item() - before))
    assert biggest[0.999] > 4  # steps several times the LR while v catches up
    assert biggest[0.95] < 1.5  # v adapts within a few dozen steps
    contains("adaptive-optimizers/beta2-llm", "much larger than 1")


def test_pytorch_default_linear_init_shrinks_relu_second_moment_sixfold():
    """weight-init/pytorch-default: Var(w) = 1/(3 n) -> each ReLU layer multiplies the second moment by 1/6."""
    layer = nn.Linear(512, 512)
    assert layer.weight.var().item() * 512 == pytest.approx(1 / 3, rel=0.02)
    assert signal_propagation.variance_map(1.0, torch.relu, 1 / 3) == pytest.approx(1 / 6, rel=1e-9)
    contains("weight-init/pytorch-default", "**6× smaller**")


def test_no_weight_scale_makes_a_deep_sigmoid_stack_well_behaved():
    """activation-functions/sigmoid-vanishing: 30 layers, width 512; small weights vanish, large ones explode."""
    small = signal_propagation.simulate(30, 512, torch.sigmoid, 16.0, batch=256, seed=0)
    large = signal_propagation.simulate(30, 512, torch.sigmoid, 256.0, batch=256, seed=0)
    assert small.grad_rms[0] / small.grad_rms[-1] < 1e-5
    assert large.grad_rms[0] / large.grad_rms[-1] > 100
    assert large.preact_std[-1] == pytest.approx(11, abs=1.5)
    contains("activation-functions/sigmoid-vanishing", "about $10^{-6}$", "std ≈ 11", "several hundred times")


def test_focal_loss_minimizer_is_pulled_toward_one_half():
    """losses/focal-alpha-gamma: the expected focal loss (gamma = 2) is not minimized at the true probability."""
    p = torch.linspace(1e-4, 1 - 1e-4, 200_001, dtype=torch.float64)
    for q in (0.6, 0.9, 0.99):
        expected = q * (1 - p) ** 2 * -torch.log(p) + (1 - q) * p**2 * -torch.log(1 - p)
        best = p[expected.argmin()].item()
        assert 0.5 < best < q - 0.05
        ce = q * -torch.log(p) + (1 - q) * -torch.log(1 - p)  # proper: minimized at q
        assert p[ce.argmin()].item() == pytest.approx(q, abs=1e-3)
    contains("losses/focal-alpha-gamma", "pulled toward 0.5")


def test_lowering_the_lr_lowers_the_sgd_noise_floor():
    """lr-schedules/loss-curve-lr (and the decay phase of every schedule): on a noisy quadratic the stationary
    loss of SGD is proportional to the LR, closed form E[theta^2] = eta sigma^2 / (lam (2 - eta lam))."""
    g = torch.Generator().manual_seed(0)
    lam, sigma, n = 1.0, 1.0, 4096  # n independent coordinates, averaged
    floors = {}
    for eta in (0.1, 0.01):
        theta = torch.zeros(n, dtype=torch.float64)
        acc = []
        for t in range(3000):
            theta = theta - eta * (lam * theta + sigma * torch.randn(n, generator=g, dtype=torch.float64))
            if t >= 1500:
                acc.append((theta**2).mean().item())
        floors[eta] = sum(acc) / len(acc)
        assert floors[eta] == pytest.approx(eta * sigma**2 / (lam * (2 - eta * lam)), rel=0.05)
    assert floors[0.1] / floors[0.01] == pytest.approx(10 * (2 - 0.01) / (2 - 0.1), rel=0.05)
    contains("lr-schedules/loss-curve-lr", "noise floor")
