"""`mldrill kata check` hands its job to a running `mldrill serve`: only with the token from the user's own file,
never for a browser, and it falls back to checking by itself whenever there is no server to ask."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mldrill.study.katas import attempts_of
from mldrill.web.app import create_app
from mldrill.web.handoff import HEADER, ROUTE, Unavailable, hand_off, token_file
from mldrill.web.local import published

GOOD = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n"
    "    return e / e.sum(axis=axis, keepdims=True)\n"
)


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("MLDRILL_DATABASE_URL", f"sqlite:///{tmp_path / 'web.db'}")
    app = create_app()
    with published(app, 8765):
        token = json.loads(token_file().read_text())["token"]
        yield TestClient(app, base_url="http://127.0.0.1"), token
    assert not token_file().exists()  # removed when the server stops


def test_the_token_file_is_the_users_alone(served: tuple[TestClient, str]) -> None:
    mode = stat.S_IMODE(os.stat(token_file()).st_mode)
    assert mode == 0o600, oct(mode)
    info = json.loads(token_file().read_text())
    assert info["pid"] == os.getpid() and info["port"] == 8765 and len(info["token"]) >= 40


def test_a_check_with_the_token_is_judged_and_recorded(served: tuple[TestClient, str]) -> None:
    client, token = served
    got = client.post(ROUTE, json={"kata_id": "stable-softmax", "source": GOOD}, headers={HEADER: token})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["status"] == "passed" and body["attempt"] == 1 and body["checks"]
    assert len(attempts_of(client.app.state.db, "stable-softmax")) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {HEADER: "wrong"},
        {HEADER: ""},
        {"Origin": "http://evil.example"},  # plus the right token, below
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-origin"},
    ],
)
def test_no_token_a_wrong_token_or_any_browser_request_is_refused(
    served: tuple[TestClient, str], headers: dict[str, str]
) -> None:
    client, token = served
    if "Origin" in headers or "Sec-Fetch-Site" in headers:
        headers = {**headers, HEADER: token}
    got = client.post(ROUTE, json={"kata_id": "stable-softmax", "source": GOOD}, headers=headers)
    assert got.status_code == 403
    assert attempts_of(client.app.state.db, "stable-softmax") == []  # type: ignore[attr-defined]


def test_without_a_published_server_the_endpoint_answers_nobody(tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), base_url="http://127.0.0.1")
    assert (
        client.post(ROUTE, json={"kata_id": "stable-softmax", "source": GOOD}, headers={HEADER: ""}).status_code == 403
    )


def test_the_client_checks_by_itself_when_there_is_no_server_to_ask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MLDRILL_DATABASE_URL", raising=False)
    with pytest.raises(Unavailable):  # no file
        hand_off("stable-softmax", GOOD)
    token_file().parent.mkdir(parents=True)
    gone = 2**22 + 12345  # above the default pid_max: no such process
    token_file().write_text(json.dumps({"port": 1, "token": "t", "pid": gone, "database": ""}))
    with pytest.raises(Unavailable):  # a stale file
        hand_off("stable-softmax", GOOD)
    token_file().write_text(json.dumps({"port": 1, "token": "t", "pid": os.getpid(), "database": "sqlite:///x"}))
    with pytest.raises(Unavailable):  # a server on another database
        hand_off("stable-softmax", GOOD)
    token_file().write_text(json.dumps({"port": 1, "token": "t", "pid": os.getpid(), "database": ""}))
    with pytest.raises(Unavailable):  # nobody listening on its port
        hand_off("stable-softmax", GOOD)
    token_file().write_text("not json")
    with pytest.raises(Unavailable):
        hand_off("stable-softmax", GOOD)
