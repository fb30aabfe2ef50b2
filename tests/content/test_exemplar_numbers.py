"""Every number stated in the exemplar cards that code can compute is recomputed here, independently.

Each test loads the card from its YAML file, recomputes the number with torch / numpy / closed-form arithmetic from
the problem's inputs (never from the card's text), formats it the way the card writes it, and asserts the answer
contains it. Where a card makes a checkable behavioural claim (a NaN gradient, a raised error, an exact
equivalence) the claim is exercised too.
"""

import math
import re
import warnings
from functools import cache
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
import yaml
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"
FILES = {
    "numerics": CONTENT / "numerics-losses" / "numerics.yaml",
    "attention": CONTENT / "attention-transformers" / "attention.yaml",
    "lora": CONTENT / "fine-tuning-peft" / "lora.yaml",
}
GiB, KiB = 2**30, 2**10

# Llama-3-8B shapes (config.json of meta-llama/Meta-Llama-3-8B).
LLAMA3_8B = dict(d=4096, n_layer=32, n_head=32, n_kv_head=8, head_dim=128, d_ff=14336, vocab=128256)


@cache
def topic(name: str) -> dict:
    with FILES[name].open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def answer(card_id: str) -> str:
    """The card's answer with every run of whitespace collapsed to one space (answers wrap lines freely)."""
    name = card_id.split("/")[0]
    for c in topic(name)["cards"]:
        if c["id"] == card_id:
            return " ".join(c["answer"].split())
    raise KeyError(card_id)


def contains(card_id: str, *expected: str) -> None:
    text = answer(card_id)
    for s in expected:
        assert s in text, f"{card_id}: expected {s!r} in the answer"


def f3(x: float) -> str:
    return f"{x:.3f}"


def sci(x: float) -> str:
    """1.4e-87 written the way the cards write it in LaTeX: 1.4\\times10^{-87}."""
    mant, exp = f"{x:.1e}".split("e")
    return rf"{mant}\times10^{{{int(exp)}}}"


def llama3_8b_params() -> int:
    c = LLAMA3_8B
    attn = 2 * c["d"] * c["d"] + 2 * c["d"] * c["n_kv_head"] * c["head_dim"]
    mlp = 3 * c["d"] * c["d_ff"]
    norms = 2 * c["d"]
    return 2 * c["vocab"] * c["d"] + c["n_layer"] * (attn + mlp + norms) + c["d"]  # untied embeddings + ln_f


# --------------------------------------------------------------------------------------------------- numerics


def test_overflow_thresholds():
    thresholds = [math.log(torch.finfo(dt).max) for dt in (torch.float32, torch.float64, torch.float16)]
    contains("numerics/stable-softmax", *(f"{t:.1f}" for t in thresholds))
    assert torch.isinf(torch.exp(torch.tensor(thresholds[0] + 0.1)))  # the threshold really overflows fp32
    assert torch.softmax(torch.tensor([1000.0, -1000.0, 0.0]), 0).isfinite().all()


def test_softmax_3_0_0_and_temperature():
    p = torch.softmax(torch.tensor([3.0, 0.0, 0.0], dtype=torch.float64), 0)
    contains("numerics/softmax-by-hand", f"[{f3(p[0])}, {f3(p[1])}, {f3(p[2])}]")
    contains("numerics/kd-temperature", f"[{f3(p[0])}, {f3(p[1])}, {f3(p[2])}]")
    contains("numerics/softmax-by-hand", f"{math.exp(3):.2f}", f"{math.exp(3) + 2:.2f}")
    contains("numerics/softmax-by-hand", f"{math.log(10):.1f}")  # a gap of ~2.3 is 10 to 1
    p2 = torch.softmax(torch.tensor([3.0, 0.0, 0.0], dtype=torch.float64) / 2, 0)
    contains("numerics/kd-temperature", f"[{f3(p2[0])}, {f3(p2[1])}, {f3(p2[2])}]")


