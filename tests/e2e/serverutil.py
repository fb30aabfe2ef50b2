"""End-to-end helpers: a real `mldrill serve` process on a free port with its own data directory, and Playwright
driving Debian's Chromium (never a downloaded browser). Screenshots go to artifacts/e2e/ (MLDRILL_ARTIFACTS
overrides), kept after the run so a person can look at them.

Skipped, with the reason shown, when no Chromium is installed (.ci/run installs Debian's package when it can).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MLDRILL_ARTIFACTS", ROOT / "artifacts")) / "e2e"
# Flags this machine needs: no sandbox as root, and no background networking (the network is closed; Chromium's
# own calls home would be refused many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`mldrill serve` in a child process; `restart(kill=True)` SIGKILLs it (a crash) and starts it again."""

    home: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.home / 'mldrill.db'}"

    def start(self) -> None:
        env = {
            **os.environ,
            "MLDRILL_DATABASE_URL": self.database_url,
            "XDG_DATA_HOME": str(self.home / "data"),  # the kata workspace (drafts) lives here
            "XDG_CACHE_HOME": str(self.home / "cache"),  # lab figures drawn during the test
            "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        log = (self.home / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mldrill", "serve", "--port", str(self.port)], env=env, stdout=log, stderr=log
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mldrill serve exited: {(self.home / 'server.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("mldrill serve did not start within 60 s")

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.proc.wait(20)
        self.proc = None

    def restart(self, *, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
