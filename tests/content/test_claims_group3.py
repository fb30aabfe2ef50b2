"""Claims in the group-3 cards (training-loop-debugging, classical-ml, pytorch-mechanics, nlp-embeddings-metrics,
rnn-lstm-gru, cnn, rag-retrieval, data-pipeline, eval-safety, coding-patterns) settled by running the code.

Each test runs torch / numpy / scikit-learn on a small case and asserts the behaviour a card states, so a card that
drifts from what the library or the maths does fails here. The card text is read from the YAML only to pin the
sentence that makes the claim (cardtext.contains); the numbers are computed here, never read from the card.
Every test runs in well under a second on a CPU.
"""

from __future__ import annotations

import numpy as np
import torch
from cardtext import contains
from torch import nn

# ---------------------------------------------------------------- training-loop-debugging


def _updates(opt_cls, grads, clip, **kw):
    w = torch.zeros(grads[0].numel(), requires_grad=True)
    opt = opt_cls([w], **kw)
    out = []
    for g in grads:
        w.grad = g.clone()
        if clip:
            torch.nn.utils.clip_grad_norm_([w], 1.0)
        before = w.detach().clone()
        opt.step()
        out.append((w.detach() - before).norm().item())
    return torch.tensor(out)


def test_clipping_caps_the_gradient_not_the_adam_step():
    # gradients with norms between 5 and 20, clipped to 1 on every step
    g = torch.Generator().manual_seed(0)
    grads = [torch.randn(100, generator=g) * float(torch.empty(1).uniform_(0.5, 2.0, generator=g)) for _ in range(50)]
    assert min(x.norm().item() for x in grads) > 1.0  # clipping is active on every step
    sgd = _updates(torch.optim.SGD, grads, True, lr=1e-3) / _updates(torch.optim.SGD, grads, False, lr=1e-3)
    adam = _updates(torch.optim.Adam, grads, True, lr=1e-3) / _updates(torch.optim.Adam, grads, False, lr=1e-3)
    assert sgd.max() < 0.25  # SGD: the step shrinks with the gradient
    assert abs(adam[0].item() - 1) < 1e-5  # Adam's first step is ±lr per coordinate either way
    assert adam.min().item() > 0.75 and adam.max().item() < 1.35  # and later steps barely move
    contains("gradient-clipping/clip-every-step", "clipping caps the gradient, not the update")


def test_clip_grad_norm_spreads_nan():
    a, b = torch.zeros(3, requires_grad=True), torch.zeros(2, requires_grad=True)
    a.grad = torch.tensor([1.0, float("nan"), 2.0])
    b.grad = torch.tensor([3.0, 4.0])
    total = torch.nn.utils.clip_grad_norm_([a, b], 1.0)
    assert torch.isnan(total) and torch.isnan(a.grad).all() and torch.isnan(b.grad).all()
    contains("gradient-clipping/clipping-limits", "clipping writes NaN into every gradient")


def test_grad_scaler_defaults_and_double_unscale():
    m = nn.Linear(3, 1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.get_scale() == 2.0**16
    assert (scaler.get_growth_factor(), scaler.get_backoff_factor(), scaler.get_growth_interval()) == (2.0, 0.5, 2000)
    scaler.scale(m(torch.ones(2, 3)).sum()).backward()
    assert torch.allclose(m.bias.grad, torch.tensor([2.0 * 2**16]))  # grads carry the scale
    scaler.unscale_(opt)
    assert torch.allclose(m.bias.grad, torch.tensor([2.0]))
    try:
        scaler.unscale_(opt)
        raise AssertionError("a second unscale_ must raise")
    except RuntimeError:
        pass
    contains("mixed-precision/dynamic-loss-scaling", "`growth_interval=2000`")


def test_16_bit_rounding_facts():
    one = torch.tensor(1.0, dtype=torch.bfloat16)
    assert (one + 1e-3).item() == 1.0  # the update is lost in bf16
    assert (torch.tensor(256.0, dtype=torch.bfloat16) + 1).item() == 256.0
    assert (torch.tensor(1.0, dtype=torch.float32) + 1e-3).item() != 1.0  # fp32 master weights keep it
    assert torch.tensor(1e-8, dtype=torch.float16).item() == 0.0  # below half the smallest subnormal
    scaled = torch.tensor(1e-8 * 65536, dtype=torch.float16)
    assert scaled.item() >= torch.finfo(torch.float16).tiny  # a normal fp16 number after loss scaling
    contains("mixed-precision/master-weights", "which rounds back to **1.0**")
    contains("mixed-precision/fp16-gradient-underflow", "**exactly 0**")


class _NumpyRngDataset(torch.utils.data.Dataset):
    def __init__(self):
        self.rng = np.random.default_rng(0)

    def __len__(self):
        return 16

    def __getitem__(self, i):
        return float(self.rng.integers(0, 1_000_000))


def test_dataloader_workers_share_a_copied_generator():
    batches = [b.tolist() for b in torch.utils.data.DataLoader(_NumpyRngDataset(), batch_size=4, num_workers=2)]
    assert batches[0] == batches[1] and batches[2] == batches[3]  # workers 0 and 1 replay the same draws
    assert batches[0] != batches[2] and len(set(batches[0])) == 4  # not within a batch
    contains("training-sanity-checks/dataloader-worker-rng", "Each worker builds whole batches")


def _saved_bytes(fn):
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return total, out


def test_checkpointing_cuts_activations_not_parameters():
    from torch.utils.checkpoint import checkpoint

    torch.manual_seed(0)
    blocks = nn.ModuleList(nn.Sequential(nn.Linear(64, 256), nn.GELU(), nn.Linear(256, 64)) for _ in range(6))
    x = torch.randn(32, 64)

    def plain():
        h = x
        for b in blocks:
            h = h + b(h)
        return h.square().mean()

    def ckpt():
        h = x
        for b in blocks:
            h = h + checkpoint(b, h, use_reentrant=False)
        return h.square().mean()

    n_params = sum(p.numel() for p in blocks.parameters())
    full, loss_a = _saved_bytes(plain)
    less, loss_b = _saved_bytes(ckpt)
    assert less < full / 2  # activations saved for backward shrink
    g_a = torch.autograd.grad(loss_a, list(blocks.parameters()))
    g_b = torch.autograd.grad(loss_b, list(blocks.parameters()))
    assert all(torch.allclose(p, q, atol=1e-6) for p, q in zip(g_a, g_b, strict=True))  # same gradients
    assert sum(p.numel() for p in blocks.parameters()) == n_params  # nothing about the weights changed
    contains("mixed-precision/activation-checkpointing", "Gradients are identical to the non-checkpointed run.")
