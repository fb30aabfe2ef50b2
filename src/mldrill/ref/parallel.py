"""Distributed-training arithmetic: ZeRO model-state memory per GPU and the pipeline bubble.

ZeRO (Rajbhandari et al., 2020, Fig. 1): mixed-precision Adam keeps per parameter 2 bytes of bf16/fp16 weights,
2 bytes of gradients and K = 12 bytes of fp32 optimizer state (master weights, momentum, variance).
    DDP      (2 + 2 + K) Psi                 ZeRO-1  (2 + 2) Psi + K Psi / N
    ZeRO-2   2 Psi + (2 + K) Psi / N         ZeRO-3  (2 + 2 + K) Psi / N
Activations, buffers and ZeRO-3's gathered layer are not included.

Pipeline bubble (GPipe, Huang et al., 2019): p stages, m micro-batches, one time slot per forward or backward of a
micro-batch on a stage; the idle fraction is (p - 1) / (m + p - 1). `gpipe_schedule` simulates the schedule slot
by slot, so the formula has an independent check; 1F1B has the same bubble but holds at most p micro-batches'
activations per stage instead of m.
"""

from __future__ import annotations

STAGES = ("DDP", "ZeRO-1", "ZeRO-2", "ZeRO-3")


def zero_bytes_per_gpu(n_params: float, n_gpus: int, stage: str, *, k: int = 12) -> float:
    """Model-state bytes on each GPU (weights, gradients, optimizer state) for DDP or a ZeRO stage."""
    psi, n = float(n_params), n_gpus
    if stage == "DDP":
        return (2 + 2 + k) * psi
    if stage == "ZeRO-1":
        return 4 * psi + k * psi / n
    if stage == "ZeRO-2":
        return 2 * psi + (2 + k) * psi / n
    if stage == "ZeRO-3":
        return (2 + 2 + k) * psi / n
    raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {stage!r}")


def pipeline_bubble(p: int, m: int) -> float:
    """Idle fraction of a GPipe (or 1F1B) schedule: (p - 1) / (m + p - 1)."""
    if p < 1 or m < 1:
        raise ValueError(f"need p >= 1 stages and m >= 1 micro-batches, got p={p}, m={m}")
    return (p - 1) / (m + p - 1)


def gpipe_schedule(p: int, m: int) -> list[list[str]]:
    """Slot-by-slot GPipe timeline: grid[stage][t] is 'F3', 'B0' or '' (idle). Backward takes one slot like forward.

    Forward of micro-batch i on stage s runs at t = s + i; all forwards finish at t = m + p - 2; the backward of
    micro-batch i on stage s then runs at t = (m + p - 1) + (p - 1 - s) + i.
    """
    total = 2 * (m + p - 1)
    grid = [[""] * total for _ in range(p)]
    for s in range(p):
        for i in range(m):
            grid[s][s + i] = f"F{i}"
            grid[s][(m + p - 1) + (p - 1 - s) + i] = f"B{i}"
    return grid


def idle_fraction(grid: list[list[str]]) -> float:
    slots = sum(len(row) for row in grid)
    return sum(cell == "" for row in grid for cell in row) / slots
