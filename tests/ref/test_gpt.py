"""GPT vs a randomly initialised transformers GPT2LMHeadModel with the weights copied key by key."""

import math

import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from mldrill.ref.gpt import GPT, GPTConfig, gpt_param_count

V, BS = 67, 24


def tiny_config(**kw) -> GPTConfig:
    return GPTConfig(**{"block_size": BS, "vocab_size": V, "n_layer": 2, "n_head": 4, "n_embd": 32, **kw})


def hf_pair(seed: int = 0, **kw) -> tuple[GPT, GPT2LMHeadModel]:
    torch.manual_seed(seed)
    hf_cfg = GPT2Config(
        vocab_size=V, n_positions=BS, n_embd=32, n_layer=2, n_head=4, bos_token_id=0, eos_token_id=0, pad_token_id=0
    )
    hf = GPT2LMHeadModel(hf_cfg).eval()
    ours = GPT(tiny_config(**kw)).eval()
    ours.load_hf_state_dict(hf.state_dict())
    return ours, hf


def tokens(B: int, T: int, seed: int = 0) -> torch.Tensor:
    return torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("attn_impl", ["readable", "sdpa"])
def test_logits_match_gpt2lmheadmodel_fp32(attn_impl):
    ours, hf = hf_pair(attn_impl=attn_impl)
    idx = tokens(3, 17)
    with torch.no_grad():
        logits, _ = ours(idx)
        ref = hf(idx).logits
    torch.testing.assert_close(logits, ref, atol=1e-5, rtol=1e-4)


def test_loss_and_gradients_match_gpt2lmheadmodel_fp64():
    ours, hf = hf_pair(seed=1)
    ours.double()
    hf.double()
    idx = tokens(2, 12, seed=3)
    _, loss = ours(idx[:, :-1], targets=idx[:, 1:])
    hf_logits = hf(idx).logits  # HF's own loss upcasts to fp32, so take its fp64 logits
    ref = torch.nn.functional.cross_entropy(hf_logits[:, :-1].reshape(-1, V), idx[:, 1:].reshape(-1))
    torch.testing.assert_close(loss, ref, rtol=1e-10, atol=1e-12)
    loss.backward()
    ref.backward()
    g_ours = dict(ours.named_parameters())
    g_hf = dict(hf.named_parameters())
    for name in ("transformer.wte.weight", "transformer.wpe.weight", "transformer.h.1.ln_2.bias"):
        torch.testing.assert_close(g_ours[name].grad, g_hf[name].grad, rtol=1e-8, atol=1e-12)
    for name in ("transformer.h.0.attn.c_attn.weight", "transformer.h.1.mlp.c_proj.weight"):  # Conv1D: (in, out)
        torch.testing.assert_close(g_ours[name].grad, g_hf[name].grad.t(), rtol=1e-8, atol=1e-12)


def test_parameter_count_matches_hf_and_counts_tied_embedding_once():
    ours, hf = hf_pair()
    assert ours.num_params() == hf.num_parameters()
    assert ours.lm_head.weight is ours.transformer.wte.weight
    untied = GPT(tiny_config(tie_weights=False))
    assert untied.num_params() == ours.num_params() + V * 32
    C, L = 32, 2  # closed form: embeddings + per-layer 12C^2 + 13C + final LN
    assert ours.num_params() == V * C + BS * C + L * (12 * C * C + 13 * C) + 2 * C


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize(("V_", "T", "L", "H", "C"), [(67, 24, 2, 4, 32), (101, 7, 3, 1, 12), (50, 16, 1, 6, 48)])
def test_gpt_param_count_equals_the_module(V_, T, L, H, C, bias, tied):
    cfg = GPTConfig(vocab_size=V_, block_size=T, n_layer=L, n_head=H, n_embd=C, bias=bias, tie_weights=tied)
    with torch.device("meta"):  # numel without allocating
        model = GPT(cfg)
    assert gpt_param_count(V_, T, L, H, C, bias=bias, tied=tied) == model.num_params()


@pytest.mark.parametrize(("tied", "expected"), [(True, 124_439_808), (False, 163_037_184)])
def test_gpt_param_count_of_gpt2_small_equals_transformers(tied, expected):
    with torch.device("meta"):  # GPT-2 small's config, no weights downloaded or allocated
        hf = GPT2LMHeadModel(GPT2Config(tie_word_embeddings=tied))
    assert hf.num_parameters() == expected
    assert gpt_param_count(50257, 1024, 12, 12, 768, tied=tied) == expected


