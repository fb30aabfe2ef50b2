"""The card browser and the drill's deck keys through real HTTP: search, filters, paging, actions (POST + CSRF only),
notes under the answer, bury/suspend leaving the drill at once, a leech announced, decks listed and deleted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from minicontent import card, mini_catalog, topic, write_topics
from mldrill.catalog.loader import get_catalog
from mldrill.store import CardMark, Review, UserCard, open_db
from mldrill.study.clock import utcnow
from mldrill.web.app import create_app
from webforms import csrf_of


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mini_catalog(tmp_path / "content")
    write_topics(tmp_path / "content", [topic("gamma", "moe", [card(f"gamma/g{i:02d}") for i in range(60)])])
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url
    get_catalog.cache_clear()


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-item="([^"]+)"', html)


def test_search_filters_sort_and_paging(env: tuple[TestClient, str]) -> None:
    client, _ = env
    page = client.get("/cards?q=TRAP+b1.")
    assert page.status_code == 200 and listed(page.text) == ["beta/b1"]
    assert listed(client.get("/cards?q=answer+a2").text) == ["alpha/a2"]
    assert listed(client.get("/cards?level=L3").text) == ["alpha/a4"]
    assert listed(client.get("/cards?topic=beta").text) == ["beta/b1", "beta/b2"]
    first = client.get("/cards?topic=gamma")
    assert len(listed(first.text)) == 50 and "60 cards" in first.text and "page 1 of 2" in first.text
    second = client.get("/cards?topic=gamma&page=2")
    assert listed(second.text) == [f"gamma/g{i:02d}" for i in range(50, 60)]
    assert listed(client.get("/cards?topic=beta&sort=-reps&page=abc").text) == ["beta/b1", "beta/b2"]
    assert "No card matches" in client.get("/cards?q=zzzz").text


def test_actions_are_posts_with_csrf_and_show_on_the_card(env: tuple[TestClient, str]) -> None:
    client, url = env
    page = client.get("/cards/show?id=alpha/a1")
    assert page.status_code == 200 and "Question of alpha/a1?" in page.text and "Not reviewed yet" in page.text
    token = csrf_of(page.text)
    for action, value in (("suspend", ""), ("flag", "3"), ("note", "Mnemonic: **a1**")):
        r = client.post("/cards/act", data={"csrf": token, "item": "alpha/a1", "action": action, "value": value})
        assert r.status_code == 200, r.text  # followed the redirect back to /cards
    shown = client.get("/cards/show?id=alpha/a1").text
    assert "suspended" in shown and "⚑ green" in shown and "<strong>a1</strong>" in shown
    assert listed(client.get("/cards?suspended=yes").text) == ["alpha/a1"]
    assert listed(client.get("/cards?flagged=3").text) == ["alpha/a1"]
    assert client.post("/cards/act", data={"item": "alpha/a1", "action": "unsuspend"}).status_code == 403
    assert client.get("/cards/act?item=alpha/a1&action=unsuspend").status_code == 405  # never on a GET
    bad = client.post("/cards/act", data={"csrf": token, "item": "alpha/a1", "action": "flag", "value": "mauve"})
    assert bad.status_code == 422 and "flag must be 1-7" in bad.text
    missing = client.post("/cards/act", data={"csrf": token, "item": "nope/x", "action": "suspend"})
    assert missing.status_code == 404
    # an outside address in `back` is never followed
    r = client.post(
        "/cards/act",
        data={"csrf": token, "item": "alpha/a1", "action": "unsuspend", "back": "https://evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/cards"
    db = open_db(url)
    with db.session() as s:
        m = s.get(CardMark, "alpha/a1")
        assert m is not None and (m.suspended, m.flag, m.note) == (False, 3, "Mnemonic: **a1**")
    db.close()


def _start(client: TestClient, topic_id: str) -> str:
    form = client.get(f"/drill?topic={topic_id}")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.text))
    page = client.post("/drill", data={**fields, "topic": topic_id})
    return str(page.url).rsplit("/", 1)[1]


def test_drill_keys_bury_suspend_flag_and_the_note_under_the_answer(env: tuple[TestClient, str]) -> None:
    client, url = env
    db = open_db(url)
    from mldrill.study.deck import act
    from mldrill.study.items import all_items

    act(db, all_items(get_catalog(), db)["beta/b1"], "note", now=utcnow(), value="My own words for b1")
    sid = _start(client, "beta")  # b2 (L1) comes before b1 (L2)
    page = client.get(f"/drill/{sid}")
    assert 'data-key="-"' in page.text and 'data-key="@"' in page.text and 'data-key="*"' in page.text
    assert 'data-key="?"' in page.text and "Ctrl+Z" in page.text
    token = csrf_of(page.text)
    r = client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": "beta/b2", "action": "flag"})
    assert "⚑ flagged" in r.text and "Question of beta/b2?" in r.text  # flagging keeps the card
    r = client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": "beta/b2", "action": "bury"})
    assert "Buried until tomorrow: beta/b2" in r.text and "Question of beta/b1?" in r.text
    shown = client.get(f"/drill/{sid}?reveal=1").text
    assert "My own words for b1" in shown and 'data-key2=" "' in shown  # space = Good once revealed
    # a second press aimed at the buried card does nothing
    again = client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": "beta/b2", "action": "suspend"})
    assert "Question of beta/b1?" in again.text
    r = client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": "beta/b1", "action": "suspend"})
    assert "Suspended: beta/b1" in r.text and "Session done" in r.text
    r = client.post(f"/drill/{sid}/undo", data={"csrf": token})  # u takes a suspend back, as in Anki
    assert "Undone: suspend of beta/b1" in r.text and "Question of beta/b1?" in r.text
    r = client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": "beta/b1", "action": "suspend"})
    assert "Session done" in r.text
    with db.session() as s:
        b2, b1 = s.get(CardMark, "beta/b2"), s.get(CardMark, "beta/b1")
        assert b2 is not None and b2.flag == 1 and b2.buried_until is not None and not b2.suspended
        assert b1 is not None and b1.suspended
    assert client.post(f"/drill/{sid}/mark", data={"item": "beta/b1", "action": "bury"}).status_code == 403
    db.close()


def test_a_leech_is_suspended_and_announced(env: tuple[TestClient, str]) -> None:
    client, url = env
    from mldrill.store import ItemState
    from mldrill.study.scheduler import save_setting

    db = open_db(url)
    save_setting(db, "leech_threshold", 1)
    sid = _start(client, "beta")
    token = csrf_of(client.get(f"/drill/{sid}").text)
    client.post(f"/drill/{sid}/rate", data={"csrf": token, "rating": 4, "item": "beta/b2"})  # Easy: review state
    with db.session() as s:  # a day's wait, then b2 is due again
        st = s.get(ItemState, "beta/b2")
        assert st is not None and st.state == 2
        st.due = utcnow()
    sid = _start(client, "beta")
    page = client.get(f"/drill/{sid}")
    assert "Question of beta/b2?" in page.text
    r = client.post(f"/drill/{sid}/rate", data={"csrf": csrf_of(page.text), "rating": 1, "item": "beta/b2"})
    assert "Leech: beta/b2: 1 lapse (forgotten 1x" in r.text and "tagged leech and suspended" in r.text
    assert "Question of beta/b1?" in r.text  # the suspended leech does not come back in this session
    with db.session() as s:
        m = s.get(CardMark, "beta/b2")
        assert m is not None and m.leech and m.suspended
        assert s.query(Review).count() == 2
    db.close()


def test_my_cards_on_topics_and_today_with_drill_view_and_delete(env: tuple[TestClient, str]) -> None:
    client, url = env
    db = open_db(url)
    with db.session() as s:
        for i in range(3):
            s.add(
                UserCard(
                    id=f"user/mine/q{i}", deck="mine", level="L2", question=f"My Q{i}", answer=f"My A{i}",
                    trap="", tags=[], source="t", created_at=utcnow(),
                )
            )  # fmt: skip
    db.close()
    topics = client.get("/topics").text
    assert "My cards" in topics and 'data-deck="mine"' in topics and "3 cards" in topics
    assert 'href="/cards?deck=mine"' in topics and 'value="user/mine"' in topics
    assert "My cards" in client.get("/").text
    assert listed(client.get("/cards?deck=mine").text) == ["user/mine/q0", "user/mine/q1", "user/mine/q2"]
    sid = _start(client, "user/mine")
    assert "My Q0" in client.get(f"/drill/{sid}").text
    token = csrf_of(re.search(r'action="/cards/decks/delete">.*?</form>', topics, re.S).group(0))  # type: ignore[union-attr]
    refused = client.post("/cards/decks/delete", data={"csrf": token, "deck": "mine"})
    assert refused.status_code == 422 and "tick the box" in refused.text
    r = client.post("/cards/decks/delete", data={"csrf": token, "deck": "mine", "confirm": "yes"})
    assert r.status_code == 200 and 'data-deck="mine"' not in r.text
    db = open_db(url)
    with db.session() as s:
        assert s.query(UserCard).count() == 0
    db.close()


def test_upload_an_apkg_then_drill_it_mixed_with_the_catalog(env: tuple[TestClient, str], tmp_path: Path) -> None:
    import genanki

    client, _ = env
    deck = genanki.Deck(1_234_567_891, "Anki deck")
    for i in range(2):
        deck.add_note(genanki.Note(genanki.BASIC_MODEL, [f"Anki front {i}", f"Anki back {i}"]))
    deck.add_note(genanki.Note(genanki.BASIC_MODEL, ["[sound:a.mp3]", "<img src='b.png'>"]))
    path = tmp_path / "my-anki.apkg"
    genanki.Package(deck).write_to_file(path)
    page = client.get("/data")
    with path.open("rb") as f:
        r = client.post(
            "/data/import", data={"csrf": csrf_of(page.text)}, files={"file": ("my-anki.apkg", f, "application/zip")}
        )
    assert "Deck my-anki: 2 added, 0 updated." in r.text and "1 note(s) skipped" in r.text
    assert 'href="/cards?deck=my-anki"' in r.text
    sid = _start(client, "")  # everything: the imported cards mix in with the catalog's new cards
    token = csrf_of(client.get(f"/drill/{sid}").text)
    shown = []
    for _ in range(4):
        page = client.get(f"/drill/{sid}")
        item = re.search(r'id="card" data-item="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        shown.append(item)
        client.post(f"/drill/{sid}/mark", data={"csrf": token, "item": item, "action": "bury"})
    # the areas take turns (study/plan.py), My cards being one more area: an imported card comes in the first round,
    # after one card of each catalog area before it, not behind the catalog's new cards
    first = next(i for i, it in enumerate(shown) if it.startswith("user/my-anki/"))
    topics = [it.split("/")[0] for it in shown[:first]]
    assert shown[0] == "alpha/a1" and len(set(topics)) == len(topics)
