"""Claims fixed after the blind review of 60 random cards (src/mldrill/content/BLIND_REVIEW.md), each settled by running
the thing against an independent oracle (autograd, PyTorch's own kernel, a closed form, Hugging Face), and each also
checking that the card now states the settled claim.
"""

import math
import re

import torch
import torch.nn.functional as F
from cardtext import all_cards, contains


def test_adapter_with_both_projections_zero_only_learns_its_output_bias():
    """peft-methods/adapters: zeroing W_down and W_up freezes both weights; only b_up gets a gradient."""
    torch.manual_seed(0)
    d, r = 16, 4
    h = torch.randn(8, d)
    w_down = torch.zeros(r, d, requires_grad=True)
    b_down = torch.zeros(r, requires_grad=True)
    w_up = torch.zeros(d, r, requires_grad=True)
    b_up = torch.zeros(d, requires_grad=True)
    out = h + F.linear(F.gelu(F.linear(h, w_down, b_down)), w_up, b_up)
    (out * torch.randn_like(out)).sum().backward()  # a generic downstream loss
    for frozen in (w_down, b_down, w_up):
        assert frozen.grad is not None and torch.count_nonzero(frozen.grad) == 0
    assert torch.count_nonzero(b_up.grad) == d
    contains("peft-methods/adapters", "only the output bias $b_{up}$ would still learn")


def test_rmsnorm_default_eps_is_fp32_epsilon_for_half_inputs():
    """layer-rms-group-norm/rmsnorm: eps=None is not finfo(x.dtype).eps for fp16/bf16 inputs."""
    torch.manual_seed(0)
    for dt in (torch.float16, torch.bfloat16):
        x = (torch.randn(4, 8) * 0.03).to(dt)  # small inputs, so eps visibly matters
        got = F.rms_norm(x, (8,)).float()
        xf = x.float()

        def manual(eps: float, xf: torch.Tensor = xf) -> torch.Tensor:
            return xf / torch.sqrt(xf.pow(2).mean(-1, keepdim=True) + eps)

        fp32_eps, own_eps = torch.finfo(torch.float32).eps, torch.finfo(dt).eps
        tol = 4 * own_eps  # one rounding of the output to the half dtype
        assert torch.allclose(got, manual(fp32_eps), rtol=tol, atol=tol)
        assert not torch.allclose(got, manual(own_eps), rtol=0.1, atol=0.1)
    contains("layer-rms-group-norm/rmsnorm", "also for fp16 and bf16 inputs", "0.0078")
    assert f"{torch.finfo(torch.bfloat16).eps:.4f}" == "0.0078"


def test_parametric_chinchilla_optimum_at_llama3_8b_compute():
    """scaling-laws/overtraining-for-inference: the Hoffmann fit's own optimum at 6 * 8e9 * 15e12 FLOPs."""
    e, a, b, alpha, beta = 1.69, 406.4, 410.7, 0.34, 0.28  # Hoffmann et al. 2022, Eq. 10
    c = 6 * 8e9 * 15e12

    def loss(n: float) -> float:
        return e + a / n**alpha + b / (c / (6 * n)) ** beta

    # golden-section search on log N, independent of any closed form
    lo, hi = math.log(1e9), math.log(1e12)
    g = (math.sqrt(5) - 1) / 2
    for _ in range(200):
        m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if loss(math.exp(m1)) < loss(math.exp(m2)):
            hi = m2
        else:
            lo = m1
    n = math.exp((lo + hi) / 2)
    assert round(n / 1e9) == 36
    assert f"{c / (6 * n) / 1e12:.1f}" == "3.4"
    assert f"{loss(n):.3f}" == "1.923"
    assert f"{n / 8e9:.1f}" == "4.5"
    contains("scaling-laws/overtraining-for-inference", "about 36B on 3.4T", "$L \\approx 1.923$", "about 4.5×")


def test_top_p_card_code_keeps_everything_at_p_one():
    """decoding-strategies/top-p-code: without the early return, the rounded cumulative mass drops tiny tokens."""
    src = re.search(r"```python\n(.*?)```", all_cards()["decoding-strategies/top-p-code"]["answer"], flags=re.S)
    ns: dict = {"torch": torch}
    exec(compile(src.group(1), "top-p-code", "exec"), ns)
    logits = torch.tensor([[0.0, -50.0, -60.0, 3.0]])
    assert torch.equal(ns["top_p_filter"](logits, 1.0), logits)
    # the rounding the early return guards against: the exclusive cumulative mass reaches exactly 1.0
    probs = logits.sort(dim=-1, descending=True).values.softmax(-1)
    assert ((probs.cumsum(-1) - probs)[0, -1] >= 1.0).item()
    torch.manual_seed(0)
    wide = torch.randn(2, 50_000) * 3
    assert torch.isfinite(ns["top_p_filter"](wide, 1.0)).all()
