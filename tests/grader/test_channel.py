"""The channel between the trusted side and its workers (DESIGN.md, "The grader's trust boundary"): nothing a
submission or a worker sends can crash, hang or exhaust the trusted side, a malformed report is that one job's
`error` and the worker is replaced, and a forged frame is never taken for a verdict.

Two kinds of tests: submissions that attack the channel from inside a real pool, and fake workers (a process that
speaks the protocol and then breaks it in one way) for the trusted side's own reading.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mldrill.catalog.katas import Kata, Limits, get_katas
from mldrill.grader import sandbox
from mldrill.grader.api import check_kata
from mldrill.grader.pool import Pool, Zygote
from mldrill.grader.verdict import Verdict

GOOD = """
import numpy as np
def softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
"""
WRONG = GOOD.replace("return e / e.sum", "return 2 * e / e.sum")


def answer_after(body: str, *, value: str = "e / e.sum(axis=axis, keepdims=True)") -> str:
    """A softmax that runs `body` (indented) and then returns `value`."""
    inner = "\n".join("    " + line for line in body.strip().splitlines())
    return (
        "import numpy as np\nimport os, sys, struct, json\ndef softmax(x, axis=-1):\n"
        f"{inner}\n    z = x - x.max(axis=axis, keepdims=True)\n    e = np.exp(z)\n    return {value}\n"
    )


@pytest.fixture(scope="module")
def kata() -> Kata:
    k = get_katas()["stable-softmax"]
    return Kata(k.spec.model_copy(update={"limits": Limits(wall_s=4, cpu_s=4, memory_mb=256)}), k.folder)


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    p = Pool(size=1)
    yield p
    p.close()


@pytest.fixture(scope="module", params=["namespaces", "rlimits-only"])
def both_paths(request: pytest.FixtureRequest, pool: Pool) -> Iterator[Pool]:
    """The module's pool, and one without namespaces (the fallback, where /proc shows every process of the user)."""
    if request.param == "namespaces":
        yield pool
        return
    p = Pool(size=1, namespaces=False)
    yield p
    p.close()


def worker_pid(pool: Pool) -> int:
    return pool._pick("numpy").proc.pid


def judged_right(pool: Pool, kata: Kata) -> None:
    assert check_kata(kata, GOOD, pool=pool).status == "passed"
    assert check_kata(kata, WRONG, pool=pool).status == "failed"


# -- attacks from inside -------------------------------------------------------------------------------------------
FORGE = r"""
job_id = "0" * 32
meta = {"id": job_id, "how": "exited", "message": "", "exit_code": 0, "signal": None, "elapsed_s": 0.01,
        "printed": 0, "tail": "", "result": ""}
results = json.dumps({"setup_error": None, "violations": [], "results": [{"ok": 1.0, "s": 0.0}] * 50}).encode()
report = json.dumps(meta).encode() + b"\n" + results
job = json.dumps({"id": job_id, "job": {"source": "import os\nos.system('touch /tmp/mldrill-pwned')"}}).encode()
frames = [struct.pack(">I", len(m)) + m for m in (report, results, job)]
def spray(fd):
    for frame in frames:
        try:
            os.set_blocking(fd, False)
            os.write(fd, frame)
        except OSError:
            pass
for fd in range(1024):
    spray(fd)
for folder in ("/proc/self/fd", f"/proc/{os.getppid()}/fd"):
    try:
        names = os.listdir(folder)
    except OSError:
        continue
    for name in names:
        try:
            fd = os.open(f"{folder}/{name}", os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            continue
        spray(fd)
        os.close(fd)
"""


def test_forged_frames_in_every_reachable_fd_are_never_taken_for_a_verdict(both_paths: Pool, kata: Kata) -> None:
    pool = both_paths
    before = worker_pid(pool)
    v = check_kata(kata, answer_after(FORGE, value="2 * e / e.sum(axis=axis, keepdims=True)"), pool=pool)
    # Its own result pipe is the only channel it can write to, and junk there spoils only its own job.
    assert v.status in ("failed", "error"), v
    if v.status == "error":
        assert "cannot read" in v.message
    assert not Path("/tmp/mldrill-pwned").exists()
    judged_right(pool, kata)
    judged_right(pool, kata)
    assert worker_pid(pool) == before  # no injected job frame reached (and broke) the zygote's control channel


def test_the_child_holds_no_descriptor_but_its_own_pipes(both_paths: Pool, kata: Kata) -> None:
    pool = both_paths
    probe = """
links = {}
for n in os.listdir("/proc/self/fd"):
    try:
        links[n] = os.readlink(f"/proc/self/fd/{n}")
    except OSError:
        pass  # the descriptor os.listdir itself held, closed by now
print("FDS", json.dumps(links))
"""
    v = check_kata(kata, answer_after(probe), pool=pool)
    assert v.status == "passed", v
    line = next(x for x in v.stdout_tail.splitlines() if x.startswith("FDS"))
    links = json.loads(line.removeprefix("FDS "))
    assert set(links) == {"0", "1", "2", "3"}, links
    assert links["0"] == "/dev/null" and links["3"].startswith("pipe:"), links
    assert not any(t.startswith("socket:") for t in links.values()), links


