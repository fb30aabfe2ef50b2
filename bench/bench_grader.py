"""Grader latency against the same checks run in-process without a sandbox (the peer), measured in the same run:

- the warm pool (what the web app does): median and p95 of `check()` for a NumPy kata and a torch kata;
- `mldrill kata check` end to end, as a user runs it: a fresh CLI process on its own (it starts its own worker),
  and handing the job to a running `mldrill serve`.

    python bench/bench_grader.py [--runs 40] [--cli-runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mldrill.catalog.katas import get_katas
from mldrill.grader.api import check, default_pool
from mldrill.grader.inprocess import check_callable
from mldrill.grader.verdict import Verdict

SOURCES = {
    "stable-softmax": "import numpy as np\ndef softmax(x, axis=-1):\n    z = x - x.max(axis=axis, keepdims=True)\n"
    "    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)\n",
    "layer-norm": "import torch\ndef layer_norm(x, weight, bias, eps=1e-5):\n    mu = x.mean(-1, keepdim=True)\n"
    "    var = ((x - mu) ** 2).mean(-1, keepdim=True)\n    return (x - mu) / torch.sqrt(var + eps) * weight + bias\n",
}


def timed(fn: Callable[[], Verdict], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        v = fn()
        out.append(time.perf_counter() - t)
        assert v.status == "passed", v
    return out


def p95(xs: list[float]) -> float:
    return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]


def cli_runs(kata_id: str, solution: Path, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds, and CPU seconds of the CLI process and the workers it started, per run."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mldrill", "kata", "check", kata_id, str(solution)], env=env, capture_output=True
        )
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    return walls, cpus


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its descendants (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    ticks = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK") + sum(tree_cpu(int(c)) for c in children)


def start_server(env: dict[str, str], token: Path) -> subprocess.Popen[bytes]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mldrill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    give_up = time.monotonic() + 120
    while time.monotonic() < give_up:
        try:
            if json.loads(token.read_text())["pid"] == server.pid:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return server
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("mldrill serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--cli-runs", type=int, default=7)
    args = ap.parse_args()
    katas = get_katas()
    t = time.perf_counter()
    default_pool().warm("numpy", "torch")
    print(f"pool warm-up (both zygotes): {time.perf_counter() - t:.2f} s")
    inproc_median = {}
    for kata_id, source in SOURCES.items():
        kata = katas[kata_id]
        namespace: dict[str, object] = {}
        exec(source, namespace)
        fn = namespace[kata.spec.entry]
        sandboxed = timed(lambda kid=kata_id, src=source: check(kid, src), args.runs)
        inproc = timed(lambda k=kata, f=fn: check_callable(k, f), args.runs)
        ms, mi = statistics.median(sandboxed), statistics.median(inproc)
        inproc_median[kata_id] = mi
        sand = f"warm pool median {ms * 1e3:7.1f} ms  p95 {p95(sandboxed) * 1e3:7.1f} ms"
        local = f"in-process median {mi * 1e3:6.1f} ms  p95 {p95(inproc) * 1e3:6.1f} ms"
        print(f"{kata_id:16s} ({kata.spec.framework:5s}) {sand} | {local} | ratio {ms / mi:5.1f}x")
    default_pool().close()

    with tempfile.TemporaryDirectory(prefix="mldrill-bench-") as tmp:
        env = {**os.environ, "XDG_DATA_HOME": f"{tmp}/data", "MLDRILL_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent / "src"), *sys.path])
        files = {}
        for kata_id, source in SOURCES.items():
            files[kata_id] = Path(tmp) / f"{kata_id}.py"
            files[kata_id].write_text(source)
        alone = {k: cli_runs(k, f, env, args.cli_runs) for k, f in files.items()}
        token = Path(tmp) / "data" / "mldrill" / "serve.json"
        server = start_server(env, token)
        served, server_cpu = {}, {}
        try:
            cli_runs("layer-norm", files["layer-norm"], env, 1)  # the server's torch worker starts on first use
            for kata_id, f in files.items():
                before = tree_cpu(server.pid)
                served[kata_id] = cli_runs(kata_id, f, env, args.cli_runs)
                server_cpu[kata_id] = (tree_cpu(server.pid) - before) / args.cli_runs
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times stretch with it)")
        for kata_id in SOURCES:
            mi = inproc_median[kata_id]
            for how, (walls, cpus) in (("CLI alone", alone[kata_id]), ("CLI -> serve", served[kata_id])):
                m = statistics.median(walls)
                cpu = statistics.median(cpus)
                extra = f" + server {server_cpu[kata_id]:.2f} s" if how == "CLI -> serve" else " (incl. its worker)"
                print(
                    f"{kata_id:16s} {how:13s} wall median {m:5.2f} s (min {min(walls):5.2f})"
                    f" | CPU {cpu:5.2f} s{extra} | in-process {mi * 1e3:5.1f} ms | wall ratio {m / mi:5.0f}x"
                )


if __name__ == "__main__":
    main()
