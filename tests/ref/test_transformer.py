"""Blocks vs nn.TransformerEncoderLayer / nn.TransformerDecoderLayer, SwiGLU vs HF LlamaMLP, M25."""

import pytest
import torch
from torch import nn
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaMLP

from mldrill.ref.attention import MultiHeadAttention, causal_mask, padding_mask
from mldrill.ref.transformer import FFN, Block, DecoderBlock, EncoderDecoder, SwiGLU, swiglu_hidden

D = torch.float64


def copy_mha(ours: MultiHeadAttention, theirs: nn.MultiheadAttention) -> None:
    theirs.in_proj_weight.copy_(torch.cat([ours.q_proj.weight, ours.k_proj.weight, ours.v_proj.weight]))
    theirs.in_proj_bias.copy_(torch.cat([ours.q_proj.bias, ours.k_proj.bias, ours.v_proj.bias]))
    theirs.out_proj.weight.copy_(ours.o_proj.weight)
    theirs.out_proj.bias.copy_(ours.o_proj.bias)


def copy_ffn_and_norms(ours, theirs, n_norms: int) -> None:
    theirs.linear1.load_state_dict(ours.mlp.c_fc.state_dict())
    theirs.linear2.load_state_dict(ours.mlp.c_proj.state_dict())
    for i in range(1, n_norms + 1):
        getattr(theirs, f"norm{i}").load_state_dict(getattr(ours, f"ln_{i}").state_dict())


def randomise(module: nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) * 0.3 + (1.0 if p.dim() == 1 else 0.0))


@pytest.mark.parametrize("norm_first", [True, False])
def test_block_matches_transformer_encoder_layer(norm_first):
    ours = Block(8, 2, hidden=16, norm_first=norm_first).double()
    randomise(ours, 0)
    theirs = nn.TransformerEncoderLayer(
        8, 2, 16, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first
    ).double()
    with torch.no_grad():
        copy_mha(ours.attn, theirs.self_attn)
        copy_ffn_and_norms(ours, theirs, 2)
    x = torch.randn(2, 5, 8, dtype=D, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(ours(x, causal_mask(5)), theirs(x, src_mask=causal_mask(5)))
    pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2])
    torch.testing.assert_close(ours(x, padding_mask([5, 3], 5)), theirs(x, src_key_padding_mask=pad))


@pytest.mark.parametrize("norm_first", [True, False])
def test_decoder_block_matches_transformer_decoder_layer(norm_first):
    ours = DecoderBlock(8, 2, hidden=16, norm_first=norm_first).double()
    randomise(ours, 2)
    theirs = nn.TransformerDecoderLayer(
        8, 2, 16, dropout=0.0, activation="gelu", batch_first=True, norm_first=norm_first
    ).double()
    with torch.no_grad():
        copy_mha(ours.attn, theirs.self_attn)
        copy_mha(ours.cross_attn, theirs.multihead_attn)
        copy_ffn_and_norms(ours, theirs, 3)
    g = torch.Generator().manual_seed(3)
    y, mem = torch.randn(2, 4, 8, dtype=D, generator=g), torch.randn(2, 6, 8, dtype=D, generator=g)
    ref = theirs(y, mem, tgt_mask=causal_mask(4), tgt_is_causal=True)
    torch.testing.assert_close(ours(y, mem), ref)


def test_swiglu_matches_hf_llama_mlp():
    cfg = LlamaConfig(hidden_size=16, intermediate_size=40, num_attention_heads=2, hidden_act="silu")
    torch.manual_seed(0)
    hf = LlamaMLP(cfg).double()
    ours = SwiGLU(16, 40).double()
    ours.load_state_dict(hf.state_dict())  # same parameter names
    x = torch.randn(3, 5, 16, dtype=D)
    torch.testing.assert_close(ours(x), hf(x))


def test_swiglu_hidden_is_11008_for_4096_M25():
    assert swiglu_hidden(4096) == 11008
    assert swiglu_hidden(4096) != 4 * 4096
    d = 4096  # three matrices of d x 8d/3 have the parameters of two of d x 4d
    assert abs(3 * d * (8 * d / 3) - 2 * d * 4 * d) < 1
    assert abs(3 * d * swiglu_hidden(d) - 2 * d * 4 * d) / (8 * d * d) < 0.01


def test_ffn_acts_per_token():
    ffn = FFN(6, 24).double()
    x = torch.randn(1, 5, 6, dtype=D)
    x2 = x.clone()
    x2[0, 3] += 1.0
    a, b = ffn(x), ffn(x2)
    torch.testing.assert_close(a[0, [0, 1, 2, 4]], b[0, [0, 1, 2, 4]], rtol=0, atol=0)
    assert sum(p.numel() for p in ffn.parameters()) == 2 * 6 * 24 + 24 + 6


def test_encoder_decoder_shapes_and_causality():
    torch.manual_seed(0)
    model = EncoderDecoder(11, 13, n_layer=2, n_embd=16, n_head=2).eval()
    src = torch.randint(0, 11, (2, 7))
    tgt = torch.randint(0, 13, (2, 5))
    with torch.no_grad():
        out = model(src, tgt)
        assert out.shape == (2, 5, 13)  # output length = target length
        tgt2 = tgt.clone()
        tgt2[:, 3:] = (tgt2[:, 3:] + 1) % 13
        torch.testing.assert_close(model(src, tgt2)[:, :3], out[:, :3], rtol=0, atol=0)  # decoder is causal
        src2 = src.clone()
        src2[:, -1] = (src2[:, -1] + 1) % 11
        assert not torch.allclose(model(src2, tgt)[:, 0], out[:, 0])  # encoder is bidirectional: all see it
        masked = model(src2, tgt, src_pad=padding_mask([6, 6], 7))
        torch.testing.assert_close(masked, model(src, tgt, src_pad=padding_mask([6, 6], 7)))  # padding is ignored
