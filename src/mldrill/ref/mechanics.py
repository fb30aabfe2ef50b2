"""PyTorch mechanics: strides and views, broadcasting, parameter bookkeeping, state dicts and hooks.

offset(idx) = sum_i idx_i * stride_i;  contiguous stride_i = prod_{j > i} size_j
`view` never copies, so it needs strides that can express the new shape (`view_strides` below is the rule ATen
uses); `reshape` copies when they cannot. transpose/permute/expand (stride 0)/strided slices are non-contiguous.
Broadcasting aligns trailing dims; each pair must be equal or one of them 1: (B, 1) + (B,) silently gives (B, B).
M69: nn.Parameter(requires_grad=False) is still a parameter: it shows up in parameters(), state_dict and naive
counts; filter the optimizer on requires_grad, or use a buffer for non-learned state.
Tested against torch (tests/ref/test_mechanics.py).
"""

from __future__ import annotations

import copy
import io
import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    strides, acc = [], 1
    for size in reversed(shape):
        strides.append(acc)
        acc *= max(size, 1)
    return tuple(reversed(strides))


def element_offset(index: Sequence[int], strides: Sequence[int], storage_offset: int = 0) -> int:
    return storage_offset + sum(i * s for i, s in zip(index, strides, strict=True))


def is_contiguous(shape: Sequence[int], strides: Sequence[int]) -> bool:
    """torch's definition: strides match the contiguous ones, ignoring dims of size 1; empty tensors are contiguous."""
    if math.prod(shape) == 0:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides), strict=True):
        if size != 1:
            if stride != expected:
                return False
            expected *= size
    return True


def view_strides(shape: Sequence[int], strides: Sequence[int], new_shape: Sequence[int]) -> tuple[int, ...] | None:
    """Strides of x.view(new_shape), or None when view must fail (reshape would copy). Each run of old dims that is
    contiguous *within itself* ("chunk") must map onto a run of new dims with the same element count."""
    if math.prod(shape) != math.prod(new_shape):
        raise ValueError(f"shape {tuple(new_shape)} is invalid for input of size {math.prod(shape)}")
    if len(shape) == 0 or math.prod(shape) == 0:
        return contiguous_strides(new_shape)  # scalars and empty tensors can take any shape
    if len(new_shape) == 0:
        return ()
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base = strides[-1]
    tensor_numel = view_numel = 1
    for d in reversed(range(len(shape))):
        tensor_numel *= shape[d]
        chunk_ends = d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * chunk_base)
        if chunk_ends:
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_base = strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(new_strides) if view_d == -1 else None


def broadcast_shape(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    n = max(len(a), len(b))
    pa, pb = [1] * (n - len(a)) + list(a), [1] * (n - len(b)) + list(b)
    out = []
    for i, (x, y) in enumerate(zip(pa, pb, strict=True)):
        if x != y and x != 1 and y != 1:
            raise ValueError(f"shapes {tuple(a)} and {tuple(b)} are not broadcastable at aligned dim {i}: {x} vs {y}")
        out.append(y if x == 1 else x)
    return tuple(out)


def trainable_params(model: nn.Module) -> list[nn.Parameter]:
    """The parameters an optimizer should get: requires_grad only (frozen ones still appear in parameters())."""
    return [p for p in model.parameters() if p.requires_grad]


def count_params(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Counts each shared (tied) parameter once, as model.parameters() yields it once."""
    return sum(p.numel() for p in (trainable_params(model) if trainable_only else model.parameters()))


def count_trainable(model: nn.Module) -> int:
    return count_params(model, trainable_only=True)


def freeze(module: nn.Module, frozen: bool = True) -> None:
    for p in module.parameters():
        p.requires_grad_(not frozen)


def strip_prefixes(state: dict[str, Any], prefixes: Sequence[str] = ("module.", "_orig_mod.")) -> dict[str, Any]:
    """Remove DDP ('module.') and torch.compile ('_orig_mod.') key prefixes, repeatedly, so keys load strictly."""
    out = {}
    for k, v in state.items():
        changed = True
        while changed:
            changed = False
            for p in prefixes:
                if k.startswith(p):
                    k, changed = k[len(p) :], True
        out[k] = v
    return out


def save_load_roundtrip(model: nn.Module) -> nn.Module:
    """Serialize the state_dict to bytes and load it strictly into a fresh deep copy of the architecture."""
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    buf.seek(0)
    fresh = copy.deepcopy(model)
    for t in list(fresh.parameters()) + list(fresh.buffers()):
        t.data.zero_()  # prove the values come from the file
    fresh.load_state_dict(torch.load(buf, weights_only=True), strict=True)
    return fresh


def activation_stats_hooks(
    model: nn.Module, types: tuple[type, ...] = (nn.Linear,)
) -> tuple[dict[str, dict[str, float]], Callable[[], None]]:
    """Register forward hooks recording mean/std of each matching module's output. Returns (stats, remove)."""
    stats: dict[str, dict[str, float]] = {}
    handles = []
    for name, m in model.named_modules():
        if isinstance(m, types) and isinstance(m, nn.Module):

            def hook(mod: nn.Module, inp: Any, out: torch.Tensor, name: str = name) -> None:
                o = out.detach()
                stats[name] = {"mean": float(o.mean()), "std": float(o.std()), "numel": float(o.numel())}

            handles.append(m.register_forward_hook(hook))

    def remove() -> None:
        for h in handles:
            h.remove()

    return stats, remove
