"""Where the grader's worker runs: its filesystem view and the kernel namespaces around it.

Three modes, strongest available first, probed once per process:

- `bwrap`: bubblewrap (Debian/Ubuntu/Fedora package `bubblewrap`) builds the view; new user (mapped to `nobody`,
  no capabilities, no nested user namespaces), PID, network, IPC, UTS and cgroup namespaces; a new session; the
  worker dies with the server.
- `namespaces`: the same view built by the grader itself (`unshare` from util-linux, then `launch()` below mounts
  it, pivots into it, makes every mount read-only and drops the bounding set before starting the worker).
- `none`: no namespaces (macOS, containers without user namespaces). The worker runs on the real filesystem; each
  job keeps what confine.py can still apply there (on Linux: no new privileges, `nobody` instead of root, landlock,
  seccomp) plus rlimits and the audit hook. Without landlock that is NOT a security boundary.

The view, read-only, at the same paths as outside: the system libraries (/usr/lib*, /lib*, /etc/ld.so.cache), the
interpreter and its standard library (with its own site-packages hidden), the installed distributions the framework
needs and nothing else (NumPy; for torch also torch and what torch requires), and a private copy of the grader's
own modules as the only `mldrill` package. Writable: a 64 MiB tmpfs on /tmp for the work directories. Not there:
the checkout, the mldrill package's reference solutions, katas and content, the user's data, $HOME, the network.
"""

from __future__ import annotations

import ctypes
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

GRADER = Path(__file__).resolve().parent  # src/mldrill/grader
TMP_BYTES = 64 * 1024 * 1024
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
MODES = ("bwrap", "namespaces", "none")
FRAMEWORK_DISTS = {"numpy": ("numpy", "regex"), "torch": ("numpy", "regex", "torch")}  # what katas may import
INSTALL_HINT = "install bubblewrap (apt install bubblewrap / dnf install bubblewrap) or allow user namespaces"


@dataclass
class View:
    binds: list[str] = field(default_factory=list)  # bound read-only at the same path
    links: dict[str, str] = field(default_factory=dict)  # path -> symlink target (/lib -> usr/lib)
    hidden: list[str] = field(default_factory=list)  # empty read-only tmpfs over these (inside a bind)
    pythonpath: list[str] = field(default_factory=list)

    def add(self, path: str) -> None:
        if os.path.lexists(path) and path not in self.binds:
            self.binds.append(path)

    def readable(self) -> list[str]:
        """What a job may read (landlock): the view, its devices and /proc."""
        return [*self.binds, *self.links, *DEVICES, "/proc"]


def _requirements(dist: md.Distribution) -> list[str]:
    names = []
    for req in dist.requires or []:
        marker = req.split(";", 1)[1] if ";" in req else ""
        if "extra" in marker:
            continue
        if "sys_platform" in marker and sys.platform not in marker:
            continue  # e.g. the CUDA wheels' "platform_system == 'Linux'" stay; a win32-only one goes
        m = re.match(r"[A-Za-z0-9._-]+", req)
        if m:
            names.append(m.group(0))
    return names


@cache
def _distribution_paths(framework: str) -> tuple[str, ...]:
    """Top-level files and folders of the framework's distributions and everything they require."""
    todo, seen, paths = list(FRAMEWORK_DISTS[framework]), set(), []
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        record = dist.read_text("RECORD") or ""  # read as text: torch's has ~20,000 lines (dist.files: 3 s)
        tops = dict.fromkeys(line.split(",", 1)[0].split("/", 1)[0] for line in record.splitlines() if line)
        for top in tops:
            if top in ("..", "__pycache__") or top.endswith(".pth"):
                continue
            path = os.path.realpath(str(dist.locate_file(top)))
            if path not in paths:
                paths.append(path)
        todo += _requirements(dist)
    return tuple(paths)


