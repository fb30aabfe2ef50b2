"""The kernel holds the sandbox: attacks that get past (or tamper with) the audit hook still have no effect outside.

Every isolation mode that works on this machine is tested (`bwrap`, the grader's own `namespaces`, and `none` where
landlock and seccomp still confine each job); a mode that does not work here is skipped with the reason shown.
Each attack is a real submission to a real kata. A "leak" attack returns the right answer only if it got what it
was after, so a pass would prove the leak; an "effect" attack tries to change something outside and then answers
correctly, and the test checks outside that nothing changed: canary files (a temp folder, $HOME, the checkout, the
grader's own source, the virtualenv), a decoy process (alive, same nice value and limits), the test process's own
limits, no connection to a listening socket, and the next correct and wrong submissions judged right.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mldrill.catalog.katas import Kata, Limits, get_katas
from mldrill.grader import confine, sandbox
from mldrill.grader.api import check_kata
from mldrill.grader.pool import PACKAGE, Pool
from mldrill.grader.verdict import Verdict

REPO = PACKAGE.parent.parent
ANSWER = (
    "    z = x - x.max(axis=axis, keepdims=True)\n    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n"
)
GOOD = "import numpy as np\ndef softmax(x, axis=-1):\n" + ANSWER
WRONG = "import numpy as np\ndef softmax(x, axis=-1):\n    return np.exp(x) / np.exp(x).sum()\n"
SECRET = "mldrill-secret-" + secrets.token_hex(8)


def indent(code: str, n: int) -> str:
    return "\n".join(" " * n + line for line in code.strip("\n").splitlines())


def effect(code: str) -> str:
    """Try `code` (errors swallowed), then answer correctly."""
    body = f"    try:\n{indent(code, 8)}\n    except BaseException:\n        pass\n"
    return f"import numpy as np\nimport os, sys\ndef softmax(x, axis=-1):\n{body}{ANSWER}"


def leak(code: str) -> str:
    """`code` sets `leaked = True` only if the attack worked; only then does the submission answer correctly."""
    body = f"    leaked = False\n    try:\n{indent(code, 8)}\n    except BaseException:\n        pass\n"
    body += "    if not leaked:\n        return x * 0\n"
    return f"import numpy as np\nimport os, sys\ndef softmax(x, axis=-1):\n{body}{ANSWER}"


@dataclass
class Outside:
    """What the sandbox must leave alone, created by the test outside it."""

    tmp: Path
    canaries: dict[Path, str]  # file -> its content
    absent: list[Path]  # files that must not appear
    decoy: subprocess.Popen[bytes]
    decoy_state: tuple[int, tuple[int, int]]
    own_limits: tuple[int, int]
    listener: socket.socket
    db: Path

    def fmt(self, code: str) -> str:
        names = {
            "TMP": str(self.tmp),
            "CANARY": str(self.tmp / "canary"),
            "DECOY": str(self.decoy.pid),
            "TEST_PID": str(os.getpid()),
            "PORT": str(self.listener.getsockname()[1]),
            "DB": str(self.db),
            "SECRET": SECRET,
        }
        for k, v in names.items():
            code = code.replace("{" + k + "}", v)
        return code

    def check_untouched(self) -> None:
        for path, text in self.canaries.items():
            assert path.read_text() == text, f"{path} was changed"
        for path in self.absent:
            assert not path.exists(), f"{path} was created"
        assert self.decoy.poll() is None, "the decoy process was killed"
        pid = self.decoy.pid
        assert (os.getpriority(os.PRIO_PROCESS, pid), resource.prlimit(pid, resource.RLIMIT_NOFILE)) == (
            self.decoy_state
        ), "the decoy's nice value or limits changed"
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == self.own_limits, "the test process's limits changed"
        self.listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            self.listener.accept()  # nobody connected


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outside]:
    tmp = tmp_path_factory.mktemp("outside")
    token = secrets.token_hex(4)
    home = Path.home() / f".mldrill-isolation-canary-{token}"
    checkout = REPO / "tests" / "grader" / f".isolation-canary-{token}"
    canaries = {tmp / "canary": "original", home: "original", checkout: "original"}
    for path, text in canaries.items():
        path.write_text(text)
    source = {p: _sha(p) for p in (PACKAGE / "grader").glob("*.py")}
    site = Path(sysconfig.get_path("purelib"))
    absent = [tmp / "pwned", tmp / "late", site / f"mldrill-isolation-{token}.pth", PACKAGE / "grader" / "pwned.py"]
    (tmp / "copy-of-ref.py").write_bytes((PACKAGE / "ref" / "numerics.py").read_bytes())
    db = tmp / "mldrill.db"
    db.write_text(f"{SECRET} history")
    old_db, old_secret = os.environ.get("MLDRILL_DATABASE_URL"), os.environ.get("MLDRILL_ISOLATION_SECRET")
    os.environ["MLDRILL_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["MLDRILL_ISOLATION_SECRET"] = SECRET  # in the trusted process's environment only
    decoy = subprocess.Popen(["sleep", "600"])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    state = (os.getpriority(os.PRIO_PROCESS, decoy.pid), resource.prlimit(decoy.pid, resource.RLIMIT_NOFILE))
    out = Outside(tmp, canaries, absent, decoy, state, resource.getrlimit(resource.RLIMIT_NOFILE), listener, db)
    yield out
    decoy.kill()
    decoy.wait()
    listener.close()
    for path in [home, checkout, *absent]:
        path.unlink(missing_ok=True)
    assert {p: _sha(p) for p in (PACKAGE / "grader").glob("*.py")} == source, "the grader's source changed"
    for key, value in (("MLDRILL_DATABASE_URL", old_db), ("MLDRILL_ISOLATION_SECRET", old_secret)):
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


KERNEL = {"bwrap": "bubblewrap", "namespaces": "the grader's own namespaces (unshare)"}


@pytest.fixture(scope="module", params=["bwrap", "namespaces", "none"])
def pool(request: pytest.FixtureRequest, outside: Outside) -> Iterator[Pool]:
    mode = request.param
    if not sandbox.mode_works(mode):
        pytest.skip(f"{KERNEL.get(mode, mode)} does not work on this machine")
    if mode == "none" and not {"seccomp", "no-capabilities"} <= set(confine.available()):
        pytest.skip("mode none without seccomp is no boundary; only the statement test applies")
    if mode == "none" and not confine.landlock_abi():
        pytest.skip("mode none without landlock is no boundary; only the statement test applies")
    p = Pool(size=1, mode=mode)
    yield p
    p.close()


@pytest.fixture(scope="module")
def kata() -> Kata:
    k = get_katas()["stable-softmax"]
    return Kata(k.spec.model_copy(update={"limits": Limits(wall_s=5, cpu_s=5, memory_mb=256)}), k.folder)


def judge(pool: Pool, kata: Kata, source: str) -> Verdict:
    return check_kata(kata, source, pool=pool)


def test_the_verdict_names_the_layers_in_force(pool: Pool, kata: Kata) -> None:
    v = judge(pool, kata, GOOD)
    assert v.status == "passed", v
    assert {"seccomp", "no-new-privs", "no-capabilities"} <= set(v.isolation), v.isolation
    if pool.mode in KERNEL:
        assert {"pid-namespace", "network-namespace", "read-only-minimal-view"} <= set(v.isolation), v.isolation


LEAKS = {
    # the reference solution, the kata's checks, the user's data, other copies on disk (classes 7 and 8)
    "read the reference solution": "leaked = b'def softmax' in open({REF!r}, 'rb').read()",
    "read another copy on disk": "leaked = b'def softmax' in open('{TMP}/copy-of-ref.py', 'rb').read()",
    "SourceFileLoader on the reference": (
        "from importlib.machinery import SourceFileLoader\n"
        "m = SourceFileLoader('r', {REF!r}).load_module()\nleaked = hasattr(m, 'softmax')"
    ),
    "read the kata's checks": "leaked = b'def checks' in open({CHECKS!r}, 'rb').read()",
    "list the checkout's .git": "leaked = len(os.listdir({GIT!r})) > 0",
    "read the user's database": "leaked = b'{SECRET}' in open('{DB}', 'rb').read()",
    "read the user's database with dir_fd": (
        "fd = os.open('{TMP}', os.O_RDONLY)\n"
        "leaked = b'{SECRET}' in os.read(os.open('mldrill.db', os.O_RDONLY, dir_fd=fd), 4096)"
    ),
    "read the trusted process's environment": (
        "for p in [str(os.getppid()), '1', '{TEST_PID}', *os.listdir('/proc')]:\n"
        "    try:\n        leaked = leaked or b'{SECRET}' in open(f'/proc/{p}/environ', 'rb').read()\n"
        "    except OSError:\n        pass"
    ),
    "import the reference package": "from mldrill.ref.numerics import softmax as s\nleaked = True",
    "shadow builtins.any, then import an oracle": (
        "import builtins\nbuiltins.any = lambda it: False\nimport scipy.special\nleaked = True"
    ),
    "tamper with the policy, then import an oracle": (
        "p = sys.modules.get('mldrill.grader.policy')\n"
        "p.DENIED_EVENTS = ()\np._under = lambda *a: False\np.violations.clear()\nimport scipy.special\nleaked = True"
    ),
    # the worker (class 5): its memory, its descriptors, ptrace
    "open the worker's /proc/mem for writing": "os.open(f'/proc/{os.getppid()}/mem', os.O_RDWR)\nleaked = True",
    "open the worker's fds for writing": (
        "d = f'/proc/{os.getppid()}/fd'\n"
        "for n in os.listdir(d):\n    os.open(f'{d}/{n}', os.O_WRONLY)\n    leaked = True"
    ),
    "ptrace the worker": "import ctypes\nleaked = ctypes.CDLL(None).ptrace(16, os.getppid(), 0, 0) == 0",
    "connect to a listening socket": (
        "import socket\nsocket.create_connection(('127.0.0.1', {PORT}), timeout=1)\nleaked = True"
    ),
}

EFFECTS = {
    # processes (class 3)
    "os.system": "os.system('echo x > {TMP}/pwned')",
    "_posixsubprocess.fork_exec": (
        "import _posixsubprocess\nr, w = os.pipe()\n"
        "_posixsubprocess.fork_exec([b'/bin/sh', b'-c', b'echo x > {TMP}/pwned'], [b'/bin/sh'], True, (), None, None,"
        " -1, -1, -1, -1, -1, -1, r, w, True, False, -1, None, None, None, -1, None, False)"
    ),
    "subinterpreter running os.system": (
        "import _xxsubinterpreters as si\nsi.run_string(si.create(), \"import os; os.system('echo x > {TMP}/pwned')\")"
    ),
    "fork + setsid grandchild outliving the job": (
        "import _xxsubinterpreters as si\n"
        "si.run_string(si.create(), 'import os, time\\nif os.fork() == 0:\\n    os.setsid(); time.sleep(0.5)\\n"
        '    open("{TMP}/late", "w").write("x")\\n    os._exit(0)\')'
    ),
    "pidfd_send_signal to the decoy": "import signal\nsignal.pidfd_send_signal(os.pidfd_open({DECOY}), 9)",
    "pidfd_send_signal to the worker": "import signal\nsignal.pidfd_send_signal(os.pidfd_open(os.getppid()), 9)",
    "os.kill the decoy": "os.kill({DECOY}, 9)",
    "prlimit on the decoy and the test process": (
        "import resource\nfor p in ({DECOY}, {TEST_PID}, os.getppid()):\n"
        "    try:\n        resource.prlimit(p, resource.RLIMIT_NOFILE, (3, 3))\n    except OSError:\n        pass"
    ),
    "setpriority on the decoy, the worker, the user": (
        "for which, who in ((os.PRIO_PROCESS, {DECOY}), (os.PRIO_PROCESS, os.getppid()), (os.PRIO_USER, 0)):\n"
        "    try:\n        os.setpriority(which, who, 19)\n    except OSError:\n        pass"
    ),
    # files (classes 2 and 4)
    "write a canary": "open('{CANARY}', 'w').write('pwned')",
    "open with dir_fd": (
        "fd = os.open('{TMP}', os.O_RDONLY)\nos.write(os.open('canary', os.O_WRONLY | os.O_TRUNC, dir_fd=fd), b'pwned')"
    ),
    "unlink with dir_fd": "fd = os.open('{TMP}', os.O_RDONLY)\nos.unlink('canary', dir_fd=fd)",
    "rename with src_dir_fd": (
        "fd = os.open('{TMP}', os.O_RDONLY)\nos.rename('canary', 'pwned', src_dir_fd=fd, dst_dir_fd=fd)"
    ),
    "symlink race": (
        "import threading\nstop = []\ndef flip():\n    while not stop:\n        try:\n"
        "            os.unlink('l')\n        except OSError:\n            pass\n        try:\n"
        "            os.symlink('{CANARY}' if len(stop) == 0 and os.urandom(1)[0] & 1 else 'mine', 'l')\n"
        "        except OSError:\n            pass\n"
        "t = threading.Thread(target=flip)\nt.start()\nfor _ in range(300):\n    try:\n"
        "        open('l', 'w').write('pwned')\n    except OSError:\n        pass\nstop.append(1)\nt.join()"
    ),
    "write $HOME, the checkout, the venv, the grader's source": (
        "for path in {WRITES!r}:\n    try:\n        open(path, 'a').write('pwned')\n    except OSError:\n        pass"
    ),
}


def _paths(outside: Outside) -> dict[str, str]:
    git = REPO / ".git"
    gitdir = git.read_text().split(":", 1)[1].strip() if git.is_file() else str(git)
    writes = [str(p) for p in outside.canaries] + [str(p) for p in outside.absent]
    return {
        "{REF!r}": repr(str(PACKAGE / "ref" / "numerics.py")),
        "{CHECKS!r}": repr(str(PACKAGE / "katas" / "stable-softmax" / "checks.py")),
        "{GIT!r}": repr(gitdir),
        "{WRITES!r}": repr(writes),
    }


def _source(template: str, outside: Outside, kind: str) -> str:
    for k, v in _paths(outside).items():
        template = template.replace(k, v)
    return outside.fmt(leak(template) if kind == "leak" else effect(template))


def _next_jobs_are_judged_right(pool: Pool, kata: Kata) -> None:
    assert judge(pool, kata, GOOD).status == "passed"
    assert judge(pool, kata, WRONG).status == "failed"


@pytest.mark.parametrize("name", list(LEAKS))
def test_leaks_get_nothing(pool: Pool, kata: Kata, outside: Outside, name: str) -> None:
    v = judge(pool, kata, _source(LEAKS[name], outside, "leak"))
    assert v.status != "passed", f"{name}: the attack got what it was after: {v}"
    outside.check_untouched()
    _next_jobs_are_judged_right(pool, kata)


@pytest.mark.parametrize("name", list(EFFECTS))
def test_effects_stay_inside(pool: Pool, kata: Kata, outside: Outside, name: str) -> None:
    judge(pool, kata, _source(EFFECTS[name], outside, "effect"))
    if "outliving" in name:
        time.sleep(1.0)  # the grandchild would write 0.5 s after the job
    outside.check_untouched()
    _next_jobs_are_judged_right(pool, kata)


def test_torch_file_io_stays_inside(outside: Outside) -> None:
    """torch.save and torch.from_file(shared=True) do their I/O in C++, where no audit hook sees it."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed")
    mode = sandbox.best_mode()
    if mode == "none" and not confine.landlock_abi():
        pytest.skip("mode none without landlock is no boundary")
    k = get_katas()["alibi-slopes"]
    kata = Kata(k.spec.model_copy(update={"limits": Limits(wall_s=20, cpu_s=20, memory_mb=1024)}), k.folder)
    attack = outside.fmt(
        "import torch\ndef alibi_slopes(h):\n"
        "    try:\n        torch.save(torch.zeros(3), '{TMP}/pwned')\n    except BaseException:\n        pass\n"
        "    try:\n        t = torch.from_file('{CANARY}', shared=True, size=4, dtype=torch.uint8)\n"
        "        t.fill_(65)\n    except BaseException:\n        pass\n    return torch.zeros(h)\n"
    )
    p = Pool(size=1, mode=mode)
    try:
        v = check_kata(kata, attack, pool=p)
        assert v.status != "passed"
        outside.check_untouched()
    finally:
        p.close()


