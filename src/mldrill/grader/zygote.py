"""The pre-warmed worker: imports NumPy (and torch) once, then forks one throw-away child per submission.

Started by pool.py (inside bwrap or the grader's own namespaces when the OS allows: sandbox.py). Protocol on the
pipes it was started with: a 4-byte big-endian length, then a JSON job; the answer is framed the same way. Per job:

  zygote ── fork ──> child: kernel confinement (confine.py: no new privileges, no capabilities, landlock, seccomp),
                     new session, rlimits, /dev/null stdin, stdout+stderr into a pipe, scrubbed env,
                     fresh work dir, audit-hook policy, then exec(submission) and call its entry point on each
                     input; results go back through a private pipe as wire-encoded plain data; os._exit.
  zygote: reads the child's output (keeping a capped tail) and results until the wall-clock deadline, SIGKILLs
          the child's whole process group on timeout, reaps it and reports how it ended.

The child is never reused: every submission starts from the same clean, warm state.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import tempfile
import time
import traceback
from typing import Any

from mldrill.grader import confine

OUTPUT_CAP = 4 * 1024 * 1024  # bytes of stdout+stderr a submission may print before it is stopped
TAIL = 8 * 1024  # bytes of output kept for the verdict


# -- framing -------------------------------------------------------------------------------------------------------
def read_frame(fd: int) -> bytes | None:
    head = _read_exact(fd, 4)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack(">I", head)[0])
    return body


def _read_exact(fd: int, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def write_frame(fd: int, data: bytes) -> None:
    payload = struct.pack(">I", len(data)) + data
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


# -- the child -----------------------------------------------------------------------------------------------------
def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _materialize(x: Any, torch: Any) -> Any:
    """Turn wire markers into live objects: tensors, generators."""
    from mldrill.grader.wire import from_wire

    if isinstance(x, dict) and "__torch__" in x:
        return torch.from_numpy(from_wire(x["__torch__"]))
    if isinstance(x, dict) and "__np_rng__" in x:
        import numpy as np

        return np.random.default_rng(int(x["__np_rng__"]))
    if isinstance(x, dict) and "__torch_gen__" in x:
        return torch.Generator().manual_seed(int(x["__torch_gen__"]))
    if isinstance(x, list):
        return [_materialize(v, torch) for v in x]
    if isinstance(x, dict) and "__tuple__" in x:
        return tuple(_materialize(v, torch) for v in x["__tuple__"])
    return from_wire(x)


def _plain(out: Any, torch: Any) -> Any:
    """The submission's return value as plain data (tensors -> arrays). Anything else is refused by the wire."""
    import numpy as np

    if torch is not None and isinstance(out, torch.Tensor):
        return np.array(out.detach().cpu().numpy(), copy=True)
    if isinstance(out, tuple | list):
        return [_plain(v, torch) for v in out]
    if isinstance(out, np.ndarray):
        return np.array(out, copy=True)  # a subclass becomes a plain ndarray
    return out


