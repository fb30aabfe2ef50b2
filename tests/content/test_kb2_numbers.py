"""Numbers stated in the kb2 cards (training-loop-debugging, regularization, data-pipeline, cnn, rnn-lstm-gru,
pytorch-mechanics), recomputed independently.

Each test loads the card from its YAML file, recomputes the number from the problem's inputs with torch / numpy /
closed-form arithmetic (never from the card's text), formats it the way the card writes it and asserts the answer
contains it. Where a card makes a checkable behavioural claim (a raised error, a default value, an exact
equivalence) the claim is exercised too.
"""

import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from cardtext import contains, trap_contains
from torch import nn

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"


def f3(x: float) -> str:
    return f"{x:.3f}"


def commas(n: int) -> str:
    return f"{n:,}"


def tex_commas(n: int) -> str:
    """1{,}024: how LaTeX answers write thousands separators."""
    return f"{n:,}".replace(",", "{,}")


# ---------------------------------------------------------------- training-loop-debugging


def test_effective_batch():
    seqs = 16 * 8 * 4
    contains("training-step/effective-batch", f"**{seqs} sequences**", f"**{commas(seqs * 2048)} tokens**")


def test_ema_half_life():
    beta = 0.999
    half_life = math.log(2) / (1 - beta)
    # check the closed form against the actual decay of an EMA weight
    w = 1.0
    steps = 0
    while w > 0.5:
        w *= beta
        steps += 1
    assert abs(steps - half_life) <= 1
    contains(
        "training-step/ema-weights", f"half-life of {round(half_life)} steps", f"about {round(1 / (1 - beta)):,} steps"
    )


def test_init_loss_ln_c():
    # recompute as the CE of uniform logits, not as math.log
    for c in (2, 10, 100, 1000):
        loss = F.cross_entropy(torch.zeros(1, c, dtype=torch.float64), torch.tensor([0])).item()
        contains("training-sanity-checks/init-loss-ln-c", f"| {c} | {f3(loss)} |")


def test_init_loss_priors():
    pri = torch.tensor([0.9, 0.1], dtype=torch.float64)
    logits = pri.log().expand(100_000, 2)
    y = (torch.rand(100_000, generator=torch.Generator().manual_seed(0)) < 0.1).long()
    expected = -(pri * pri.log()).sum().item()
    assert abs(F.cross_entropy(logits, y).item() - expected) < 0.01  # the bias-only model reaches H(prior)
    contains("training-sanity-checks/init-loss-priors", f"**{f3(expected)}**")
    # random logits with std 3 over 1000 classes: loss ≈ ln C + σ²/2 ≈ 11.4
    g = torch.Generator().manual_seed(0)
    z = 3.0 * torch.randn(4000, 1000, generator=g, dtype=torch.float64)
    sim = F.cross_entropy(z, torch.zeros(4000, dtype=torch.long)).item()
    assert abs(sim - 11.4) < 0.3
    assert abs(math.log(1000) + 9 / 2 - 11.4) < 0.05
    contains("training-sanity-checks/init-loss-priors", "11.4", "6.908", "std of about **3**")


def test_plateau_at_prior():
    p = 0.05
    h = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    contains("loss-debugging/plateau-at-prior", f3(h))
    q = torch.full((1000,), p, dtype=torch.float64)
    y = torch.zeros(1000, dtype=torch.float64)
    y[:50] = 1
    assert abs(F.binary_cross_entropy(q, y).item() - h) < 1e-9


def test_z_loss_size():
    lam, log_z = 1e-4, 10.0
    contains("loss-debugging/z-loss", f"**{lam * log_z**2:.2f}**")
    # gradient formula: d/dz lam*LSE(z)^2 = 2*lam*LSE*softmax
    z = torch.randn(7, dtype=torch.float64, requires_grad=True)
    (lam * torch.logsumexp(z, 0) ** 2).backward()
    assert torch.allclose(z.grad, 2 * lam * torch.logsumexp(z, 0) * torch.softmax(z, 0))


