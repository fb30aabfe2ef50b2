"""`check(kata_id, source) -> Verdict`: build the checks (trusted), run the submission in the sandbox, judge here."""

from __future__ import annotations

import atexit
import dataclasses
import secrets
import threading
import time
from functools import cache
from typing import TYPE_CHECKING, Any

from mldrill.grader.pool import Pool, protected_paths
from mldrill.grader.verdict import CheckResult, Verdict

if TYPE_CHECKING:  # imported where used, so that starting a worker (default_pool) does not wait for NumPy
    from mldrill.catalog.katas import Kata
    from mldrill.grader.checks import Check

MAX_SOURCE = 100_000  # characters
MAX_TEXT = 2048  # characters of any one message kept in a verdict (and so with the attempt)
MAX_TAIL = 8 * 1024  # characters of the submission's output kept
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
    from mldrill.catalog.katas import get_katas

    katas = get_katas()
    if kata_id not in katas:
        raise KeyError(f"no kata '{kata_id}'")
    return check_kata(katas[kata_id], source, pool=pool or default_pool(), seed=seed)


class KataUnavailable(RuntimeError):
    """The kata cannot be checked on this installation (e.g. a torch kata without PyTorch)."""


def check_kata(kata: Kata, source: str, *, pool: Pool, seed: int | None = None) -> Verdict:
    from mldrill.grader.checks import encode_call

    t0 = time.perf_counter()
    seed = secrets.randbits(63) if seed is None else seed
    missing = kata.missing_requirement()
    if missing:
        raise KataUnavailable(f"{kata.id}: {missing}")
    if len(source) > MAX_SOURCE:
        message = f"the submission is {len(source)} characters (limit {MAX_SOURCE})"
        return Verdict(kata.id, "rejected", message=message, seed=seed)
    if kata.spec.framework == "torch":
        _single_threaded_torch()
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
    verdict.stdout_tail = raw.get("tail", "")
    _judge(verdict, raw, checks, limits.wall_s)
    _cap(verdict)
    verdict.total_s = time.perf_counter() - t0
    return verdict


@cache
def _single_threaded_torch() -> None:
    """The checks' oracles run tiny tensors: an idle pool of intra-op threads costs more to wake (~8 ms an op on a
    loaded 2-core machine) than the op itself."""
    import torch

    torch.set_num_threads(1)


def _clip(text: str, cap: int = MAX_TEXT) -> str:
    return text if len(text) <= cap else text[:cap] + f" ... [{len(text) - cap:,} more characters]"


def _cap(v: Verdict) -> None:
    """Bound every text a verdict carries: it is stored with the attempt and shown in full."""
    v.message = _clip(v.message)
    v.stdout_tail = v.stdout_tail[-MAX_TAIL:]
    v.checks = [_capped(c) for c in v.checks]


def _capped(c: CheckResult) -> CheckResult:
    texts: dict[str, Any] = {
        f.name: _clip(text) for f in dataclasses.fields(c) if isinstance(text := getattr(c, f.name), str)
    }
    return dataclasses.replace(c, **texts)


def _judge(v: Verdict, raw: dict[str, Any], checks: list[Check], wall_s: float) -> None:
    from mldrill.grader.checks import Outcome, judge_check
    from mldrill.grader.wire import WireError, from_wire, parse_json

    if raw["how"] == "worker-error":
        v.message = raw["message"]
        return
    if raw["how"] == "malformed":
        v.message = f"the submission's process sent results the grader cannot read: {raw['message']}"
        return
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
        body = parse_json(raw["result"]) if raw["result"] else None
    except WireError as e:
        v.message = f"the submission's process sent results the grader cannot read ({e})"
        return
    if not isinstance(body, dict):
        how = f"killed by {raw['signal']}" if raw["signal"] else f"exit code {raw['exit_code']}"
        v.message = f"the submission's process ended before returning results ({how}; os._exit? a crash?)"
        return
    listed = body.get("violations", [])
    violations = list(dict.fromkeys(_clip(str(x)) for x in (listed if isinstance(listed, list) else [])))[:5]
    if body.get("setup_error"):
        err = str(body["setup_error"])
        v.status = "rejected" if violations else ("memory" if "MemoryError" in err else "error")
        v.message = "; ".join(violations) if violations else err
        return
    results = body.get("results", [])
    outcomes: list[Outcome] = []
    for r in results if isinstance(results, list) else []:
        if not isinstance(r, dict):
            outcomes.append(Outcome(error="the submission's process sent a malformed result"))
            continue
        try:
            if "ok" in r:
                outcomes.append(Outcome(value=from_wire(r["ok"]), seconds=float(r.get("s", 0.0))))
            else:
                outcomes.append(Outcome(error=_clip(str(r.get("error"))), seconds=float(r.get("s", 0.0))))
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
