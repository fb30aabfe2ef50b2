"""`mldrill kata check` end to end, as a user runs it: a clear verdict for a hostile-shaped return, and nothing
left behind in the temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
