"""The in-process sandbox policy: a CPython audit hook installed in the submission's process just before its code runs.

Audit hooks cannot be removed once added. This one blocks, with a SandboxViolation naming the operation:
- new processes and signals (os.system, exec*, fork, posix_spawn, subprocess, os.kill, pthread_kill);
- the network (every socket event, urllib, http.client);
- ctypes and gc's object-graph walks (ways to reach memory or objects the policy protects);
- writes anywhere but the work directory, and any access under the protected roots (the mldrill package's reference
  solutions, katas and content, the user's data directory);
- importing mldrill, and the modules a kata forbids (e.g. torch in a NumPy kata).

It is the second layer, not the wall: the kernel (sandbox.py, confine.py) is what keeps a submission from doing
harm, and this hook gives the friendly "rejected: ..." messages. Still, it is built so that a submission cannot
switch it off from inside: every setting and helper it uses is bound when it is installed (closure cells holding
tuples, frozensets and builtin functions; no module global and no shadowable builtin such as `any` is looked up per
event; a module name is copied to a plain `str` before it is compared), and `mldrill.*` is removed from
sys.modules afterwards, so a re-import finds a fresh module, not the live one. What a submission can still reach
through its own frames is the list of violations, and emptying it can only turn "rejected" into the verdict of the
numbers it returned: the blocked operation never happened.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

DENIED_EVENTS = (
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen",
    "os.kill", "os.killpg", "signal.pthread_kill", "os.setuid", "os.setgid", "os.chroot", "os.chdir",
    "socket.", "urllib.", "http.client.", "ftplib.", "smtplib.", "telnetlib.", "webbrowser.",
    "ctypes.", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.addaudithook",
    "builtins.input", "pty.", "mmap.", "os.add_dll_directory", "sys.remote_exec",
)  # fmt: skip
PATH_EVENTS: dict[str, int | tuple[int, ...]] = {
    "os.remove": 0, "os.unlink": 0, "os.rmdir": 0, "os.mkdir": 0, "os.rename": (0, 1), "os.replace": (0, 1),
    "os.link": (0, 1), "os.symlink": (0, 1), "os.truncate": 0, "os.chmod": 0, "os.chown": 0, "os.utime": 0,
    "shutil.rmtree": 0, "shutil.copyfile": (0, 1), "shutil.move": (0, 1), "os.listdir": 0, "os.scandir": 0,
    "glob.glob": 0, "os.walk": 0,
}  # fmt: skip
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class SandboxViolation(PermissionError):
    pass


violations: list[str] = []


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
    realpath, fsdecode, sep, devnull = os.path.realpath, os.fsdecode, os.sep, os.devnull
    work = realpath(workdir)
    denied = tuple(realpath(p) for p in protected)
    modules = tuple(str(m) for m in (*tuple(forbidden_modules), "mldrill"))
    path_events = MappingProxyType({k: v if isinstance(v, tuple) else (v,) for k, v in PATH_EVENTS.items()})
    reading_events = frozenset(("os.listdir", "os.scandir", "glob.glob", "os.walk"))
    exact = frozenset(e for e in DENIED_EVENTS if not e.endswith("."))
    prefixes = tuple(e for e in DENIED_EVENTS if e.endswith("."))
    write_flags, record, violation = WRITE_FLAGS, violations.append, SandboxViolation
    str_, int_, isinstance_, repr_, len_ = str, int, isinstance, repr, len

    def real(path: Any) -> str | None:
        if isinstance_(path, int_):
            return None  # an already-open descriptor: only the harness's own pipes exist in this process
        try:
            return realpath(fsdecode(path))
        except (TypeError, ValueError):
            return ""

    def under(path: str, roots: tuple[str, ...]) -> bool:
        for r in roots:  # noqa: SIM110 - not any(): a submission can shadow builtins.any
            if path == r or path.startswith(r.rstrip(sep) + sep):
                return True
        return False

    def block(event: str, detail: str) -> None:
        msg = f"{event} is not allowed in a submission ({detail})"
        record(msg)
        raise violation(msg)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        event = str_.__add__("", event)
        if event == "open":
            path, mode, flags = (*args, None, None, None)[:3]
            resolved = real(path)
            if resolved is None:
                return
            writing = False
            if isinstance_(mode, str_):
                for c in "wax+":
                    writing = writing or c in mode
            writing = writing or (isinstance_(flags, int_) and bool(flags & write_flags))
            if under(resolved, denied):
                block("open", f"{resolved} is protected")
            if writing and not under(resolved, (work, devnull)):
                block("open", f"writing {resolved} outside the work directory")
            return
        if event == "import":
            name = str_.__add__("", args[0]) if args and isinstance_(args[0], str_) else ""
            for m in modules:
                if name == m or name.startswith(m + "."):
                    block("import", f"module {name}")
            return
        if event in path_events:
            for i in path_events[event]:
                resolved = real(args[i]) if i < len_(args) else None
                if resolved is None:
                    continue
                if under(resolved, denied) or (event not in reading_events and not under(resolved, (work,))):
                    block(event, str_(resolved))
            return
        if event in exact:
            block(event, repr_(args)[:120])
        for prefix in prefixes:
            if event.startswith(prefix):
                block(event, repr_(args)[:120])

    sys.addaudithook(hook)
    package = sys.modules.get("mldrill.grader")
    for name in [m for m in sys.modules if m == "mldrill" or m.startswith("mldrill.")]:
        del sys.modules[name]
    if package is not None and hasattr(package, "policy"):
        delattr(package, "policy")
