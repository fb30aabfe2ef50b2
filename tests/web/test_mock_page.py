"""The browser mock interview through real HTTP requests: start, answer, tick, follow-ups, the kata in the sandbox, the
report and its Markdown; CSRF; a double submit; a server restart mid-mock; suggested ticks; Today's hint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mldrill.catalog.katas import get_katas
from mldrill.catalog.loader import get_catalog
from mldrill.store import MockAnswer, MockSession, Review, open_db
from mldrill.study.scheduler import save_setting
from mldrill.web.app import create_app
from mockcontent import mock_catalog
from webforms import csrf_of


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, str]]:
    mock_catalog(tmp_path / "content")
    monkeypatch.setenv("MLDRILL_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    get_catalog.cache_clear()
    url = f"sqlite:///{tmp_path / 'web.db'}"
    db = open_db(url)
    save_setting(db, "fuzz", False)
    db.close()
    yield TestClient(create_app(url), base_url="http://127.0.0.1"), url
    get_catalog.cache_clear()


def kata_of(url: str, mock_id: int) -> str:
    db = open_db(url)
    with db.session() as s:
        m = s.get(MockSession, mock_id)
        assert m is not None and m.kata_id is not None
        kata_id, topic = m.kata_id, get_katas()[m.kata_id].spec.topic
    db.close()
    assert topic == "losses"
    return kata_id


def start(client: TestClient, **form: object) -> int:
    page = client.get("/mock")
    assert page.status_code == 200 and 'action="/mock"' in page.text
    got = client.post("/mock", data={"csrf": csrf_of(page.text), **form})
    assert got.status_code == 200, got.text
    return int(str(got.url).rstrip("/").rsplit("/", 1)[1])


def current_item(client: TestClient, mock_id: int) -> tuple[str, str]:
    page = client.get(f"/mock/{mock_id}")
    m = re.search(r'id="question" data-item="([^"]+)"', page.text)
    assert m, page.text[:2000]
    return m.group(1), page.text


def answer_and_tick(client: TestClient, mock_id: int, hits: list[int], trap: bool = False, rating: str = "") -> str:
    item, page = current_item(client, mock_id)
    token = csrf_of(page)
    assert 'id="answer-form"' in page and 'id="session-clock"' in page and 'id="answer-clock"' in page
    review = client.post(f"/mock/{mock_id}/answer", data={"csrf": token, "item": item, "answer": f"About {item}"})
    assert review.status_code == 200 and f"About {item}" in review.text and 'id="key-points"' in review.text
    data: dict[str, object] = {"csrf": token, "item": item, "hit": [str(h) for h in hits], "rating": rating}
    if trap:
        data["trap"] = "1"
    assert client.post(f"/mock/{mock_id}/ticks", data=data).status_code == 200
    return item


def test_a_15_minute_mock_in_the_browser(env: tuple[TestClient, str]) -> None:
    client, url = env
    mock_id = start(client, minutes="15", area="numerics-losses", level=["L1", "L2", "L3"], seed="1")
    asked = [answer_and_tick(client, mock_id, [0, 1])]  # l1: 2 of 2, Good
    asked.append(answer_and_tick(client, mock_id, [0], trap=True))  # l2: 1 of 2 and the trap, Again
    asked.append(answer_and_tick(client, mock_id, [0, 1, 2]))  # l3: Good, its follow-ups next
    item, page = current_item(client, mock_id)
    assert item == "losses/l3f1" and 'id="followup"' in page
    asked.append(answer_and_tick(client, mock_id, []))
    asked.append(answer_and_tick(client, mock_id, [1]))  # l3f2: 1 of 2, Hard
    asked.append(answer_and_tick(client, mock_id, [0, 1, 2], rating="4"))  # the learner's own Easy
    assert asked == ["losses/l1", "losses/l2", "losses/l3", "losses/l3f1", "losses/l3f2", "losses/l6"]
    kata_page = client.get(f"/mock/{mock_id}")
    kata = get_katas()[kata_of(url, mock_id)]  # one of the `losses` topic's katas: the same area
    assert (
        'id="kata-form"' in kata_page.text and kata.spec.title in kata_page.text and 'id="kata-clock"' in kata_page.text
    )
    token = csrf_of(kata_page.text)
    assert client.post(f"/mock/{mock_id}/kata/draft", data={"csrf": token, "source": "# draft"}).status_code == 204
    again = client.get(f"/mock/{mock_id}")
    assert "# draft" in again.text  # the draft is the mock's (a reload or a restart keeps it)
    checked = client.post(f"/mock/{mock_id}/kata/check", data={"csrf": token, "source": kata.mutants()[0]})
    assert "PASSED" in checked.text and 'id="see-report"' in checked.text
    rep = client.get(f"/mock/{mock_id}/report")
    # scores: 1, 1/2, 1, 0, 1/2, 1 -> 4/6
    assert re.search(r'id="score">67 %', rep.text) and 'id="kata-status">passed' in rep.text
    assert "missed: the second point" in rep.text and "fell into the trap: Trap of losses/l2." in rep.text
    md = client.get(f"/mock/{mock_id}/report.md")
    assert md.headers["content-type"].startswith("text/markdown")
    assert "| Numerics & loss functions | 6 | 67% | 10/14 | 1 |" in md.text
    db = open_db(url)
    with db.session() as s:
        got = [(r.item_id, r.rating) for r in s.query(Review).filter(Review.kind == "card").order_by(Review.id)]
    db.close()
    assert got == list(zip(asked, [3, 1, 3, 1, 2, 4], strict=True))
    listing = client.get("/mock")
    assert 'id="past-mocks"' in listing.text and f'href="/mock/{mock_id}/report"' in listing.text


def test_csrf_double_submit_and_a_restart(env: tuple[TestClient, str], tmp_path: Path) -> None:
    client, url = env
    mock_id = start(client, minutes="15", seed="2")
    item, page = current_item(client, mock_id)
    token = csrf_of(page)
    forged = client.post(f"/mock/{mock_id}/answer", data={"csrf": "0" * 64, "item": item, "answer": "x"})
    assert forged.status_code == 403
    other = start(client, minutes="15", seed="3")
    wrong = client.post(f"/mock/{mock_id}/answer", data={"csrf": csrf_of(client.get(f"/mock/{other}").text),
                                                          "item": item, "answer": "x"})  # fmt: skip
    assert wrong.status_code == 403  # a token is bound to its mock
    client.post(f"/mock/{mock_id}/answer", data={"csrf": token, "item": item, "answer": "my first take"})
    client.post(f"/mock/{mock_id}/answer", data={"csrf": token, "item": item, "answer": "my resent take"})  # a resend
    restarted = TestClient(create_app(url), base_url="http://127.0.0.1")  # same database and secret: a restart
    page = restarted.get(f"/mock/{mock_id}")
    assert "my first take" in page.text and 'id="ticks-form"' in page.text and "my resent take" not in page.text
    assert restarted.post(f"/mock/{mock_id}/ticks", data={"csrf": token, "item": item, "hit": ["0"]}).status_code == 200
    assert restarted.post(f"/mock/{mock_id}/ticks", data={"csrf": token, "item": item, "hit": ["0"]}).status_code == 200
    db = open_db(url)
    with db.session() as s:
        assert s.query(Review).filter(Review.item_id == item).count() == 1  # the resent ticks rated nothing
    db.close()
    assert restarted.get("/mock/999").status_code == 404


@dataclass(frozen=True)
class FakeSuggestion:
    hits: tuple[bool, ...]
    scores: tuple[float, ...]
    states_trap: bool
    trap_score: float


def test_suggested_ticks_are_marked_and_the_learner_decides(
    env: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offline answer check (study/answer_check.py, faked here: its model is tested on its own) pre-ticks what it
    finds, visibly."""
    from mldrill.study import answer_check

    monkeypatch.setattr(answer_check, "available", lambda: True)
    monkeypatch.setattr(
        answer_check,
        "suggest",
        lambda answer, points, trap: FakeSuggestion(
            tuple(i == 0 for i in range(len(points))),
            tuple(0.9 if i == 0 else 0.1 for i in range(len(points))),
            True,
            0.8,
        ),
    )
    client, url = env
    mock_id = start(client, minutes="15", area="numerics-losses", seed="1")
    item, page = current_item(client, mock_id)
    token = csrf_of(page)
    review = client.post(f"/mock/{mock_id}/answer", data={"csrf": token, "item": item, "answer": "the first point"})
    assert review.text.count('class="suggested">suggested') == 2  # the first key point and the trap
    assert re.search(r'name="hit" value="0" checked', review.text) and 'name="hit" value="1">' in review.text
    assert re.search(r'id="trap" checked', review.text)
    # the learner unticks the trap and ticks both points: their marks count, not the suggestion
    client.post(f"/mock/{mock_id}/ticks", data={"csrf": token, "item": item, "hit": ["0", "1"]})
    db = open_db(url)
    with db.session() as s:
        row = s.query(MockAnswer).filter(MockAnswer.item_id == item).one()
        assert (row.suggested, row.suggested_trap, row.ticks, row.trap_fell, row.rating) == (
            [True, False], True, [True, True], False, 3,
        )  # fmt: skip
    db.close()


