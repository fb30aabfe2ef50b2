"""Llama-style model vs a randomly initialised transformers LlamaForCausalLM (same state-dict keys)."""

import pytest
import torch
from transformers import LlamaConfig as HFLlamaConfig
from transformers import LlamaForCausalLM

from mldrill.ref.generate import generate
from mldrill.ref.kv_cache import kv_cache_bytes
from mldrill.ref.llama import Llama, LlamaConfig

V = 53


def pair(attn_impl="sdpa", n_kv_head=2, seed=0):
    torch.manual_seed(seed)
    hf_cfg = HFLlamaConfig(
        vocab_size=V,
        hidden_size=32,
        intermediate_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=n_kv_head,
        max_position_embeddings=64,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=None,
    )
    hf = LlamaForCausalLM(hf_cfg).eval()
    cfg = LlamaConfig(
        block_size=64, vocab_size=V, n_layer=2, n_head=4, n_kv_head=n_kv_head, n_embd=32, intermediate_size=48,
        attn_impl=attn_impl,
    )  # fmt: skip
    ours = Llama(cfg).eval()
    ours.load_state_dict(hf.state_dict())  # strict: every key matches by name and shape
    return ours, hf


@pytest.mark.parametrize("attn_impl", ["readable", "sdpa"])
@pytest.mark.parametrize("n_kv_head", [4, 2, 1])
def test_logits_match_llama_for_causal_lm(attn_impl, n_kv_head):
    ours, hf = pair(attn_impl, n_kv_head)
    idx = torch.randint(0, V, (2, 19), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        torch.testing.assert_close(ours(idx)[0], hf(idx).logits, atol=1e-5, rtol=1e-4)


def test_kv_cache_logits_equal_full_forward_and_cache_holds_kv_heads_only():
    ours, _ = pair("readable", n_kv_head=2, seed=3)
    with torch.no_grad():
        for p in ours.parameters():
            if p.dim() == 2:
                p.mul_(20)  # sharper distributions: a non-trivial greedy path
    prompt = torch.randint(0, V, (2, 6), generator=torch.Generator().manual_seed(2))
    ids, logits = generate(ours, prompt, 15, temperature=0.0, return_logits=True)
    with torch.no_grad():
        full = ours(ids[:, :-1])[0][:, 5:]
    torch.testing.assert_close(logits, full, atol=1e-5, rtol=1e-4)
    assert torch.equal(ids, generate(ours, prompt, 15, temperature=0.0, use_cache=False))
    cache = ours.make_cache(2, 40)
    assert cache.nbytes == kv_cache_bytes(2, 2, 8, 40, 4, batch=2)  # 2 KV heads of 8, not 4 query heads


def test_rejects_incompatible_heads():
    with pytest.raises(ValueError, match="n_kv_head"):
        Llama(LlamaConfig(block_size=8, vocab_size=10, n_layer=1, n_head=4, n_kv_head=3, n_embd=16))
