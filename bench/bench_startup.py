"""CLI start-up: `mldrill --help`, and `mldrill drill` from launch to the first question with the package's content
loaded, against a bare `python -c pass` (the peer: the interpreter's own start-up), measured in the same run.

    python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect

SRC = str(Path(__file__).resolve().parents[1] / "src")


def env(tmp: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": SRC,
        "MLDRILL_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "XDG_DATA_HOME": tmp,
        "TERM": "xterm",
    }


def run(cmd: list[str], e: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def first_question(e: dict[str, str]) -> float:
    t = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "mldrill", "drill"], env=e, encoding="utf-8", timeout=60)
    child.expect("space/enter reveal")
    took = time.perf_counter() - t
    child.send("q")
    child.expect(pexpect.EOF)
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    n = ap.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        e = env(tmp)
        run([sys.executable, "-m", "mldrill", "topics"], e)  # create and migrate the database once
        bare = statistics.median(run([sys.executable, "-c", "pass"], e) for _ in range(n))
        helptime = statistics.median(run([sys.executable, "-m", "mldrill", "--help"], e) for _ in range(n))
        drill = statistics.median(first_question(e) for _ in range(n))
    from mldrill.catalog import load_catalog

    cat = load_catalog()
    print(f"content: {len(cat.topics)} topics, {len(cat.cards)} cards")
    print(f"python -c pass                 {bare * 1e3:7.0f} ms  (peer)")
    print(f"mldrill --help                 {helptime * 1e3:7.0f} ms  ratio {helptime / bare:5.1f}x")
    print(f"mldrill drill -> 1st question  {drill * 1e3:7.0f} ms  ratio {drill / bare:5.1f}x")


if __name__ == "__main__":
    main()
