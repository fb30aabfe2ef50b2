"""Collectives simulated on a list of per-rank NumPy arrays (rank r holds xs[r]).

    all_reduce      every rank gets sum_r xs[r]
    reduce_scatter  rank r gets chunk r of the sum
    all_gather      every rank gets the concatenation of all ranks' chunks
    all_to_all      rank r sends its chunk j to rank j
    all_reduce = all_gather(reduce_scatter(.))  -- how ZeRO and FSDP are built from the two halves

The ring all-reduce runs N - 1 reduce-scatter steps then N - 1 all-gather steps; in each step every rank sends one
chunk (size / N) to its right neighbour, so each rank sends 2 (N - 1) / N * size in total, almost independent of N:
the ring is bandwidth-optimal. Its latency term grows with N (2 (N - 1) steps), so small tensors are latency-bound.
"""

from __future__ import annotations

import numpy as np


def all_reduce(xs: list[np.ndarray]) -> list[np.ndarray]:
    total = np.sum(xs, axis=0)
    return [total.copy() for _ in xs]


def reduce_scatter(xs: list[np.ndarray]) -> list[np.ndarray]:
    """Rank r receives chunk r of the elementwise sum (arrays split along axis 0 into N near-equal chunks)."""
    total = np.sum(xs, axis=0)
    return [c.copy() for c in np.array_split(total, len(xs))]


def all_gather(chunks: list[np.ndarray]) -> list[np.ndarray]:
    whole = np.concatenate(chunks)
    return [whole.copy() for _ in chunks]


def all_to_all(xs: list[np.ndarray]) -> list[np.ndarray]:
    """Rank r's array is split into N chunks; chunk j goes to rank j, which concatenates what it receives by rank."""
    parts = [np.array_split(x, len(xs)) for x in xs]
    return [np.concatenate([parts[src][dst] for src in range(len(xs))]) for dst in range(len(xs))]


def ring_all_reduce(xs: list[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """All-reduce by passing chunks around a ring; returns (results, elements sent by each rank)."""
    N = len(xs)
    chunks = [[c.copy() for c in np.array_split(x, N)] for x in xs]  # chunks[rank][i]
    sent = [0] * N
    # Reduce-scatter: in step s, rank r sends chunk (r - s) mod N to rank r + 1, which adds it to its own copy.
    for s in range(N - 1):
        msgs = [(r, (r - s) % N, chunks[r][(r - s) % N].copy()) for r in range(N)]
        for r, i, data in msgs:
            chunks[(r + 1) % N][i] += data
            sent[r] += data.size
    # Now rank r owns the full sum of chunk (r + 1) mod N. All-gather: pass the finished chunks around.
    for s in range(N - 1):
        msgs = [(r, (r + 1 - s) % N, chunks[r][(r + 1 - s) % N].copy()) for r in range(N)]
        for r, i, data in msgs:
            chunks[(r + 1) % N][i] = data
            sent[r] += data.size
    return [np.concatenate(c) for c in chunks], sent
