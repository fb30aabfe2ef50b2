"""A bounded pool of pre-warmed zygotes (one kind per framework), started lazily and kept warm.

Isolation, strongest available first (sandbox.py): bubblewrap, else the grader's own namespaces, each with a
minimal read-only view of the filesystem; else none. In every mode each job is then confined by confine.py (no new
privileges, no capabilities, landlock, seccomp) where the kernel has those. The Verdict lists the layers in force.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mldrill.grader import sandbox
from mldrill.grader.zygote import read_frame, write_frame

PACKAGE = Path(__file__).resolve().parent.parent  # src/mldrill


def protected_paths() -> list[str]:
    from platformdirs import user_data_path

    paths = [PACKAGE / "ref", PACKAGE / "katas", PACKAGE / "content", user_data_path("mldrill", appauthor=False)]
    db = os.environ.get("MLDRILL_DATABASE_URL", "")
    if db.startswith("sqlite:///"):  # the file and its WAL companions, not its folder (which may be /tmp)
        path = Path(db.removeprefix("sqlite:///"))
        paths += [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return [str(p) for p in paths]


def namespaces_available() -> bool:
    """Whether a kernel-enforced sandbox (bwrap or the grader's own namespaces) works on this machine."""
    return sandbox.best_mode() != "none"


@dataclass
class Zygote:
    framework: str
    proc: subprocess.Popen[bytes]
    isolation: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)

    launch: sandbox.Launch | None = None

    @classmethod
    def start(cls, framework: str, *, namespaces: bool = True, mode: str | None = None) -> Zygote:
        """`mode`: bwrap | namespaces | none. By default the strongest that starts here (`namespaces=False`: none):
        a mode whose worker fails to start is not tried again in this process, and the verdicts say which ran."""
        if mode is not None or not namespaces:
            return cls._start(framework, mode or "none")
        *stronger, last = sandbox.candidates()
        for m in stronger:
            try:
                return cls._start(framework, m)
            except RuntimeError:
                sandbox.mark_broken(m)
        return cls._start(framework, last)

    @classmethod
    def _start(cls, framework: str, mode: str) -> Zygote:
        launch = sandbox.prepare(framework, mode)
        try:
            proc = subprocess.Popen(
                launch.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=launch.env
            )
        except OSError as e:
            launch.cleanup()
            raise RuntimeError(f"the {framework} grader worker ({mode}) failed to start: {e}") from e
        assert proc.stdout is not None
        hello = read_frame(proc.stdout.fileno())
        if hello is None:
            launch.cleanup()
            raise RuntimeError(f"the {framework} grader worker ({mode}) failed to start (exit code {proc.wait()})")
        layers = [str(x) for x in json.loads(hello).get("layers", [])]
        isolation = ["rlimits", "audit-hook", "fresh-workdir", "scrubbed-env", *launch.layers, *layers]
        return cls(framework, proc, isolation, launch=launch)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, job: dict[str, Any]) -> dict[str, Any] | None:
        """None when the zygote itself died (it is then replaced)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with self.lock:
            try:
                write_frame(self.proc.stdin.fileno(), json.dumps(job).encode())
                frame = read_frame(self.proc.stdout.fileno())
            except (BrokenPipeError, OSError):
                return None
        return None if frame is None else json.loads(frame)

    def stop(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        if self.launch is not None:
            self.launch.cleanup()


class Pool:
    """At most `size` zygotes per framework; a dead one is replaced on the next job."""

    def __init__(self, size: int = 1, *, namespaces: bool = True, mode: str | None = None) -> None:
        self.size, self.namespaces, self.mode = size, namespaces, mode
        self._zygotes: dict[str, list[Zygote]] = {}
        self._lock = threading.Lock()
        self._next = 0

    def warm(self, *frameworks: str) -> None:
        for fw in frameworks:
            self._pick(fw)

    def _pick(self, framework: str) -> Zygote:
        with self._lock:
            group = []
            for z in self._zygotes.get(framework, []):
                if z.alive():
                    group.append(z)
                else:
                    z.stop()  # reap it and remove its private folder
            while len(group) < self.size:
                group.append(Zygote.start(framework, namespaces=self.namespaces, mode=self.mode))
            self._zygotes[framework] = group
            self._next = (self._next + 1) % len(group)
            return group[self._next]

    def run(self, framework: str, job: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
        z = self._pick(framework)
        return z.run(job), z.isolation

    def close(self) -> None:
        with self._lock:
            for group in self._zygotes.values():
                for z in group:
                    z.stop()
            self._zygotes.clear()
