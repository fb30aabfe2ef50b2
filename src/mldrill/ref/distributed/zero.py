"""Data parallelism and ZeRO on real processes: torch.distributed with the gloo backend, on CPU.

DDP: every rank holds the whole model, computes gradients on its slice of the batch, and all-reduces (averages)
them, so every rank takes the same step as one process on the full batch (for a loss that is a mean over examples
and equal-sized slices).

ZeRO: the flattened parameters are cut into `world` equal shards; rank r keeps Adam's state (and, from stage 2, the
gradient; from stage 3, the parameters) only for shard r.
    stage 1  all-reduce the gradients; update my shard; all-gather the parameters
    stage 2  reduce each gradient shard to its owner (a reduce-scatter); update my shard; all-gather the parameters
    stage 3  all-gather the parameters before the forward, drop them after the backward; reduce-scatter the
             gradients; update my shard
All three take exactly the step unsharded Adam takes on the full batch; what changes is what each rank stores
(`ZeroAdam.resident_elements`) and what it communicates. gloo has no reduce-scatter, so it is one reduce per shard.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from typing import Any

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn


def allreduce_gradients(model: nn.Module) -> None:
    """DDP's gradient step without the bucketing: average every gradient over the ranks."""
    world = dist.get_world_size()
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)
            p.grad /= world


class ZeroAdam:
    """Adam (torch.optim.Adam's update, no weight decay) with ZeRO stage 1, 2 or 3 sharding over the default group."""

    def __init__(
        self, params: list[nn.Parameter], *, stage: int, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:  # fmt: skip
        if stage not in (1, 2, 3):
            raise ValueError(f"ZeRO stage must be 1, 2 or 3, got {stage}")
        self.params, self.stage, self.lr, self.betas, self.eps = params, stage, lr, betas, eps
        self.rank, self.world = dist.get_rank(), dist.get_world_size()
        self.shapes = [p.shape for p in params]  # kept: stage 3 empties the parameters between uses
        numel = sum(p.numel() for p in params)
        self.shard = math.ceil(numel / self.world)
        self.padded = self.shard * self.world
        flat = self._flatten([p.detach() for p in params])
        self.master = flat[self.rank * self.shard : (self.rank + 1) * self.shard].clone()  # my parameter shard
        self.m, self.v = torch.zeros_like(self.master), torch.zeros_like(self.master)
        self.t = 0
        if stage == 3:
            self.release()

    def _flatten(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        flat = torch.cat([t.reshape(-1) for t in tensors])
        return torch.cat([flat, flat.new_zeros(self.padded - flat.numel())])

    def _write_params(self, flat: torch.Tensor) -> None:
        offset = 0
        with torch.no_grad():
            for p, shape in zip(self.params, self.shapes, strict=True):
                n = shape.numel()
                p.data = flat[offset : offset + n].reshape(shape).clone()
                offset += n

    def gather(self) -> None:
        """All-gather the parameter shards into the full parameters (every stage after a step; stage 3 before use)."""
        parts = [torch.empty_like(self.master) for _ in range(self.world)]
        dist.all_gather(parts, self.master)
        self._write_params(torch.cat(parts))

    def release(self) -> None:
        """Stage 3: keep only my shard; the full parameters exist only between gather() and the backward."""
        for p in self.params:
            p.data = p.data.new_empty(0)

    def step(self) -> None:
        grads = self._flatten(
            [
                p.grad if p.grad is not None else p.new_zeros(shape)
                for p, shape in zip(self.params, self.shapes, strict=True)
            ]
        )
        if self.stage == 1:
            dist.all_reduce(grads)
            mine = grads[self.rank * self.shard : (self.rank + 1) * self.shard]
        else:  # reduce-scatter: shard r is summed onto rank r only
            for r in range(self.world):
                dist.reduce(grads[r * self.shard : (r + 1) * self.shard], dst=r)
            mine = grads[self.rank * self.shard : (self.rank + 1) * self.shard]
        for p in self.params:
            p.grad = None  # stage 2/3 keep no full gradient; stage 1 frees it after the step too
        g = mine / self.world
        self.t += 1
        b1, b2 = self.betas
        self.m.mul_(b1).add_(g, alpha=1 - b1)
        self.v.mul_(b2).addcmul_(g, g, value=1 - b2)
        m_hat = self.m / (1 - b1**self.t)
        v_hat = self.v / (1 - b2**self.t)
        self.master -= self.lr * m_hat / (v_hat.sqrt() + self.eps)
        if self.stage == 3:
            self.release()
        else:
            self.gather()

    def resident_elements(self) -> dict[str, int]:
        """Elements this rank keeps between steps: parameters, gradients, optimizer state (master, m, v)."""
        full = self.padded
        return {
            "params": self.shard if self.stage == 3 else full,
            "grads": full if self.stage == 1 else self.shard,
            "optimizer": 3 * self.shard,
        }


def launch(world: int, fn: Callable[..., Any], *args: Any) -> list[Any]:
    """Run fn(rank, world, *args) in `world` fresh processes joined in a gloo group; return each rank's result."""
    with tempfile.TemporaryDirectory() as tmp:
        ctx = mp.get_context("spawn")
        queue = ctx.SimpleQueue()
        procs = [ctx.Process(target=_entry, args=(r, world, tmp, queue, fn, args)) for r in range(world)]
        for p in procs:
            p.start()
        results = dict(queue.get() for _ in procs)
        for p in procs:
            p.join()
        errors = [v for v in results.values() if isinstance(v, BaseException)]
        if errors:
            raise RuntimeError(f"a rank failed: {errors[0]!r}")
        return [results[r] for r in range(world)]


def _entry(rank: int, world: int, tmp: str, queue: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    torch.set_num_threads(1)
    try:
        dist.init_process_group("gloo", init_method=f"file://{tmp}/store", rank=rank, world_size=world)
        try:
            queue.put((rank, fn(rank, world, *args)))
        finally:
            dist.destroy_process_group()
    except BaseException as e:  # report, never hang the parent waiting for this rank
        queue.put((rank, RuntimeError(f"rank {rank}: {type(e).__name__}: {e}")))


def _toy_problem(seed: int) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 3)).double()
    x = torch.randn(8, 5, dtype=torch.float64)
    y = torch.randn(8, 3, dtype=torch.float64)
    return model, x, y


def train_toy(
    rank: int, world: int, modes: tuple[str, ...] = ("ddp-grad", "zero1", "zero2", "zero3"), steps: int = 3,
    seed: int = 0,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """A tiny regression trained on this rank's slice of one fixed batch, once per mode.

    'ddp-grad' returns the all-reduced gradient of one step; 'zero1'..'zero3' return the flattened parameters after
    `steps` Adam steps and the elements this rank kept resident.
    """
    out: dict[str, dict[str, Any]] = {}
    for mode in modes:
        model, x, y = _toy_problem(seed)
        xs, ys = x.chunk(world)[rank], y.chunk(world)[rank]
        params = list(model.parameters())
        if mode == "ddp-grad":
            nn.functional.mse_loss(model(xs), ys).backward()
            allreduce_gradients(model)
            out[mode] = {"grad": torch.cat([p.grad.reshape(-1) for p in params if p.grad is not None])}
            continue
        opt = ZeroAdam(params, stage=int(mode[-1]), lr=0.05)
        for _ in range(steps):
            if opt.stage == 3:
                opt.gather()
            nn.functional.mse_loss(model(xs), ys).backward()
            opt.step()
        opt.gather()
        out[mode] = {"params": torch.cat([p.detach().reshape(-1) for p in params]), "resident": opt.resident_elements()}
    return out