def test_today_suggests_a_mock_once_the_track_is_mostly_seen(env: tuple[TestClient, str]) -> None:
    from mldrill.study.items import catalog_items
    from mldrill.study.scheduler import Settings, make_scheduler
    from mldrill.study.session import record_review

    client, url = env
    db = open_db(url)
    save_setting(db, "track", "classical-ml")  # covers numerics-losses, not attention-transformers
    items = catalog_items(get_catalog())
    main = ["losses/l1", "losses/l2", "losses/l3", "losses/l4", "losses/l5", "losses/l6", "losses/l7"]
    sched = make_scheduler(Settings(fuzz=False))
    from mldrill.study.clock import utcnow

    for cid in main[:4]:  # 4 of 7 = 57 %: not yet
        record_review(db, sched, items[cid], 3, now=utcnow())
    assert 'id="mock-hint"' not in client.get("/").text
    record_review(db, sched, items[main[4]], 3, now=utcnow())  # 5 of 7 = 71 % >= 70 %
    db.close()
    page = client.get("/").text
    assert 'id="mock-hint"' in page and "a 30-minute mock is a good next step" in page


def test_ending_early_and_giving_up_the_kata(env: tuple[TestClient, str]) -> None:
    client, url = env
    mock_id = start(client, minutes="15", area="numerics-losses", seed="1")
    answer_and_tick(client, mock_id, [0, 1])
    item, page = current_item(client, mock_id)
    ended = client.post(f"/mock/{mock_id}/end", data={"csrf": csrf_of(page)})
    assert ended.status_code == 200 and str(ended.url).endswith(f"/mock/{mock_id}/report")
    assert "score over 1 card" in ended.text  # the card left on screen is not scored
    assert client.get(f"/mock/{mock_id}").url.path == f"/mock/{mock_id}/report"  # a finished mock shows its report
    late = client.post(f"/mock/{mock_id}/answer", data={"csrf": csrf_of(page), "item": item, "answer": "late"})
    assert late.status_code == 200  # nothing waits for an answer any more: dropped
    db = open_db(url)
    with db.session() as s:
        assert s.query(MockAnswer).filter(MockAnswer.item_id == item).one().answered_at is None
    db.close()

    second = start(client, minutes="15", area="attention-transformers", seed="4")
    while 'id="question"' in (page := client.get(f"/mock/{second}").text):
        item = re.findall(r'id="question" data-item="([^"]+)"', page)[0]
        client.post(f"/mock/{second}/answer", data={"csrf": csrf_of(page), "item": item, "answer": "x"})
        client.post(f"/mock/{second}/ticks", data={"csrf": csrf_of(page), "item": item, "rating": "2"})  # Hard
    page = client.get(f"/mock/{second}").text
    assert 'id="give-up"' in page
    gave_up = client.post(f"/mock/{second}/kata/finish", data={"csrf": csrf_of(page)})
    assert 'id="kata-status">not checked' in gave_up.text and "redo it" in gave_up.text