def test_logsumexp_example():
    z = torch.tensor([1000.0, 1000.0], dtype=torch.float64)
    contains("numerics/logsumexp", f3(torch.logsumexp(z, 0).item()))
    assert torch.isinf(torch.log(torch.exp(z).sum()))  # the naive form really returns inf


def test_log_of_softmax_underflow_and_nan_grad():
    contains("numerics/log-of-softmax", sci(math.exp(-200)), sci(torch.finfo(torch.float32).smallest_normal * 2**-23))
    assert torch.exp(torch.tensor(-200.0)).item() == 0.0  # underflows in fp32
    z = torch.tensor([0.0, -200.0], requires_grad=True)
    logp = torch.log(torch.softmax(z, 0))
    assert torch.isneginf(logp[1])
    logp[0].backward()  # only the true class is read, and still:
    assert torch.isnan(z.grad).all()
    assert torch.log_softmax(torch.tensor([0.0, -200.0]), 0)[1].item() == -200.0
    # fp16: find the smallest logit gap at which the softmax probability rounds to exactly 0.
    lo, hi = 10.0, 30.0
    for _ in range(40):
        mid = (lo + hi) / 2
        p = torch.softmax(torch.tensor([0.0, -mid]).half(), 0)[1].item()
        lo, hi = (mid, hi) if p > 0 else (lo, mid)
    contains("numerics/log-of-softmax", f"gap of about {hi:.1f}")
    contains("numerics/log-of-softmax", f"{-math.log(1e-8):.1f}")


def test_initial_loss_is_log_c():
    for c in (10, 50257):
        loss = F.cross_entropy(torch.zeros(1, c, dtype=torch.float64), torch.tensor([0]))
        contains("numerics/ce-from-logits", f3(loss.item()))
    contains("numerics/ce-from-logits", "50,257")
    with pytest.raises(RuntimeError):  # (B, T, V) logits with (B, T) targets: classes must be dim 1
        F.cross_entropy(torch.zeros(2, 5, 7), torch.zeros(2, 5, dtype=torch.long))


def test_double_softmax_floor():
    c = 10
    best_probs = F.one_hot(torch.tensor([0]), c).double()  # the best the double-softmax model can emit
    floor = F.cross_entropy(best_probs, torch.tensor([0])).item()
    contains("numerics/double-softmax", f3(floor), f3(math.e + c - 1))
    top = torch.softmax(best_probs, -1)[0, 0].item()
    contains("numerics/double-softmax", f3(top))


def test_ce_grad_example():
    z = torch.tensor([[2.0, 1.0, 0.0]], dtype=torch.float64, requires_grad=True)
    F.cross_entropy(z, torch.tensor([0])).backward()
    p = torch.softmax(z.detach(), -1)[0]
    g = z.grad[0]
    contains("numerics/ce-grad", "[" + ", ".join(f3(v) for v in p) + "]")
    contains("numerics/ce-grad", "[" + ", ".join(f3(v) for v in g) + "]")
    torch.testing.assert_close(g, p - torch.tensor([1.0, 0, 0], dtype=torch.float64))


def test_softmax_jacobian_example_and_vocab_size():
    z = torch.zeros(2, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda x: torch.softmax(x, 0), z)
    contains("numerics/softmax-jacobian", f"[[{jac[0, 0]:.2f}, {jac[0, 1]:.2f}], [{jac[1, 0]:.2f}, {jac[1, 1]:.2f}]]")
    z = torch.randn(7, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda x: torch.softmax(x, 0), z)
    torch.testing.assert_close(jac, jac.T)
    torch.testing.assert_close(jac.sum(1), torch.zeros(7, dtype=torch.float64))
    g = torch.randn(7, dtype=torch.float64)
    p = torch.softmax(z, 0)
    torch.testing.assert_close(jac.T @ g, p * (g - (g @ p)))  # the O(K) VJP stated on the card
    contains("numerics/softmax-jacobian", f"{50257**2 * 4 / 1e9:.1f} GB")


