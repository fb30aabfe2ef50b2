"""LLM serving arithmetic and mechanics: roofline, paged KV-cache blocks, static vs continuous batching.

Roofline (Williams et al., 2009): attainable FLOP/s = min(peak, intensity * bandwidth), intensity = FLOPs / bytes
moved. Decoding one token at batch B streams all N weights once and does 2 N B FLOPs, so in bf16 the intensity is
2 N B / (2 N) = B FLOP/byte: about 1 at batch 1, far below an H100's ridge point (~989 TFLOP/s / 3.35 TB/s ~ 295).
Decode is bandwidth-bound: extra FLOPs are free, fewer bytes (GQA, quantization) and bigger batches help. Prefill
of n tokens has intensity ~ n and is compute-bound.

PagedAttention (Kwon et al., 2023): the KV cache lives in fixed-size blocks; a sequence of len tokens holds
ceil(len / block_size) blocks through a block table, so the waste is < 1 block per sequence (M31: that is the
provable property; utilisation percentages quoted in talks are loose). Forked sequences (parallel sampling, shared
prefixes) share blocks with reference counts and copy a block only when one of them writes into it.

Continuous batching (Orca, Yu et al., 2022): refill a finished request's slot at the next step instead of waiting
for the whole batch (static batching's head-of-line blocking); no gain for a single request.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field


def arithmetic_intensity(flops: float, bytes_moved: float) -> float:
    return flops / bytes_moved


def decode_intensity(n_params: float, *, batch: int = 1, bytes_per_param: float = 2.0) -> float:
    """FLOP per byte of one decode step: 2 N B FLOPs over N * bytes of weights (KV-cache reads ignored)."""
    return arithmetic_intensity(2.0 * n_params * batch, n_params * bytes_per_param)


def roofline(intensity: float, *, peak_flops: float, bandwidth: float) -> float:
    """Attainable FLOP/s; the ridge point is peak_flops / bandwidth."""
    return min(peak_flops, intensity * bandwidth)


@dataclass
class BlockAllocator:
    num_blocks: int
    block_size: int
    free: list[int] = field(default_factory=list)
    refcount: dict[int, int] = field(default_factory=dict)
    tables: dict[str, list[int]] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.free = list(range(self.num_blocks - 1, -1, -1))  # pop() hands out 0, 1, 2, ...

    def _take(self) -> int:
        if not self.free:
            raise RuntimeError(f"out of KV blocks: all {self.num_blocks} in use")  # not MemoryError: host RAM is fine
        b = self.free.pop()
        self.refcount[b] = 1
        return b

    def _release(self, b: int) -> None:
        self.refcount[b] -= 1
        if self.refcount[b] == 0:
            del self.refcount[b]
            self.free.append(b)  # reused first by the next allocation

    def allocate(self, seq: str, n_tokens: int) -> list[int]:
        if seq in self.tables:
            raise ValueError(f"sequence {seq!r} already allocated")
        self.tables[seq] = [self._take() for _ in range(math.ceil(n_tokens / self.block_size))]
        self.lengths[seq] = n_tokens
        return self.tables[seq]

    def append(self, seq: str) -> tuple[int, int] | None:
        """Add one token. Returns (src, dst) when a shared last block had to be copied first (copy-on-write)."""
        table, n = self.tables[seq], self.lengths[seq]
        copy = None
        if n % self.block_size == 0:
            table.append(self._take())  # the last block is full (or there is none)
        elif self.refcount[table[-1]] > 1:  # writing into a block another sequence still reads
            src, dst = table[-1], self._take()
            self._release(src)
            table[-1] = dst
            copy = (src, dst)
        self.lengths[seq] = n + 1
        return copy

    def fork(self, parent: str, child: str) -> None:
        self.tables[child] = list(self.tables[parent])
        self.lengths[child] = self.lengths[parent]
        for b in self.tables[child]:
            self.refcount[b] += 1

    def free_seq(self, seq: str) -> None:
        for b in self.tables.pop(seq):
            self._release(b)
        del self.lengths[seq]

    def slots(self, seq: str) -> list[int]:
        """Physical KV slot of each of the sequence's tokens: table[t // block_size] * block_size + t % block_size
        (vLLM's slot mapping, what the attention kernel writes the new keys and values to)."""
        table, bs = self.tables[seq], self.block_size
        return [table[t // bs] * bs + t % bs for t in range(self.lengths[seq])]

    def waste(self, seq: str) -> int:
        """Token slots allocated but unused: always < block_size."""
        return len(self.tables[seq]) * self.block_size - self.lengths[seq]


@dataclass(frozen=True)
class BatchStats:
    steps: int  # decode steps until every request finished
    mean_completion: float  # mean step at which a request finished


Request = tuple[str, int]  # (request id, output tokens still to produce)


def batching_step(
    running: Sequence[Request], waiting: Sequence[Request], *, max_batch: int
) -> tuple[list[Request], list[Request], list[str]]:
    """One iteration of continuous batching (iteration-level scheduling, Orca):

    1. admit waiting requests first come, first served while the batch has fewer than max_batch requests;
    2. every request in the batch, the ones just admitted included, produces one token;
    3. requests that produced their last token leave (in batch order), freeing their slots for the next step.
    Returns (running, waiting, finished ids); the inputs are not modified.
    """
    if max_batch < 1:
        raise ValueError(f"max_batch must be >= 1, got {max_batch}")
    batch, queue = [(rid, n) for rid, n in running], list(waiting)
    while queue and len(batch) < max_batch:
        batch.append(queue.pop(0))
    batch = [(rid, n - 1) for rid, n in batch]
    return [r for r in batch if r[1] > 0], queue, [rid for rid, n in batch if n == 0]


def simulate_batching(output_lengths: Sequence[int], *, max_batch: int, policy: str) -> BatchStats:
    """All requests are queued at step 0; each needs output_lengths[i] decode steps; one step serves <= max_batch."""
    if policy == "static":
        done: list[int] = []
        t = 0
        for i in range(0, len(output_lengths), max_batch):
            t += max(output_lengths[i : i + max_batch])  # the batch runs until its longest request ends
            done += [t] * len(output_lengths[i : i + max_batch])  # results are returned when the batch ends
        return BatchStats(t, sum(done) / len(done))
    if policy == "continuous":
        queue, t = list(output_lengths), 0
        running: list[int] = []
        done = []
        while queue or running:
            while queue and len(running) < max_batch:
                running.append(queue.pop(0))  # refill freed slots at every step
            t += 1
            running = [r - 1 for r in running]
            done += [t] * sum(1 for r in running if r == 0)
            running = [r for r in running if r > 0]
        return BatchStats(t, sum(done) / len(done))
    raise ValueError(f"policy must be 'static' or 'continuous', got {policy!r}")