def test_a_card_without_key_points_asks_for_a_self_rating(env: tuple[TestClient, str]) -> None:
    client, url = env
    mock_id = start(client, minutes="15", area="attention-transformers", seed="0")
    db = open_db(url)
    with db.session() as s:  # the card on screen becomes attn/t4, which has no key points
        s.query(MockAnswer).filter(MockAnswer.mock_id == mock_id).update({"item_id": "attn/t4", "key_points": []})
    db.close()
    item, page = current_item(client, mock_id)
    token = csrf_of(page)
    review = client.post(f"/mock/{mock_id}/answer", data={"csrf": token, "item": item, "answer": "my answer"})
    assert 'id="no-key-points"' in review.text and "rate yourself" in review.text
    assert 'id="proposed"' not in review.text and 'name="rating" value="1" required' in review.text
    refused = client.post(f"/mock/{mock_id}/ticks", data={"csrf": token, "item": item, "rating": ""})
    assert refused.status_code == 422 and "no key points yet: rate your answer yourself" in refused.text
    assert client.post(f"/mock/{mock_id}/ticks", data={"csrf": token, "item": item, "rating": "2"}).status_code == 200
    db = open_db(url)
    with db.session() as s:
        assert s.query(Review).filter(Review.item_id == "attn/t4").one().rating == 2
    db.close()