def build_view(framework: str, pkgdir: str) -> View:
    v = View()
    for d in ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32"):
        if os.path.islink(d):
            v.links[d] = os.readlink(d)
        elif os.path.isdir(d):
            v.add(d)
    v.add("/etc/ld.so.cache")
    v.add(os.path.realpath(sys.executable))
    stdlib = os.path.dirname(os.__file__)
    v.add(stdlib)
    lib = sysconfig.get_config_var("LIBDIR") or ""
    so = sysconfig.get_config_var("INSTSONAME") or ""
    if lib and so and os.path.exists(os.path.join(lib, so)):
        v.add(os.path.realpath(os.path.join(lib, so)))
    purelib = sysconfig.get_path("purelib", vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
    if purelib.startswith(stdlib + os.sep):
        v.hidden.append(purelib)  # the base interpreter's own site-packages (pip, whatever was installed there)
    for path in _distribution_paths(framework):
        v.add(path)
        site = os.path.dirname(path)
        if site not in v.pythonpath:
            v.pythonpath.append(site)
    if os.path.exists("/sys/devices/system/cpu"):
        v.add("/sys/devices/system/cpu")  # the CPU topology torch and OpenMP read
    v.add(pkgdir)
    v.pythonpath.insert(0, pkgdir)
    return v


def grader_copy(dest: str) -> str:
    """A private package holding only the grader's modules: `import mldrill.ref` has nothing to find."""
    pkg = Path(dest) / "pkg"
    (pkg / "mldrill" / "grader").mkdir(parents=True)
    (pkg / "mldrill" / "__init__.py").write_text('"""The grader\'s modules only (a private copy)."""\n')
    (pkg / "mldrill" / "grader" / "__init__.py").write_text("")
    for src in GRADER.glob("*.py"):
        if src.name != "__init__.py":
            shutil.copy2(src, pkg / "mldrill" / "grader" / src.name)
    for p in (pkg, *pkg.rglob("*")):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return str(pkg)


# -- the commands ----------------------------------------------------------------------------------------------
@cache
def _bwrap_help() -> str:
    try:
        return subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def bwrap_command(view: View, argv: list[str]) -> list[str]:
    cmd = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    if "--disable-userns" in _bwrap_help():  # bubblewrap >= 0.8; the seccomp filter refuses unshare anyway
        cmd.append("--disable-userns")
    cmd += ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "sandbox"]
    cmd += ["--size", str(TMP_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]  # first: a bind may lie under /tmp
    for path, target in view.links.items():
        cmd += ["--symlink", target, path]
    for path in view.binds:
        cmd += ["--ro-bind", path, path]
    for path in view.hidden:
        cmd += ["--perms", "0555", "--tmpfs", path, "--remount-ro", path]
    cmd += ["--dev", "/dev", "--proc", "/proc", "--remount-ro", "/", "--chdir", "/tmp", *argv]
    return cmd


def namespaces_command(view: View, root: str, argv: list[str]) -> list[str]:
    spec = json.dumps({"root": root, "binds": view.binds, "links": view.links, "hidden": view.hidden, "argv": argv})
    unshare = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--net", "--mount"]
    unshare += ["--ipc", "--uts", "--propagation", "private"]
    return [*unshare, sys.executable, "-S", "-B", "-m", "mldrill.grader.sandbox", spec]


@dataclass
class Launch:
    mode: str
    cmd: list[str]
    env: dict[str, str]
    private: str  # this worker's private folder on the host (the grader copy, the mount point); removed on stop
    layers: list[str]
    view: View

    def cleanup(self) -> None:
        shutil.rmtree(self.private, ignore_errors=True)


def prepare(framework: str, mode: str, *, run: tuple[str, ...] = ()) -> Launch:
    """`run`: what the interpreter runs instead of the worker (the probe)."""
    private = tempfile.mkdtemp(prefix="mldrill-sandbox-")
    os.chmod(private, 0o755)  # the worker runs as nobody in bwrap: it must traverse to its own modules
    pkg = grader_copy(private)
    view = build_view(framework, pkg)
    argv = [os.path.realpath(sys.executable), "-S", "-B", *(run or ("-m", "mldrill.grader.zygote", framework))]
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join(view.pythonpath),
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "TMPDIR": "/tmp",
        "MLDRILL_SANDBOX_MODE": mode,
        # landlock's read rules: in a kernel mode the whole visible tree is the view (one rule instead of ~40)
        "MLDRILL_SANDBOX_READ": json.dumps(["/"] if mode in ("bwrap", "namespaces") else view.readable()),
    }
    if mode == "bwrap":
        cmd = bwrap_command(view, argv)
        layers = ["bwrap", "user-namespace", "pid-namespace", "network-namespace", "mount-namespace"]
        layers += ["read-only-minimal-view", "ipc-namespace", "new-session"]
    elif mode == "namespaces":
        root = os.path.join(private, "root")
        os.mkdir(root)
        cmd = namespaces_command(view, root, argv)
        env["PYTHONPATH"] = str(GRADER.parent.parent)  # the launcher runs before the view exists
        env["MLDRILL_WORKER_PYTHONPATH"] = os.pathsep.join(view.pythonpath)
        layers = ["own-namespaces", "user-namespace", "pid-namespace", "network-namespace", "mount-namespace"]
        layers += ["read-only-minimal-view", "ipc-namespace"]
    else:
        cmd = argv
        env["TMPDIR"] = os.path.join(private, "tmp")  # the work directories go where cleanup() finds them
        os.mkdir(env["TMPDIR"], 0o700)
        layers = ["none: no namespaces, the real filesystem (not a security boundary without landlock)"]
    return Launch(mode, cmd, env, private, layers, view)


_broken: set[str] = set()  # modes whose worker failed to start in this process


def installed(mode: str) -> bool:
    """Whether `mode` can be tried here at all (the OS, the tool on PATH)."""
    if sys.platform != "linux":
        return mode == "none"
    if mode == "bwrap":  # --size (a capped /tmp) and --perms need bubblewrap >= 0.5
        return shutil.which("bwrap") is not None and "--size" in _bwrap_help() and "--perms" in _bwrap_help()
    return mode == "none" or shutil.which("unshare") is not None


