"""Per-GPU memory of model states under data parallelism and ZeRO (Rajbhandari et al. 2020, ZeRO, Fig. 1).

Mixed-precision Adam keeps, per parameter: 2 B fp16 weights + 2 B fp16 gradients + K = 12 B of optimizer state
(fp32 master weights, momentum and variance, 4 B each). With Psi parameters on N GPUs:

    DDP     (2 + 2 + K) Psi            every GPU holds everything
    ZeRO-1  4 Psi + K Psi / N          optimizer states sharded
    ZeRO-2  2 Psi + (2 + K) Psi / N    + gradients sharded
    ZeRO-3  (4 + K) Psi / N            + parameters sharded (FSDP's full sharding)

The paper's example, 7.5B parameters on 64 GPUs: 120 GB -> 31.4 -> 16.6 -> 1.9 GB (GB = 1e9 bytes). Activations,
buffers and fragmentation come on top of these model states.
"""

from __future__ import annotations


def zero_memory(psi: float, n_gpus: int, stage: int, *, K: int = 12) -> float:
    """Bytes of model state per GPU for ZeRO stage 0 (plain DDP) to 3."""
    if stage == 0:
        return (2 + 2 + K) * psi
    if stage == 1:
        return 4 * psi + K * psi / n_gpus
    if stage == 2:
        return 2 * psi + (2 + K) * psi / n_gpus
    if stage == 3:
        return (4 + K) * psi / n_gpus
    raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3, got {stage}")


def ring_allreduce_bytes(size_bytes: float, n_gpus: int) -> float:
    """Bytes each GPU sends in a ring all-reduce of a size_bytes buffer: 2 (N - 1) / N * size."""
    return 2 * (n_gpus - 1) / n_gpus * size_bytes
