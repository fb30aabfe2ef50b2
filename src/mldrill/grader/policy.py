"""The in-process sandbox policy: a CPython audit hook installed in the submission's process just before its code runs.

Audit hooks cannot be removed once added. This one blocks, with a SandboxViolation naming the operation:
- new processes and signals (os.system, exec*, fork, posix_spawn, subprocess, os.kill, pthread_kill);
- the network (every socket event, urllib, http.client);
- ctypes and gc's object-graph walks (ways to reach memory or objects the policy protects);
- writes anywhere but the work directory, and any access under the protected roots (the mldrill package's reference
  solutions, katas and content, the user's data directory);
- importing mldrill, and the modules a kata forbids (e.g. torch in a NumPy kata).

It is one layer of several: the process also runs under rlimits, in a fresh working directory with a scrubbed
environment, and — where the OS allows — in its own user, network and mount namespaces (see pool.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

DENIED_EVENTS = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen",
    "os.kill", "os.killpg", "signal.pthread_kill", "os.setuid", "os.setgid", "os.chroot", "os.chdir",
    "socket.", "urllib.", "http.client.", "ftplib.", "smtplib.", "telnetlib.", "webbrowser.",
    "ctypes.", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.addaudithook",
    "builtins.input", "pty.", "mmap.", "os.add_dll_directory", "sys.remote_exec",
)  # fmt: skip
PATH_EVENTS = {
    "os.remove": 0, "os.unlink": 0, "os.rmdir": 0, "os.mkdir": 0, "os.rename": (0, 1), "os.replace": (0, 1),
    "os.link": (0, 1), "os.symlink": (0, 1), "os.truncate": 0, "os.chmod": 0, "os.chown": 0, "os.utime": 0,
    "shutil.rmtree": 0, "shutil.copyfile": (0, 1), "shutil.move": (0, 1), "os.listdir": 0, "os.scandir": 0,
    "glob.glob": 0, "os.walk": 0,
}  # fmt: skip
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class SandboxViolation(PermissionError):
    pass


violations: list[str] = []


def _real(path: Any) -> str | None:
    if isinstance(path, int):
        return None  # an already-open descriptor: only the harness's own pipes exist in this process
    try:
        return os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return ""


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def forbid_calls(names: Iterable[str]) -> None:
    """Replace library functions that would do the whole kata (e.g. torch.nn.functional.layer_norm) by blockers.

    Only in the submission's throw-away process. It stops the honest shortcut, not a determined cheat (who could
    rebuild the function): the checks still judge the numbers either way.
    """
    for name in names:
        parts = name.split(".")
        for cut in range(len(parts) - 1, 0, -1):  # the longest prefix that is an imported module
            owner: Any = sys.modules.get(".".join(parts[:cut]))
            if owner is not None:
                break
        else:
            continue
        try:
            for attr in parts[cut:-1]:
                owner = getattr(owner, attr)
            if not hasattr(owner, parts[-1]):
                continue
            setattr(owner, parts[-1], _blocker(name))
        except (AttributeError, TypeError):
            continue


def _blocker(name: str) -> Any:
    def blocked(*args: Any, **kwargs: Any) -> Any:
        msg = f"{name} is not allowed in this kata: implement it yourself"
        violations.append(msg)
        raise SandboxViolation(msg)

    return blocked


def install(*, workdir: str, protected: Iterable[str], forbidden_modules: Iterable[str]) -> None:
    work = os.path.realpath(workdir)
    denied = tuple(os.path.realpath(p) for p in protected)
    modules = (*tuple(forbidden_modules), "mldrill")

    def block(event: str, detail: str) -> None:
        msg = f"{event} is not allowed in a submission ({detail})"
        violations.append(msg)
        raise SandboxViolation(msg)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, mode, flags = ((*args, None, None, None))[:3]
            real = _real(path)
            if real is None:
                return
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & WRITE_FLAGS
            )
            if _under(real, denied):
                block("open", f"{real} is protected")
            if writing and not _under(real, (work, os.devnull)):
                block("open", f"writing {real} outside the work directory")
            return
        if event == "import":
            name = str(args[0]) if args else ""
            if any(name == m or name.startswith(m + ".") for m in modules):
                block("import", f"module {name}")
            return
        if event in PATH_EVENTS:
            idx = PATH_EVENTS[event]
            for i in idx if isinstance(idx, tuple) else (idx,):
                real = _real(args[i]) if i < len(args) else None
                if real is None:
                    continue
                reading = event in ("os.listdir", "os.scandir", "glob.glob", "os.walk")
                if _under(real, denied) or (not reading and not _under(real, (work,))):
                    block(event, str(real))
            return
        for prefix in DENIED_EVENTS:
            if event == prefix or (prefix.endswith(".") and event.startswith(prefix)):
                block(event, repr(args)[:120])

    sys.addaudithook(hook)