def test_the_form_offers_your_track_and_ticked_areas_replace_it(env: tuple[TestClient, str]) -> None:
    client, url = env
    db = open_db(url)
    save_setting(db, "track", "classical-ml")
    db.close()
    assert '<option value="classical-ml" selected>' in client.get("/mock").text
    mock_id = start(client, minutes="15", track="classical-ml", area="attention-transformers", seed="0")
    item, _ = current_item(client, mock_id)
    assert item.startswith("attn/")  # classical-ml has no attention cards: the ticked area won
    report = client.get(f"/mock/{mock_id}/report").text
    assert "areas Attention &amp; transformers" in report


@pytest.mark.parametrize("field,value", [("seed", "²"), ("seed", "9" * 5000), ("seed", str(2**63)), ("minutes", "²")])
def test_a_start_form_with_a_non_ascii_or_huge_number_is_a_422_not_a_crash(
    env: tuple[TestClient, str], field: str, value: str
) -> None:
    client, _ = env
    client = TestClient(client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    token = csrf_of(client.get("/mock").text)
    got = client.post("/mock", data={"csrf": token, "minutes": "15", field: value}, follow_redirects=False)
    assert got.status_code == 422 and "whole numbers" in got.text


@pytest.mark.parametrize("path", ["/mock/{}", "/mock/{}/report", "/mock/{}/report.md"])
def test_a_mock_id_past_sqlites_integers_is_a_404(env: tuple[TestClient, str], path: str) -> None:
    client, _ = env
    client = TestClient(client.app, base_url="http://127.0.0.1", raise_server_exceptions=False)
    assert client.get(path.format(10**30)).status_code == 404


def test_the_question_page_loads_the_answer_check_model_before_the_first_answer(
    env: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first answer sent waited ~5 s for MiniLM to load; the question page now starts the load in a thread."""
    import threading

    from mldrill.study import answer_check

    loaded = threading.Event()

    def fake_embedder() -> None:
        loaded.set()
        return None

    monkeypatch.setattr(answer_check, "available", lambda: True)
    monkeypatch.setattr(answer_check, "_embedder", fake_embedder)
    client, _ = env
    mock_id = start(client, minutes="15")  # lands on the first question
    assert 'id="answer-form"' in client.get(f"/mock/{mock_id}").text
    assert loaded.wait(10), "the question page did not start loading the answer check's model"


def test_a_start_form_sent_twice_starts_one_mock(env: tuple[TestClient, str]) -> None:
    """A double click, or a resend after a slow response: the form's nonce leads the second post to the first mock."""
    client, url = env
    page = client.get("/mock").text
    nonce = re.search(r'name="nonce" value="([0-9a-f]{32})"', page)
    assert nonce, "no nonce on the start form"
    form = {"csrf": csrf_of(page), "nonce": nonce.group(1), "minutes": "15", "area": "numerics-losses", "seed": "3"}
    first = client.post("/mock", data=form, follow_redirects=False)
    again = client.post("/mock", data=form, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    other = client.get("/mock").text  # a new form, a new nonce: a new mock
    assert re.search(r'name="nonce" value="([0-9a-f]{32})"', other).group(1) != nonce.group(1)
    form["nonce"] = re.search(r'name="nonce" value="([0-9a-f]{32})"', other).group(1)
    third = client.post("/mock", data=form, follow_redirects=False)
    assert third.headers["location"] != first.headers["location"]
    db = open_db(url)
    with db.session() as s:
        assert s.query(MockSession).count() == 2
    db.close()