def candidates() -> list[str]:
    """The modes to try, strongest first: MLDRILL_SANDBOX forces one; a mode that failed here is skipped."""
    forced = os.environ.get("MLDRILL_SANDBOX")
    if forced in MODES:
        return [forced]
    return [m for m in MODES if installed(m) and m not in _broken]


def mark_broken(mode: str) -> None:
    if mode != "none":
        _broken.add(mode)


@cache
def mode_works(mode: str) -> bool:
    """Start the interpreter in a throw-away view (numpy is not imported: a broken view must fail loudly)."""
    if not installed(mode):
        return False
    if mode == "none":
        return True
    launch = prepare("numpy", mode, run=("-c", "pass"))
    try:
        return subprocess.run(launch.cmd, env=launch.env, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        launch.cleanup()


def best_mode() -> str:
    return next(m for m in candidates() if mode_works(m))


# -- the grader's own namespaces: runs as root of a fresh user namespace, pid 1 of a fresh PID namespace -----------
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_BIND = 1, 2, 4, 8, 16384, 4096
MNT_DETACH, AT_FDCWD, AT_RECURSIVE = 2, -100, 0x8000
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NODEV = 1, 2, 4
SYS_MOUNT_SETATTR, SYS_PIVOT_ROOT = 442, {"x86_64": 155, "aarch64": 41}


def _mount(src: str | None, dst: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    enc = [None if x is None else x.encode() for x in (src, dst, fstype, data)]
    if libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {src} on {dst}: {os.strerror(err)}")


def _mountpoint(path: str, like: str) -> None:
    if os.path.isdir(like):
        os.makedirs(path, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            open(path, "w").close()


def _mount_setattr(libc: ctypes.CDLL, path: str, flags: int, *, set_: int = 0, clear: int = 0) -> None:
    attr = ctypes.create_string_buffer(set_.to_bytes(8, "little") + clear.to_bytes(8, "little") + bytes(16), 32)
    if libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), AT_FDCWD, path.encode(), flags, attr, ctypes.c_size_t(32)):
        err = ctypes.get_errno()
        raise OSError(err, f"mount_setattr {path}: {os.strerror(err)}")


def launch(spec: dict[str, object]) -> None:
    """Build the view under spec['root'], pivot into it, make it read-only, drop privileges, exec the worker."""
    import platform

    from mldrill.grader import confine

    root = str(spec["root"])
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    os.makedirs(root + "/tmp")
    _mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMP_BYTES},mode=1777")
    links, binds, hidden = spec["links"], spec["binds"], spec["hidden"]
    assert isinstance(links, dict) and isinstance(binds, list) and isinstance(hidden, list)
    for path, target in links.items():
        os.makedirs(os.path.dirname(root + path), exist_ok=True)
        os.symlink(target, root + path)
    for path in binds:
        _mountpoint(root + path, path)
        _mount(path, root + path, None, MS_BIND | MS_REC)
    for path in hidden:
        _mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,mode=555")
    os.makedirs(root + "/proc")
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.makedirs(root + "/dev")
    _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID, "size=4k,mode=755")
    for dev in DEVICES:
        _mountpoint(root + dev, dev)
        _mount(dev, root + dev, None, MS_BIND)
    os.makedirs(root + "/.old")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(ctypes.c_long(SYS_PIVOT_ROOT[platform.machine()]), root.encode(), (root + "/.old").encode()):
        raise OSError(ctypes.get_errno(), "pivot_root")
    os.chdir("/")
    if libc.umount2(b"/.old", MNT_DETACH):
        raise OSError(ctypes.get_errno(), "umount /.old")
    os.rmdir("/.old")
    _mount_setattr(libc, "/", AT_RECURSIVE, set_=MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
    _mount_setattr(libc, "/tmp", 0, clear=MOUNT_ATTR_RDONLY)  # only the work tmpfs itself (not what lies on it)
    for dev in DEVICES:
        _mount_setattr(libc, dev, 0, clear=MOUNT_ATTR_NODEV)  # /dev/null must stay a device (still read-only)
    os.chdir("/tmp")
    libc.sethostname(b"sandbox", 7)
    confine.drop_capabilities()  # the bounding set too (we hold CAP_SETPCAP here): the worker starts with none
    libc.prctl(confine.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    argv = spec["argv"]
    assert isinstance(argv, list)
    env = {k: v for k, v in os.environ.items() if k != "MLDRILL_WORKER_PYTHONPATH"}
    env["PYTHONPATH"] = os.environ.get("MLDRILL_WORKER_PYTHONPATH", "")
    os.execve(argv[0], argv, env)


if __name__ == "__main__":
    launch(json.loads(sys.argv[1]))