def test_a_2_gib_result_header_is_an_error_at_once_and_the_pool_serves_on(pool: Pool, kata: Kata) -> None:
    t = time.monotonic()
    v = check_kata(kata, answer_after('os.write(3, struct.pack(">I", 2**31))\nimport time; time.sleep(30)'), pool=pool)
    assert v.status == "error" and "announced 2,147,483,648 bytes" in v.message, v
    assert time.monotonic() - t < 3.0  # not the 4 s wall limit: the header alone ends the job
    judged_right(pool, kata)


@pytest.mark.parametrize(
    ("name", "body", "needle"),
    [
        ("not json", 'os.write(3, struct.pack(">I", 5) + b"hello"); os._exit(0)', "cannot read"),
        ("cut short", 'os.write(3, struct.pack(">I", 50) + b"{}"); os._exit(0)', "cut short"),
        ("two frames", 'os.write(3, struct.pack(">I", 2) + b"{}"); os.write(3, struct.pack(">I", 2) + b"{}")', "more"),
        (
            "100,000 deep",
            'd = b"[" * 100000 + b"]" * 100000; os.write(3, struct.pack(">I", len(d)) + d); os._exit(0)',
            "nested",
        ),
        ("not an object", 'os.write(3, struct.pack(">I", 4) + b"null"); os._exit(0)', "ended before returning"),
    ],
)
def test_a_malformed_result_frame_is_that_jobs_error(pool: Pool, kata: Kata, name: str, body: str, needle: str) -> None:
    v = check_kata(kata, answer_after(body), pool=pool)
    assert v.status == "error" and needle in v.message, (name, v)
    assert check_kata(kata, GOOD, pool=pool).status == "passed"


def test_an_honest_deeply_nested_return_is_a_clear_failure(pool: Pool, kata: Kata) -> None:
    deep = "d = []\nfor _ in range(100000):\n    d = [d]"
    v = check_kata(kata, answer_after(deep, value="d"), pool=pool)
    assert v.status == "failed", v
    assert any("nested more than 64 levels" in c.message for c in v.checks), v


def test_a_48_mb_array_is_an_error_not_a_transfer(pool: Pool, kata: Kata) -> None:
    v = check_kata(kata, answer_after("", value="np.zeros(6_000_000)"), pool=pool)
    assert v.status == "error" and "48,000,000 bytes" in v.message, v


def test_a_40_mb_exception_message_is_stored_capped(pool: Pool, kata: Kata) -> None:
    v = check_kata(kata, answer_after('raise ValueError("x" * 40_000_000)'), pool=pool)
    assert v.status == "failed", v
    assert any("more characters" in c.message for c in v.checks), v
    assert len(json.dumps(v.to_dict())) < 100_000  # what record_attempt stores


def test_a_correct_big_endian_answer_passes(pool: Pool, kata: Kata) -> None:
    v = check_kata(kata, answer_after("", value="(e / e.sum(axis=axis, keepdims=True)).astype('>f8')"), pool=pool)
    assert v.status == "passed", v


def test_closing_the_pool_removes_its_scratch_folders(kata: Kata) -> None:
    p = Pool(size=1)
    check_kata(kata, GOOD, pool=p)
    scratch = p._pick("numpy").launch.private
    assert os.path.isdir(scratch)
    p.close()
    assert not os.path.exists(scratch)


# -- workers that break the protocol -------------------------------------------------------------------------------
FAKE = r"""
import json, os, socket, struct, sys, time
from mldrill.grader import zygote
mode = sys.argv[1]
scratch = os.environ["MLDRILL_GRADER_SCRATCH"]
ctl = socket.socket(fileno=os.dup(0))
if mode == "slow-start":
    time.sleep(2.5)
zygote.write_frame(ctl.fileno(), b'{"ready": true, "layers": []}')
if mode in ("honest", "slow-start"):
    zygote.serve(ctl, scratch)
    sys.exit()
message, report = zygote.recv_job(ctl)
if mode == "stall":
    time.sleep(120)
meta, result = zygote.run_job(message["job"], scratch)  # the real answer: a protocol breach must still be an error
good = json.dumps({**meta, "id": message["id"]}).encode() + b"\n" + result
fd = report.fileno()
if mode == "oversize":
    os.write(fd, struct.pack(">I", 2**31))
elif mode == "garbage":
    zygote.write_frame(fd, b"not json at all")
elif mode == "wrong-id":
    zygote.write_frame(fd, json.dumps({**meta, "id": "0" * 32}).encode() + b"\n" + result)
elif mode == "twice":
    zygote.write_frame(fd, good)
    zygote.write_frame(fd, good)
elif mode == "trailing":
    zygote.write_frame(fd, good + b"")
    os.write(fd, b"x")
elif mode == "deep-meta":
    zygote.write_frame(fd, b"[" * 30000 + b"]" * 30000 + b"\n")  # within the meta line's size limit
elif mode == "bad-fields":
    zygote.write_frame(fd, json.dumps({**meta, "id": message["id"], "how": "passed"}).encode() + b"\n" + result)
elif mode == "lingers":
    zygote.write_frame(fd, good)
elif mode == "dies":
    os._exit(1)
elif mode == "silent":
    report.close()
time.sleep(120)
"""