# -- the view and the kernel layers on their own, without the audit hook -------------------------------------------
VIEW_PROBE = """
import json, os, socket, sys
facts = {"pid": os.getpid(), "root": sorted(os.listdir("/")), "uid": os.getuid()}
for name, path in PATHS.items():
    facts[name] = os.path.exists(path)
for name, path in WRITES.items():
    try:
        open(path, "a").close()
        facts[name] = "written"
    except OSError as e:
        facts[name] = e.strerror
try:
    import torch
    facts["torch"] = True
except ImportError:
    facts["torch"] = False
try:
    import mldrill.ref
    facts["mldrill.ref"] = True
except ImportError:
    facts["mldrill.ref"] = False
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=1)
    facts["connect"] = True
except OSError:
    facts["connect"] = False
try:
    with open("/tmp/big", "wb") as f:
        f.write(bytes(80 * 1024 * 1024))
    facts["tmp_80MiB"] = True
except OSError:
    facts["tmp_80MiB"] = False
print(json.dumps(facts))
"""


@pytest.mark.parametrize("mode", ["bwrap", "namespaces"])
def test_the_view_is_minimal_and_read_only(mode: str, outside: Outside) -> None:
    """Run plain Python (no audit hook, no seccomp) in the worker's view: the kernel alone hides and protects."""
    if not sandbox.mode_works(mode):
        pytest.skip(f"{KERNEL[mode]} does not work on this machine")
    site = sysconfig.get_path("purelib")
    paths = {
        "ref": str(PACKAGE / "ref"),
        "katas": str(PACKAGE / "katas"),
        "content": str(PACKAGE / "content"),
        "checkout": str(REPO / "pyproject.toml"),
        "home": next(str(p) for p in outside.canaries if p.parent == Path.home()),
        "ssh": str(Path.home() / ".ssh"),
        "db": str(outside.db),
        "scipy": os.path.join(site, "scipy"),
        "torch_files": os.path.join(site, "torch"),
    }
    writes = {"w_usr": "/usr/lib/mldrill-pwned", "w_site": os.path.join(site, "numpy", "pwned.py")}
    script = VIEW_PROBE.replace("PATHS", repr(paths)).replace("WRITES", repr(writes))
    script = script.replace("PORT", str(outside.listener.getsockname()[1]))
    launch = sandbox.prepare("numpy", mode, run=("-c", script))
    try:
        out = subprocess.run(launch.cmd, env=launch.env, capture_output=True, timeout=60)
    finally:
        launch.cleanup()
    assert out.returncode == 0, out.stderr.decode()
    facts = json.loads(out.stdout)
    assert facts["pid"] <= 3, facts  # its own PID namespace
    assert not [k for k in paths if facts[k]], facts
    assert facts["w_usr"] != "written" and facts["w_site"] != "written", facts
    assert not facts["torch"] and not facts["mldrill.ref"] and not facts["connect"], facts
    assert not facts["tmp_80MiB"], "the work tmpfs is capped at 64 MiB"
    tops = {path.split("/")[1] for path in launch.view.readable()}
    assert set(facts["root"]) <= tops | {"tmp", "dev", "proc"}, facts["root"]  # only what leads to the view
    outside.check_untouched()


