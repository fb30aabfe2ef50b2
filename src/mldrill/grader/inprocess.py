"""Run a kata's checks against a Python callable in this process: no sandbox, trusted code only.

Used to prove every reference solution passes its own kata (tests/grader/test_katas.py) and as the unsandboxed
baseline the grader's latency is compared with (bench/bench_grader.py). It goes through the same wire encoding and
the same judges as a sandboxed run, so the two differ only in where the code runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from mldrill.catalog.katas import Kata
from mldrill.grader.api import _judge
from mldrill.grader.checks import Check, encode_call
from mldrill.grader.verdict import Verdict
from mldrill.grader.wire import to_wire
from mldrill.grader.zygote import perform, prepare


def check_callable(kata: Kata, fn: Callable[..., Any], seed: int = 0) -> Verdict:
    t0 = time.perf_counter()
    torch: Any = None
    if kata.spec.framework == "torch":
        import torch as torch_module

        torch = torch_module
    checks: list[Check] = kata.build_checks(seed)
    results = []
    for call in (c for ch in checks for c in ch.calls):
        live = prepare(encode_call(call), torch)
        t = time.perf_counter()
        try:
            results.append({"ok": to_wire(perform(fn, live, torch)), "s": time.perf_counter() - t})
        except Exception as e:
            results.append({"error": f"{type(e).__name__}: {e}", "s": time.perf_counter() - t})
    body = json.dumps({"setup_error": None, "results": results, "violations": []})
    raw = {"how": "exited", "signal": None, "exit_code": 0, "elapsed_s": 0.0, "printed": 0, "tail": "", "result": body}
    v = Verdict(kata.id, "error", isolation=["none: in-process"], seed=seed)
    _judge(v, raw, checks, kata.spec.limits.wall_s)
    v.total_s = time.perf_counter() - t0
    return v
