"""Labs write their cache under the user cache dir: point it at a temporary folder for every test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _one_thread() -> None:
    """Labs are sized for one core; extra intra-op threads only spin on a shared CI machine."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _lab_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
