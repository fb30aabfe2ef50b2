"""Never looks broken, in a real browser: a drill goes on after the server restarts under it (no CSRF error), a
stopped server shows a banner and the pressed rating is kept and sent once it is back, the kata editor's keys
(4-space indent, Tab, Ctrl+Enter) and reset, and the practice log showing questions. Screenshots in artifacts/e2e/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect
from serverutil import Server, shot

from mldrill.store import Review, open_db

pytestmark = pytest.mark.e2e


def ratings(server: Server) -> list[tuple[str, int]]:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            return [(r.item_id, r.rating) for r in s.query(Review).filter(Review.kind == "card").order_by(Review.id)]
    finally:
        db.close()


def current_item(page: Page) -> str:
    return str(page.locator("#card").get_attribute("data-item"))


def reveal(page: Page) -> str:
    item = current_item(page)
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    return item


def test_restart_mid_drill_and_a_stopped_server(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/drill?topic=attention")
    page.click("#start")
    first = reveal(page)
    server.restart(kill=True)  # a crash and a restart: every session in memory is gone
    page.keyboard.press("3")
    page.wait_for_function("item => document.querySelector('#card').dataset.item !== item", arg=first)
    expect(page.locator("#banner")).to_have_count(0)
    assert ratings(server)[-1] == (first, 3)
    shot(page, "polish-after-restart")

    second = reveal(page)
    server.stop()
    page.keyboard.press("4")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("not answering")
    expect(banner).to_contain_text("4 Easy")
    assert current_item(page) == second and ratings(server)[-1] == (first, 3)  # nothing lost, nothing sent yet
    shot(page, "polish-server-unreachable", full_page=False)
    server.start()
    page.wait_for_function("item => document.querySelector('#card').dataset.item !== item", arg=second, timeout=20000)
    expect(banner).to_have_count(0)
    assert ratings(server)[-1] == (second, 4)  # the kept rating was sent once the server was back
    server.restart(kill=True)  # and a restart while a question (not yet its answer) is on screen
    third = reveal(page)
    page.keyboard.press("2")
    page.wait_for_function("item => document.querySelector('#card').dataset.item !== item", arg=third)
    assert ratings(server)[-1] == (third, 2)
    expect(page.locator("#banner")).to_have_count(0)
    page.goto(f"{server.url}/log")
    link = page.locator(f'a[href="/topics/attention#{first}"]')
    expect(link).to_be_visible()
    shot(page, "polish-log-questions")
    link.click()
    expect(page.locator(f'li[id="{first}"] details')).to_have_attribute("open", "")
    shot(page, "polish-topic-at-card", full_page=False)


def test_kata_editor_keys_and_reset(server: Server, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs: list[str] = []

    def accept(d: Dialog) -> None:
        dialogs.append(d.message)
        d.accept()

    page.on("dialog", accept)
    page.goto(f"{server.url}/katas/stable-softmax")
    starter = page.locator("#source").input_value()
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("import numpy as np\ndef softmax(x, axis=-1):\n")
    page.keyboard.type("return np.exp(x)")  # auto-indented by four spaces after the colon
    page.keyboard.press("Home")
    page.keyboard.press("Tab")  # Tab indents the line by four more
    typed = page.locator("#source").input_value()
    assert "def softmax(x, axis=-1):\n        return np.exp(x)" in typed, typed
    page.keyboard.press("Shift+Tab")
    assert "def softmax(x, axis=-1):\n    return np.exp(x)" in page.locator("#source").input_value()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#verdict")).to_be_visible(timeout=60000)
    expect(page.locator("#verdict")).to_contain_text("FAILED")
    expect(page.locator("p.explained a").first).to_be_visible()
    expect(page.locator("#history")).to_contain_text("failed")
    expect(page.locator("#solution-link")).to_be_visible()
    shot(page, "polish-kata-verdict")
    page.click("#reset")
    page.wait_for_load_state("load")
    expect(page.locator(".cm-content")).to_contain_text("def softmax")
    assert dialogs and "starter" in dialogs[0]
    assert page.locator("#source").input_value() == starter
    shot(page, "polish-kata-reset", full_page=False)
    context.close()
    assert errors == [], errors
