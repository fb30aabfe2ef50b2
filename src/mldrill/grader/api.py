"""`check(kata_id, source) -> Verdict`: build the checks (trusted), run the submission in the sandbox, judge here."""

from __future__ import annotations

import atexit
import json
import secrets
import threading
import time
from typing import Any

from mldrill.catalog.katas import Kata, get_katas
from mldrill.grader.checks import Check, Outcome, encode_call, judge_check
from mldrill.grader.pool import Pool, protected_paths
from mldrill.grader.verdict import Verdict
from mldrill.grader.wire import WireError, from_wire

MAX_SOURCE = 100_000  # characters
_pool: Pool | None = None
_pool_lock = threading.Lock()


def default_pool() -> Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool(size=1)
            atexit.register(_pool.close)
        return _pool


def check(kata_id: str, source: str, *, pool: Pool | None = None, seed: int | None = None) -> Verdict:
    """seed: where the hidden inputs are drawn from; None draws a fresh one (the verdict records it for a replay)."""
    katas = get_katas()
    if kata_id not in katas:
        raise KeyError(f"no kata '{kata_id}'")
    return check_kata(katas[kata_id], source, pool=pool or default_pool(), seed=seed)


class KataUnavailable(RuntimeError):
    """The kata cannot be checked on this installation (e.g. a torch kata without PyTorch)."""


def check_kata(kata: Kata, source: str, *, pool: Pool, seed: int | None = None) -> Verdict:
    t0 = time.perf_counter()
    seed = secrets.randbits(63) if seed is None else seed
    missing = kata.missing_requirement()
    if missing:
        raise KataUnavailable(f"{kata.id}: {missing}")
    if len(source) > MAX_SOURCE:
        message = f"the submission is {len(source)} characters (limit {MAX_SOURCE})"
        return Verdict(kata.id, "rejected", message=message, seed=seed)
    checks: list[Check] = kata.build_checks(seed)
    calls = [c for ch in checks for c in ch.calls]
    limits = kata.spec.limits
    job = {
        "source": source,
        "entry": kata.spec.entry,
        "calls": [encode_call(c) for c in calls],
        "protected": protected_paths(),
        "forbidden_modules": kata.forbidden(),
        "forbidden_calls": kata.spec.forbidden_calls,
        "limits": {
            "wall_s": limits.wall_s,
            "cpu_s": limits.cpu_s,
            "memory_bytes": limits.memory_mb * 1024 * 1024,
            "file_bytes": 1024 * 1024,
        },
    }
    raw, isolation = pool.run(kata.spec.framework, job)
    verdict = Verdict(kata.id, "error", isolation=isolation, seed=seed)
    if raw is None:
        verdict.message = "the grader worker died while running the submission; it has been restarted"
    else:
        verdict.stdout_tail = raw["tail"]
        _judge(verdict, raw, checks, limits.wall_s)
    verdict.total_s = time.perf_counter() - t0
    return verdict


def _judge(v: Verdict, raw: dict[str, Any], checks: list[Check], wall_s: float) -> None:
    if raw["how"] == "timeout":
        v.status, v.message = "timeout", f"stopped after the {wall_s:g} s time limit (an infinite loop? a slow loop?)"
        return
    if raw["how"] == "output":
        v.message = f"stopped after printing {raw['printed']:,} bytes (output limit)"
        return
    if raw["signal"] == "SIGXCPU" or (raw["signal"] == "SIGKILL" and raw["elapsed_s"] >= wall_s):
        v.status, v.message = "timeout", "stopped at the CPU-time limit"
        return
    if raw["exit_code"] == 3:
        v.status, v.message = "memory", "ran out of its memory limit"
        return
    try:
        body = json.loads(raw["result"]) if raw["result"] else None
    except json.JSONDecodeError:
        body = None
    if not isinstance(body, dict):
        how = f"killed by {raw['signal']}" if raw["signal"] else f"exit code {raw['exit_code']}"
        v.message = f"the submission's process ended before returning results ({how}; os._exit? a crash?)"
        return
    violations = list(dict.fromkeys(str(x) for x in body.get("violations", [])))[:5]  # unique, in order
    if body.get("setup_error"):
        err = str(body["setup_error"])
        v.status = "rejected" if violations else ("memory" if "MemoryError" in err else "error")
        v.message = "; ".join(violations) if violations else err
        return
    results = body.get("results", [])
    outcomes: list[Outcome] = []
    for r in results if isinstance(results, list) else []:
        try:
            if "ok" in r:
                outcomes.append(Outcome(value=from_wire(r["ok"]), seconds=float(r.get("s", 0.0))))
            else:
                outcomes.append(Outcome(error=str(r.get("error")), seconds=float(r.get("s", 0.0))))
        except (WireError, TypeError, ValueError) as e:
            outcomes.append(Outcome(error=f"returned a value that cannot be checked ({e})"))
    if len(outcomes) != sum(len(c.calls) for c in checks):
        v.message = "the submission's process returned an incomplete set of results"
        return
    i = 0
    for ch in checks:
        mine = outcomes[i : i + len(ch.calls)]
        i += len(ch.calls)
        v.checks.append(judge_check(ch, mine))
    if violations:
        v.status, v.message = "rejected", "; ".join(violations)
    elif any("MemoryError" in (o.error or "") for o in outcomes):
        v.status, v.message = "memory", "ran out of its memory limit"
    else:
        v.status = "passed" if all(c.passed for c in v.checks) else "failed"
