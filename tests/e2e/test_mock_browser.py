"""A short mock interview in a real browser: type answers (one survives a reload), tick key points, a follow-up after
a good answer, solve the kata in the CodeMirror editor, read the report, see the past mocks; the clocks run.
Screenshots: artifacts/e2e/mock-*.png."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from serverutil import Server, shot

from mldrill.catalog.katas import get_katas
from mldrill.store import open_db
from mldrill.study.scheduler import save_setting
from mockcontent import mock_catalog

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`mldrill serve` on a test catalog whose cards have key points (the packaged ones are being written)."""
    home = tmp_path_factory.mktemp("e2e-mock")
    mock_catalog(home / "content")
    srv = Server(home)
    db = open_db(srv.database_url)
    save_setting(db, "fuzz", False)
    db.close()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLDRILL_CONTENT_DIR", str(home / "content"))
        srv.start()
    yield srv
    srv.stop()


def replace_editor_text(page: Page, text: str) -> None:
    page.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def answer(page: Page, text: str, hits: list[int], *, trap: bool = False, name: str = "") -> str:
    item = page.locator("#question").get_attribute("data-item") or ""
    page.locator("#answer").fill(text)
    page.locator("#answer").press("ControlOrMeta+Enter")  # sends it
    expect(page.locator("#key-points")).to_be_visible()
    expect(page.locator("#your-answer")).to_have_text(text)
    for i in hits:
        page.locator(f"#key-points input[value='{i}']").check()
    if trap:
        page.locator("#trap").check()
    if name:
        shot(page, name)
    page.click("#next")
    page.wait_for_function(
        "i => !document.querySelector('#question') || document.querySelector('#question').dataset.item !== i", arg=item
    )
    return item


