"""A bounded pool of pre-warmed zygotes (one kind per framework), started lazily and kept warm.

Isolation, strongest available first (sandbox.py): bubblewrap, else the grader's own namespaces, each with a
minimal read-only view of the filesystem; else none. In every mode each job is then confined by confine.py (no new
privileges, no capabilities, landlock, seccomp) where the kernel has those. The Verdict lists the layers in force.

The channel (see zygote.py): one control socket per zygote and a fresh socket per job, the job's random id in its
report, and every read bounded in time (the job's wall limit + a margin) and size. A zygote that answers late,
too much, twice, for another job or in a shape the protocol does not allow is killed and replaced, and that job
gets an `error` verdict; no lock is held past a deadline, so a stuck worker cannot pile up waiting threads.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mldrill.grader import sandbox
from mldrill.grader.zygote import MESSAGE_CAP, META_CAP, REPORT_CAP, TAIL, FrameError, read_frame, send_job

PACKAGE = Path(__file__).resolve().parent.parent  # src/mldrill
MARGIN_S = 2.0  # a report may arrive this long after the job's wall limit (reaping, a loaded machine)
QUEUE_S = 30.0  # the longest a check waits for a busy worker before it is answered "busy"
START_S = 60.0  # the longest a zygote may take to import its framework and say it is ready
HOWS = frozenset({"exited", "timeout", "output", "malformed", "worker-error"})


def protected_paths() -> list[str]:
    from platformdirs import user_data_path

    paths = [PACKAGE / "ref", PACKAGE / "katas", PACKAGE / "content", user_data_path("mldrill", appauthor=False)]
    db = os.environ.get("MLDRILL_DATABASE_URL", "")
    if db.startswith("sqlite:///"):  # the file and its WAL companions, not its folder (which may be /tmp)
        path = Path(db.removeprefix("sqlite:///"))
        paths += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [str(p) for p in paths]


_STARTED: set[str] = set()  # sandbox modes whose worker has started in this process


def namespaces_available() -> bool:
    """Whether a kernel-enforced sandbox (bwrap or the grader's own namespaces) works on this machine."""
    return sandbox.best_mode() != "none"


@dataclass
class Zygote:
    framework: str
    proc: subprocess.Popen[bytes]
    isolation: list[str]
    ctl: socket.socket  # the control channel; the zygote's end is its stdin
    launch: sandbox.Launch  # its private folder is removed here even when the zygote is killed
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: bool = False
    broken: bool = False

    @classmethod
    def start(cls, framework: str, *, namespaces: bool = True, mode: str | None = None, wait: bool = True) -> Zygote:
        """`mode`: bwrap | namespaces | none. By default the strongest that starts here (`namespaces=False`: none):
        a mode whose worker fails to start is not tried again in this process, and the verdicts say which ran.

        With wait=False a mode already seen to start here is launched and returned at once (its first job waits for
        it to be ready, so a caller can build the job meanwhile); a mode not yet seen to work is always waited for.
        """
        if mode is not None or not namespaces:
            return cls._start(framework, mode or "none", wait=wait)
        *stronger, last = sandbox.candidates()
        for m in stronger:
            try:
                return cls._start(framework, m, wait=wait or m not in _STARTED)
            except RuntimeError:
                sandbox.mark_broken(m)
        return cls._start(framework, last, wait=wait)

    @classmethod
    def _start(cls, framework: str, mode: str, *, wait: bool) -> Zygote:
        launch = sandbox.prepare(framework, mode)
        ctl, theirs = socket.socketpair()
        try:
            with theirs:
                proc = subprocess.Popen(
                    launch.cmd, stdin=theirs.fileno(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env=launch.env,
                )  # fmt: skip
        except OSError as e:
            ctl.close()
            launch.cleanup()
            raise RuntimeError(f"the {framework} grader worker ({mode}) failed to start: {e}") from e
        isolation = ["rlimits", "audit-hook", "fresh-workdir", "scrubbed-env", *launch.layers]
        z = cls(framework, proc, isolation, ctl, launch)
        if wait:
            z.wait_ready()
        return z

    def wait_ready(self) -> None:
        """Read the zygote's hello (bounded); a zygote that does not start is stopped and RuntimeError raised."""
        if self.ready:
            return
        try:
            hello = read_frame(self.ctl.fileno(), cap=4096, deadline=time.monotonic() + START_S)
            layers = json.loads(hello or b"null")["layers"] if hello else None
        except (FrameError, ValueError, TypeError, KeyError):
            layers = None
        if not isinstance(layers, list):
            self.stop()
            raise RuntimeError(f"the {self.framework} grader worker failed to start (exit code {self.proc.poll()})")
        self.isolation = [*self.isolation, *(str(x) for x in layers)]
        self.ready = True
        _STARTED.add(self.launch.mode)

    def alive(self) -> bool:
        return not self.broken and self.proc.poll() is None

    def run(self, job: dict[str, Any], *, limit_s: float) -> dict[str, Any]:
        """Run one job; the caller holds `self.lock`. The report, validated, with the child's result as bytes; or
        {"how": "worker-error", "message"} after which this zygote is stopped (the pool replaces it)."""
        job_id = secrets.token_hex(16)  # 128 random bits
        mine, theirs = socket.socketpair()
        try:
            self.wait_ready()  # bounded by START_S; a zygote launched with wait=False may still be importing
            deadline = time.monotonic() + limit_s
            self.ctl.settimeout(limit_s)
            send_job(self.ctl, json.dumps({"id": job_id, "job": job}).encode(), theirs)
            theirs.close()  # the zygote holds the only other end now: its closing is the end of the report
            frame = read_frame(mine.fileno(), cap=REPORT_CAP, deadline=deadline)
            if frame is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=0.5)  # a zygote that dies closes the channel on its way out
                raise FrameError("it closed the job's channel without answering")
            report = _report(frame, job_id)
            _expect_end(mine, deadline)
            return report
        except RuntimeError as e:  # it never started (wait_ready stopped it)
            return {"how": "worker-error", "message": str(e)}
        except (FrameError, OSError) as e:
            died = self.proc.poll() is not None
            self.stop()
            if died:
                what = "died while running the submission"
            elif isinstance(e, TimeoutError) or "deadline" in str(e):
                what = f"gave no answer within {limit_s:g} s"
            else:
                what = f"broke the protocol: {e}"
            return {"how": "worker-error", "message": f"the grader worker {what}; it has been replaced"}
        finally:
            mine.close()
            theirs.close()

    def stop(self) -> None:
        self.broken = True
        self.ctl.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.launch.cleanup()  # its private folder: the grader copy and, without a sandbox, the job folders


def _expect_end(channel: socket.socket, deadline: float) -> None:
    """The zygote closes a job's channel right after its one report: anything more is a breach."""
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([channel], [], [], left)[0]:
        raise FrameError("it kept the job's channel open after its report")
    if channel.recv(1):
        raise FrameError("it sent more after its report")


def _report(frame: bytes, job_id: str) -> dict[str, Any]:
    """Validate a zygote's report: meta line with this job's id and well-typed fields, then the result bytes."""
    from mldrill.grader.wire import WireError, parse_json

    line = frame.find(b"\n", 0, META_CAP + 1)
    if line < 0:
        raise FrameError("a report without its header line")
    try:
        meta = parse_json(frame[:line], max_bytes=META_CAP, depth=1)
    except WireError as e:
        raise FrameError(str(e)) from None
    if not isinstance(meta, dict) or not hmac.compare_digest(str(meta.get("id", "")), job_id):
        raise FrameError("a report that is not for this job")
    how, sig = meta.get("how"), meta.get("signal")
    exit_code, elapsed, printed = meta.get("exit_code"), meta.get("elapsed_s"), meta.get("printed", 0)
    if (
        how not in HOWS
        or not (sig is None or sig in signal.Signals.__members__)
        or not (exit_code is None or type(exit_code) is int)
        or not isinstance(elapsed, int | float)
        or type(printed) is not int
        or not isinstance(meta.get("tail", ""), str)
        or not isinstance(meta.get("message", ""), str)
    ):
        raise FrameError("a report with malformed fields")
    return {
        "how": how,
        "message": meta.get("message", "")[:MESSAGE_CAP],
        "exit_code": exit_code,
        "signal": sig,
        "elapsed_s": float(elapsed),
        "printed": printed,
        "tail": meta.get("tail", "")[-TAIL:],
        "result": frame[line + 1 :],
    }


class Pool:
    """At most `size` zygotes per framework; a dead or broken one is replaced on the next job."""

    def __init__(
        self,
        size: int = 1,
        *,
        namespaces: bool = True,
        mode: str | None = None,
        margin_s: float = MARGIN_S,
        queue_s: float = QUEUE_S,
        start: Any = None,
    ) -> None:
        self.size, self.namespaces, self.mode, self.margin_s, self.queue_s = size, namespaces, mode, margin_s, queue_s
        self._start = start or Zygote.start  # (framework, *, namespaces, mode, wait) -> Zygote; tests pass fakes
        self._zygotes: dict[str, list[Zygote]] = {}
        self._lock = threading.Lock()
        self._next = 0

    def warm(self, *frameworks: str, wait: bool = True) -> None:
        """Start the frameworks' zygotes; with wait=False, only launch them (they import while you do other work)."""
        zygotes = [self._pick(fw) for fw in frameworks]  # all launched first: they import in parallel
        for z in zygotes if wait else []:
            with z.lock:
                z.wait_ready()

    def _pick(self, framework: str) -> Zygote:
        """A live zygote, launched if need be. Only launched: the pool's lock is never held while one imports."""
        with self._lock:
            group = [z for z in self._zygotes.get(framework, []) if z.alive()]
            for z in self._zygotes.get(framework, []):
                if z not in group:
                    z.stop()  # reaps it and removes its private folder
            while len(group) < self.size:
                group.append(self._start(framework, namespaces=self.namespaces, mode=self.mode, wait=False))
            self._zygotes[framework] = group
            self._next = (self._next + 1) % len(group)
            return group[self._next]

    def run(self, framework: str, job: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The zygote's validated report and the isolation in force. Never blocks past the queue limit plus the job's
        wall limit plus the margin (plus START_S when its worker is still starting); a failure is a report with
        how="worker-error" and a message."""
        limit_s = float(job["limits"]["wall_s"]) + self.margin_s
        give_up = time.monotonic() + self.queue_s
        isolation: list[str] = []
        while True:
            try:
                z = self._pick(framework)
            except OSError as e:
                return {"how": "worker-error", "message": f"cannot start a grader worker: {e}"}, isolation
            isolation = z.isolation
            if not z.lock.acquire(timeout=max(0.0, give_up - time.monotonic())):
                busy = f"the grader was busy with other checks for {self.queue_s:g} s; try again"
                return {"how": "worker-error", "message": busy}, isolation
            try:
                if z.alive():
                    report = z.run(job, limit_s=limit_s)
                    return report, z.isolation  # complete now: the worker's hello added its confinement layers
            finally:
                z.lock.release()
            # it was replaced while this job waited: take the new one

    def close(self) -> None:
        with self._lock:
            for group in self._zygotes.values():
                for z in group:
                    z.stop()
            self._zygotes.clear()
