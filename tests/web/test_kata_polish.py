"""The kata page's editor aids: reset to the starter, the history of attempts with their verdicts, the solution
only after a real attempt, links to the topic and to the card that explains a failed check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mldrill.catalog.katas import get_katas
from mldrill.study.katas import workspace_path
from mldrill.web.app import create_app
from webforms import csrf_of as csrf

TRAPPED = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
)


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), base_url="http://127.0.0.1")


def test_the_untouched_starter_does_not_open_the_solution(client: TestClient) -> None:
    kata = get_katas()["stable-softmax"]
    token = csrf(client.get("/katas/stable-softmax").text)
    page = client.post("/katas/stable-softmax/check", data={"source": kata.starter(), "csrf": token}).text
    assert "FAILED" in page and 'id="solution-link"' not in page and 'id="solution-locked"' in page
    assert client.get("/katas/stable-softmax/solution").status_code == 403
    page = client.post("/katas/stable-softmax/check", data={"source": TRAPPED, "csrf": token}).text
    assert 'id="solution-link"' in page and client.get("/katas/stable-softmax/solution").status_code == 200


def test_history_links_and_reset(client: TestClient) -> None:
    page = client.get("/katas/stable-softmax")
    assert '<a href="/topics/numerics" id="kata-topic">' in page.text
    token = csrf(page.text)
    failed = client.post("/katas/stable-softmax/check", data={"source": TRAPPED, "csrf": token}).text
    # the failed check links the card of its kata's topic that teaches the trap (one listing the kata in `katas:`)
    m = re.search(
        r'<p class="explained">The card that explains it: <a href="/topics/numerics#(numerics/[\w-]+)">', failed
    )
    assert m, failed[failed.find("Why it matters") : failed.find("Why it matters") + 600]
    from mldrill.catalog import get_catalog

    listing = {c.id for c in get_catalog().topics["numerics"].cards if "stable-softmax" in c.katas}
    assert m.group(1) in listing, (m.group(1), listing)
    history = client.get("/katas/stable-softmax").text
    assert 'id="history"' in history and "<strong>failed</strong>" in history
    assert "finite at logits of +-1000" in history and "e = np.exp(x)" in history  # the verdict and the code
    workspace = workspace_path(get_katas()["stable-softmax"])
    assert workspace.read_text() == TRAPPED
    assert client.post("/katas/stable-softmax/reset", data={"csrf": "0" * 64}).status_code == 403
    reset = client.post("/katas/stable-softmax/reset", data={"csrf": token})
    assert reset.status_code == 200 and workspace.read_text() == get_katas()["stable-softmax"].starter()
    assert "e = np.exp(x)" in reset.text  # the attempt still holds the code it was checked with