def test_ce_vs_mse_gradient_ratio():
    z = torch.tensor(-10.0, dtype=torch.float64, requires_grad=True)
    F.binary_cross_entropy_with_logits(z, torch.tensor(1.0, dtype=torch.float64)).backward()
    g_ce = z.grad.item()
    z.grad = None
    ((torch.sigmoid(z) - 1.0) ** 2).backward()
    g_mse = z.grad.item()
    contains("numerics/ce-vs-mse", f"{g_ce:.3f}", f"-{abs(g_mse) * 1e5:.1f}e-5")
    ratio = round(g_ce / g_mse, -3)
    contains("numerics/ce-vs-mse", f"{ratio:,.0f}×")


def test_ignore_index_mean():
    # Logits whose CE against class 0 is exactly 2.0 and 4.0: log p0 = -loss.
    def row(loss):
        p0 = math.exp(-loss)
        return [math.log(p0), math.log(1 - p0)]

    logits = torch.tensor([row(2.0), row(4.0), [0.3, -0.2], [1.0, 2.0]], dtype=torch.float64)
    y = torch.tensor([0, 0, -100, -100])
    mean = F.cross_entropy(logits, y).item()
    diluted = F.cross_entropy(logits, y, reduction="sum").item() / len(y)
    contains("numerics/ignore-index", f"The loss is {mean:.1f}", f"would get {diluted:.1f}")
    assert math.isnan(F.cross_entropy(logits, torch.full((4,), -100)).item())  # all ignored -> 0/0


def test_grad_accum_token_mean():
    counts, means = torch.tensor([10.0, 90.0]), torch.tensor([1.0, 2.0])
    contains("numerics/token-mean-grad-accum", f"{means.mean():.1f}", f"= {(counts @ means / counts.sum()):.1f}")


def test_label_smoothing_targets():
    k, eps = 10, 0.1
    z = torch.randn(5, k, dtype=torch.float64)
    y = torch.randint(k, (5,))
    q = F.one_hot(y, k).double() * (1 - eps) + eps / k
    # The smoothed target is exactly what PyTorch's label_smoothing uses.
    torch.testing.assert_close(F.cross_entropy(z, y, label_smoothing=eps), F.cross_entropy(z, q))
    contains("numerics/label-smoothing", f"{q[0, y[0]]:.2f}", f"{eps / k:.2f}", f"{eps / (k - 1):.4f}")


def test_label_smoothing_optimum_gap_and_floor():
    k, eps = 10, 0.1
    gap = math.log((1 - eps + eps / k) / (eps / k))
    contains("numerics/label-smoothing-tradeoffs", f"\\log {round((1 - eps + eps / k) / (eps / k))}", f"{gap:.2f}")
    # The loss at logits with that gap is the minimum, and equals H(q).
    z = torch.zeros(1, k, dtype=torch.float64)
    z[0, 0] = gap
    floor = F.cross_entropy(z, torch.tensor([0]), label_smoothing=eps).item()
    contains("numerics/label-smoothing-tradeoffs", f"{floor:.3f}")
    zz = z.clone().requires_grad_()
    F.cross_entropy(zz, torch.tensor([0]), label_smoothing=eps).backward()
    assert zz.grad.abs().max() < 1e-12  # stationary: it is the optimum


def test_bce_clamp():
    x = torch.tensor([-200.0], requires_grad=True)
    two_step = F.binary_cross_entropy(torch.sigmoid(x), torch.ones(1))
    two_step.backward()
    g_two_step = x.grad.item()
    x.grad = None
    fused = F.binary_cross_entropy_with_logits(x, torch.ones(1))
    fused.backward()
    contains("numerics/bce-logits-stability", f"**{two_step.item():.0f}**", f"**{fused.item():.0f}**")
    assert g_two_step == 0.0
    contains("numerics/bce-logits-stability", f"correct gradient of {x.grad.item():.0f}")
    xs = torch.linspace(-50, 50, 101, dtype=torch.float64)
    ys = (torch.rand(101, dtype=torch.float64) > 0.5).double()
    stable = xs.clamp(min=0) - xs * ys + torch.log1p(torch.exp(-xs.abs()))
    torch.testing.assert_close(stable, F.binary_cross_entropy_with_logits(xs, ys, reduction="none"))


