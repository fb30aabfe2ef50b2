"""A kata in the browser: solve it, fall into a trap and see its explanation, hints, solution gate, drafts kept."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mldrill.catalog.katas import get_katas
from mldrill.study.katas import workspace_path
from mldrill.web.app import create_app
from webforms import csrf_of as csrf

GOOD = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
    "    return e / e.sum(axis=axis, keepdims=True)\n"
)
TRAPPED = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
)


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), base_url="http://127.0.0.1")


def test_trap_then_solve_then_solution(client: TestClient) -> None:
    page = client.get("/katas/stable-softmax")
    assert page.status_code == 200 and "def softmax" in page.text and 'id="source"' in page.text
    token = csrf(page.text)
    assert client.get("/katas/stable-softmax/solution").status_code == 403  # not before an attempt
    trapped = client.post("/katas/stable-softmax/check", data={"source": TRAPPED, "csrf": token})
    assert "FAILED" in trapped.text and "✗ finite at logits of +-1000" in trapped.text
    assert "subtract the row max before exp" in trapped.text  # the trap's explanation
    assert "<dt>Input (call 1)</dt>" in trapped.text and "<dt>Expected</dt>" in trapped.text  # the failing case
    assert re.search(r"Hidden inputs drawn from seed (\d+): replay this run with", trapped.text)
    solved = client.post("/katas/stable-softmax/check", data={"source": GOOD, "csrf": token})
    assert "PASSED" in solved.text and "attempt 2" in solved.text
    assert "mldrill.ref.numerics:softmax" in client.get("/katas/stable-softmax/solution").text
    assert "✓ solved" in client.get("/katas").text


def test_drafts_survive_a_reload(client: TestClient) -> None:
    token = csrf(client.get("/katas/stable-softmax").text)
    assert (
        client.post("/katas/stable-softmax/draft", data={"source": "# half done\n", "csrf": token}).status_code == 204
    )
    assert workspace_path(get_katas()["stable-softmax"]).read_text() == "# half done\n"
    assert "# half done" in client.get("/katas/stable-softmax").text
    assert client.post("/katas/stable-softmax/draft", data={"source": "x"}).status_code == 403


def test_hints_one_at_a_time(client: TestClient) -> None:
    token = csrf(client.get("/katas/stable-softmax").text)
    first = client.post("/katas/stable-softmax/hint", data={"csrf": token})
    assert 'Hints <span class="meta">1 of 3' in first.text and "shift-invariant" in first.text
    assert client.get("/katas/nope").status_code == 404


def test_a_kata_whose_framework_is_missing_says_so_and_offers_no_run(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the core install (no PyTorch) a torch kata can be read and drafted, but not run."""
    from mldrill.catalog.katas import Kata

    monkeypatch.setattr(
        Kata, "missing_requirement", lambda self: "this kata needs PyTorch: pip install 'mldrill[torch]'"
    )
    page = client.get("/katas/layer-norm").text
    assert "this kata needs PyTorch" in page
    assert re.search(r'<button type="submit" id="run" disabled title="this kata needs PyTorch', page)
    posted = client.post("/katas/layer-norm/check", data={"source": "x = 1\n", "csrf": csrf(page)})
    assert posted.status_code == 200 and 'id="verdict"' not in posted.text
    assert workspace_path(get_katas()["layer-norm"]).read_text() == "x = 1\n"  # the draft is still kept


def test_the_failing_output_is_escaped_on_the_page(client: TestClient) -> None:
    token = csrf(client.get("/katas/stable-softmax").text)
    hostile = "def softmax(x, axis=-1):\n    return '<script>alert(1)</script>'\n"
    page = client.post("/katas/stable-softmax/check", data={"source": hostile, "csrf": token}).text
    assert "<dt>Got</dt>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_the_page_says_how_many_classic_bugs_the_checks_catch(client: TestClient) -> None:
    from mldrill.catalog.katas import get_katas

    bugs = get_katas()["stable-softmax"].mutants()[1]
    page = client.get("/katas/stable-softmax").text
    assert f"These checks catch {len(bugs)} classic bugs" in page
    assert all(b.name in page for b in bugs)


def kata_titles(html: str) -> list[str]:
    return re.findall(r'<li><a href="/katas/([a-z0-9-]+)">', html)


def test_kata_list_groups_by_area_filters_and_shows_what_each_catches(client: TestClient) -> None:
    from datetime import timedelta

    from mldrill.catalog import get_catalog
    from mldrill.catalog.areas import AREA_BY_ID
    from mldrill.store import Database, ItemState
    from mldrill.study.clock import utcnow
    from mldrill.study.items import kata_item_id

    katas = get_katas()
    everything = client.get("/katas").text
    assert sorted(kata_titles(everything)) == sorted(katas)  # every kata once
    assert f"{len(katas)} katas · 0 solved · 0 due for review" in everything
    softmax = katas["stable-softmax"]
    area = AREA_BY_ID[get_catalog().topics[softmax.spec.topic].area]
    assert f"<h2>{html.escape(area.title)} <span" in everything and f"catches {softmax.kill_count}</span>" in everything

    torch_l1 = client.get("/katas?level=L1&framework=torch").text
    assert kata_titles(torch_l1) and all(
        katas[k].spec.level == "L1" and katas[k].spec.framework == "torch" for k in kata_titles(torch_l1)
    )
    in_area = kata_titles(client.get(f"/katas?area={area.id}").text)
    assert "stable-softmax" in in_area and all(
        get_catalog().topics[katas[k].spec.topic].area == area.id for k in in_area
    )

    token = csrf(client.get("/katas/stable-softmax").text)
    client.post("/katas/stable-softmax/check", data={"source": GOOD, "csrf": token})
    assert kata_titles(client.get("/katas?show=solved").text) == ["stable-softmax"]
    assert "stable-softmax" not in kata_titles(client.get("/katas?show=unsolved").text)
    assert kata_titles(client.get("/katas?show=due").text) == []  # a first solve is reviewed a day or more later
    app = client.app
    assert isinstance(app, FastAPI)
    db = app.state.db  # the app's own database
    assert isinstance(db, Database)
    with db.session() as s:
        s.get(ItemState, kata_item_id("stable-softmax")).due = utcnow() - timedelta(hours=1)
    due = client.get("/katas?show=due").text
    assert kata_titles(due) == ["stable-softmax"] and "<strong>due now</strong>" in due and "1 due for review" in due
    assert "No kata matches these filters" in client.get("/katas?level=L3&framework=numpy&show=solved").text


def test_a_kata_token_does_not_write_another_kata(client: TestClient) -> None:
    # tokens are scoped to one kata: a token taken from one kata's page cannot overwrite another kata's workspace
    other = csrf(client.get("/katas/layer-norm").text)
    before = client.get("/katas/stable-softmax").text
    assert client.post("/katas/stable-softmax/draft", data={"source": "# pwned\n", "csrf": other}).status_code == 403
    assert client.post("/katas/stable-softmax/check", data={"source": "# pwned\n", "csrf": other}).status_code == 403
    assert "# pwned" not in client.get("/katas/stable-softmax").text and "def softmax" in before