def test_a_short_mock_interview_in_the_browser(mock_server: Server, page: Page) -> None:
    url = mock_server.url
    page.goto(f"{url}/mock")
    expect(page.locator("#no-mocks")).to_be_visible()
    page.check("input[name=minutes][value='15']")
    page.locator("#mock-areas summary").click()
    page.check("input[name=area][value='numerics-losses']")
    page.locator("details:has(#mock-seed) summary").click()
    page.fill("#mock-seed", "1")
    shot(page, "mock-start")
    page.click("#start-mock")

    expect(page.locator("#question")).to_contain_text("Question of losses/l1?")
    expect(page.locator("#session-clock")).to_have_text(re.compile(r"^0:0\d$"))
    first = page.locator("#answer-clock").inner_text()
    page.wait_for_timeout(1500)
    assert page.locator("#answer-clock").inner_text() != first  # the answer clock runs
    page.locator("#answer").type("Softmax minus one-hot")
    page.reload()  # the answer being typed survives a reload
    expect(page.locator("#answer")).to_have_value("Softmax minus one-hot")
    shot(page, "mock-question")
    asked = [answer(page, "Softmax minus one-hot, divided by N for the mean.", [0, 1], name="mock-review")]
    asked.append(answer(page, "Not sure: something about the batch.", [0], trap=True))
    expect(page.locator("#proposed")).to_have_count(0)
    asked.append(answer(page, "All three points.", [0, 1, 2]))  # Good: the interviewer pushes further
    expect(page.locator("#followup")).to_be_visible()
    shot(page, "mock-followup")
    asked.append(answer(page, "I do not know.", []))
    asked.append(answer(page, "The second one.", [1]))
    asked.append(answer(page, "The first two.", [0, 1]))
    assert asked == ["losses/l1", "losses/l2", "losses/l3", "losses/l3f1", "losses/l3f2", "losses/l6"]

    kata = get_katas()[page.locator("#kata-form").get_attribute("data-kata") or ""]
    assert kata.spec.topic == "losses"  # a kata of the chosen area
    expect(page.locator(".cm-editor")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(kata.spec.title)
    expect(page.locator("#kata-clock")).to_have_text(re.compile(r"^\d:\d\d$"))
    replace_editor_text(page, kata.starter())  # as it came: every check fails
    page.click("#run")
    expect(page.locator("#verdict")).to_contain_text("FAILED", timeout=60_000)
    replace_editor_text(page, kata.mutants()[0])
    page.click("#run")
    expect(page.locator("#verdict")).to_contain_text("PASSED", timeout=60_000)
    shot(page, "mock-kata")
    page.click("#see-report")

    # scores 1, 1/2, 1, 0, 1/2, 2/3 -> 61 %
    expect(page.locator("#score")).to_have_text(f"{round(100 * (1 + 0.5 + 1 + 0 + 0.5 + 2 / 3) / 6)} %")
    expect(page.locator("#kata-status")).to_have_text("passed")
    expect(page.locator("#areas")).to_contain_text("Numerics & loss functions")
    expect(page.locator("#areas")).to_contain_text("9/14")
    expect(page.locator("#study-next")).to_contain_text("mldrill drill --area numerics-losses")
    expect(page.locator("#cards .fell")).to_have_count(1)
    shot(page, "mock-report")
    with page.expect_download() as dl:
        page.click("#export-md")
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "## Study next" in md and "| Numerics & loss functions | 6 | 61% | 9/14 | 1 |" in md

    page.goto(f"{url}/mock")
    expect(page.locator("#past-mocks tbody tr")).to_have_count(1)
    shot(page, "mock-list")
    con = sqlite3.connect(mock_server.database_url.removeprefix("sqlite:///"))
    try:
        ratings = con.execute("SELECT item_id, rating FROM review WHERE session_id = 'mock-1' ORDER BY id").fetchall()
    finally:
        con.close()
    assert ratings == list(zip(asked, [3, 1, 3, 1, 2, 2], strict=True))


def test_the_mock_pages_fit_a_phone(mock_server: Server, page: Page) -> None:
    """After the mock above: the start page with its past mocks, and the report, on a 390 px phone."""
    width = 390
    page.set_viewport_size({"width": width, "height": 860})
    for path, name in (("/mock", "mock-phone-start"), ("/mock/1/report", "mock-phone-report")):
        page.goto(f"{mock_server.url}{path}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth") - width
        shot(page, name)
        assert overflow <= 1, f"{path} is {overflow} px wider than a {width} px phone"
    widths = "els => els.map(e => e.getBoundingClientRect().width)"
    areas = page.eval_on_selector_all("#areas tbody td:first-child", widths)
    assert areas and min(areas) >= 120, f"the area column is squeezed to {min(areas):.0f} px: names break mid-word"
    hidden = page.eval_on_selector("#areas", "t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
    assert hidden <= 1, f"the By-area table hides {hidden} px on a {width} px phone"


def test_on_a_phone_the_sticky_clock_bar_does_not_cover_the_typed_answer(mock_server: Server, page: Page) -> None:
    """After sending an answer the page jumps to #review; the bar stays on top (sticky), and on a 390 px phone it
    was three lines (145 px) over a 5rem scroll margin: "Your answer" and the answer itself sat under it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{mock_server.url}/mock")
    page.locator("form[action='/mock'] button[type=submit]").first.click()
    page.locator("#answer").fill("An answer the candidate wants to read again")
    page.locator("#answer").press("ControlOrMeta+Enter")
    expect(page.locator("#key-points")).to_be_visible()
    page.wait_for_timeout(300)  # the jump to #review
    bar = page.eval_on_selector(".mock-bar", "e => e.getBoundingClientRect().bottom")
    heading = page.eval_on_selector("#review h2", "e => e.getBoundingClientRect().top")
    shot(page, "mock-phone-review", full_page=False)
    assert heading >= bar, f"the clock bar (bottom {bar:.0f} px) covers 'Your answer' (top {heading:.0f} px)"
    assert bar <= 90, f"the clock bar takes {bar:.0f} px of an 844 px phone screen"
    page.click("#end-mock")
