"""Kernel confinement of one job, applied in the forked child before any submission code runs (Linux only).

`apply()` in order: no new privileges, every capability dropped (effective, permitted, inheritable, ambient and, where
allowed, bounding), a landlock domain (read-only access to the worker's view, read-write only in the job's work
directory, no signals to and no ptrace of anything outside the job), then a seccomp filter. What the filter refuses,
with EPERM unless said otherwise:

- new programs and processes: execve, execveat, fork, vfork, clone without CLONE_THREAD or with a namespace flag
  (threads stay allowed: BLAS and torch need them); clone3 answers ENOSYS so libc falls back to clone;
- other processes: ptrace, process_vm_readv/writev, pidfd_open/send_signal/getfd, kcmp, tkill, and kill, tgkill,
  rt_(tg)sigqueueinfo, prlimit64, sched_set*, setpriority, migrate_pages, move_pages aimed at any pid but the
  job's own (0 counts as its own where the call means "myself"); ioprio_set, process_madvise/mrelease;
- sockets of every family, and TIOCSTI/TIOCLINUX ioctls (typing into a terminal);
- the kernel's administration: mount and the new mount API, umount2, pivot_root, chroot, unshare, setns, bpf,
  perf_event_open, userfaultfd, keyctl, add_key, request_key, io_uring_*, personality, kexec_*, *_module, reboot,
  swapon/off, acct, clock/time setting, quotactl, name_to_handle_at, open_by_handle_at, syslog, uselib.

A syscall from another ABI (x32 on x86_64, or any other arch value) kills the process.
Each layer is probed once by the worker (`available()`), listed in the verdict, and then applied to every job or the
job fails with an error: a layer that was promised is never silently skipped.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys
from collections.abc import Iterable

PR_SET_DUMPABLE = 4
PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class ConfinementError(OSError):
    pass


def _call(name: str, *args: object) -> int:
    assert _libc is not None
    fn = getattr(_libc, name)
    ret = int(fn(*args))
    if ret < 0:
        err = ctypes.get_errno()
        raise ConfinementError(err, f"{name}{args[:1]}: {os.strerror(err)}")
    return ret


def _syscall(nr: int, *args: object) -> int:
    return _call("syscall", ctypes.c_long(nr), *args)


# -- syscall tables ----------------------------------------------------------------------------------------------
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_X86_64 = {
    "ptrace": 101, "kill": 62, "tkill": 200, "tgkill": 234, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "fork": 57, "vfork": 58, "clone": 56, "clone3": 435, "execve": 59, "execveat": 322,
    "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_open": 434, "pidfd_send_signal": 424,
    "pidfd_getfd": 438, "prlimit64": 302, "setpriority": 141, "sched_setscheduler": 144, "sched_setparam": 142,
    "sched_setaffinity": 203, "sched_setattr": 314, "ioprio_set": 251, "socket": 41, "socketpair": 53,
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "keyctl": 250, "add_key": 248,
    "request_key": 249, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "personality": 135,
    "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "settimeofday": 164, "clock_settime": 227,
    "adjtimex": 159, "clock_adjtime": 305, "quotactl": 179, "name_to_handle_at": 303, "open_by_handle_at": 304,
    "syslog": 103, "kcmp": 312, "migrate_pages": 256, "move_pages": 279, "process_madvise": 440,
    "process_mrelease": 448, "ioctl": 16, "uselib": 134,
}  # fmt: skip
_AARCH64 = {  # the generic table: no fork, vfork or uselib
    "ptrace": 117, "kill": 129, "tkill": 130, "tgkill": 131, "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240,
    "clone": 220, "clone3": 435, "execve": 221, "execveat": 281, "process_vm_readv": 270,
    "process_vm_writev": 271, "pidfd_open": 434, "pidfd_send_signal": 424, "pidfd_getfd": 438, "prlimit64": 261,
    "setpriority": 140, "sched_setscheduler": 119, "sched_setparam": 118, "sched_setaffinity": 122,
    "sched_setattr": 274, "ioprio_set": 30, "socket": 198, "socketpair": 199, "mount": 40, "umount2": 39,
    "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268, "open_tree": 428, "move_mount": 429,
    "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442, "bpf": 280,
    "perf_event_open": 241, "userfaultfd": 282, "keyctl": 219, "add_key": 217, "request_key": 218,
    "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "personality": 92, "kexec_load": 104,
    "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106, "reboot": 142,
    "swapon": 224, "swapoff": 225, "acct": 89, "settimeofday": 170, "clock_settime": 112, "adjtimex": 171,
    "clock_adjtime": 266, "quotactl": 60, "name_to_handle_at": 264, "open_by_handle_at": 265, "syslog": 116,
    "kcmp": 272, "migrate_pages": 238, "move_pages": 239, "process_madvise": 440, "process_mrelease": 448,
    "ioctl": 29,
}  # fmt: skip
SYSCALLS = {"x86_64": _X86_64, "aarch64": _AARCH64}
LANDLOCK_CREATE_RULESET, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT_SELF = 444, 445, 446  # the same on both

DENY = (
    "execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open",
    "pidfd_send_signal", "pidfd_getfd", "kcmp", "tkill", "ioprio_set", "process_madvise", "process_mrelease",
    "socket", "socketpair", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree",
    "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "bpf", "perf_event_open",
    "userfaultfd", "keyctl", "add_key", "request_key", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "personality", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
    "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "quotactl",
    "name_to_handle_at", "open_by_handle_at", "syslog", "uselib",
)  # fmt: skip
OWN_PID_ARG0 = ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")  # pid must be the job's own
SELF_ARG0 = ("prlimit64", "sched_setscheduler", "sched_setparam", "sched_setaffinity", "sched_setattr",
             "migrate_pages", "move_pages")  # fmt: skip  # 0 (myself) or the job's own pid
CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
X32_SYSCALL_BIT = 0x40000000


# -- a tiny classic-BPF assembler --------------------------------------------------------------------------------
LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW, RET_KILL_PROCESS, RET_ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
NR, ARCH = 0, 4  # offsets in struct seccomp_data


def arg(i: int) -> int:
    return 16 + 8 * i  # the low 32 bits of argument i (both arches are little-endian; the kernel reads ints there)


class Program:
    """Instructions with symbolic jump targets; `assemble()` resolves them to the relative offsets BPF wants."""

    def __init__(self) -> None:
        self.code: list[tuple[int, object, object, int]] = []
        self.labels: dict[str, int] = {}

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def load(self, offset: int) -> None:
        self.code.append((LD_W_ABS, 0, 0, offset))

    def jump(self, op: int, k: int, true: str | int = 0, false: str | int = 0) -> None:
        self.code.append((op, true, false, k))

    def ret(self, k: int) -> None:
        self.code.append((RET, 0, 0, k))

    def assemble(self) -> bytes:
        out = b""
        for i, (op, jt, jf, k) in enumerate(self.code):

            def rel(t: object, i: int = i) -> int:
                if isinstance(t, int):
                    return t
                off = self.labels[str(t)] - i - 1
                assert 0 <= off < 256, f"jump to {t} out of range"
                return off

            out += struct.pack("<HBBI", op, rel(jt), rel(jf), k & 0xFFFFFFFF)
        return out


def _dispatch(p: Program, rules: list[tuple[int, str]]) -> None:
    """Jump to the label of the syscall number in the accumulator, or allow it; `rules` sorted by number."""
    if len(rules) <= 3:
        for nr, label in rules:
            p.jump(JEQ, nr, label, 0)
        p.ret(RET_ALLOW)
        return
    mid = len(rules) // 2
    right = f"ge{rules[mid][0]}"
    p.jump(JGE, rules[mid][0], right, 0)
    _dispatch(p, rules[:mid])
    p.label(right)
    _dispatch(p, rules[mid:])


def seccomp_program(arch: str, own_pid: int) -> bytes:
    table = SYSCALLS[arch]
    eperm, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    p = Program()
    p.load(ARCH)
    p.jump(JEQ, AUDIT_ARCH[arch], 1, 0)
    p.ret(RET_KILL_PROCESS)
    p.load(NR)
    if arch == "x86_64":
        p.jump(JGE, X32_SYSCALL_BIT, "kill", 0)
    rules = {table[name]: "eperm" for name in DENY if name in table}
    rules |= {table["clone3"]: "enosys", table["clone"]: "clone", table["ioctl"]: "ioctl"}
    rules |= {table["setpriority"]: "setpriority"}
    rules |= {table[name]: "own_pid" for name in OWN_PID_ARG0} | {table[name]: "self" for name in SELF_ARG0}
    _dispatch(p, sorted(rules.items()))  # a search tree: any syscall is decided in about 8 comparisons
    p.label("setpriority")  # setpriority(PRIO_PROCESS, 0 or own pid): not a group, not a user's processes
    p.load(arg(0))
    p.jump(JEQ, 0, 0, "eperm")
    p.load(arg(1))
    p.jump(JEQ, 0, "allow", "own_pid_loaded")
    p.label("self")  # arg0 is 0 or the job's pid
    p.load(arg(0))
    p.jump(JEQ, 0, "allow", 0)
    p.label("own_pid_loaded")
    p.jump(JEQ, own_pid, "allow", "eperm")
    p.label("own_pid")
    p.load(arg(0))
    p.jump(JEQ, own_pid, "allow", "eperm")
    p.label("clone")  # a thread, and no new namespace
    p.load(arg(0))
    p.jump(JSET, CLONE_THREAD, 0, "eperm")
    p.jump(JSET, CLONE_NAMESPACES, "eperm", "allow")
    p.label("ioctl")
    p.load(arg(1))
    p.jump(JEQ, TIOCSTI, "eperm", 0)
    p.jump(JEQ, TIOCLINUX, "eperm", "allow")
    p.label("allow")
    p.ret(RET_ALLOW)
    p.label("eperm")
    p.ret(eperm)
    p.label("enosys")
    p.ret(enosys)
    p.label("kill")
    p.ret(RET_KILL_PROCESS)
    return p.assemble()


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


SYS_SECCOMP = {"x86_64": 317, "aarch64": 277}
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1, 4


def install_seccomp(arch: str, own_pid: int) -> None:
    """SPEC_ALLOW: the kernel does not force its speculation mitigations on the job for having a filter. They guard
    secrets inside the filtered process's own address space from that process; the job has none (all of it is a
    copy of the worker's memory, which the job may read anyway)."""
    code = seccomp_program(arch, own_pid)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    try:
        _syscall(SYS_SECCOMP[arch], SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, ctypes.byref(prog))
    except ConfinementError as e:
        if e.errno != errno.EINVAL:  # a kernel older than 4.17 knows no SPEC_ALLOW
            raise
        _call("prctl", PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0)