CONFINE_PROBE = """
import ctypes, json, os, resource, signal, socket, sys
from mldrill.grader import confine
layers = confine.available()
confine.apply(WORK, read=READ, layers=layers)
r = {}
def attempt(name, fn):
    try:
        fn()
        r[name] = "allowed"
    except OSError as e:
        r[name] = e.strerror
attempt("fork", os.fork)
attempt("exec", lambda: os.execv("/bin/true", ["true"]))
attempt("kill decoy", lambda: os.kill(DECOY, 0))
attempt("kill parent", lambda: os.kill(os.getppid(), 0))
attempt("pidfd_open", lambda: os.pidfd_open(DECOY))
attempt("prlimit decoy", lambda: resource.prlimit(DECOY, resource.RLIMIT_NOFILE))
attempt("setpriority decoy", lambda: os.setpriority(os.PRIO_PROCESS, DECOY, 19))
attempt("socket", socket.socket)
attempt("read secret", lambda: open(DB).read())
attempt("write outside", lambda: open(CANARY, "w"))
attempt("parent environ", lambda: open(f"/proc/{os.getppid()}/environ", "rb").read())
attempt("parent mem", lambda: os.open(f"/proc/{os.getppid()}/mem", os.O_RDWR))
attempt("parent fd", lambda: os.open(f"/proc/{os.getppid()}/fd/1", os.O_WRONLY))
libc = ctypes.CDLL(None, use_errno=True)
r["ptrace"] = "allowed" if libc.ptrace(16, os.getppid(), 0, 0) == 0 else os.strerror(ctypes.get_errno())
attempt("write work", lambda: open(os.path.join(WORK, "f"), "w").write("x"))
attempt("own limit", lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64)))
attempt("kill self 0", lambda: os.kill(os.getpid(), 0))
import threading
t = threading.Thread(target=lambda: None); t.start(); t.join(); r["thread"] = "allowed"
print(json.dumps({"layers": layers, "r": r}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="seccomp and landlock are Linux's")
def test_confine_alone_blocks_what_the_hook_may_miss(outside: Outside, tmp_path: Path) -> None:
    """confine.apply in a plain process (no namespaces, no audit hook): each kernel layer on its own."""
    if not confine.available():
        pytest.skip("no seccomp on this machine")
    work = tmp_path / "work"
    work.mkdir()
    read = [os.path.dirname(os.__file__), str(PACKAGE / "grader"), "/usr/lib", "/proc", "/dev/null"]
    script = CONFINE_PROBE
    for k, v in {"WORK": str(work), "READ": read, "DECOY": outside.decoy.pid, "DB": str(outside.db)}.items():
        script = script.replace(k, repr(v) if isinstance(v, str | list) else str(v))
    script = script.replace("CANARY", repr(str(outside.tmp / "canary")))
    env = {"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-S", "-c", script], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    got = json.loads(out.stdout)
    r = got["r"]
    for name in ("fork", "exec", "kill decoy", "kill parent", "pidfd_open", "prlimit decoy", "setpriority decoy"):
        assert r[name] != "allowed", (name, r)
    assert r["socket"] != "allowed" and r["ptrace"] != "allowed", r
    for name in ("write work", "own limit", "kill self 0", "thread"):
        assert r[name] == "allowed", (name, r)
    if any(x.startswith("landlock") for x in got["layers"]):
        for name in ("read secret", "write outside", "parent environ", "parent mem", "parent fd"):
            assert r[name] != "allowed", (name, r)
    outside.check_untouched()


RAW_SYSCALL_PROBE = """
import ctypes, json, os, sys
from mldrill.grader import confine
confine.apply(WORK, read=READ, layers=confine.available())
libc = ctypes.CDLL(None, use_errno=True)
r = {}
def raw(name, nr, *args):
    res = libc.syscall(nr, *args)
    if res == 0 and nr in (56, 58):  # the child of a clone or vfork that got through: leave at once
        os._exit(0)
    r[name] = "allowed" if res >= 0 else os.strerror(ctypes.get_errno())
    return res