def test_smoothl1_vs_huber():
    text = answer("numerics/smoothl1-vs-huber")
    b = 2.0
    for r in (1.0, 3.0):
        h = F.huber_loss(torch.tensor([r]), torch.zeros(1), delta=b).item()
        s = F.smooth_l1_loss(torch.tensor([r]), torch.zeros(1), beta=b).item()
        assert math.isclose(s, h / b)
        pattern = rf"\$r = {r:g}\$, Huber gives {h:g}(\.0)? and SmoothL1 gives {s:g}(\.0)?"
        assert re.search(pattern, text), pattern


def test_kl_div_reduction_and_wrong_call():
    b, k = 8, 100
    log_q = torch.log_softmax(torch.randn(b, k, dtype=torch.float64), -1)
    p = torch.softmax(torch.randn(b, k, dtype=torch.float64), -1)
    with warnings.catch_warnings():  # PyTorch warns that 'mean' is not the KL; that is the card's point
        warnings.simplefilter("ignore", UserWarning)
        ratio = F.kl_div(log_q, p, reduction="batchmean") / F.kl_div(log_q, p, reduction="mean")
    contains("numerics/kl-div-convention", f"{ratio.item():.0f}× too small", f"$K = {k}$")
    explicit = (p * (p.log() - log_q)).sum() / b
    torch.testing.assert_close(F.kl_div(log_q, p, reduction="batchmean"), explicit)
    for _ in range(20):  # the swapped, probability-as-input call is always negative
        pt, ps = (torch.softmax(torch.randn(b, k, dtype=torch.float64), -1) for _ in range(2))
        assert F.kl_div(pt, ps, reduction="batchmean") < 0


# -------------------------------------------------------------------------------------------------- attention


def test_score_std_and_scale_alternatives():
    contains("attention/why-scale", f"{math.sqrt(64):g} for $d_k = 64$", f"{math.sqrt(128):.1f} for $d_k = 128$")
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(2, 20000, 128, generator=g, dtype=torch.float64)
    assert abs((q * k).sum(-1).var().item() / 128 - 1) < 0.05  # Var(q.k) = d_k
    contains("attention/scale-alternatives", f"{1 / math.sqrt(64):.3f} at $d_k = 64$", f"{math.exp(2):.2f}")


def test_causal_pairs():
    n = 4
    keep = torch.ones(n, n, dtype=torch.bool).tril()
    contains("attention/causal-mask", f"{int(keep.sum())} of {n * n}")
    assert keep.diagonal().all()


def test_mask_value_claims():
    contains("attention/mask-value", f"{torch.finfo(torch.float16).max:.0f}")
    with pytest.raises(RuntimeError):
        torch.zeros(3, dtype=torch.float16).masked_fill(torch.tensor([True, False, False]), -1e9)
    assert torch.isneginf(torch.tensor(-1e9).half())
    scores = torch.tensor([1.0, 2.0, 3.0])
    all_masked = torch.ones(3, dtype=torch.bool)
    assert torch.isnan(torch.softmax(scores.masked_fill(all_masked, float("-inf")), 0)).all()
    leak = torch.softmax(scores.masked_fill(all_masked, torch.finfo(torch.float32).min), 0)
    torch.testing.assert_close(leak, torch.full((3,), 1 / 3))  # uniform over the masked keys
    fmin = torch.tensor(torch.finfo(torch.float32).min)
    assert torch.isneginf(fmin + fmin)