# -- landlock ----------------------------------------------------------------------------------------------------
LL_EXECUTE, LL_WRITE_FILE, LL_READ_FILE, LL_READ_DIR = 1, 2, 4, 8
LL_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}  # every fs right
LL_NET_ALL = 3  # bind and connect TCP (ABI 4)
LL_SCOPE_ALL = 3  # abstract unix sockets and signals outside the domain (ABI 6)
LL_READ = LL_EXECUTE | LL_READ_FILE | LL_READ_DIR
LL_FILE_RIGHTS = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | 1 << 14 | 1 << 15  # + truncate, ioctl on devices


def landlock_abi() -> int:
    if _libc is None or platform.machine() not in SYSCALLS:
        return 0
    try:
        return _syscall(LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except ConfinementError:
        return 0


def install_landlock(abi: int, read: Iterable[str], write: Iterable[str]) -> None:
    """Allow reading (and mapping for execution) beneath `read`, everything beneath `write`, nothing else."""
    fs = LL_FS_BY_ABI[max(a for a in LL_FS_BY_ABI if a <= abi)]
    attr = struct.pack("<QQQ", fs, LL_NET_ALL if abi >= 4 else 0, LL_SCOPE_ALL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    buf = ctypes.create_string_buffer(attr[:size], size)
    ruleset = _syscall(LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        for paths, rights in ((read, LL_READ), (write, fs)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # a path that does not exist grants nothing
                try:
                    allowed = rights if os.path.isdir(path) else rights & LL_FILE_RIGHTS
                    rule = ctypes.create_string_buffer(struct.pack("<Qi", allowed, fd), 12)
                    _syscall(LANDLOCK_ADD_RULE, ruleset, 1, rule, 0)
                finally:
                    os.close(fd)
        _syscall(LANDLOCK_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)


# -- capabilities ------------------------------------------------------------------------------------------------
def drop_capabilities() -> None:
    for cap in range(64):
        try:
            if _call("prctl", PR_CAPBSET_READ, cap, 0, 0, 0) == 1:
                _call("prctl", PR_CAPBSET_DROP, cap, 0, 0, 0)
        except ConfinementError as e:
            if e.errno == errno.EINVAL:
                break  # past the last capability this kernel knows
            if e.errno != errno.EPERM:  # without CAP_SETPCAP the bounding set only matters for exec (refused)
                raise
    _call("prctl", PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = ctypes.create_string_buffer(struct.pack("<Ii", 0x20080522, 0), 8)  # _LINUX_CAPABILITY_VERSION_3
    data = ctypes.create_string_buffer(bytes(24), 24)  # two {effective, permitted, inheritable}, all zero
    _call("capset", header, data)


# -- the worker and the job --------------------------------------------------------------------------------------
def available() -> tuple[str, ...]:
    """The kernel layers this worker can apply to every job, probed once at start-up."""
    if _libc is None:
        return ()
    layers = ["no-new-privs", "no-capabilities"]
    abi = landlock_abi()
    if abi:
        layers.append(f"landlock-abi{abi}")
    if platform.machine() in SYSCALLS:
        layers.append("seccomp")
        seccomp_program(platform.machine(), 1)  # warm: the children start from this state
    for name in ("prctl", "syscall", "capset"):
        getattr(_libc, name)  # warm: ctypes builds each foreign function once, here rather than in every job
    return tuple(layers)


def harden_worker() -> None:
    """The worker itself: not dumpable, so no job can open its /proc/<pid>/mem or fds or ptrace it."""
    if _libc is not None:
        _call("prctl", PR_SET_DUMPABLE, 0, 0, 0, 0)


def apply(workdir: str, *, read: Iterable[str], layers: Iterable[str]) -> None:
    """Confine the calling (single-threaded, freshly forked) job process; raises if any promised layer fails."""
    todo = frozenset(layers)
    if "no-new-privs" in todo:
        _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if "no-capabilities" in todo:
        drop_capabilities()
    abi = next((int(x.removeprefix("landlock-abi")) for x in todo if x.startswith("landlock-abi")), 0)
    if abi:
        install_landlock(abi, read, (workdir, os.devnull))
    if "seccomp" in todo:
        install_seccomp(platform.machine(), os.getpid())
