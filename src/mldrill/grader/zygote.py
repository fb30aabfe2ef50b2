"""The pre-warmed worker: imports NumPy (and torch) once, then forks one throw-away child per submission.

Started by pool.py (inside bwrap or the grader's own namespaces when the OS allows: sandbox.py) with a unix socket
as its stdin: the control channel. Protocol, every frame a 4-byte big-endian length then the body:

  trusted ──ctl──> zygote: {"id", "job"}, with a fresh socket attached (SCM_RIGHTS): this job's report channel.
  zygote ──report──> trusted: exactly one frame, `meta JSON` + b"\n" + the child's raw result bytes, where meta
          carries the same job id; then the zygote closes it. The trusted side reads it with a deadline and a size
          cap, and anything else (a wrong id, a second frame, trailing bytes, an oversized header, a late frame)
          is that job's `error` and the zygote is replaced.

Sockets cannot be opened through /proc/<pid>/fd, and the child keeps no descriptor but its own pipes, so a
submission has no way to write into the control channel or into any job's report channel.
Per job:

  zygote ── fork ──> child: kernel confinement (confine.py: no new privileges, no capabilities, landlock, seccomp),
                     new session, rlimits, /dev/null stdin, stdout+stderr into a pipe, scrubbed env,
                     fresh work dir, audit-hook policy, then exec(submission) and call its entry point on each
                     input; results go back through a private pipe (fd 3) as one frame of wire-encoded plain data;
                     os._exit.
  zygote: reads the child's output (keeping a capped tail) and its result frame (capped: a header over the cap
          stops the job at once) until the wall-clock deadline, SIGKILLs the child's whole process group on
          timeout, reaps it and reports how it ended.

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
import socket
import struct
import sys
import tempfile
import time
import traceback
from typing import Any

from mldrill.grader import confine

OUTPUT_CAP = 4 * 1024 * 1024  # bytes of stdout+stderr a submission may print before it is stopped
TAIL = 8 * 1024  # bytes of output kept for the verdict
RESULT_CAP = 16 * 1024 * 1024  # = wire.MAX_BYTES (not imported here: the trusted side imports this module lean)
MESSAGE_CAP = 2048  # characters of one exception message kept
META_CAP = 64 * 1024  # bytes of a report's meta JSON
REPORT_CAP = META_CAP + 1 + RESULT_CAP


# -- framing -------------------------------------------------------------------------------------------------------
class FrameError(Exception):
    """A frame that is late, oversized, truncated or otherwise not what the protocol allows."""


def read_frame(fd: int, *, cap: int = REPORT_CAP, deadline: float | None = None) -> bytes | None:
    """One frame; None on a clean end of stream before it. Bounded: a header over `cap` is refused before any of
    the body is read, and with a deadline (time.monotonic) every wait is cut at it."""
    head = _read_exact(fd, 4, deadline)
    if head is None:
        return None
    size = struct.unpack(">I", head)[0]
    if size > cap:
        raise FrameError(f"a frame announced {size:,} bytes (limit {cap:,})")
    body = _read_exact(fd, size, deadline)
    if body is None:
        raise FrameError(f"the stream ended inside a {size:,} byte frame")
    return body


def _read_exact(fd: int, n: int, deadline: float | None = None) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise FrameError("no answer before the deadline")
        chunk = os.read(fd, min(n - len(buf), 1 << 20))
        if not chunk:
            if buf:
                raise FrameError("the stream ended inside a frame")
            return None
        buf += chunk
    return bytes(buf)


def write_frame(fd: int, data: bytes) -> None:
    payload = struct.pack(">I", len(data)) + data
    view = memoryview(payload)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def recv_job(ctl: socket.socket) -> tuple[dict[str, Any], socket.socket] | None:
    """The next job and its report channel from the control socket; None when the trusted side has closed it."""
    head, fds, _, _ = socket.recv_fds(ctl, 4, 1)
    if not head:
        return None
    head += _read_exact(ctl.fileno(), 4 - len(head)) or b""
    body = _read_exact(ctl.fileno(), struct.unpack(">I", head)[0])
    if body is None or len(fds) != 1:
        raise FrameError("a job frame without its report channel")
    return json.loads(body), socket.socket(fileno=fds[0])


def send_job(ctl: socket.socket, message: bytes, report: socket.socket) -> None:
    socket.send_fds(ctl, [struct.pack(">I", len(message))], [report.fileno()])
    ctl.sendall(message)


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


_WIRE: Any = None  # mldrill.grader.wire, bound before a child's policy removes mldrill from sys.modules


def _wire() -> Any:
    """The wire module, imported lazily (the trusted side imports this file without NumPy) and then kept: inside a
    job the audit-hook policy forbids importing mldrill, so the child binds it before the policy is installed."""
    global _WIRE
    if _WIRE is None:
        from mldrill.grader import wire

        _WIRE = wire
    return _WIRE


def _plain(out: Any, torch: Any, depth: int = 0) -> Any:
    """The submission's return value as plain data (tensors -> arrays). Anything else is refused by the wire."""
    import numpy as np

    wire = _wire()
    if depth > wire.MAX_DEPTH:  # also ends a list that contains itself
        raise wire.WireError(f"the value is nested more than {wire.MAX_DEPTH} levels deep")
    if torch is not None and isinstance(out, torch.Tensor):
        return np.array(out.detach().cpu().numpy(), copy=True)
    if isinstance(out, tuple | list):
        return [_plain(v, torch, depth + 1) for v in out]
    if isinstance(out, dict):  # a snapshot: a later step must not change what an attribute read saw
        return {k: _plain(v, torch, depth + 1) for k, v in out.items()}
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
      starting with '.', an attribute read; a dotted name reaches inside (".weight.requires_grad",
      "lora_B.data.copy_"); the output is the list of step results;
    - with `returns_args` (an in-place kata): [entry's return value, *the listed arguments after the call].
    """
    out = entry(*call["args"], **call["kwargs"])
    if call["steps"]:
        results = []
        for method, args, kwargs in call["steps"]:
            target = out
            for name in method.lstrip(".").split("."):
                target = getattr(target, name)
            value = target if method.startswith(".") else target(*args, **kwargs)
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
        from mldrill.grader import policy

        wire = _wire()

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
                except wire.TooLarge as e:  # the whole job's error, not one failed check
                    setup_error, results = f"it returned a value that cannot be checked: {e}", []
                    break
                except wire.WireError as e:
                    error = f"returned a value that cannot be checked: {e}"
                    results.append({"error": error, "kind": "WireError", "s": time.perf_counter() - t0})
                except BaseException as e:
                    results.append({"error": _describe(e), "kind": type(e).__name__, "s": time.perf_counter() - t0})
        payload = {"setup_error": setup_error, "results": results, "violations": list(policy.violations)}
        data = json.dumps(payload, allow_nan=False).encode()
        if len(data) > RESULT_CAP:  # say so, rather than have the frame refused
            too_big = f"the results take {len(data):,} bytes, over the {RESULT_CAP:,} byte limit"
            payload = {"setup_error": too_big, "results": [], "violations": payload["violations"]}
            data = json.dumps(payload).encode()
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
    if len(text) > MESSAGE_CAP:
        text = text[:MESSAGE_CAP] + f" ... [{len(text) - MESSAGE_CAP:,} more characters]"
    return f"{text} ({where})" if where else text


# -- the zygote ----------------------------------------------------------------------------------------------------
_CONFINE_LAYERS: tuple[str, ...] = ()  # set once by main(): what confine.apply() does to every job
_CONFINE_READ: tuple[str, ...] = ()


def serve(ctl: socket.socket, scratch: str) -> None:
    while True:
        got = recv_job(ctl)
        if got is None:
            return
        message, report = got
        with report:
            try:
                meta, result = run_job(message["job"], scratch)
            except Exception as e:  # e.g. fork refused: this job's error, and the zygote keeps serving
                meta, result = {"how": "worker-error", "message": f"{type(e).__name__}: {e}"}, b""
            meta["id"] = message["id"]
            write_frame(report.fileno(), json.dumps(meta).encode() + b"\n" + result)


def _close_all_but(keep: int) -> None:
    """In the child: descriptors 0-2 and `keep` (moved to 3) stay open; every other one is closed."""
    os.dup2(keep, 3)
    os.closerange(4, os.sysconf("SC_OPEN_MAX"))


def run_job(job: dict[str, Any], scratch: str) -> tuple[dict[str, Any], bytes]:
    """Run one job in a forked child; how it ended, and the child's result frame's body (b"" when it sent none)."""
    workdir = tempfile.mkdtemp(prefix="job-", dir=scratch)
    out_r, out_w = os.pipe()
    res_r, res_w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            _die_with_parent()
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            _close_all_but(res_w)
            sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - lives as long as the child
            sys.stderr = sys.stdout
        finally:
            run_child(job, 3, workdir)
    os.close(out_w)
    os.close(res_w)
    deadline = t0 + float(job["limits"]["wall_s"])
    tail, printed, result, how, message = bytearray(), 0, bytearray(), "exited", ""
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
        if len(result) >= 4 and (size := struct.unpack(">I", result[:4])[0]) > RESULT_CAP:
            how, message = "malformed", f"its result frame announced {size:,} bytes (limit {RESULT_CAP:,})"
            break
        if len(result) > 4 + RESULT_CAP:
            how, message = "malformed", "it sent more than one result frame"
            break
    if how != "exited":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    for fd in (out_r, res_r):
        os.close(fd)
    shutil.rmtree(workdir, ignore_errors=True)
    body = b""
    if how == "exited" and result:
        size = struct.unpack(">I", result[:4])[0] if len(result) >= 4 else -1
        if len(result) == 4 + size:
            body = bytes(result[4:])
        else:
            how = "malformed"
            message = "its result frame was cut short" if len(result) < 4 + size else "it sent more than one frame"
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    meta = {
        "how": how,
        "message": message,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": signal.Signals(sig).name if sig else None,
        "elapsed_s": time.monotonic() - t0,
        "printed": printed,
        "tail": tail.decode("utf-8", errors="replace"),
    }
    return meta, body


def _die_with_parent() -> None:
    """In the child: SIGKILL when the zygote dies (the trusted side kills a zygote it gives up on)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def main() -> None:
    global _CONFINE_LAYERS, _CONFINE_READ
    framework = sys.argv[1] if len(sys.argv) > 1 else "numpy"
    confine.harden_worker()
    _CONFINE_LAYERS = confine.available()
    _CONFINE_READ = tuple(json.loads(os.environ.get("MLDRILL_SANDBOX_READ", "[]")))
    import ctypes  # noqa: F401 - warm: each child sets its parent-death signal with it

    import numpy  # noqa: F401 - warm: imported once, shared copy-on-write by every child

    import mldrill.grader.policy
    import mldrill.grader.wire  # noqa: F401 - warm: the children encode results with it

    if framework == "torch":
        import torch

        torch.set_num_threads(1)
        torch.zeros(1).sum()  # touch the allocator and dispatcher once, before any fork
    ctl = socket.socket(fileno=os.dup(0))  # the control channel pool.py passed as stdin
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    # Without a sandbox the trusted side made the scratch folder and removes it even if this process is killed;
    # inside bwrap or the grader's namespaces that path is not visible, and the sandbox's own /tmp is used.
    given = os.environ.get("MLDRILL_GRADER_SCRATCH", "")
    scratch = given if given and os.path.isdir(given) else tempfile.mkdtemp(prefix="mldrill-grader-")
    write_frame(ctl.fileno(), json.dumps({"ready": True, "layers": _CONFINE_LAYERS}).encode())
    try:
        serve(ctl, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