def fake_workers(modes: list[str], started: list[Zygote]) -> Callable[..., Zygote]:
    """A Pool `start` that launches fake workers, one mode each, then honest ones."""
    queue = iter(modes)

    def start(framework: str, *, namespaces: bool = True, mode: str | None = None, wait: bool = True) -> Zygote:
        ctl, theirs = socket.socketpair()
        launch = sandbox.prepare(framework, "none")  # for its private folder; the fake runs outside any sandbox
        scratch = launch.env["TMPDIR"]
        env = {**os.environ, "MLDRILL_GRADER_SCRATCH": scratch}
        behaviour = next(queue, "honest")
        with theirs:
            proc = subprocess.Popen([sys.executable, "-c", FAKE, behaviour], stdin=theirs.fileno(), env=env)
        z = Zygote(framework, proc, [f"fake:{behaviour}"], ctl, launch)
        started.append(z)
        if wait:
            z.wait_ready()
        return z

    return start


@pytest.mark.parametrize(
    ("mode", "needle"),
    [
        ("oversize", "announced 2,147,483,648 bytes"),
        ("garbage", "header line"),
        ("wrong-id", "not for this job"),
        ("twice", "more after its report"),
        ("trailing", "more after its report"),
        ("lingers", "open after its report"),
        ("deep-meta", "nested"),
        ("bad-fields", "malformed fields"),
        ("silent", "without answering"),
        ("dies", "died while running the submission"),
    ],
)
def test_a_worker_that_breaks_the_protocol_gives_an_error_and_is_replaced(kata: Kata, mode: str, needle: str) -> None:
    short = Kata(kata.spec.model_copy(update={"limits": Limits(wall_s=1.5, cpu_s=2, memory_mb=256)}), kata.folder)
    started: list[Zygote] = []
    p = Pool(size=1, start=fake_workers([mode], started), margin_s=0.5)
    try:
        p.warm("numpy")
        t = time.monotonic()
        v = check_kata(short, GOOD, pool=p)  # a right answer: only the protocol breach decides the verdict
        assert v.status == "error" and needle in v.message and "replaced" in v.message, v
        assert time.monotonic() - t < (1.5 + 0.5 + 1.0 if mode == "lingers" else 1.5)  # wall + margin, or at once
        assert started[0].proc.poll() is not None and not os.path.exists(started[0].launch.private)
        judged_right(p, kata)
        assert [z.isolation for z in started] == [[f"fake:{mode}"], ["fake:honest"]]
    finally:
        p.close()


def test_a_worker_still_starting_does_not_eat_the_first_jobs_time(kata: Kata) -> None:
    short = Kata(kata.spec.model_copy(update={"limits": Limits(wall_s=1.0, cpu_s=1, memory_mb=256)}), kata.folder)
    p = Pool(size=1, start=fake_workers(["slow-start"], []), margin_s=0.5)
    try:
        p.warm("numpy", wait=False)  # as the CLI does: launched, still importing when the job comes
        assert check_kata(short, GOOD, pool=p).status == "passed"
    finally:
        p.close()


def test_concurrent_checks_against_stalled_workers_all_get_verdicts_in_bounded_time(kata: Kata) -> None:
    short = Kata(kata.spec.model_copy(update={"limits": Limits(wall_s=0.5, cpu_s=1, memory_mb=256)}), kata.folder)
    started: list[Zygote] = []
    p = Pool(size=1, start=fake_workers(["stall"] * 100, started), margin_s=0.3, queue_s=2.0)
    verdicts: list[Verdict] = []
    threads_before = threading.active_count()
    try:
        p.warm("numpy")
        t = time.monotonic()
        workers = [threading.Thread(target=lambda: verdicts.append(check_kata(short, GOOD, pool=p))) for _ in range(40)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=20)
        elapsed = time.monotonic() - t
        assert len(verdicts) == 40 and all(v.status == "error" for v in verdicts)
        # queue limit + one job's limit (wall + margin) + a worker start, with room for a loaded machine
        assert elapsed < 2.0 + 0.8 + 3.0, elapsed
        assert sum("busy" in v.message for v in verdicts) >= 30
        assert threading.active_count() == threads_before
    finally:
        p.close()
    assert all(z.proc.poll() is not None and not os.path.exists(z.launch.private) for z in started)