raw("socket(AF_INET)", 41, 2, 1, 0)
raw("socket(AF_UNIX)", 41, 1, 1, 0)
raw("socketpair(AF_UNIX)", 53, 1, 1, 0, ctypes.byref((ctypes.c_int * 2)()))
raw("clone(SIGCHLD)", 56, 17, 0, 0, 0, 0)
raw("vfork", 58)
raw("clone3", 435, 0, 0)
raw("io_uring_setup", 425, 1, 0)
raw("userfaultfd", 323, 0)
raw("ptrace(ATTACH, parent)", 101, 16, os.getppid(), 0, 0)
raw("process_vm_readv(parent)", 310, os.getppid(), 0, 0, 0, 0, 0)
raw("unshare(CLONE_NEWUSER)", 272, 0x10000000)
raw("perf_event_open", 298, 0, 0, -1, -1, 0)
raw("bpf", 321, 0, 0, 0)
fd = libc.syscall(319, ctypes.c_char_p(b"m"), 0)  # memfd_create: anonymous memory, allowed ...
os.write(fd, b"#!/bin/sh\\necho pwned > CANARY\\n")
argv = (ctypes.c_char_p * 2)(b"m", None)
raw("execveat(memfd)", 322, fd, ctypes.c_char_p(b""), argv, None, 0x1000)  # ... but never run (AT_EMPTY_PATH)
print(json.dumps(r))
"""


@pytest.mark.skipif(
    sys.platform != "linux" or os.uname().machine != "x86_64", reason="raw syscall numbers are x86_64's"
)
def test_raw_syscalls_through_ctypes_are_refused(outside: Outside, tmp_path: Path) -> None:
    """The same kernel layers against libc.syscall(): no Python wrapper (socket, os.fork, the audit hook) in the way,
    so only seccomp stands between a submission and sockets, new processes, ptrace, io_uring, bpf, user namespaces,
    and running a file it wrote into memory (memfd_create is allowed; execveat of it is not)."""
    if not confine.available():
        pytest.skip("no seccomp on this machine")
    work = tmp_path / "work"
    work.mkdir()
    script = RAW_SYSCALL_PROBE.replace("WORK", repr(str(work))).replace("CANARY", str(outside.tmp / "canary"))
    script = script.replace("READ", repr([os.path.dirname(os.__file__), str(PACKAGE / "grader"), "/usr/lib", "/proc"]))
    env = {"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-S", "-c", script], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    allowed = [name for name, got in json.loads(out.stdout).items() if got == "allowed"]
    assert allowed == [], allowed
    outside.check_untouched()


def test_mode_none_says_it_is_not_a_boundary(kata: Kata) -> None:
    p = Pool(size=1, mode="none")
    try:
        v = judge(p, kata, GOOD)
    finally:
        p.close()
    assert v.status == "passed"
    assert any("not a security boundary" in layer for layer in v.isolation), v.isolation
    assert not {"pid-namespace", "network-namespace", "read-only-minimal-view"} & set(v.isolation)


POLICY_TAMPER = """
import builtins, json, sys
from mldrill.grader import policy
policy.install(workdir=WORK, protected=[], forbidden_modules=["bisect", "graphlib", "colorsys"])
r = {"in sys.modules": [m for m in sys.modules if m.startswith("mldrill")]}
def attempt(name, fn):
    try:
        fn()
        r[name] = "allowed"
    except PermissionError:
        r[name] = "blocked"