def test_readable_and_sdpa_paths_agree_fp64():
    a = GPT(tiny_config(attn_impl="readable"), generator=torch.Generator().manual_seed(0)).double().eval()
    b = GPT(tiny_config(attn_impl="sdpa")).double().eval()
    b.load_state_dict(a.state_dict())
    idx = tokens(2, 20)
    torch.testing.assert_close(a(idx)[0], b(idx)[0], rtol=1e-10, atol=1e-12)


def test_past_logits_unchanged_when_future_tokens_change():
    model = GPT(tiny_config(), generator=torch.Generator().manual_seed(0)).eval()
    idx = tokens(1, 10)
    idx2 = idx.clone()
    idx2[0, 6:] = (idx2[0, 6:] + 1) % V
    with torch.no_grad():
        a, b = model(idx)[0], model(idx2)[0]
    torch.testing.assert_close(a[:, :6], b[:, :6], rtol=0, atol=0)
    assert not torch.allclose(a[:, 6:], b[:, 6:])


def test_gpt2_init_scales_residual_projections():
    cfg = GPTConfig(block_size=8, vocab_size=50, n_layer=8, n_head=4, n_embd=64)
    model = GPT(cfg, generator=torch.Generator().manual_seed(0))
    w = model.transformer.h[0].mlp.c_proj.weight  # 16384 draws: the sample std is within 5% with overwhelming odds
    assert w.std().item() == pytest.approx(0.02 / math.sqrt(16), rel=0.05)
    assert model.transformer.h[0].mlp.c_fc.weight.std().item() == pytest.approx(0.02, rel=0.05)
    assert (model.transformer.h[0].attn.c_attn.bias == 0).all()
    assert (model.transformer.ln_f.weight == 1).all()


def test_init_is_reproducible_from_the_generator():
    a = GPT(tiny_config(), generator=torch.Generator().manual_seed(5))
    b = GPT(tiny_config(), generator=torch.Generator().manual_seed(5))
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters(), strict=True))


def test_initial_loss_is_about_ln_vocab():
    model = GPT(tiny_config(), generator=torch.Generator().manual_seed(0))
    idx = tokens(4, 16)
    _, loss = model(idx[:, :-1], idx[:, 1:])
    assert loss is not None
    assert loss.item() == pytest.approx(math.log(V), rel=0.02)  # std-0.02 init gives near-uniform logits


def test_ignore_index_positions_do_not_count():
    model = GPT(tiny_config(), generator=torch.Generator().manual_seed(0)).double()
    idx = tokens(1, 9)
    tgt = idx[:, 1:].clone()
    tgt[0, 4:] = -100
    _, loss = model(idx[:, :-1], tgt)
    _, loss_short = model(idx[:, :4], idx[:, 1:5])
    torch.testing.assert_close(loss, loss_short)


def test_too_long_input_is_rejected():
    model = GPT(tiny_config())
    with pytest.raises(ValueError, match="block_size"):
        model(tokens(1, BS + 1))


def test_optimizer_decays_only_matrices():
    model = GPT(tiny_config())
    opt = model.configure_optimizer(weight_decay=0.1, learning_rate=1e-3)
    decay, no_decay = opt.param_groups
    assert all(p.dim() == 2 for p in decay["params"]) and all(p.dim() == 1 for p in no_decay["params"])
    assert sum(p.numel() for g in opt.param_groups for p in g["params"]) == model.num_params()


def test_greedy_generation_equals_hf_generate():
    from mldrill.ref.generate import generate

    ours, hf = hf_pair(seed=4)
    with torch.no_grad():  # sharper logits than the 0.02 init so the greedy path is not trivial
        for m in (ours, hf):
            for p in m.parameters():
                if p.dim() == 2:
                    p.mul_(15)
    idx = tokens(2, 5, seed=6)
    mine = generate(ours, idx, 12, temperature=0.0)
    theirs = hf.generate(idx, max_new_tokens=12, min_new_tokens=12, do_sample=False, pad_token_id=0)
    assert torch.equal(mine, theirs)
    assert len(set(mine[0, 5:].tolist())) > 2
