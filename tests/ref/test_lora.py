"""LoRA: identity at init, closed-form parameter counts, merge equivalence, M36."""

import pytest
import torch
from torch import nn

from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.lora import (
    LoRALinear,
    batched_lora,
    fedavg_lora,
    inject_lora,
    lora_params,
    merge_lora,
    prefix_params,
    trainable_params,
    unmerge_lora,
)
from oracles import check_against_torch

D = torch.float64


def base_linear(d_in=6, d_out=4, seed=0) -> nn.Linear:
    torch.manual_seed(seed)
    return nn.Linear(d_in, d_out).double()


def test_output_equals_base_at_init():
    base = base_linear()
    lora = LoRALinear(base, r=2, alpha=4, generator=torch.Generator().manual_seed(0))
    x = torch.randn(3, 6, dtype=D)
    assert torch.equal(lora(x), base(x))
    assert (lora.lora_B == 0).all() and (lora.lora_A != 0).all()


def test_forward_and_backward_equal_closed_form():
    lora = LoRALinear(base_linear(), r=3, alpha=6, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        lora.lora_B.normal_(generator=torch.Generator().manual_seed(1))
    W, b, A, B = lora.base.weight.detach(), lora.base.bias.detach(), lora.lora_A.detach(), lora.lora_B.detach()
    check_against_torch(lambda x: lora(x), lambda x: x @ W.T + b + 2.0 * (x @ A.T) @ B.T, [(5, 6)])


def test_only_b_moves_first_M36():
    lora = LoRALinear(base_linear(), r=2, alpha=2, generator=torch.Generator().manual_seed(0))
    x = torch.randn(8, 6, dtype=D)
    (lora(x) * torch.randn(8, 4, dtype=D)).sum().backward()
    assert lora.lora_A.grad is not None and lora.lora_B.grad is not None
    assert (lora.lora_A.grad == 0).all()  # dL/dA = B^T (...) = 0 while B = 0
    assert lora.lora_B.grad.abs().sum() > 0
    assert lora.base.weight.grad is None  # frozen


def test_both_factors_zero_never_learns_M36():
    lora = LoRALinear(base_linear(), r=2, alpha=2)
    with torch.no_grad():
        lora.lora_A.zero_()
    opt = torch.optim.SGD([lora.lora_A, lora.lora_B], lr=0.1)
    x = torch.randn(8, 6, dtype=D)
    for _ in range(3):
        opt.zero_grad()
        (lora(x) ** 2).sum().backward()
        opt.step()
    assert (lora.lora_A == 0).all() and (lora.lora_B == 0).all()


def test_scale_is_alpha_over_r():
    lora = LoRALinear(base_linear(), r=4, alpha=8)
    assert lora.scaling == 2.0


@pytest.mark.parametrize("d_in,d_out,r", [(6, 4, 1), (16, 16, 4), (32, 8, 8)])
def test_trainable_params_match_closed_form(d_in, d_out, r):
    lora = LoRALinear(base_linear(d_in, d_out), r=r, alpha=r)
    assert trainable_params(lora) == lora_params(d_in, d_out, r) == r * (d_in + d_out)


def test_llama_sized_matrix_count():
    assert lora_params(4096, 4096, 16) == 131_072
    assert 4096 * 4096 == 16_777_216  # 16.8M for full fine-tuning of the same matrix


def tuned_gpt():
    cfg = GPTConfig(block_size=16, vocab_size=40, n_layer=2, n_head=2, n_embd=16)
    model = GPT(cfg, generator=torch.Generator().manual_seed(0)).double()
    names = inject_lora(model, target=r"attn\.(c_attn|c_proj)$", r=4, alpha=8, generator=torch.Generator())
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, LoRALinear):
                m.lora_B.normal_(0, 0.1, generator=torch.Generator().manual_seed(2))
    return model, names


def test_inject_into_gpt_counts_and_freezes():
    model, names = tuned_gpt()
    assert names == [f"transformer.h.{i}.attn.{n}" for i in range(2) for n in ("c_attn", "c_proj")]
    expected = 2 * (lora_params(16, 48, 4) + lora_params(16, 16, 4))
    assert trainable_params(model) == expected
    assert not model.transformer.wte.weight.requires_grad


