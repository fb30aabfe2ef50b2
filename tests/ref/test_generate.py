"""Generation: the KV-cache path equals the full forward at every step; stop conditions."""

import pytest
import torch

from mldrill.ref.generate import generate, generate_text
from mldrill.ref.gpt import GPT, GPTConfig

V = 31


@pytest.fixture(scope="module")
def model() -> GPT:
    cfg = GPTConfig(block_size=40, vocab_size=V, n_layer=2, n_head=2, n_embd=16)
    m = GPT(cfg, generator=torch.Generator().manual_seed(0)).eval()
    with torch.no_grad():  # larger weights than the 0.02 init, so greedy paths are not trivially constant
        for p in m.parameters():
            if p.dim() == 2:
                p.mul_(10)
    return m


def prompt(B: int = 2, T: int = 5) -> torch.Tensor:
    return torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(1))


@pytest.mark.parametrize("attn_impl", ["readable", "sdpa"])
def test_cached_logits_equal_full_forward_at_every_step(model, attn_impl):
    for block in model.transformer.h:
        block.attn.attn_impl = attn_impl
    ids, logits = generate(model, prompt(), 20, temperature=0.0, use_cache=True, return_logits=True)
    with torch.no_grad():
        full = model(ids[:, :-1])[0][:, 4:]  # the logits that predicted each new token
    torch.testing.assert_close(logits, full, atol=1e-5, rtol=1e-4)


def test_greedy_is_token_identical_with_and_without_cache(model):
    a = generate(model, prompt(), 25, temperature=0.0, use_cache=True)
    b = generate(model, prompt(), 25, temperature=0.0, use_cache=False)
    assert torch.equal(a, b)
    assert len(set(a[0, 5:].tolist())) > 2  # the path is not a constant


def test_sampling_with_cache_equals_without_for_the_same_generator(model):
    kw = {"temperature": 0.8, "top_k": 10, "top_p": 0.9}
    a = generate(model, prompt(), 15, generator=torch.Generator().manual_seed(3), use_cache=True, **kw)
    b = generate(model, prompt(), 15, generator=torch.Generator().manual_seed(3), use_cache=False, **kw)
    assert torch.equal(a, b)


def test_max_length_and_no_cache_crops_to_block_size(model):
    out = generate(model, prompt(1, 30), 20, temperature=0.0, use_cache=False)
    assert out.shape == (1, 50)
    with pytest.raises(ValueError, match="block_size"):
        generate(model, prompt(1, 30), 20, use_cache=True)


def test_eos_stops_and_pads_finished_rows(model):
    greedy = generate(model, prompt(), 12, temperature=0.0)
    eos = int(greedy[0, 8])  # the token row 0 emits at step 4
    out = generate(model, prompt(), 12, temperature=0.0, eos_id=eos)
    first = (out[0, 5:] == eos).nonzero()[0].item()
    assert (out[0, 5 + first :] == eos).all()
    assert torch.equal(out[:, : 5 + first + 1], greedy[:, : 5 + first + 1])


def test_stop_sequence_is_stripped(model):
    greedy = generate(model, prompt(1), 12, temperature=0.0)
    stop = greedy[0, 9:11].tolist()
    out = generate(model, prompt(1), 12, temperature=0.0, stop_sequences=[stop])
    gen = greedy[0, 5:].tolist()
    end = next(i for i in range(len(gen) - 1) if gen[i : i + 2] == stop)
    assert out[0, 5:].tolist() == gen[:end]


def test_stop_string_spanning_tokens_is_cut(model):
    def decode(ids: list[int]) -> str:
        return "".join(chr(ord("a") + i % 26) for i in ids)

    full = decode(generate(model, prompt(1), 12, temperature=0.0)[0, 5:].tolist())
    stop = full[6:8]  # two characters = two tokens
    text = generate_text(model, prompt(1)[0].tolist(), decode=decode, max_new_tokens=12, stop=[stop])
    assert text == full[: full.find(stop)]
    assert stop not in text


def test_gpt_generate_method_uses_the_cache_when_it_fits(model):
    a = model.generate(prompt(), 10, temperature=0.0)
    assert torch.equal(a, generate(model, prompt(), 10, temperature=0.0, use_cache=False))
    long = model.generate(prompt(1, 30), 20, temperature=0.0)  # past block_size: falls back to cropping
    assert long.shape == (1, 50)