def prepare(call: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Materialize one wire call (args, kwargs, and the steps of a stateful call) into live objects."""

    def live(xs: list[Any], kw: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        return [_materialize(a, torch) for a in xs], {k: _materialize(v, torch) for k, v in kw.items()}

    args, kwargs = live(call["args"], call["kwargs"])
    steps = [(s["method"], *live(s["args"], s["kwargs"])) for s in call.get("steps", [])]
    return {"args": args, "kwargs": kwargs, "steps": steps, "returns_args": call.get("returns_args", [])}


def perform(entry: Any, call: dict[str, Any], torch: Any) -> Any:
    """Run one prepared call; return its plain output.

    - plain call: entry(*args, **kwargs);
    - with `steps` (a class kata): obj = entry(*args, **kwargs), then each step is a method call or, for a name
      starting with '.', an attribute read; the output is the list of step results;
    - with `returns_args` (an in-place kata): [entry's return value, *the listed arguments after the call].
    """
    out = entry(*call["args"], **call["kwargs"])
    if call["steps"]:
        results = []
        for method, args, kwargs in call["steps"]:
            value = getattr(out, method[1:]) if method.startswith(".") else getattr(out, method)(*args, **kwargs)
            value = None if value is out else value  # fit() returns self, which cannot (and need not) cross
            results.append(_plain(value, torch))
        return results
    if call["returns_args"]:
        return [_plain(out, torch), *(_plain(call["args"][i], torch) for i in call["returns_args"])]
    return _plain(out, torch)


def run_child(job: dict[str, Any], result_fd: int, workdir: str) -> None:
    """In the forked child. Never returns: exits through os._exit."""
    code = 0
    try:
        confine.apply(workdir, read=_CONFINE_READ, layers=_CONFINE_LAYERS)
        limits = job["limits"]
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        cpu = int(limits["cpu_s"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))  # effective for non-root users; the policy covers root
        budget = _vm_size() + int(limits["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update({"HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
        torch = sys.modules.get("torch")
        from mldrill.grader import policy, wire

        calls = [prepare(c, torch) for c in job["calls"]]
        policy.forbid_calls(job.get("forbidden_calls", []))
        policy.install(workdir=workdir, protected=job["protected"], forbidden_modules=job["forbidden_modules"])
        namespace: dict[str, Any] = {"__name__": "submission"}
        results: list[Any] = []
        try:
            exec(compile(job["source"], "submission.py", "exec"), namespace)
            entry = namespace.get(job["entry"])
            setup_error = None if callable(entry) else f"the submission defines nothing named {job['entry']!r}"
        except BaseException as e:  # SyntaxError, an import the policy blocked, sys.exit at top level ...
            entry, setup_error = None, _describe(e)
        if setup_error is None:
            for call in calls:
                t0 = time.perf_counter()
                try:
                    results.append({"ok": wire.to_wire(perform(entry, call, torch)), "s": time.perf_counter() - t0})
                except BaseException as e:
                    results.append({"error": _describe(e), "kind": type(e).__name__, "s": time.perf_counter() - t0})
        payload = {"setup_error": setup_error, "results": results, "violations": list(policy.violations)}
        data = json.dumps(payload, allow_nan=False).encode()
        view = memoryview(struct.pack(">I", len(data)) + data)
        while view:
            view = view[os.write(result_fd, view) :]
    except MemoryError:
        code = 3
    except BaseException:
        traceback.print_exc()
        code = 4
    os._exit(code)


def _describe(e: BaseException) -> str:
    if isinstance(e, SystemExit):
        return f"the submission called sys.exit({e.code!r})"
    if isinstance(e, KeyboardInterrupt):
        return "the submission raised KeyboardInterrupt"
    tb = traceback.extract_tb(e.__traceback__)
    where = next((f"line {f.lineno}" for f in reversed(tb) if f.filename == "submission.py"), "")
    text = f"{type(e).__name__}: {e}"
    return f"{text} ({where})" if where else text


# -- the zygote ----------------------------------------------------------------------------------------------------
_CONFINE_LAYERS: tuple[str, ...] = ()  # set once by main(): what confine.apply() does to every job
_CONFINE_READ: tuple[str, ...] = ()


def serve(proto_in: int, proto_out: int, scratch: str) -> None:
    while True:
        frame = read_frame(proto_in)
        if frame is None:
            return
        job = json.loads(frame)
        write_frame(proto_out, json.dumps(run_job(job, scratch)).encode())


def run_job(job: dict[str, Any], scratch: str) -> dict[str, Any]:
    workdir = tempfile.mkdtemp(prefix="job-", dir=scratch)
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            keep = {0, 1, 2, res_w}
            for fd in range(3, 1024):
                if fd not in keep:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - lives as long as the child
            sys.stderr = sys.stdout
        finally:
            run_child(job, res_w, workdir)
    os.close(out_w)
    os.close(res_w)
    deadline = t0 + float(job["limits"]["wall_s"])
    tail, printed, result, how = bytearray(), 0, bytearray(), "exited"
    open_fds = {out_r, res_r}
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            how = "timeout"
            break
        ready, _, _ = select.select(list(open_fds), [], [], left)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
            elif fd == out_r:
                printed += len(chunk)
                tail = (tail + chunk)[-TAIL:]
            else:
                result += chunk
        if printed > OUTPUT_CAP:
            how = "output"
            break
    if how != "exited":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    for fd in (out_r, res_r):
        os.close(fd)
    shutil.rmtree(workdir, ignore_errors=True)
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    body = bytes(result[4:]) if len(result) >= 4 else b""
    return {
        "how": how,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": signal.Signals(sig).name if sig else None,
        "elapsed_s": time.monotonic() - t0,
        "printed": printed,
        "tail": tail.decode("utf-8", errors="replace"),
        "result": body.decode("utf-8", errors="replace"),
    }


def main() -> None:
    global _CONFINE_LAYERS, _CONFINE_READ
    framework = sys.argv[1] if len(sys.argv) > 1 else "numpy"
    confine.harden_worker()
    _CONFINE_LAYERS = confine.available()
    _CONFINE_READ = tuple(json.loads(os.environ.get("MLDRILL_SANDBOX_READ", "[]")))
    import numpy  # noqa: F401 - warm: imported once, shared copy-on-write by every child

    import mldrill.grader.policy
    import mldrill.grader.wire  # noqa: F401 - warm: the children encode results with it

    if framework == "torch":
        import torch

        torch.set_num_threads(1)
        torch.zeros(1).sum()  # touch the allocator and dispatcher once, before any fork
    proto_in, proto_out = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    scratch = tempfile.mkdtemp(prefix="mldrill-grader-")
    write_frame(proto_out, json.dumps({"ready": True, "layers": _CONFINE_LAYERS}).encode())
    try:
        serve(proto_in, proto_out, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
