"""Hidden checks for the kv-cache-bytes kata. Expected sizes: the nbytes of real K and V tensors of that shape (small
cases), and Llama-3-8B's published configuration (32 layers, 8 KV heads of size 128) for M30."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, expect_equal


def _real(n_layer: int, g: int, dh: int, n: int, dtype: type, batch: int = 1) -> int:
    k = np.zeros((n_layer, batch, g, n, dh), dtype=dtype)
    return int(k.nbytes + np.zeros_like(k).nbytes)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, expl: str, cases: list[tuple[tuple[int, int, int, int, float, int], int]]) -> Check:
        return Check(name, expl, [Call(a) for a, _ in cases], expect_equal([w for _, w in cases]))

    def n(lo: int, hi: int) -> int:
        return int(rng.integers(lo, hi))

    a, b = (n(1, 9), n(1, 9), n(2, 17), n(1, 17)), (n(1, 9), n(1, 9), n(2, 17), n(1, 17), n(2, 6))
    small = [((*a, 2, 1), _real(*a, np.float16)), ((*b[:4], 4, b[4]), _real(*b[:4], np.float32, b[4]))]
    token = _real(32, 8, 128, 1, np.float16)  # 131,072: one token of Llama-3-8B's cache, measured
    t1, t2, t3, batch = n(1, 100), 1024 * n(1, 33), 1024 * n(1, 33), n(2, 17)
    return [
        check("equals the bytes of real K and V tensors", "2 (K and V) x layers x KV heads x head size x tokens x "
              "batch x bytes per element.", small),
        check("Llama-3-8B: 128 KiB per token, 1 GiB at 8k (M30)", "32 layers, 8 KV heads (GQA) of size 128 in bf16: "
              "131,072 bytes per token. Using the 32 query heads instead gives 4 GiB at 8k.",
              [((32, 8, 128, t1, 2, 1), token * t1), ((32, 8, 128, t2, 2, 1), token * t2)]),
        check("batch and precision scale linearly", "Each sequence of the batch has its own cache; int8 halves bf16.",
              [((32, 8, 128, t3, 2, batch), token * t3 * batch), ((32, 8, 128, t3, 1, 1), token * t3 // 2)]),
    ]  # fmt: skip