def test_zero_grad_default_is_set_to_none():
    m = nn.Linear(2, 1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    m(torch.ones(1, 2)).sum().backward()
    opt.zero_grad()
    assert m.weight.grad is None
    contains("training-step/zero-grad-placement", "`set_to_none=True` (the default since PyTorch 2.0)")


# ---------------------------------------------------------------- regularization


def test_dropout_scaling_and_convention():
    x = torch.ones(100_000)
    for p in (0.2, 0.5):
        y = F.dropout(x, p=p, training=True)
        kept = y[y != 0]
        assert torch.allclose(kept, torch.full_like(kept, 1 / (1 - p)))
        assert abs((y == 0).float().mean().item() - p) < 0.01  # p is the DROP probability
        assert torch.equal(F.dropout(x, p=p, training=False), x)  # eval is the identity
    contains("dropout/scale-once", "$1/(1-p) = 2$", "$1/0.8 = 1.25$")
    contains("dropout/p-convention", "$1/0.8 = 1.25$")
    assert nn.Dropout(0.9)(torch.ones(100_000)).ne(0).float().mean().item() < 0.11


def test_dropout_wrong_divisor_example():
    p = 0.1
    # dividing by p: E[out] = (1-p)/p * x -> 9x at p = 0.1
    trap_contains("dropout/inverted-dropout", f"scales the survivors by {round(1 / p)} instead of {1 / (1 - p):.2f}")
    trap_contains("dropout/inverted-dropout", f"{round((1 - p) / p)} times too large")


def test_variance_shift_ratio():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400_000, generator=g, dtype=torch.float64)
    for p, s in ((0.5, "**2**"), (0.1, "**1.111**")):
        torch.manual_seed(1)
        train_var = F.dropout(x, p=p, training=True).var().item()
        ratio = train_var / x.var().item()
        assert abs(ratio - 1 / (1 - p)) < 0.02
        assert s.strip("*") == (f"{1 / (1 - p):.3f}" if p != 0.5 else f"{1 / (1 - p):.0f}")
        contains("dropout/variance-shift", s)


def test_soft_threshold_values():
    def prox(z, lam):  # solve min_w 0.5(w-z)^2 + lam|w| by brute force on a grid
        w = np.linspace(-3, 3, 600_001)
        return w[np.argmin(0.5 * (w - z) ** 2 + lam * np.abs(w))]

    vals = {z: prox(z, 0.5) for z in (1.2, 0.3, -0.8)}
    assert abs(vals[1.2] - 0.7) < 1e-4 and abs(vals[0.3]) < 1e-4 and abs(vals[-0.8] + 0.3) < 1e-4
    contains("weight-penalties/soft-threshold", "$S(1.2)$ = **0.7**", "$S(0.3)$ = **0**", "$S(-0.8)$ = **-0.3**")


