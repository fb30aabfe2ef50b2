"""Hostile submissions: each yields the right verdict, never a false pass, and the grader keeps serving.

Runs twice: in the strongest kernel sandbox that works here (bwrap, else the grader's own namespaces; see
test_isolation.py for each mode and the attacks aimed past the audit hook) and in mode `none`, the fallback on
systems without namespaces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from mldrill.catalog.katas import Kata, Limits, get_katas
from mldrill.grader.api import check_kata
from mldrill.grader.pool import PACKAGE, Pool, namespaces_available
from mldrill.grader.verdict import Verdict

GOOD = """
import numpy as np
def softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
"""


def wrap(body: str, *, top: str = "") -> str:
    """A submission whose softmax runs `body` first (indented), then answers correctly."""
    inner = "\n".join("    " + line for line in body.strip().splitlines())
    answer = "    z = x - x.max(axis=axis, keepdims=True)\n    e = np.exp(z)\n"
    answer += "    return e / e.sum(axis=axis, keepdims=True)\n"
    return f"import numpy as np\nimport os, sys\n{top}\ndef softmax(x, axis=-1):\n{inner}\n" + answer


@pytest.fixture(scope="module", params=["namespaces", "rlimits-only"])
def pool(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pool]:
    if request.param == "namespaces" and not namespaces_available():
        pytest.skip("neither bwrap nor user namespaces work on this machine")
    data = tmp_path_factory.mktemp("userdata")
    (data / "mldrill.db").write_text("secret history")
    old = os.environ.get("MLDRILL_DATABASE_URL")
    os.environ["MLDRILL_DATABASE_URL"] = f"sqlite:///{data / 'mldrill.db'}"
    p = Pool(size=1, namespaces=request.param == "namespaces")
    yield p
    p.close()
    if old is None:
        os.environ.pop("MLDRILL_DATABASE_URL", None)
    else:
        os.environ["MLDRILL_DATABASE_URL"] = old


@pytest.fixture(scope="module")
def kata() -> Kata:
    k = get_katas()["stable-softmax"]
    return Kata(k.spec.model_copy(update={"limits": Limits(wall_s=3, cpu_s=3, memory_mb=256)}), k.folder)


def run(pool: Pool, kata: Kata, source: str) -> Verdict:
    v = check_kata(kata, source, pool=pool)
    assert v.status != "passed" or source == GOOD, f"false pass: {v}"
    return v


def test_a_correct_submission_passes(pool: Pool, kata: Kata) -> None:
    assert run(pool, kata, GOOD).status == "passed"


@pytest.mark.parametrize(
    ("name", "source", "status", "needle"),
    [
        ("infinite loop", wrap("while True: pass"), "timeout", "time limit"),
        ("sleep", wrap("import time; time.sleep(60)"), "timeout", "time limit"),
        (
            "ignores SIGTERM then loops",
            wrap("import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: pass"),
            "timeout",
            "",
        ),
        ("memory bomb", wrap("x = bytearray(8 * 1024**3)"), "memory", "memory"),
        (
            "memory bomb at import",
            "import numpy as np\nx = np.ones(2**33)\ndef softmax(x, axis=-1): return x",
            "memory",
            "",
        ),
        ("fork bomb", wrap("while True: os.fork()"), "rejected", "os.fork"),
        ("os.system", wrap("os.system('echo pwned > /tmp/mldrill-pwned')"), "rejected", "os.system"),
        ("subprocess", wrap("import subprocess; subprocess.run(['true'])"), "rejected", "subprocess"),
        (
            "socket connect",
            wrap("import socket; socket.create_connection(('127.0.0.1', 5432), timeout=1)"),
            "rejected",
            "socket",
        ),
        (
            "write outside workdir",
            wrap("open('/tmp/mldrill-pwned', 'w').write('x')"),
            "rejected",
            "outside the work directory",
        ),
        ("read the user's database", wrap("open(os.environ.get('X', '') or DB).read()", top=""), "rejected", ""),
        (
            "read the kata's checks",
            wrap(f"open({str(PACKAGE / 'katas' / 'stable-softmax' / 'checks.py')!r}).read()"),
            "rejected",
            "protected",
        ),
        (
            "import the reference solution",
            wrap("from mldrill.ref.numerics import softmax as s; return s(x, axis)"),
            "rejected",
            "mldrill",
        ),
        (
            "import an oracle library",
            wrap("import scipy.special; return scipy.special.softmax(x, axis)"),
            "rejected",
            "scipy",
        ),
        ("ctypes segfault", wrap("import ctypes; ctypes.string_at(0)"), "rejected", "ctypes"),
        ("kill the parent", wrap("os.kill(os.getppid(), 9)"), "rejected", "os.kill"),
        ("kill itself", wrap("os.kill(os.getpid(), 9)"), "rejected", "os.kill"),
        ("os._exit", wrap("os._exit(0)"), "error", "ended before returning"),
        ("sys.exit at top level", "import sys\nsys.exit(0)", "error", "sys.exit"),
        ("huge stdout", wrap("while True: print('x' * 10000)"), "error", "output limit"),
        ("syntax error", "def softmax(x:\n", "error", "SyntaxError"),
        ("no entry point", "def soft_max(x, axis=-1): return x", "error", "defines nothing named 'softmax'"),
    ],
)
def test_hostile_submissions(
    pool: Pool, kata: Kata, name: str, source: str, status: str, needle: str, tmp_path: Path
) -> None:
    if name == "read the user's database":
        db = os.environ["MLDRILL_DATABASE_URL"].removeprefix("sqlite:///")
        source = wrap(f"open({db!r}).read()")
    v = run(pool, kata, source)
    assert v.status == status, f"{name}: {v.status}: {v.message}"
    assert needle in v.message, f"{name}: {v.message}"
    assert not Path("/tmp/mldrill-pwned").exists()
    assert run(pool, kata, GOOD).status == "passed"  # and the grader keeps serving


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("deep recursion", "def softmax(x, axis=-1):\n    return softmax(x, axis)"),
        ("sys.exit in the entry", "import sys\ndef softmax(x, axis=-1):\n    sys.exit(3)"),
        ("KeyboardInterrupt", "def softmax(x, axis=-1):\n    raise KeyboardInterrupt"),
        (
            "patched numpy and builtins",
            "import numpy as np, builtins\nnp.allclose = np.isclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\nbuiltins.abs = lambda v: 0\n"
            "def softmax(x, axis=-1):\n    return np.zeros_like(x)",
        ),
        (
            "object whose __eq__ lies",
            "class Liar:\n    def __eq__(self, o): return True\n    __hash__ = None\n"
            "    def __array__(self, *a, **k): raise TypeError('no')\ndef softmax(x, axis=-1):\n    return Liar()",
        ),
        (
            "__array__ that lies about shape",
            "import numpy as np\nclass Liar(np.ndarray):\n    def __eq__(self, o): return np.ones(1, bool)\n"
            "def softmax(x, axis=-1):\n    return np.zeros((1,)).view(Liar)",
        ),
        (
            "ndarray subclass with allclose",
            "import numpy as np\nclass A(np.ndarray):\n    def allclose(self, *a): return True\n"
            "def softmax(x, axis=-1):\n    return (x * 0).view(A)",
        ),
        ("returns a string", "def softmax(x, axis=-1):\n    return 'the answer'"),
        ("returns nan everywhere", "import numpy as np\ndef softmax(x, axis=-1):\n    return x * np.nan"),
    ],
)
def test_cheats_and_crashes_fail(pool: Pool, kata: Kata, name: str, source: str) -> None:
    v = run(pool, kata, source)
    assert v.status in ("failed", "error"), f"{name}: {v.status}: {v.message}"
    assert not any(c.passed for c in v.checks if c.name == "matches scipy on random logits"), name
    assert run(pool, kata, GOOD).status == "passed"


def test_calling_the_library_function_the_kata_is_about_is_rejected() -> None:
    from mldrill.grader.api import check

    cheat = (
        "import torch.nn.functional as F\n"
        "def layer_norm(x, weight, bias, eps=1e-5):\n"
        "    return F.layer_norm(x, (x.shape[-1],), weight, bias, eps)\n"
    )
    v = check("layer-norm", cheat)
    assert v.status == "rejected" and "torch.nn.functional.layer_norm is not allowed" in v.message
