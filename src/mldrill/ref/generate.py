"""Autoregressive generation with or without a KV cache, with stop conditions.

With the cache: one *prefill* forward over the prompt fills K/V for every layer, then each step feeds only the newest
token (T = 1) and attends to the cache. Without it, each step re-runs the model on the whole sequence (cropped to
block_size). Both give the same logits at every step (up to float rounding) and token-identical greedy output; the
cache changes the cost per step from O(t) tokens of compute to O(1) (tests/ref/test_generate.py,
bench/bench_kv_cache.py).

Stop conditions: `max_new_tokens`, an `eos_id` (the eos token is kept; rows that finished are padded with eos), token
stop sequences, and stop *strings*, which can span several tokens: `generate_text` decodes after every token, cuts
the text at the first stop string and strips it.

The model interface is small: `model(idx, kv_cache=...) -> (logits (B, T, V), loss)`, `model.make_cache(B, max_len)`
and `model.config.block_size` (ref.gpt.GPT and ref.llama.Llama both provide it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from mldrill.ref.sampling import repetition_penalty, sample


@torch.no_grad()
def generate(
    model: Any,
    idx: torch.Tensor,
    max_new_tokens: int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    rep_penalty: float = 1.0,
    eos_id: int | None = None,
    stop_sequences: Sequence[Sequence[int]] = (),
    use_cache: bool = True,
    generator: torch.Generator | None = None,
    return_logits: bool = False,
) -> Any:
    """Extend idx (B, T) by up to max_new_tokens. Returns (B, T + n) ids, and the step logits (B, n, V) if asked.

    A token stop sequence ends generation when the output ends with it (B == 1 only); it is stripped from the ids.
    """
    if stop_sequences and idx.size(0) != 1:
        raise ValueError("stop_sequences need batch size 1")
    B, T0 = idx.shape
    block_size = model.config.block_size
    cache = None
    if use_cache:
        if T0 + max_new_tokens > block_size:
            raise ValueError(f"prompt {T0} + {max_new_tokens} new tokens exceed block_size={block_size}")
        cache = model.make_cache(B, T0 + max_new_tokens)
    done = torch.zeros(B, dtype=torch.bool, device=idx.device)
    step_logits: list[torch.Tensor] = []
    feed = idx  # prefill: the whole prompt
    for _ in range(max_new_tokens):
        if cache is None:
            feed = idx[:, -block_size:]  # no cache: recompute the whole (cropped) window every step
        logits = model(feed, kv_cache=cache)[0][:, -1, :]  # (B, V)
        step_logits.append(logits)
        if rep_penalty != 1.0:
            logits = repetition_penalty(logits, idx, rep_penalty)
        nxt = sample(logits, temperature=temperature, top_k=top_k, top_p=top_p, min_p=min_p, generator=generator)
        if eos_id is not None:
            nxt = torch.where(done, torch.full_like(nxt, eos_id), nxt)  # finished rows keep emitting eos
            done = done | (nxt == eos_id)
        idx = torch.cat([idx, nxt[:, None]], dim=1)  # (B, T + 1)
        feed = nxt[:, None]  # with a cache, only the newest token goes in
        stop = _ends_with_stop(idx[0, T0:].tolist(), stop_sequences)
        if stop:
            idx = idx[:, : idx.size(1) - stop]
            break
        if eos_id is not None and bool(done.all()):
            break
    if return_logits:
        return idx, torch.stack(step_logits, dim=1)  # (B, n, V)
    return idx


def _ends_with_stop(generated: list[int], stop_sequences: Sequence[Sequence[int]]) -> int:
    """Length of the stop sequence the generated tokens end with, else 0."""
    for s in stop_sequences:
        if s and len(generated) >= len(s) and generated[-len(s) :] == list(s):
            return len(s)
    return 0


@torch.no_grad()
def generate_text(
    model: Any,
    prompt_ids: Sequence[int],
    *,
    decode: Callable[[list[int]], str],
    max_new_tokens: int,
    stop: Sequence[str] = (),
    generator: torch.Generator | None = None,
    **sampling: Any,
) -> str:
    """Generate one token at a time and return the new text, cut before the first stop string (which may span tokens).

    Greedy (temperature 0) unless sampling options say otherwise.
    """
    sampling.setdefault("temperature", 0.0)
    idx = torch.tensor([list(prompt_ids)], dtype=torch.long)
    cache = model.make_cache(1, len(prompt_ids) + max_new_tokens)
    feed, new = idx, []
    for _ in range(max_new_tokens):
        logits = model(feed, kv_cache=cache)[0][:, -1, :]  # (1, V)
        tok = int(sample(logits, generator=generator, **sampling)[0])
        new.append(tok)
        text = decode(new)
        cut = min((text.find(s) for s in stop if s and s in text), default=-1)
        if cut >= 0:
            return text[:cut]
        feed = torch.tensor([[tok]])
    return decode(new)
