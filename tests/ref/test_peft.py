"""Adapters, (IA)^3, prompt and prefix tuning, EWC: identities at init, closed-form counts, equalities."""

import pytest
import torch
import torch.nn.functional as F

from mldrill.ref.attention import causal_mask
from mldrill.ref.peft import IA3, Adapter, PromptTuning, ewc_penalty, prefix_attention

D = torch.float64


def test_adapter_is_identity_at_init_and_counts():
    a = Adapter(8, 2).double()
    x = torch.randn(2, 3, 8, dtype=D)
    assert torch.equal(a(x), x)
    assert sum(p.numel() for p in a.parameters()) == 2 * 8 * 2 + 2 + 8


def test_ia3_is_identity_at_init():
    m = IA3(5)
    x = torch.randn(4, 5)
    assert torch.equal(m(x), x) and m.scale.numel() == 5


def test_prompt_tuning_shapes_params_labels_and_init():
    wte = torch.nn.Embedding(20, 6)
    pt = PromptTuning(wte, 4, init_ids=[3, 1, 4, 1])
    idx = torch.randint(0, 20, (2, 5))
    out = pt(idx)
    assert out.shape == (2, 4 + 5, 6)
    torch.testing.assert_close(out[:, 4:], wte(idx))
    torch.testing.assert_close(pt.prompt.detach(), wte.weight[[3, 1, 4, 1]].detach())
    assert sum(p.numel() for p in pt.parameters() if p.requires_grad) == 4 * 6  # p * d
    labels = pt.extend_labels(idx)
    assert labels.shape == (2, 9) and (labels[:, :4] == -100).all()
    with pytest.raises(ValueError, match="init ids"):
        PromptTuning(wte, 3, init_ids=[1])


def test_prefix_attention_equals_attention_over_concatenated_kv():
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 2, 5, 4, dtype=D, generator=g) for _ in range(3))
    pk, pv = torch.randn(2, 3, 4, dtype=D, generator=g), torch.randn(2, 3, 4, dtype=D, generator=g)
    K = torch.cat([pk.expand(2, -1, -1, -1), k], 2)
    V = torch.cat([pv.expand(2, -1, -1, -1), v], 2)
    keep = torch.cat([torch.ones(5, 3, dtype=torch.bool), ~causal_mask(5)], 1)  # SDPA: True = attend
    torch.testing.assert_close(
        prefix_attention(q, k, v, pk, pv), F.scaled_dot_product_attention(q, K, V, attn_mask=keep)
    )
    torch.testing.assert_close(prefix_attention(q, k, v, pk, pv, causal=False), F.scaled_dot_product_attention(q, K, V))


def test_ewc_penalty_closed_form():
    p, a, f = [torch.tensor([1.0, 2.0])], [torch.tensor([0.0, 1.0])], [torch.tensor([2.0, 0.5])]
    assert ewc_penalty(p, a, f, lam=3.0).item() == pytest.approx(0.5 * 3.0 * (2.0 * 1 + 0.5 * 1))


def test_freeze_blocks_and_new_head():
    from mldrill.ref.gpt import GPT, GPTConfig
    from mldrill.ref.peft import freeze, init_head

    model = GPT(GPTConfig(block_size=8, vocab_size=20, n_layer=3, n_head=2, n_embd=8, tie_weights=False))
    freeze(model, upto=2)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert all(n.startswith(("transformer.h.2.", "transformer.ln_f", "lm_head")) for n in trainable)
    assert any(n.startswith("transformer.h.2.") for n in trainable) and "lm_head.weight" in trainable
    head = torch.nn.Linear(8, 5)
    init_head(head, std=1e-3, generator=torch.Generator().manual_seed(0))
    probs = torch.softmax(head(torch.randn(4, 8)), -1)
    torch.testing.assert_close(probs, torch.full((4, 5), 0.2), atol=0.01, rtol=0)  # near-uniform at the start