def test_mha_params_independent_of_heads():
    d = 4096
    counts = {
        h: sum(p.numel() for p in nn.MultiheadAttention(d, h, bias=False, device="meta").parameters())
        for h in (1, 8, 32)
    }
    assert len(set(counts.values())) == 1
    with_bias = sum(p.numel() for p in nn.MultiheadAttention(d, 32, bias=True, device="meta").parameters())
    contains("attention/mha-params", f"{counts[32]:,}", f"{counts[32] / 1e6:.1f}M", f"{with_bias - counts[32]:,}")


def _gqa_layer_params(d, n_head, n_kv, hd):
    mods = [
        nn.Linear(d, n_head * hd, bias=False, device="meta"),
        nn.Linear(d, n_kv * hd, bias=False, device="meta"),
        nn.Linear(d, n_kv * hd, bias=False, device="meta"),
        nn.Linear(n_head * hd, d, bias=False, device="meta"),
    ]
    return [sum(p.numel() for p in m.parameters()) for m in mods]


def test_llama3_gqa_params():
    c = LLAMA3_8B
    q, k, v, o = _gqa_layer_params(c["d"], c["n_head"], c["n_kv_head"], c["head_dim"])
    total = q + k + v + o
    mha = sum(_gqa_layer_params(c["d"], c["n_head"], c["n_head"], c["head_dim"]))
    wrong = 3 * c["n_head"] * c["d"] ** 2
    contains(
        "attention/gqa-params",
        f"{q + o:,}",
        f"{(q + o) / 1e6:.1f}M",
        f"{k + v:,}",
        f"{(k + v) / 1e6:.1f}M",
        f"{total:,}",
        f"{total / 1e6:.1f}M per layer",
        f"{total * c['n_layer'] / 1e9:.2f}B",
        f"{mha / 1e6:.1f}M",
        f"saves {(mha - total) / 1e6:.1f}M",
        f"{wrong / 1e9:.2f}B",
        f"{llama3_8b_params() / 1e9:.1f}B",
    )
    contains("attention/gqa", f"{c['n_head'] // c['n_kv_head']}× smaller")


def test_llama3_kv_cache():
    c, n = LLAMA3_8B, 8192
    cache_t = torch.empty(c["n_layer"], 2, c["n_kv_head"], n, c["head_dim"], dtype=torch.bfloat16, device="meta")
    per_token = cache_t.numel() * cache_t.element_size() // n
    contains(
        "attention/kv-cache-size",
        f"{per_token:,} bytes",
        f"**{per_token // KiB} KiB per token**",
        f"**{per_token * n // GiB} GiB**",
    )
    mha = c["n_layer"] * 2 * c["n_head"] * c["head_dim"] * 2 * n
    contains(
        "attention/kv-cache-size",
        f"{mha // GiB} GiB",
        f"{32 * per_token * n // GiB} GiB of cache",
        f"{llama3_8b_params() / 1e9:.2f}B",
        f"{llama3_8b_params() * 2 / 1e9:.1f} GB",
    )
    contains("attention/kv-cache-size", "8,192")
    assert "128 KiB" in topic("attention")["summary"] and f"{mha // n // KiB} KiB" in topic("attention")["summary"]


def test_attention_matrix_memory():
    att = torch.empty(32, 8192, 8192, dtype=torch.float16, device="meta")
    contains("attention/complexity", f"**{att.numel() * att.element_size() // GiB} GiB**")


