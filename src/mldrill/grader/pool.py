"""A bounded pool of pre-warmed zygotes (one kind per framework), started lazily and kept warm.

Isolation, strongest available first: the zygote is started under `unshare` in new user, network and mount
namespaces, with empty tmpfs mounted over the protected directories (reference solutions, katas, content, the user
data dir), so a submission has no network and cannot even see those files. Where namespaces are not allowed (some
containers, macOS), it runs without them and the audit-hook policy and rlimits remain. The Verdict lists which
layers were in force.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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


@cache
def namespaces_available() -> bool:
    unshare = shutil.which("unshare")
    if not unshare or sys.platform != "linux":
        return False
    try:
        probe = subprocess.run([unshare, "-rnm", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


_MOUNT_SCRIPT = (
    'for d in "$@"; do [ -d "$d" ] && mount -t tmpfs -o size=4k,mode=000 mldrill-hidden "$d"; done; '
    'exec "$PYTHON" -m mldrill.grader.zygote "$FRAMEWORK"'
)


@dataclass
class Zygote:
    framework: str
    proc: subprocess.Popen[bytes]
    isolation: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, framework: str, *, namespaces: bool = True) -> Zygote:
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(PACKAGE.parent),
            "PYTHONDONTWRITEBYTECODE": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "PYTHON": sys.executable,
            "FRAMEWORK": framework,
        }
        isolation = ["rlimits", "audit-hook", "fresh-workdir", "scrubbed-env"]
        if namespaces and namespaces_available():
            cmd = ["unshare", "-rnm", "--propagation", "private", "sh", "-c", _MOUNT_SCRIPT, "sh", *protected_paths()]
            isolation += ["user-namespace", "network-namespace", "mount-namespace"]
        else:
            cmd = [sys.executable, "-m", "mldrill.grader.zygote", framework]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert proc.stdout is not None
        hello = read_frame(proc.stdout.fileno())
        if hello is None:
            raise RuntimeError(f"the {framework} grader worker failed to start (exit code {proc.wait()})")
        return cls(framework, proc, isolation)

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


class Pool:
    """At most `size` zygotes per framework; a dead one is replaced on the next job."""

    def __init__(self, size: int = 1, *, namespaces: bool = True) -> None:
        self.size, self.namespaces = size, namespaces
        self._zygotes: dict[str, list[Zygote]] = {}
        self._lock = threading.Lock()
        self._next = 0

    def warm(self, *frameworks: str) -> None:
        for fw in frameworks:
            self._pick(fw)

    def _pick(self, framework: str) -> Zygote:
        with self._lock:
            group = [z for z in self._zygotes.get(framework, []) if z.alive()]
            while len(group) < self.size:
                group.append(Zygote.start(framework, namespaces=self.namespaces))
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
