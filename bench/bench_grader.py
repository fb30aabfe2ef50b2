"""Grader latency: median and p95 of `check()` for a NumPy kata and a torch kata, against the same checks run
in-process without a sandbox (the peer), measured in the same run.

    python bench/bench_grader.py [--runs 40]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from mldrill.catalog.katas import get_katas
from mldrill.grader.api import check, default_pool
from mldrill.grader.inprocess import check_callable
from mldrill.grader.verdict import Verdict

SOURCES = {
    "stable-softmax": "import numpy as np\ndef softmax(x, axis=-1):\n    z = x - x.max(axis=axis, keepdims=True)\n"
    "    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n",
    "layer-norm": "import torch\ndef layer_norm(x, weight, bias, eps=1e-5):\n    mu = x.mean(-1, keepdim=True)\n"
    "    var = ((x - mu) ** 2).mean(-1, keepdim=True)\n    return (x - mu) / torch.sqrt(var + eps) * weight + bias\n",
}


def timed(fn: Callable[[], Verdict], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        v = fn()
        out.append(time.perf_counter() - t)
        assert v.status == "passed", v
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    katas = get_katas()
    t = time.perf_counter()
    default_pool().warm("numpy", "torch")
    print(f"pool warm-up (both zygotes): {time.perf_counter() - t:.2f} s")
    for kata_id, source in SOURCES.items():
        kata = katas[kata_id]
        namespace: dict[str, object] = {}
        exec(source, namespace)
        fn = namespace[kata.spec.entry]
        sandboxed = timed(lambda kid=kata_id, src=source: check(kid, src), args.runs)
        inproc = timed(lambda k=kata, f=fn: check_callable(k, f), args.runs)
        ms, mi = statistics.median(sandboxed), statistics.median(inproc)
        sand = f"sandboxed median {ms * 1e3:7.1f} ms  p95 {p95(sandboxed) * 1e3:7.1f} ms"
        local = f"in-process median {mi * 1e3:6.1f} ms  p95 {p95(inproc) * 1e3:6.1f} ms"
        print(f"{kata_id:16s} ({kata.spec.framework:5s}) {sand} | {local} | ratio {ms / mi:5.1f}x")


if __name__ == "__main__":
    main()
