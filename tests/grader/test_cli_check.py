"""`mldrill kata check` end to end, as a user runs it: a clear verdict for a hostile-shaped return, nothing left
behind in the temp folder, and a running `mldrill serve` doing the work when there is one."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

DEEP = """
def softmax(x, axis=-1):
    d = []
    for _ in range(100000):
        d = [d]
    return d
"""


def test_a_deeply_nested_return_gets_a_clear_verdict_and_the_check_leaves_no_temp_files(tmp_path: Path) -> None:
    tmp, data = tmp_path / "tmp", tmp_path / "data"
    tmp.mkdir()
    data.mkdir()
    solution = tmp_path / "deep.py"
    solution.write_text(DEEP)
    env = {
        **os.environ,
        "TMPDIR": str(tmp),
        "XDG_DATA_HOME": str(data),
        "MLDRILL_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "mldrill", "kata", "check", "stable-softmax", str(solution)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stdout and "nested more than 64 levels deep" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert list(tmp.iterdir()) == []  # the grader's scratch folder went with the command


GOOD = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
    "    return e / e.sum(axis=axis, keepdims=True)\n"
)


def test_with_a_server_running_the_cli_hands_its_check_over_and_imports_no_numpy(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "MLDRILL_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
    }
    solution = tmp_path / "good.py"
    solution.write_text(GOOD)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mldrill", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = tmp_path / "data" / "mldrill" / "serve.json"
    try:
        give_up = time.monotonic() + 90
        while time.monotonic() < give_up:
            with contextlib.suppress(OSError):
                if token.exists():
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
            time.sleep(0.2)
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "mldrill", "kata", "check", "stable-softmax", str(solution)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0 and "PASSED" in done.stdout, done.stdout + done.stderr[-2000:]
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
        assert "mldrill.web.handoff" in imported
        assert not imported & {"numpy", "torch", "sqlalchemy", "mldrill.grader.pool"}  # the server did the work
        listed = subprocess.run(
            [sys.executable, "-m", "mldrill", "kata", "list", "--json"], capture_output=True, text=True, env=env
        )
        assert {k["id"]: k["attempts"] for k in json.loads(listed.stdout)}["stable-softmax"] == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not token.exists()


def test_the_kata_page_shows_a_clear_verdict_for_a_deeply_nested_return(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from mldrill.web.app import create_app

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), base_url="http://127.0.0.1")
    page = client.get("/katas/stable-softmax")
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert token
    got = client.post("/katas/stable-softmax/check", data={"source": DEEP, "csrf": token.group(1)})
    assert got.status_code == 200
    assert "nested more than 64 levels deep" in got.text