def test_merge_and_unmerge_equal_the_unmerged_forward():
    model, _ = tuned_gpt()
    idx = torch.randint(0, 40, (2, 10), generator=torch.Generator().manual_seed(3))
    w0 = model.transformer.h[0].attn.c_attn.base.weight.clone()
    with torch.no_grad():
        unmerged = model(idx)[0]
        merge_lora(model)
        merged = model(idx)[0]
        unmerge_lora(model)
        back = model(idx)[0]
    torch.testing.assert_close(merged, unmerged, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(back, unmerged, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(model.transformer.h[0].attn.c_attn.base.weight, w0, rtol=1e-12, atol=1e-14)
    assert not torch.equal(w0, w0 + model.transformer.h[0].attn.c_attn.delta_weight())  # the merge did something


def test_training_moves_only_lora_parameters():
    model, _ = tuned_gpt()
    before = {n: p.clone() for n, p in model.named_parameters()}
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    idx = torch.randint(0, 40, (2, 10), generator=torch.Generator().manual_seed(3))
    _, loss = model(idx[:, :-1], idx[:, 1:])
    loss.backward()
    opt.step()
    for n, p in model.named_parameters():
        assert torch.equal(p, before[n]) != ("lora_" in n), n


def test_no_match_is_a_clear_error():
    with pytest.raises(ValueError, match="matches"):
        inject_lora(nn.Sequential(nn.Linear(2, 2)), target="q_proj", r=1, alpha=1)


def test_batched_lora_equals_per_request_loop():
    g = torch.Generator().manual_seed(0)
    W = torch.randn(5, 6, dtype=D, generator=g)
    A, B = torch.randn(3, 2, 6, dtype=D, generator=g), torch.randn(3, 5, 2, dtype=D, generator=g)
    x = torch.randn(7, 6, dtype=D, generator=g)
    idx = torch.tensor([0, 2, 1, 1, 0, 2, 2])
    out = batched_lora(x, W, A, B, idx, scaling=0.5)
    for i in range(7):
        ref = x[i] @ W.T + 0.5 * (B[idx[i]] @ (A[idx[i]] @ x[i]))
        torch.testing.assert_close(out[i], ref)


def test_fedavg_of_factors_is_not_the_average_update():
    g = torch.Generator().manual_seed(1)
    As = [torch.randn(2, 6, dtype=D, generator=g) for _ in range(3)]
    Bs = [torch.randn(4, 2, dtype=D, generator=g) for _ in range(3)]
    mA, mB = fedavg_lora(As, Bs)
    torch.testing.assert_close(mA, sum(As) / 3)
    exact = sum(b @ a for a, b in zip(As, Bs, strict=True)) / 3
    assert not torch.allclose(mB @ mA, exact)


def test_prefix_tuning_params():
    assert prefix_params(12, 20, 768) == 368_640


def test_from_weights_wraps_a_pretrained_weight_frozen():
    W, b = torch.randn(4, 6, dtype=D), torch.randn(4, dtype=D)
    lora = LoRALinear.from_weights(W, b, r=2, alpha=4, generator=torch.Generator().manual_seed(0))
    x = torch.randn(3, 6, dtype=D)
    torch.testing.assert_close(lora(x), torch.nn.functional.linear(x, W, b), rtol=0, atol=1e-12)
    assert lora.weight is lora.base.weight and not lora.weight.requires_grad and not lora.bias.requires_grad
    assert lora.lora_A.dtype == D and lora.lora_A.abs().max() <= 1 / 6**0.5


def test_best_rank_r_error_is_the_svd_truncation() -> None:
    from mldrill.ref.lora import best_rank_r_error

    g = torch.Generator().manual_seed(0)
    m = torch.randn(20, 12, generator=g, dtype=torch.float64)
    u, s, vt = torch.linalg.svd(m, full_matrices=False)
    for r in (0, 1, 5, 12):
        approx = (u[:, :r] * s[:r]) @ vt[:r]
        assert abs(best_rank_r_error(m, r) - float((m - approx).norm())) < 1e-10


def test_fit_lora_counts_and_converges_on_an_exact_low_rank_target() -> None:
    from mldrill.ref.lora import fit_lora, lora_params

    g = torch.Generator().manual_seed(0)
    target = torch.randn(16, 2, generator=g, dtype=torch.float64) @ torch.randn(2, 10, generator=g, dtype=torch.float64)
    target = target / target.norm()  # the default lr suits a target of norm about 1
    lora, errs = fit_lora(target, 3, steps=800)
    assert sum(p.numel() for p in lora.parameters() if p.requires_grad) == lora_params(10, 16, 3)
    assert errs[-1] < 1e-4 * float(target.norm()) and errs[-1] < errs[0]
