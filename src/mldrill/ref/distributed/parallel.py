"""Model parallelism in miniature: the tensor-parallel MLP, pipeline schedules and their bubble, 3-D rank layouts.

Tensor parallelism (Megatron-LM): split W1 by columns (each rank computes a slice of the hidden units, and GELU is
elementwise, so it needs no communication), then W2 by rows (each rank multiplies its hidden slice by its rows of W2
and produces a partial sum of the full output). One all-reduce of the partial outputs finishes the MLP.

Pipeline parallelism: p stages, a batch cut into m micro-batches. A stage idles while the pipeline fills and drains,
so the idle share of the timeline is (p - 1) / (m + p - 1) for GPipe and for 1F1B alike; 1F1B (one forward, one
backward) keeps at most p micro-batches' activations in flight instead of m.

Rank layout: ranks are numbered with TP fastest, then PP, then DP, so a TP group is p_tp consecutive ranks, which
sit in one node when p_tp divides the GPUs per node (TP needs NVLink bandwidth; PP and DP tolerate the network).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


def tp_mlp(x: torch.Tensor, w1_shards: list[torch.Tensor], w2_shards: list[torch.Tensor]) -> torch.Tensor:
    """GELU MLP with W1 (d, h) split by columns and W2 (h, d) split by rows into the same number of shards."""
    partials = [F.gelu(x @ w1) @ w2 for w1, w2 in zip(w1_shards, w2_shards, strict=True)]  # each (B, d)
    return torch.stack(partials).sum(0)  # the all-reduce


def shard_mlp(w1: torch.Tensor, w2: torch.Tensor, n: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    return list(torch.tensor_split(w1, n, dim=1)), list(torch.tensor_split(w2, n, dim=0))


def tp_mlp_sharded(
    x: torch.Tensor, w1: torch.Tensor, b1: torch.Tensor, w2: torch.Tensor, b2: torch.Tensor, n: int
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The MLP gelu(x W1 + b1) W2 + b2 on n tensor-parallel ranks; returns (output, each rank's partial output).

    Rank i holds columns i of W1 and b1 and rows i of W2 (torch.tensor_split: sizes differ by at most one). Its
    partial is gelu(x W1_i + b1_i) W2_i; the all-reduce sums them, and b2 is added once, after it.
    """
    w1s, w2s = shard_mlp(w1, w2, n)
    b1s = torch.tensor_split(b1, n)
    partials = [F.gelu(x @ a + b) @ c for a, b, c in zip(w1s, b1s, w2s, strict=True)]  # each (B, d)
    return torch.stack(partials).sum(0) + b2, partials


def bubble_fraction(p: int, m: int) -> float:
    """Idle share of a pipeline with p stages and m micro-batches: (p - 1) / (m + p - 1)."""
    return (p - 1) / (m + p - 1)


@dataclass
class Schedule:
    """grid[stage][slot] is 'F3' (forward of micro-batch 3), 'B3' or '' (idle). A backward takes one slot here."""

    grid: list[list[str]]

    @property
    def idle_fraction(self) -> float:
        cells = [c for row in self.grid for c in row]
        return sum(c == "" for c in cells) / len(cells)

    def peak_in_flight(self, stage: int) -> int:
        """Most micro-batches whose forward ran on `stage` while their backward had not: activations held."""
        live = peak = 0
        for c in self.grid[stage]:
            live += 1 if c.startswith("F") else -1 if c.startswith("B") else 0
            peak = max(peak, live)
        return peak


def simulate(p: int, m: int, order: list[list[str]]) -> Schedule:
    """Run each stage's op list as early as dependencies allow.

    F_i on stage s needs F_i on s - 1; B_i on stage s needs B_i on s + 1 (and F_i on the last stage).
    """
    done: dict[tuple[str, int], int] = {}  # (op, stage) -> slot it finished in
    pos: list[int] = [0] * p
    grid: list[list[str]] = [[] for _ in range(p)]
    slot = 0
    while any(pos[s] < len(order[s]) for s in range(p)):
        ran = []
        for s in range(p):
            if pos[s] == len(order[s]):
                grid[s].append("")
                continue
            op = order[s][pos[s]]
            dep = (op, s - 1) if op[0] == "F" else (op, s + 1) if s < p - 1 else ("F" + op[1:], s)
            ready = (op[0] == "F" and s == 0) or done.get(dep, slot) < slot
            grid[s].append(op if ready else "")
            if ready:
                ran.append((op, s))
                pos[s] += 1
        for key in ran:
            done[key] = slot
        slot += 1
    return Schedule(grid)


def pipeline_schedule(order: list[list[str]]) -> tuple[list[list[str]], float]:
    """(grid, idle fraction) of the per-stage op lists `order` (one list per stage), as `simulate` runs them."""
    sched = simulate(len(order), 0, order)
    return sched.grid, sched.idle_fraction


def gpipe_order(p: int, m: int) -> list[list[str]]:
    """All forwards, then all backwards (in reverse), on every stage."""
    return [[f"F{i}" for i in range(m)] + [f"B{i}" for i in reversed(range(m))] for _ in range(p)]


def one_f_one_b_order(p: int, m: int) -> list[list[str]]:
    """Stage s warms up with p - s forwards (at most m), then alternates backward and forward, then drains."""
    out = []
    for s in range(p):
        warm = min(p - s, m)
        ops = [f"F{i}" for i in range(warm)]
        f, b = warm, 0
        while b < m:
            ops.append(f"B{b}")
            b += 1
            if f < m:
                ops.append(f"F{f}")
                f += 1
        out.append(ops)
    return out


def rank_layout(world: int, tp: int, pp: int, dp: int) -> dict[str, list[list[int]]]:
    """Process groups of a 3-D layout: rank = (dp_i * pp + pp_i) * tp + tp_i."""
    if tp * pp * dp != world:
        raise ValueError(f"tp * pp * dp = {tp * pp * dp} does not equal the world size {world}")

    def rank(d: int, p_: int, t: int) -> int:
        return (d * pp + p_) * tp + t

    return {
        "tp": [[rank(d, p_, t) for t in range(tp)] for d in range(dp) for p_ in range(pp)],
        "pp": [[rank(d, p_, t) for p_ in range(pp)] for d in range(dp) for t in range(tp)],
        "dp": [[rank(d, p_, t) for d in range(dp)] for p_ in range(pp) for t in range(tp)],
    }
