"""Rapid-fire and most-confused pairs in a real browser: the countdown runs in the page and reveals the one-sentence
answer by itself; the pairs' third step asks for the one difference. Ratings are read back from the database."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from serverutil import Server, shot

from mldrill.store import Review, open_db

pytestmark = pytest.mark.e2e


def stored(server: Server) -> list[tuple[str, int]]:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            return [(r.item_id, r.rating) for r in s.query(Review).order_by(Review.id)]
    finally:
        db.close()


def test_rapid_fire_countdown_reveals_by_itself(server: Server, page: Page) -> None:
    before = len(stored(server))
    page.goto(f"{server.url}/drill")
    form = page.locator("#rapid-start")
    form.locator("select[name=area]").select_option("activations-init-norm-residual")
    form.locator("input[name=seconds]").fill("3")
    form.locator("input[name=limit]").fill("2")
    page.click("#rapid")
    expect(page.locator("#countdown")).to_be_visible()
    first = str(page.locator("#card").get_attribute("data-item"))
    expect(page.locator("#answer-short")).to_be_visible(timeout=8000)  # no key pressed: the clock revealed it
    shot(page, "rapid-fire-revealed")
    page.keyboard.press("3")
    expect(page.locator("#countdown")).to_be_visible()
    assert page.locator("#card").get_attribute("data-item") != first
    assert stored(server)[before:] == [(first, 3)]


def test_confused_pair_ends_with_the_one_difference(server: Server, page: Page) -> None:
    before = len(stored(server))
    page.goto(f"{server.url}/drill")
    page.locator("#confused-start select[name=pair]").select_option("bn-vs-ln")
    page.click("#confused")
    expect(page.locator("#pair-role")).to_contain_text("concept 1 of 2")
    for _ in range(2):
        page.keyboard.press(" ")
        expect(page.locator("button.r3")).to_be_visible()
        page.keyboard.press("3")
        page.wait_for_timeout(300)
    expect(page.locator("#difference")).to_have_text("What is the one difference?")
    shot(page, "confused-difference")
    page.keyboard.press(" ")
    expect(page.locator("#answer")).to_be_visible()
    page.keyboard.press("2")
    # new cards in their learning steps come back at the end, as in the drill: the first card of the pair is next
    expect(page.locator("#card")).to_have_attribute("data-item", "batchnorm/forward")
    assert stored(server)[before:] == [
        ("batchnorm/forward", 3),
        ("layer-rms-group-norm/layernorm-forward", 3),
        ("layer-rms-group-norm/bn-vs-ln", 2),
    ]


@pytest.mark.parametrize("width", [1366, 390])
def test_each_start_form_label_stays_on_the_line_of_its_control(server: Server, page: Page, width: int) -> None:
    """'Track' ended one line and its select began the next (also 'or area', 'Cards'): a label reads with its
    control or not at all."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/drill")
    split = page.eval_on_selector_all(
        "form.start label",
        """els => els.filter(l => l.querySelector('select, input:not([type=checkbox]):not([type=radio])')).filter(l => {
            const c = l.querySelector('select, input').getBoundingClientRect();
            const r = document.createRange(); r.setStart(l, 0); r.setEnd(l, 1);  // the label's text
            const t = r.getBoundingClientRect();
            return t.bottom <= c.top + 1;  // the text sits entirely above its control: split over two lines
        }).map(l => l.textContent.trim().slice(0, 20))""",
    )
    shot(page, f"drill-start-{width}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth") - width
    assert not split, f"labels split from their controls at {width} px: {split}"
    assert overflow <= 1, f"/drill is {overflow} px wider than {width} px"
