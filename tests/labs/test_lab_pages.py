"""Labs in the browser (in-process client): the list, predict first (stored, once), a parameter change re-runs the
lab, bad parameters say what would do, the script export runs, and the topic page shows the cached figure."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mldrill.web.app import create_app
from webforms import csrf_of as csrf

LAB = "attention_scaling"
SMALL = "n_keys=16&trials=20&max_log2_dk=6&seed=1"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), base_url="http://127.0.0.1")  # web/guard.py


def test_list_groups_by_area(client: TestClient) -> None:
    page = client.get("/labs").text
    assert "Attention &amp; transformers" in page or "Attention & transformers" in page
    assert f'href="/labs/{LAB}"' in page


def test_predict_first_then_figure_and_numbers(client: TestClient) -> None:
    page = client.get(f"/labs/{LAB}?{SMALL}").text
    assert "Predict first" in page and "<svg" not in page  # the figure waits for the prediction
    bad = client.post(f"/labs/{LAB}/predict", data={"choice": "2", "csrf": "forged"})
    assert bad.status_code == 403
    r = client.post(f"/labs/{LAB}/predict", data={"choice": "0", "csrf": csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    again = client.post(f"/labs/{LAB}/predict", data={"choice": "2", "csrf": csrf(page)})  # the first answer stays
    assert "not quite" in again.text
    page = client.get(f"/labs/{LAB}?{SMALL}").text
    assert page.count('<svg role="img" aria-label="') == 1 and "<th>d_k</th>" in page
    t0 = time.perf_counter()
    again = client.get(f"/labs/{LAB}?{SMALL}")  # drawn once: now read from the disk cache
    elapsed = time.perf_counter() - t0
    assert again.text == page and elapsed < 0.5, f"a cached lab page took {elapsed * 1000:.0f} ms"
    other = client.get(f"/labs/{LAB}?{SMALL.replace('seed=1', 'seed=2')}").text
    table = re.compile(r"<tbody>.*?</tbody>", re.S)
    assert table.search(page) and table.search(page).group(0) != table.search(other).group(0)  # type: ignore[union-attr]


def test_bad_parameter_says_the_range(client: TestClient) -> None:
    token = csrf(client.get(f"/labs/{LAB}").text)
    client.post(f"/labs/{LAB}/predict", data={"choice": "2", "csrf": token}, follow_redirects=False)
    r = client.get(f"/labs/{LAB}?n_keys=3")
    assert r.status_code == 422 and "expected an integer in [4, 512]" in r.text
    r = client.get(f"/labs/{LAB}?bogus=1")
    assert r.status_code == 422 and "n_keys" in r.text
    assert client.get("/labs/nope").status_code == 404


def test_script_export_reproduces_the_numbers(client: TestClient, tmp_path: Path) -> None:
    r = client.get(f"/labs/{LAB}/script.py?{SMALL}")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    path = tmp_path / f"{LAB}.py"
    path.write_text(r.text)
    out = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / f"{LAB}-1.svg").read_text().startswith("<svg")
    assert "Var(q·k)" in out.stdout


def test_topic_page_shows_the_cached_default_figure(client: TestClient) -> None:
    before = client.get("/topics/attention").text
    assert f'href="/labs/{LAB}"' in before and "drawn the first time" in before
    import json

    from mldrill.labs import get_lab
    from mldrill.labs._core import defaults_path

    small = get_lab(LAB).run(n_keys=8, trials=8, max_log2_dk=6, seed=0)  # stands in for the defaults' figure
    defaults_path(LAB).parent.mkdir(parents=True, exist_ok=True)
    defaults_path(LAB).write_text(json.dumps(small.to_json()))
    after = client.get("/topics/attention").text
    assert 'class="lab-figure"' in after