builtins.any = lambda it: False  # class 8: the import rule must not call a shadowable builtin
attempt("import after shadowing any", lambda: __import__("bisect"))
class Liar(str):
    def __eq__(self, other): return False
    def startswith(self, *a): return False
    __hash__ = str.__hash__
attempt("import a lying str", lambda: __import__(Liar("graphlib")))
attempt("re-import the policy", lambda: __import__("mldrill.grader.policy"))
try:  # class 1: reach the hook's frames through the traceback of its own exception, and empty what is there
    import colorsys
except PermissionError as e:
    tb = e.__traceback__
    while tb.tb_next:
        tb = tb.tb_next
    for frame in (tb.tb_frame, tb.tb_frame.f_back):
        g = frame.f_globals
        g["DENIED_EVENTS"], g["PATH_EVENTS"], g["WRITE_FLAGS"] = (), {}, 0
        for value in list(frame.f_locals.values()):
            for method in ("clear",):
                if hasattr(value, method) and not isinstance(value, type):
                    try:
                        getattr(value, method)()
                    except Exception:
                        pass
attempt("import after tampering", lambda: __import__("colorsys"))
import os
attempt("os.system after tampering", lambda: os.system("true"))
attempt("write outside after tampering", lambda: open(OUTSIDE, "w"))
print(json.dumps(r))
"""


def test_the_audit_hook_cannot_be_switched_off_from_inside(tmp_path: Path) -> None:
    """Class 1 and the builtins.any part of class 8, against the hook alone (no kernel layer in this process)."""
    script = POLICY_TAMPER.replace("WORK", repr(str(tmp_path))).replace("OUTSIDE", repr(str(tmp_path.parent / "x")))
    env = {"PYTHONPATH": str(PACKAGE.parent), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    r = json.loads(out.stdout)
    assert r.pop("in sys.modules") == [], r
    assert set(r.values()) == {"blocked"}, r
    assert not (tmp_path.parent / "x").exists()


# -- the seccomp program, read by a small classic-BPF interpreter ---------------------------------------------------
def _bpf_run(code: bytes, nr: int, arch: int, args: tuple[int, ...] = (0,) * 6) -> int:
    import struct

    data = struct.pack("<iIQ6Q", nr, arch, 0, *args)
    prog = [struct.unpack_from("<HBBI", code, i) for i in range(0, len(code), 8)]
    pc, acc = 0, 0
    for _ in range(len(prog)):  # forward jumps only: at most one pass
        op, jt, jf, k = prog[pc]
        if op == confine.LD_W_ABS:
            acc, pc = struct.unpack_from("<I", data, k)[0], pc + 1
        elif op == confine.RET:
            return k
        else:
            taken = {confine.JEQ: acc == k, confine.JGE: acc >= k, confine.JSET: bool(acc & k)}[op]
            pc += 1 + (jt if taken else jf)
    raise AssertionError("the program ran off its end")


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_seccomp_program_decides_each_syscall_as_the_tables_say(arch: str) -> None:
    code, table, me = confine.seccomp_program(arch, 4242), confine.SYSCALLS[arch], 4242
    audit = confine.AUDIT_ARCH[arch]
    eperm = confine.RET_ERRNO | 1
    by_nr = {nr: name for name, nr in table.items()}
    for nr in range(0, 600):
        name = by_nr.get(nr, "")
        got = _bpf_run(code, nr, audit)
        if name in confine.DENY or name in ("tkill", "kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
            assert got == eperm, (name, nr)  # for the signal calls: pid 0 is not the job's own
        elif name == "clone3":
            assert got == confine.RET_ERRNO | 38, name  # ENOSYS: libc falls back to clone
        elif name == "clone":
            assert got == eperm, name  # flags 0: a process, not a thread
        else:
            assert got == confine.RET_ALLOW, (name, nr)
    # numbers from the kernel's own headers (asm/unistd_64.h, asm-generic/unistd.h), not from confine's tables
    denied, allowed = {"x86_64": ((59, 41, 101, 57), (0, 1, 202, 9)), "aarch64": ((221, 198, 117), (63, 64, 98))}[arch]
    assert [_bpf_run(code, nr, audit) for nr in denied] == [eperm] * len(denied)  # execve, socket, ptrace (fork)
    assert [_bpf_run(code, nr, audit) for nr in allowed] == [confine.RET_ALLOW] * len(allowed)  # read, write, futex
    t = table
    assert _bpf_run(code, t["clone"], audit, (0x3D0F00, 0, 0, 0, 0, 0)) == confine.RET_ALLOW  # glibc's thread flags
    assert _bpf_run(code, t["clone"], audit, (0x3D0F00 | 0x10000000, 0, 0, 0, 0, 0)) == eperm  # + a user namespace
    assert _bpf_run(code, t["kill"], audit, (me, 9, 0, 0, 0, 0)) == confine.RET_ALLOW
    assert _bpf_run(code, t["kill"], audit, (me + 1, 9, 0, 0, 0, 0)) == eperm
    assert _bpf_run(code, t["tgkill"], audit, (me, me, 6, 0, 0, 0)) == confine.RET_ALLOW
    assert _bpf_run(code, t["prlimit64"], audit, (0, 7, 0, 0, 0, 0)) == confine.RET_ALLOW
    assert _bpf_run(code, t["prlimit64"], audit, (1, 7, 0, 0, 0, 0)) == eperm
    assert _bpf_run(code, t["setpriority"], audit, (0, 0, 5, 0, 0, 0)) == confine.RET_ALLOW
    assert _bpf_run(code, t["setpriority"], audit, (0, me, 5, 0, 0, 0)) == confine.RET_ALLOW
    assert _bpf_run(code, t["setpriority"], audit, (2, 0, 5, 0, 0, 0)) == eperm  # PRIO_USER: every process of mine
    assert _bpf_run(code, t["setpriority"], audit, (0, 1, 5, 0, 0, 0)) == eperm
    assert _bpf_run(code, t["ioctl"], audit, (0, 0x5412, 0, 0, 0, 0)) == eperm  # TIOCSTI
    assert _bpf_run(code, t["ioctl"], audit, (0, 0x5401, 0, 0, 0, 0)) == confine.RET_ALLOW  # TCGETS
    other = confine.AUDIT_ARCH["aarch64" if arch == "x86_64" else "x86_64"]
    assert _bpf_run(code, 0, other) == confine.RET_KILL_PROCESS
    if arch == "x86_64":
        assert _bpf_run(code, 0x40000000 | 1, audit) == confine.RET_KILL_PROCESS  # the x32 ABI


def test_mode_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLDRILL_SANDBOX", "none")
    assert sandbox.candidates() == ["none"] and sandbox.best_mode() == "none"
    monkeypatch.delenv("MLDRILL_SANDBOX")
    assert sandbox.candidates()[-1] == "none"  # the last resort is always there
    monkeypatch.setattr(sandbox, "_broken", {"bwrap", "namespaces"})
    assert sandbox.candidates() == ["none"]


def test_none_mode_leaves_nothing_behind(kata: Kata) -> None:
    """The worker's private folder holds its grader copy and, in mode none, its work directories; close removes it."""
    p = Pool(size=1, mode="none")
    try:
        assert judge(p, kata, GOOD).status == "passed"
        launch = p._pick("numpy").launch
        assert launch is not None
        assert [d.name[:15] for d in Path(launch.private, "tmp").iterdir()] == ["mldrill-grader-"]
    finally:
        p.close()
    assert not os.path.exists(launch.private)
