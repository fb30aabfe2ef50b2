"""Hidden checks for the kv-cache-decode-step kata.

Expected values: the keys and values of the whole sequence, sliced from the full tensors (a closed form), and the
full causal attention of torch.nn.functional.scaled_dot_product_attention(is_causal=True) for the newest query.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from mldrill.grader.checks import Call, Check, Judge, Outcome, Step, T, compare_arrays

B, NKV, HS = 2, 2, 4


def _decode(
    k: list[np.ndarray], v: list[np.ndarray], prompt: int, max_len: int
) -> tuple[list[Call], list[tuple[int, int, int]]]:
    """Prefill `prompt` tokens then one token per step, over len(k) layers. Returns the call and, per `update`
    step, (layer, end, position in the step list)."""
    n_layer, total = len(k), k[0].shape[2]
    steps: list[Step] = []
    expect: list[tuple[int, int, int]] = []
    bounds = [(0, prompt)] + [(t, t + 1) for t in range(prompt, total)]
    for s, e in bounds:
        for layer in range(n_layer):
            expect.append((layer, e, len(steps)))
            steps.append(Step("update", (layer, T(k[layer][:, :, s:e]), T(v[layer][:, :, s:e]))))
        steps.append(Step("advance", (e - s,)))
    steps.append(Step(".length"))
    kw = {"n_layer": n_layer, "batch_size": B, "n_kv_head": NKV, "head_dim": HS, "max_len": max_len}
    return [Call((), kw, steps=tuple(steps))], expect


def _judge(k: list[np.ndarray], v: list[np.ndarray], expect: list[tuple[int, int, int]], q: np.ndarray | None) -> Judge:
    total = k[0].shape[2]

    def judge(outcomes: list[Outcome]) -> str | None:
        o = outcomes[0]
        if o.error is not None:
            return f"raised {o.error}"
        for layer, end, i in expect:
            got = o.value[i]
            if not isinstance(got, list) or len(got) != 2:
                return f"update #{i + 1} should return (K, V)"
            where = f"layer {layer}, after {end} tokens"
            for name, g, full in (("K", got[0], k[layer]), ("V", got[1], v[layer])):
                msg = compare_arrays(g, full[:, :, :end], atol=0.0, rtol=0.0, name=f"{name} ({where})")
                if msg:
                    return msg
        if o.value[-1] != total:
            return f"length = {o.value[-1]!r} at the end, expected {total} (advance once per forward)"
        if q is not None:  # the newest query over the cached K/V equals the last row of the full causal forward
            layer, end, i = expect[-1]
            kk, vv = (torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in o.value[i])
            qt = torch.from_numpy(q.astype(np.float64))
            step = F.scaled_dot_product_attention(qt[:, :, -1:], kk, vv)
            whole = F.scaled_dot_product_attention(
                qt, torch.from_numpy(k[layer].astype(np.float64)), torch.from_numpy(v[layer].astype(np.float64)),
                is_causal=True,
            )  # fmt: skip
            return compare_arrays(step.numpy(), whole[:, :, -1:].numpy(), atol=1e-10, rtol=1e-9, name="attention")
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def kv(n_layer: int, total: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        shape = (B, NKV, total, HS)
        return (
            [rng.normal(size=shape).astype(np.float32) for _ in range(n_layer)],
            [rng.normal(size=shape).astype(np.float32) for _ in range(n_layer)],
        )

    def case(n_layer: int, prompt: int, total: int, max_len: int, q: bool = False) -> tuple[list[Call], Judge]:
        k, v = kv(n_layer, total)
        calls, expect = _decode(k, v, prompt, max_len)
        qa = rng.normal(size=(B, NKV, total, HS)).astype(np.float32) if q else None
        return calls, _judge(k, v, expect, qa)

    return [
        Check("prefill stores the whole prompt", "update(layer, k, v) at length 0 returns exactly the prompt's keys "
              "and values, (B, nkv, T, hs): the filled part of the buffer, not all max_len slots; then advance(T) "
              "adds the T prompt tokens to length.", *case(1, 5, 5, 8)),
        Check("decode steps append along the time axis", "Each new token goes at position `length` on dim 2, "
              "after the cached ones: K and V grow (B, nkv, t, hs) -> (B, nkv, t + 1, hs).", *case(1, 3, 7, 10)),
        Check("layers share positions; advance once per forward", "Every layer writes the new token at the same "
              "position; `length` grows only in advance(), after the last layer.", *case(2, 4, 7, 7)),
        Check("the newest query over the cache equals the full causal forward", "Attention of the last query over "
              "the returned K, V (no mask needed) must equal the last row of causal attention over the whole "
              "sequence.", *case(2, 2, 6, 6, q=True)),
    ]  # fmt: skip
