"""Regenerate docs/drill.svg: a real `mldrill drill` session (question, answer, trap, rating bar) on a fresh database.

python scripts/screenshot_drill.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile

import pexpect
from rich.console import Console
from rich.text import Text


def main() -> None:
    tmp = tempfile.mkdtemp()
    env = {
        **os.environ,
        "PYTHONPATH": "src",
        "MLDRILL_DATABASE_URL": f"sqlite:///{tmp}/screenshot.db",
        "XDG_DATA_HOME": tmp,
        "TERM": "xterm-256color",
        "COLUMNS": "100",
    }
    args = ["-m", "mldrill", "drill", "--topic", "attention"]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=30, dimensions=(60, 100))
    child.expect("space/enter reveal")
    out = child.before + child.after
    child.send(" ")
    child.expect(r"Easy[^\n]*quit[^\n]*\n")  # the rating bar, after the answer and the trap
    out += child.before + child.after
    child.send("q")
    child.expect(pexpect.EOF)
    console = Console(record=True, width=100, force_terminal=True, file=io.StringIO())
    console.print(Text.from_ansi(out.replace("\r\n", "\n").replace("\r", "")))
    console.save_svg("docs/drill.svg", title="mldrill drill --topic attention")


if __name__ == "__main__":
    main()