def test_sklearn_elasticnet_vs_ridge_alpha():
    import warnings

    from sklearn.linear_model import ElasticNet, Ridge

    rng = np.random.default_rng(0)
    n = 1000
    X = rng.normal(size=(n, 5))
    y = X @ np.array([1.0, -2.0, 0.5, 0.0, 3.0]) + rng.normal(size=n)
    ridge = Ridge(alpha=n * 0.01).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enet = ElasticNet(alpha=0.01, l1_ratio=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    assert np.allclose(ridge.coef_, enet.coef_, atol=1e-6)
    contains("weight-penalties/sklearn-alpha-scaling", f"**`Ridge(alpha={round(n * 0.01)})`**")


# ---------------------------------------------------------------- cnn


def test_cross_correlation_example():
    from scipy.signal import convolve, convolve2d, correlate, correlate2d

    x = torch.tensor([[[1.0, 2.0, 3.0]]], dtype=torch.float64)
    w = torch.tensor([[[1.0, 0.0, -1.0]]], dtype=torch.float64)
    torch_out = F.conv1d(x, w).item()
    assert torch_out == correlate([1.0, 2, 3], [1.0, 0, -1], mode="valid")[0]
    flipped = convolve([1.0, 2, 3], [1.0, 0, -1], mode="valid")[0]
    contains("conv-arithmetic/cross-correlation", f"**{torch_out:g}**", f"**{flipped:g}**")
    rng = np.random.default_rng(0)
    img, k = rng.normal(size=(6, 7)), rng.normal(size=(3, 3))
    out = F.conv2d(torch.tensor(img)[None, None], torch.tensor(k)[None, None]).numpy()[0, 0]
    assert np.allclose(out, correlate2d(img, k, mode="valid"))
    assert not np.allclose(out, convolve2d(img, k, mode="valid"))
    assert np.allclose(out, convolve2d(img, k[::-1, ::-1], mode="valid"))


def test_resnet_stem_sizes():
    x = torch.zeros(1, 3, 224, 224)
    y = nn.Conv2d(3, 8, 7, stride=2, padding=3)(x)
    z = nn.MaxPool2d(3, stride=2, padding=1)(y)
    contains("conv-arithmetic/output-size", f"**{y.shape[-1]}**", f"**{z.shape[-1]}**")


def test_conv_params_and_macs():
    from torch.utils.flop_counter import FlopCounterMode

    conv = nn.Conv2d(64, 128, 3, padding=1)
    params = sum(p.numel() for p in conv.parameters())
    with FlopCounterMode(display=False) as fc:
        conv(torch.zeros(1, 64, 56, 56))
    macs = fc.get_total_flops() // 2
    contains(
        "conv-arithmetic/params-vs-macs",
        f"**{commas(params)}**",
        f"**{commas(macs)}**",
        f"about {round(macs / 1e6)}M MACs",
        f"about {round(2 * macs / 1e6)}M FLOPs",
    )
    with FlopCounterMode(display=False) as fc2:
        conv(torch.zeros(1, 64, 112, 112))
    assert fc2.get_total_flops() == 4 * fc.get_total_flops()
    contains("conv-arithmetic/params-vs-macs", f"about {round(fc2.get_total_flops() / 2 / 1e6)}M")


def _rf_by_gradient(layers: nn.Module, size: int = 101) -> int:
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    y = layers(x)
    c = y.shape[-1] // 2
    y[0, 0, c, c].backward()
    nz = (x.grad[0, 0].abs().sum(0) != 0).nonzero()
    return int(nz.max() - nz.min() + 1)


def _ones_conv(k, s=1, d=1):
    conv = nn.Conv2d(1, 1, k, stride=s, dilation=d, bias=False)
    nn.init.constant_(conv.weight, 1.0)
    return conv


def test_receptive_field_example():
    stack = nn.Sequential(_ones_conv(7, s=2), nn.AvgPool2d(3, stride=2), _ones_conv(3))
    rf = _rf_by_gradient(stack)
    contains("conv-arithmetic/receptive-field", f"$R = 11 + 2 \\cdot 4$ = **{rf}**")
    trap_contains("conv-arithmetic/receptive-field", f"instead of {rf}")


def test_two_3x3_vs_5x5():
    c = 256
    two = 2 * nn.Conv2d(c, c, 3, bias=False).weight.numel()
    one = nn.Conv2d(c, c, 5, bias=False).weight.numel()
    contains(
        "conv-arithmetic/two-3x3-vs-5x5", f"{commas(two)} vs {commas(one)}", f"{round(100 * (1 - two / one))}% fewer"
    )
    three, seven = 3 * 9, 49
    contains("conv-arithmetic/two-3x3-vs-5x5", f"{round(100 * (1 - three / seven))}% fewer")
    assert _rf_by_gradient(nn.Sequential(_ones_conv(3), _ones_conv(3))) == 5


def test_bottleneck_params():
    bott = nn.Sequential(
        nn.Conv2d(256, 64, 1, bias=False), nn.Conv2d(64, 64, 3, bias=False), nn.Conv2d(64, 256, 1, bias=False)
    )
    pb = sum(p.numel() for p in bott.parameters())
    plain = 2 * nn.Conv2d(256, 256, 3, bias=False).weight.numel()
    contains(
        "conv-arithmetic/one-by-one-conv", f"**{commas(pb)}**", f"**{commas(plain)}**", f"about {round(plain / pb)}×"
    )
    x = torch.randn(2, 5, 4, 4, dtype=torch.float64)
    w = torch.randn(7, 5, dtype=torch.float64)
    assert torch.allclose(F.conv2d(x, w[:, :, None, None]), torch.einsum("bchw,oc->bohw", x, w))


def test_depthwise_separable_ratio():
    c = 256
    full = nn.Conv2d(c, c, 3, bias=False).weight.numel()
    sep = nn.Conv2d(c, c, 3, groups=c, bias=False).weight.numel() + nn.Conv2d(c, c, 1, bias=False).weight.numel()
    ratio = sep / full
    assert abs(ratio - (1 / c + 1 / 9)) < 1e-12
    contains("conv-arithmetic/depthwise-separable", f"**{f3(ratio)}**", f"**{1 / ratio:.1f}×**")


def test_dilated_receptive_fields():
    for d in (2, 4):
        assert _rf_by_gradient(_ones_conv(3, d=d)) == 3 + 2 * (d - 1)
    rf = _rf_by_gradient(nn.Sequential(_ones_conv(3, d=1), _ones_conv(3, d=2), _ones_conv(3, d=4)))
    contains("conv-arithmetic/dilated-conv", "5 for $d = 2$ and 9 for $d = 4$", f"$1 + 2 + 4 + 8 = {rf}$")


# ---------------------------------------------------------------- rnn-lstm-gru


def nparams(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def test_rnn_param_count():
    contains("rnn-gradients/vanilla-rnn", tex_commas(nparams(nn.RNN(256, 256))))


def test_bptt_decay_numbers():
    contains(
        "rnn-gradients/bptt-vanishing-exploding",
        f"$0.9^{{40}} \\approx {0.9**40:.3f}$",
        f"$1.1^{{40}} \\approx {round(1.1**40)}$",
    )
    # a linear RNN with W_h = 0.9 I: the Jacobian over 50 steps has norm 0.9^50
    w = 0.9 * torch.eye(4, dtype=torch.float64)
    h0 = torch.randn(4, dtype=torch.float64, requires_grad=True)
    h = h0
    for _ in range(40):
        h = w @ h
    jac = torch.autograd.functional.jacobian(lambda v: torch.linalg.matrix_power(w, 40) @ v, h0)
    assert abs(torch.linalg.matrix_norm(jac, 2).item() - 0.9**40) < 1e-12


def test_lstm_param_count():
    n = nparams(nn.LSTM(256, 256))
    textbook = 4 * ((256 + 256) * 256 + 256)
    contains("lstm-gru/lstm-param-count", f"**{commas(n)}**", f"**{commas(textbook)}**", f"{tex_commas(n - textbook)}")
    assert n - textbook == 4 * 256


def test_stacked_bidirectional_lstm_count():
    m = nn.LSTM(128, 256, num_layers=2, bidirectional=True)
    per = {}
    for name, p in m.named_parameters():
        layer = int(name.split("_l")[1][0])
        per[layer] = per.get(layer, 0) + p.numel()
    contains(
        "lstm-gru/stacked-bidirectional-count",
        f"**{commas(per[0])}**",
        f"**{commas(per[1])}**",
        f"**{commas(nparams(m))}**",
    )
    out, (h, _c) = m(torch.zeros(3, 2, 128))
    assert out.shape[-1] == 512 and tuple(h.shape) == (4, 2, 256)


def test_gru_vs_lstm_count():
    g, l = nparams(nn.GRU(256, 256)), nparams(nn.LSTM(256, 256))
    assert g / l == 0.75
    contains("lstm-gru/gru-vs-lstm", f"has {commas(g)} against {commas(l)}", "**25% fewer parameters**")


def test_gru_equations_match_torch():
    torch.manual_seed(0)
    cell = nn.GRUCell(3, 4).double()
    x, h = torch.randn(2, 3, dtype=torch.float64), torch.randn(2, 4, dtype=torch.float64)
    wi, wh, bi, bh = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
    gi, gh = x @ wi.T + bi, h @ wh.T + bh
    r = torch.sigmoid(gi[:, :4] + gh[:, :4])
    z = torch.sigmoid(gi[:, 4:8] + gh[:, 4:8])
    n = torch.tanh(gi[:, 8:] + r * gh[:, 8:])
    assert torch.allclose(cell(x, h), (1 - z) * n + z * h)


def test_lstm_gate_order_and_forget_bias():
    torch.manual_seed(0)
    cell = nn.LSTMCell(3, 4).double()
    x, h, c = (torch.randn(2, k, dtype=torch.float64) for k in (3, 4, 4))
    gates = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
    i, f, g, o = gates.chunk(4, 1)
    c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h2 = torch.sigmoid(o) * torch.tanh(c2)
    hh, cc = cell(x, (h, c))
    assert torch.allclose(hh, h2) and torch.allclose(cc, c2)
    contains(
        "lstm-gru/forget-gate-bias",
        f"$\\sigma(1) \\approx {torch.sigmoid(torch.tensor(1.0)).item():.2f}$",
        f"about {torch.sigmoid(torch.tensor(2.0)).item():.2f}",
        "$0.5^{20} \\approx 10^{-6}$",
    )
    assert 0.5**20 < 1e-6 * 1.5
    contains("lstm-gru/lstm-additive-path", f"$0.95^{{100}} \\approx {0.95**100:.3f}$")


# ---------------------------------------------------------------- clipping and mixed precision


def test_norm_vs_value_clipping():
    p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
    pre = torch.nn.utils.clip_grad_norm_([p], 1.0)
    assert pre.item() == 5.0
    contains("gradient-clipping/norm-vs-value", f"**[{p.grad[0].item():.1f}, {p.grad[1].item():.1f}]**")
    q = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    q.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_value_([q], 1.0)
    contains(
        "gradient-clipping/norm-vs-value",
        f"**[{q.grad[0].item():g}, {q.grad[1].item():g}]**",
        f"about {math.degrees(math.atan2(4, 3)):.1f}°",
        f"$\\sqrt2 \\approx {q.grad.norm().item():.3f}$",
    )


def test_fp16_bf16_facts():
    f16, b16 = torch.finfo(torch.float16), torch.finfo(torch.bfloat16)
    contains(
        "mixed-precision/fp16-vs-bf16",
        f"| max | {commas(int(f16.max))} | ≈ {b16.max:.2e}".replace("e+", "e"),
        f"| machine epsilon | ≈ {f16.eps:.1e} | {b16.eps:.4f}".replace("e-04", "e-4"),
    )
    one = torch.tensor(1.0, dtype=torch.bfloat16)
    assert (one + torch.tensor(1e-3, dtype=torch.bfloat16)).item() == 1.0
    assert (torch.tensor(256.0, dtype=torch.bfloat16) + 1).item() == 256.0
    contains("mixed-precision/master-weights", f"$2^{{-7}} = {b16.eps:.4f}"[:-1])
    contains("mixed-precision/master-weights", "2 bytes (16-bit weights) + 2 (16-bit grads) + 4 (fp32 master) + 4 + 4")


def test_fp16_underflow_rescue():
    assert torch.tensor(1e-8, dtype=torch.float16).item() == 0.0
    scaled = torch.tensor(1e-8 * 65536, dtype=torch.float16).item()
    assert scaled > torch.finfo(torch.float16).smallest_normal
    contains("mixed-precision/fp16-gradient-underflow", f"\\approx {scaled / 1e-4:.1f}\\times10^{{-4}}")
    contains("mixed-precision/fp16-gradient-underflow", f"$2^{{-24}} \\approx {2**-24 / 1e-8:.1f}\\times10^{{-8}}$")


def test_grad_scaler_defaults():
    import inspect

    sig = inspect.signature(torch.amp.GradScaler.__init__).parameters
    d = {k: sig[k].default for k in ("init_scale", "growth_factor", "backoff_factor", "growth_interval")}
    contains(
        "mixed-precision/dynamic-loss-scaling",
        f"`init_scale={d['init_scale']}`",
        f"`growth_factor={d['growth_factor']}`",
        f"`backoff_factor={d['backoff_factor']}`",
        f"`growth_interval={d['growth_interval']}`",
    )
    contains(
        "mixed-precision/loss-scale-collapse",
        f"{tex_commas(int(d['init_scale']))}/2^3 = {tex_commas(int(d['init_scale'] / 8))}",
    )


# ---------------------------------------------------------------- data-pipeline


def test_scaler_example():
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    x = np.array([[20e3], [30e3], [40e3], [50e3], [10e6]])
    mm = MinMaxScaler().fit_transform(x)[:4, 0]
    assert mm.min() == 0.0
    rob = RobustScaler().fit_transform(x)[:4, 0]
    assert rob.min() == -1.0 and rob.max() == 0.5
    contains("preprocessing-leakage/scaler-choice", f"[0, {mm.max():.3f}]", "between -1 and 0.5")
    # StandardScaler uses ddof = 0
    assert np.isclose(StandardScaler().fit(x).scale_[0], x.std(ddof=0))
    contains("preprocessing-leakage/scaler-choice", "($\\text{ddof} = 0$)")


def test_class_weight_balanced():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([1] * 10 + [0] * 990)
    w = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    contains("preprocessing-leakage/imbalance-tools", f"about {round(w[1])} for the positives")


def test_target_encoding_smoothing():
    enc = (3 + 10 * 0.1) / (3 + 10)
    contains("preprocessing-leakage/target-encoding", f"**{f3(enc)}**", "4/13")


def test_feature_selection_leak_demo():
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    leaky, honest = [], []
    for seed in range(2):
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(100, 10_000)), rng.integers(0, 2, 100)
        cv = StratifiedKFold(5, shuffle=True, random_state=0)
        Xs = SelectKBest(f_classif, k=20).fit_transform(X, y)
        leaky.append(cross_val_score(LogisticRegression(max_iter=1000), Xs, y, cv=cv).mean())
        pipe = make_pipeline(SelectKBest(f_classif, k=20), LogisticRegression(max_iter=1000))
        honest.append(cross_val_score(pipe, X, y, cv=cv).mean())
    assert all(0.85 <= a <= 0.9 for a in leaky) and all(abs(b - 0.5) < 0.1 for b in honest)
    contains("preprocessing-leakage/leakage-noise-demo", "about 0.87 to 0.88", "about 0.5")


# ---------------------------------------------------------------- pytorch-mechanics


def test_strides_and_offset():
    x = torch.arange(24).view(2, 3, 4)
    assert x[1, 2, 3].item() == sum(i * s for i, s in zip((1, 2, 3), x.stride(), strict=False))
    t = x.transpose(0, 2)
    contains(
        "tensors-autograd/strides-number",
        f"**{tuple(x.stride())}**",
        f"**{x[1, 2, 3].item()}**",
        f"**{tuple(t.stride())}**",
        f"strides {tuple(t.contiguous().stride())}",
    )
    assert not t.is_contiguous()


def test_view_raises_reshape_copies():
    x = torch.arange(12).view(3, 4)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.t().view(-1)
    y = x.t().reshape(-1)
    assert y.data_ptr() != x.data_ptr()


def test_expand_strides():
    e = torch.zeros(3, 1).expand(3, 1000)
    assert e.stride() == (1, 0) and e.untyped_storage().nbytes() == 3 * 4
    contains("tensors-autograd/non-contiguous-sources", "strides (1, 0)")


def test_broadcasting_outer_difference():
    pred, y = torch.zeros(5, 1), torch.zeros(5)
    assert (pred - y).shape == (5, 5)
    with pytest.warns(UserWarning, match="target size"):
        F.mse_loss(pred, y)
    contains("tensors-autograd/broadcasting-bug", "**(B, B)**")


def test_inplace_errors():
    a = torch.randn(3, requires_grad=True)
    s = torch.sigmoid(a)
    s.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.add_(1)


def test_backward_accumulates_and_retain_graph():
    w = torch.tensor(2.0, requires_grad=True)
    (w * 3).backward()
    (w * 3).backward()
    contains("tensors-autograd/grad-accumulation-semantics", f"tensor({w.grad.item():.0f}.)")
    out = torch.sigmoid(w) * 3
    out.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()


def test_inference_tensor_cannot_be_saved_for_backward():
    with torch.inference_mode():
        t = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        (w * t).sum()


def test_backward_twice_forward_and_6nd():
    from torch.utils.flop_counter import FlopCounterMode

    lin = nn.Linear(64, 32, bias=False)
    x = torch.randn(16, 64, requires_grad=True)
    with FlopCounterMode(display=False) as fwd:
        y = lin(x)
    with FlopCounterMode(display=False) as bwd:
        y.sum().backward()
    assert bwd.get_total_flops() == 2 * fwd.get_total_flops()
    c = 6 * 1e9 * 20e9
    contains("tensors-autograd/backward-cost", f"**{c:.1e} FLOPs**".replace("e+", "e"))
    days = c / 400e12 / 86400
    contains("tensors-autograd/backward-cost", f"about {days:.1f} GPU-days")


class _FrozenScale(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(10, 10)
        self.scale = nn.Parameter(torch.zeros(5), requires_grad=False)


def test_frozen_parameter_is_still_a_parameter():
    m = _FrozenScale()
    total = sum(p.numel() for p in m.parameters())
    trainable = sum(p.numel() for p in m.parameters() if p.requires_grad)
    contains(
        "module-bookkeeping/frozen-parameter", f"**{total}**", f"**{trainable}**", f"**{len(m.state_dict())}** entries"
    )


def test_state_dict_prefix_and_strict():
    m = nn.Linear(2, 2)
    wrapped = nn.DataParallel(m) if hasattr(nn, "DataParallel") else None
    sd = wrapped.state_dict() if wrapped is not None else {"module." + k: v for k, v in m.state_dict().items()}
    assert all(k.startswith("module.") for k in sd)
    with pytest.raises(RuntimeError, match="Missing key"):
        nn.Linear(2, 2).load_state_dict(sd)
    res = nn.Linear(2, 2).load_state_dict(sd, strict=False)
    assert set(res.missing_keys) == {"weight", "bias"}  # strict=False silently loads nothing


def test_buffers_vs_plain_attributes():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mask", torch.ones(2), persistent=False)
            self.register_buffer("stat", torch.ones(2))
            self.plain = torch.ones(2)

    m = M().double()
    assert m.mask.dtype == torch.float64 and m.stat.dtype == torch.float64 and m.plain.dtype == torch.float32
    assert set(m.state_dict()) == {"stat"}
    assert len(list(m.parameters())) == 0


def test_scheduled_sampling_inverse_sigmoid():
    k = 10.0
    eps = lambda i: k / (k + math.exp(i / k))  # noqa: E731
    i_half = k * math.log(k)
    assert abs(eps(i_half) - 0.5) < 1e-12
    contains("sequence-batching/scheduled-sampling", f"\\approx$ **{f3(eps(0))}**", f"\\approx$ **{i_half:.1f}**")


def test_default_rnn_init_spectral_radius():
    torch.manual_seed(0)
    w = nn.RNN(512, 512).weight_hh_l0.detach().double()
    rho = torch.linalg.eigvals(w).abs().max().item()
    assert abs(rho - 1 / math.sqrt(3)) < 0.03
    contains("sequence-batching/rnn-init", f"$1/\\sqrt{{3}} \\approx {1 / math.sqrt(3):.2f}$")
    q = torch.empty(64, 64)
    nn.init.orthogonal_(q)
    assert torch.allclose(torch.linalg.svdvals(q), torch.ones(64), atol=1e-5)


def test_packed_matches_single_sequence():
    torch.manual_seed(0)
    from torch.nn.utils.rnn import pack_padded_sequence

    lstm = nn.LSTM(3, 4, batch_first=True).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    lengths = torch.tensor([2, 6])
    x[0, 2:] = 0.0
    _, (h, _) = lstm(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    _, (h_alone, _) = lstm(x[:1, :2])
    assert torch.allclose(h[-1, 0], h_alone[-1, 0])
    out, _ = lstm(x)
    assert not torch.allclose(out[0, -1], h_alone[-1, 0])  # out[:, -1] is the state after the pads


def test_inductive_bias_param_comparison():
    conv = nparams(nn.Conv2d(3, 64, 3))
    dense = (224 * 224 * 3) * (224 * 224 * 64)
    contains(
        "cnn-architectures/inductive-bias",
        f"**{commas(conv)}**",
        f"**{dense:.1e}**".replace("e+", "e"),
        f"{tex_commas(224 * 224 * 3)} \\cdot {tex_commas(224 * 224 * 64)}",
    )


def test_vgg_first_dense_layer():
    contains("cnn-architectures/pooling-gap", f"\\approx {round(7 * 7 * 512 * 4096 / 1e6)}$M")


class _Block(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out)
        self.c2, self.b2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out)
        self.short = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.short = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        return F.relu(self.b2(self.c2(F.relu(self.b1(self.c1(x))))) + self.short(x))


def _resnet18() -> nn.Module:
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    c = 64
    for i, w in enumerate((64, 128, 256, 512)):
        layers += [_Block(c, w, 1 if i == 0 else 2), _Block(w, w, 1)]
        c = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def test_resnet18_param_count():
    m = _resnet18()
    assert m(torch.zeros(1, 3, 64, 64)).shape == (1, 1000)
    assert m(torch.zeros(1, 3, 96, 80)).shape == (1, 1000)  # GAP: any input size
    n = nparams(m)
    contains("cnn-architectures/resnet-basic-block", f"**{commas(n)}**", f"about {n / 1e6:.1f}M")


def test_im2col_shapes_and_memory():
    x = torch.randn(2, 4, 9, 9, dtype=torch.float64)
    w, b = torch.randn(5, 4, 3, 3, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    cols = F.unfold(x, 3, padding=1)
    assert cols.shape == (2, 4 * 9, 81)
    out = (w.view(5, -1) @ cols + b.view(1, -1, 1)).view(2, 5, 9, 9)
    assert torch.allclose(out, F.conv2d(x, w, b, padding=1))
    act = 32 * 64 * 56 * 56 * 4
    contains("cnn-architectures/im2col", f"fp32 activation ({act / 1e6:.1f} MB)", f"about {round(9 * act / 1e6)} MB")


def test_padding_waste():
    lens = [10, 20, 30, 200]
    waste = 1 - sum(lens) / (len(lens) * max(lens))
    bucketed = 1 - sum(lens) / (3 * 30 + 200)
    glob = 1 - sum(lens) / (4 * 512)
    contains(
        "batching-input-pipelines/padding-waste",
        f"**{100 * waste:.1f}%**",
        f"\\approx$ **{100 * bucketed:.1f}%**",
        f"\\approx {round(100 * glob)}\\%",
    )


def test_imagenet_normalization_example():
    mean = torch.tensor([0.485, 0.456, 0.406])
    std = torch.tensor([0.229, 0.224, 0.225])
    v = ((128 / 255 - mean) / std)[0].item()
    contains("batching-input-pipelines/imagenet-constants", f"\\approx$ **{f3(v)}**")
    lo, hi = (-mean / std).min().item(), ((1 - mean) / std).max().item()
    contains("batching-input-pipelines/imagenet-constants", f"$[{lo:.1f}, {hi:.1f}]$")


def test_mixup_alpha_probabilities():
    from scipy.stats import beta

    for a, s in ((0.2, "\\approx$ **{:.2f}**"), (1.0, "$P$ = **{:.1f}**"), (2.0, "$P \\approx$ **{:.2f}**")):
        d = beta(a, a)
        contains("data-mixing-augmentation/mixup-alpha", s.format(d.cdf(0.9) - d.cdf(0.1)))


def test_cutmix_clipped_box():
    H = W = 224
    lam0 = 0.75
    side = int(H * math.sqrt(1 - lam0))
    assert side == 112
    area = 112 * 56
    lam = 1 - area / (H * W)
    contains(
        "data-mixing-augmentation/cutmix",
        f"${tex_commas(area)}/{tex_commas(H * W)} = {100 * area / (H * W):.1f}\\%$",
        f"$\\lambda = 1 - 0.125$ = **{lam:.3f}**",
    )


def test_input_noise_equals_ridge():
    rng = np.random.default_rng(0)
    n, d, sigma = 50, 3, 0.3
    X, y, w = rng.normal(size=(n, d)), rng.normal(size=n), rng.normal(size=d)
    E = rng.normal(scale=sigma, size=(20_000, n, d))
    mc = np.mean(np.sum((y - (X + E) @ w) ** 2, axis=1))
    closed = np.sum((y - X @ w) ** 2) + n * sigma**2 * np.sum(w**2)
    assert abs(mc - closed) / closed < 0.01
    contains("data-mixing-augmentation/input-noise-ridge", "ridge with $\\lambda = n\\sigma^2$")


# ---------------------------------------------------------------- hyperparameter search


def test_random_search_coverage():
    p = 1 - 0.95**60
    contains("hyperparameter-search/grid-vs-random", f"\\approx$ **{f3(p)}**")
    # Monte Carlo in 5 dimensions: top 5% by volume of a random objective's level set
    rng = np.random.default_rng(0)
    hits = (rng.random((20_000, 60)) < 0.05).any(axis=1).mean()
    assert abs(hits - p) < 0.01


def test_uniform_lr_sampling_mass():
    frac_top_decade = (0.1 - 0.01) / (0.1 - 1e-5)
    assert round(100 * frac_top_decade) == 90
    contains("hyperparameter-search/log-scale-lr", "about 90% of trials in the top decade")


def test_successive_halving_budget():
    n, eta, rungs = 81, 3, []
    k, budget = n, 1
    while k >= 1:
        rungs.append((k, budget))
        k, budget = k // eta, budget * eta
    for k, b in rungs:
        contains("hyperparameter-search/successive-halving", f"| {k} | {b} | {k * b} |")
    total = sum(k * b for k, b in rungs)
    full = n * rungs[-1][1]
    contains(
        "hyperparameter-search/successive-halving",
        f"**{total}** epochs",
        f"**{commas(full)}** epochs",
        f"about **{round(full / total)}×**",
    )


def test_conv_backward_is_transposed_conv():
    torch.manual_seed(0)
    x = torch.randn(2, 3, 7, 7, dtype=torch.float64, requires_grad=True)
    w = torch.randn(4, 3, 3, 3, dtype=torch.float64)
    y = F.conv2d(x, w)
    g = torch.randn_like(y)
    y.backward(g)
    assert torch.allclose(F.conv_transpose2d(g, w), x.grad)
    full_flipped = F.conv2d(g, w.flip(-1, -2).transpose(0, 1), padding=2)
    assert torch.allclose(full_flipped, x.grad)
    assert not torch.allclose(F.conv2d(g, w.transpose(0, 1), padding=2), x.grad)  # without the flip: wrong


def test_custom_softplus_function_and_ctx_rules():
    class Softplus(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return torch.clamp(x, min=0) + torch.log1p(torch.exp(-x.abs()))

        @staticmethod
        def backward(ctx, grad_out):
            (x,) = ctx.saved_tensors
            return grad_out * torch.sigmoid(x)

    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(Softplus.apply, (x,))
    assert torch.allclose(Softplus.apply(x), F.softplus(x))

    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Bad.apply(x, x.detach() * 2).sum().backward()


def test_non_differentiable_ops():
    z = torch.randn(5, requires_grad=True)
    assert z.argmax().grad_fn is None and not z.argmax().requires_grad
    torch.round(z).sum().backward()
    assert torch.equal(z.grad, torch.zeros(5))
    z.grad = None
    (z + (torch.round(z) - z).detach()).sum().backward()  # straight-through: identity gradient
    assert torch.equal(z.grad, torch.ones(5))


def test_lasso_alpha_max():
    from sklearn.linear_model import Lasso

    rng = np.random.default_rng(0)
    n = 200
    X = rng.normal(size=(n, 5))
    y = X @ np.array([2.0, 0, 0, 1, 0]) + rng.normal(size=n)
    a_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / n
    assert np.all(Lasso(alpha=a_max * 1.0001).fit(X, y).coef_ == 0)
    assert np.count_nonzero(Lasso(alpha=a_max * 0.99, tol=1e-10).fit(X, y).coef_) == 1
    # on standardized features the entering coefficient at 0.9*alpha_max is 0.1*alpha_max
    Xs = (X - X.mean(0)) / X.std(0)
    a_s = np.abs(Xs.T @ (y - y.mean())).max() / n
    coef = Lasso(alpha=0.9 * a_s, tol=1e-12).fit(Xs, y).coef_
    assert np.isclose(np.abs(coef).max(), 0.1 * a_s, rtol=1e-4)
    contains(
        "weight-penalties/lasso-alpha-max", "$0.1\\,\\alpha_\\text{max} \\approx 0.157$", "`eps=1e-3` and 100 values"
    )
    import inspect

    from sklearn.linear_model import LassoCV

    defaults = inspect.signature(LassoCV.__init__).parameters
    n_grid = defaults["alphas"].default if "n_alphas" not in defaults else defaults["n_alphas"].default
    assert defaults["eps"].default == 1e-3 and n_grid == 100


def test_transposed_conv_size():
    out = nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1)(torch.zeros(1, 1, 7, 7))
    contains("cnn-architectures/transposed-conv", f"$6\\cdot2 - 2 + 3 + 1$ = **{out.shape[-1]}**")


def test_stochastic_depth_expected_blocks():
    L, pL = 1000, 0.5
    active = sum(1 - (l / L) * pL for l in range(1, L + 1)) / L
    assert abs(active - 0.75) < 1e-3
    contains("dropout/stochastic-depth-rates", "\\approx L(1 - p_L/2) = 0.75L")


def test_batch_first_mismatch_leaks_across_examples():
    torch.manual_seed(0)
    lstm = nn.LSTM(8, 16).double()  # batch_first=False
    x = torch.randn(4, 6, 8, dtype=torch.float64)  # meant as (B, T, F)
    out, _ = lstm(x)
    assert out[:, -1].shape == (4, 16)
    x2 = x.clone()
    x2[0, -1] += 1.0  # change example 0's last token
    out2, _ = lstm(x2)
    assert not torch.allclose(out[1:, -1], out2[1:, -1])  # other examples' "predictions" change
    x3 = x.clone()
    x3[2, :-1] += 1.0  # change example 2's tokens except the last: its own prediction ignores them
    out3, _ = lstm(x3)
    assert torch.allclose(out[2, -1], out3[2, -1])


def test_grayscale_folded_stem_equivalence():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False).double()
    g = torch.randn(2, 1, 32, 32, dtype=torch.float64)
    folded = F.conv2d(g, conv.weight.sum(dim=1, keepdim=True), stride=2, padding=3)
    assert torch.allclose(conv(g.repeat(1, 3, 1, 1)), folded)
    contains("cnn-architectures/grayscale-pretrained", "`w1 = conv1.weight.sum(dim=1, keepdim=True)`")