def _layer_flops(n, d):
    """Forward FLOPs of one GPT layer's matmuls, counted by torch on meta tensors."""
    h = 12
    x = torch.empty(n, d, device="meta")
    w = {k: torch.empty(d, d, device="meta") for k in "qkvo"}
    w1, w2 = torch.empty(d, 4 * d, device="meta"), torch.empty(4 * d, d, device="meta")
    with FlopCounterMode(display=False) as dense:
        for k in "qkvo":
            x @ w[k]
        (x @ w1) @ w2
    qh = torch.empty(h, n, d // h, device="meta")
    with FlopCounterMode(display=False) as attn:
        a = qh @ qh.transpose(-2, -1)
        a @ qh
    return dense.get_total_flops(), attn.get_total_flops()


def test_flops_crossover():
    dense, attn = _layer_flops(1024, 768)
    assert dense == 24 * 1024 * 768**2 and attn == 4 * 1024**2 * 768
    contains(
        "attention/flops-crossover",
        f"{dense / 1e9:.1f} GFLOPs",
        f"{attn / 1e9:.1f} GFLOPs",
        f"{100 * attn / (dense + attn):.0f}%",
    )
    d = 4096
    contains("attention/flops-crossover", f"{6 * d:,} tokens", f"{100 * 4096 / (6 * d + 4096):.0f}%")


def test_float_non_associativity_and_bf16_eps():
    a, b, c = (torch.tensor(v, dtype=torch.float32) for v in (1e8, -1e8, 1.0))
    assert ((a + b) + c).item() == 1.0 and (a + (b + c)).item() == 0.0
    contains("attention/flash-not-bitwise", f"{torch.finfo(torch.bfloat16).eps * 1000:.1f}e-3")


def test_flash_io_ratio():
    m = 65536
    contains(
        "attention/flash-io",
        f"{m:,} elements",
        f"{m * 2 // KiB} KB of fp16",
        f"{m // 64**2}× fewer HBM accesses at $d = 64$",
        f"{m // 128**2}× at $d = 128$",
    )


def test_rope_frequencies_and_pairing_permutation():
    dh, base = 128, 10000.0
    theta = base ** (-torch.arange(0, dh, 2, dtype=torch.float64) / dh)
    mant, exp = f"{theta[-1].item():.2e}".split("e")
    contains("attention/rope-pairing", f"{dh // 2} pairs", f"{mant}e{int(exp)} rad")

    def interleaved(x, pos):
        x2 = x.view(*x.shape[:-1], -1, 2)
        ang = pos[:, None] * theta
        cos, sin = ang.cos(), ang.sin()
        return torch.stack([x2[..., 0] * cos - x2[..., 1] * sin, x2[..., 0] * sin + x2[..., 1] * cos], -1).flatten(-2)

    def half_split(x, pos):
        ang = (pos[:, None] * theta).repeat(1, 2)
        x1, x2 = x.chunk(2, -1)
        return x * ang.cos() + torch.cat([-x2, x1], -1) * ang.sin()

    pos = torch.arange(6, dtype=torch.float64)
    q = torch.randn(6, dh, dtype=torch.float64)
    perm = torch.cat([torch.arange(0, dh, 2), torch.arange(1, dh, 2)])  # interleaved -> half-split layout
    torch.testing.assert_close(half_split(q[:, perm], pos), interleaved(q, pos)[:, perm])
    assert not torch.allclose(half_split(q, pos)[1:], interleaved(q, pos)[1:])  # without the permutation: wrong
    torch.testing.assert_close(half_split(q, pos)[0], interleaved(q, pos)[0])  # ...but position 0 agrees


# ------------------------------------------------------------------------------------------------------- lora


def lora_params(d_in, d_out, r):
    a = nn.Linear(d_in, r, bias=False, device="meta")
    b = nn.Linear(r, d_out, bias=False, device="meta")
    return sum(p.numel() for p in [*a.parameters(), *b.parameters()])


def test_lora_square_matrix():
    n, full = lora_params(4096, 4096, 16), nn.Linear(4096, 4096, bias=False, device="meta").weight.numel()
    contains("lora/param-count", f"{n:,}", f"{full:,}", f"{100 * n / full:.2f}%", f"{full // n}×")
    assert f"{n:,}" in topic("lora")["summary"]


def test_lora_llama3_all_linear():
    c, r = LLAMA3_8B, 16
    kv = c["n_kv_head"] * c["head_dim"]
    shapes = {
        "q": (c["d"], c["d"]),
        "k": (c["d"], kv),
        "v": (c["d"], kv),
        "o": (c["d"], c["d"]),
        "gate": (c["d"], c["d_ff"]),
        "up": (c["d"], c["d_ff"]),
        "down": (c["d_ff"], c["d"]),
    }
    per = {k: lora_params(i, o, r) for k, (i, o) in shapes.items()}
    block = sum(per.values())
    total = block * c["n_layer"]
    qv8 = (lora_params(c["d"], c["d"], 8) + lora_params(c["d"], kv, 8)) * c["n_layer"]
    card = "lora/llama-param-count"
    contains(
        card,
        f"{per['q']:,} each",
        f"{per['k']:,} each",
        f"{per['gate']:,} each",
        f"{block:,} per block",
        f"{total:,}",
        f"{total / 1e6:.1f}M",
        f"{100 * total / llama3_8b_params():.2f}%",
        f"{llama3_8b_params() / 1e9:.2f}B",
        f"{lora_params(c['d'], c['d'], 8):,}",
        f"{lora_params(c['d'], kv, 8):,}",
        f"{qv8:,}",
        f"{qv8 / 1e6:.1f}M",
        f"{total * 2 / 1e6:.1f} MB",
        f"{qv8 * 2 / 1e6:.1f} MB",
        f"{total * 8 / 1e9:.2f} GB",
        f"{llama3_8b_params() * 2 / 1e9:.0f} GB",
    )
    contains(
        "lora/multi-adapter-serving",
        f"{total * 2 / 1e6:.0f} MB",
        f"{llama3_8b_params() * 2 / 1e9:.0f} GB",
        f"{100 * lora_params(4096, 4096, 16) / 4096**2:.2f}%",
    )


def _card_code(card_id: str) -> str:
    raw = next(c["answer"] for c in topic(card_id.split("/")[0])["cards"] if c["id"] == card_id)
    m = re.search(r"```python\n(.*?)```", raw, flags=re.S)
    assert m, card_id
    return m.group(1)


def test_lora_card_code_runs_and_is_a_noop_at_init():
    ns: dict = {}
    exec(_card_code("lora/code"), ns)
    torch.manual_seed(0)
    base = nn.Linear(24, 40)
    layer = ns["LoRALinear"](base, r=4, alpha=8)
    x = torch.randn(2, 3, 24)
    torch.testing.assert_close(layer(x), base(x), rtol=0, atol=0)
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    assert trainable == 4 * (24 + 40)
    # M36: at step 0 only B has a gradient; after one step A gets one too.
    layer(x).square().sum().backward()
    assert layer.A.grad.abs().max() == 0 and layer.B.grad.abs().max() > 0
    torch.optim.SGD([layer.A, layer.B], lr=0.1).step()
    layer.A.grad = layer.B.grad = None
    layer(x).square().sum().backward()
    assert layer.A.grad.abs().max() > 0
    # Merge: W + (alpha/r) BA reproduces the adapted layer (the claim on lora/merge).
    merged = nn.Linear(24, 40)
    with torch.no_grad():
        merged.weight.copy_(base.weight + layer.scaling * layer.B @ layer.A)
        merged.bias.copy_(base.bias)
    torch.testing.assert_close(merged(x), layer(x))


def test_both_zero_never_learns():
    a, b = torch.zeros(4, 24, requires_grad=True), torch.zeros(40, 4, requires_grad=True)
    x = torch.randn(5, 24)
    (x @ a.T @ b.T).sum().backward()
    assert a.grad.abs().max() == 0 and b.grad.abs().max() == 0


def test_alpha_over_r():
    contains("lora/alpha-scaling", f"$s = {16 / 8:g}$", f"from {16 / 8:g} to {16 / 64:g}", f"{(16 / 8) / (16 / 64):g}×")


def test_double_quantization_bits():
    plain = 32 / 64
    dq = 8 / 64 + 32 / (64 * 256)
    contains(
        "lora/double-quant",
        f"{plain:g} extra bits",
        f"{100 * plain / 4:.1f}%",
        f"{8 / 64:.3f}",
        f"{32 / (64 * 256):.5f}",
        f"**{dq:.3f} bits per parameter**",
        f"**{plain - dq:.3f} bits per parameter**",
        f"{(plain - dq) * 65e9 / 8 / 1e9:.1f} GB",
        f"{4 + dq:.3f} bits",
    )
    assert f"{dq:.3f}" in topic("lora")["summary"]


def test_qlora_memory_claim():
    dq = 8 / 64 + 32 / (64 * 256)
    w65, c65 = 65e9 * 4 / 8 / 1e9, 65e9 * dq / 8 / 1e9
    w70, c70 = 70e9 * 4 / 8 / 1e9, 70e9 * dq / 8 / 1e9
    contains(
        "lora/qlora-memory",
        f"{w65:.1f} GB",
        f"about {c65:.1f} GB",
        f"{w70:.0f} GB plus about {c70:.1f} GB",
        f"{w70 + c70:.1f} GB",
        f"about {48 - (w70 + c70):.0f} GB of headroom",
    )


def test_full_ft_vs_lora_memory():
    n = 7e9
    contains(
        "lora/vs-full-ft",
        f"about {16 * n / 1e9:.0f} GB",
        f"{2 * n / 1e9:.0f} GB for 7B",
        f"about {0.5 * n / 1e9:.1f} GB in NF4",
    )
    contains("lora/vs-full-ft", "⅓")  # skipping weight grads: (1 fwd + 2 bwd) -> (1 fwd + 1 bwd) matmuls
    assert math.isclose(1 - 2 / 3, 1 / 3)


def test_fedavg_counterexample_and_exact_concat():
    b1, a1, b2, a2 = (torch.tensor([[v]], dtype=torch.float64) for v in (1.0, 1.0, -1.0, -1.0))
    assert ((b1 + b2) / 2 @ (a1 + a2) / 2).item() == 0.0
    assert ((b1 @ a1 + b2 @ a2) / 2).item() == 1.0
    g = torch.Generator().manual_seed(0)
    bs = [torch.randn(6, 2, generator=g, dtype=torch.float64) for _ in range(2)]
    as_ = [torch.randn(2, 5, generator=g, dtype=torch.float64) for _ in range(2)]
    concat = torch.cat(bs, 1) @ torch.cat(as_, 0) / 2
    torch.testing.assert_close(concat, (bs[0] @ as_[0] + bs[1] @ as_[1]) / 2)
    # mean(BA) - mean(B)mean(A) is the covariance term (1/N) sum (B_i - Bbar)(A_i - Abar)
    bbar, abar = sum(bs) / 2, sum(as_) / 2
    cov = sum((b - bbar) @ (a - abar) for b, a in zip(bs, as_, strict=True)) / 2
    torch.testing.assert_close(bbar @ abar, (bs[0] @ as_[0] + bs[1] @ as_[1]) / 2 - cov)


def test_nf4_levels_shape():
    # Rebuild the NF4 codebook from its definition (normal quantiles, asymmetric, exact zero, normalized to +-1).
    from scipy.stats import norm

    offset = 1 - 0.5 * (1 / 32 + 1 / 30)  # bitsandbytes' 0.9677: between the 16- and 15-level tail quantiles
    pos = norm.ppf(torch.linspace(offset, 0.5, 9, dtype=torch.float64)[:-1].numpy())
    neg = -norm.ppf(torch.linspace(offset, 0.5, 8, dtype=torch.float64)[:-1].numpy())
    levels = sorted([*pos.tolist(), 0.0, *neg.tolist()])
    top = max(abs(v) for v in levels)
    levels = [v / top for v in levels]
    assert len(levels) == 16
    n_neg, n_pos = sum(v < 0 for v in levels), sum(v > 0 for v in levels)
    contains("lora/nf4", f"{n_neg} negative, an exact 0, and {n_pos} positive")
    assert levels[-1] == 1.0 and min(levels) >= -1.0
    contains("lora/qlora-overview", "block of 64 weights")
