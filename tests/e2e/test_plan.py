"""Study control in a real browser: pick a track and an interview date on /settings, see the plan on Today, drill a
topic from its page with the keyboard while the new / learning / review counts go down, and dark mode (the switch
and the system's preference) at laptop and phone widths. Screenshots: artifacts/e2e/plan-*.png."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from serverutil import Server, shot

from mldrill.catalog import get_catalog
from mldrill.store import Review, open_db
from mldrill.study.tracks import load_tracks

pytestmark = pytest.mark.e2e


def counts(page: Page) -> tuple[int, int, int, int]:
    """new, learning, review, follow-ups (shown apart: "+3 follow-ups")."""
    text = page.locator("#counts").inner_text()
    m = re.search(r"(\d+) new · (\d+) learning · (\d+) review(?: · \+(\d+) follow-ups?)?", text)
    assert m, text
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)


def durations(server: Server) -> list[int | None]:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            return [r.duration_ms for r in s.query(Review).order_by(Review.id)]
    finally:
        db.close()


def finish(page: Page, limit: int = 150) -> int:
    """Rate every card Easy with the keyboard until the session is done; returns how many were rated."""
    for n in range(limit):
        if page.locator("#next-due").count():
            return n
        item = page.locator("#card").get_attribute("data-item")
        page.keyboard.press("Space")
        expect(page.locator("#answer")).to_be_visible()
        page.keyboard.press("4")
        page.wait_for_function("i => document.querySelector('#card').dataset.item !== i", arg=item)
    raise AssertionError(f"the session did not end within {limit} ratings")


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


def test_track_plan_topic_drill_counts_and_dark_mode(server: Server, page: Page, browser: Browser) -> None:
    interview = (date.today() + timedelta(days=14)).isoformat()
    page.goto(f"{server.url}/settings")
    page.fill("input[name=new_per_day]", "5")
    page.select_option("#track", "llm-engineer")
    page.fill("#interview", interview)
    shot(page, "plan-settings-filled")
    page.click("#save")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#plan-pace")).to_contain_text("LLM engineer")

    page.goto(server.url)
    plan = page.locator("#plan")
    expect(plan).to_contain_text("Plan: LLM engineer")
    expect(plan).to_contain_text(f"interview on {interview}")
    expect(plan).to_contain_text("14 study days left")
    # by hand from the catalog: the track's cards that are nobody's follow-up, over 14 days (126 -> 9 a day today)
    cat = get_catalog()
    areas = set(load_tracks(cat)["llm-engineer"].areas)
    cards = [c for t in cat.topics.values() if t.area in areas for c in t.cards]
    children = {f for t in cat.topics.values() for c in t.cards for f in c.followups}
    pace = math.ceil(sum(1 for c in cards if c.id not in children) / 14)
    expect(plan).to_contain_text(f"today's cap is {max(pace, 5)}")
    shot(page, "plan-today-laptop")

    page.goto(f"{server.url}/topics/lora")
    page.click("#drill-topic button:has-text('Drill this topic')")
    expect(page.locator("#card")).to_be_visible()
    first = counts(page)
    # all new: lora's main cards, up to today's cap (the plan's pace, above the learner's own 5); no follow-up yet
    assert first[1:] == (0, 0, 0) and 0 < first[0] <= max(pace, 5)
    shot(page, "plan-drill-lora-question")
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    shot(page, "plan-drill-lora-answer")
    item = page.locator("#card").get_attribute("data-item")
    page.keyboard.press("1")  # Again: back into learning
    page.wait_for_function("i => document.querySelector('#card').dataset.item !== i", arg=item)
    after = counts(page)
    assert after[:3] == (4, 1, 0), (first, after)  # new -> learning; its follow-ups are counted apart
    assert after[3] > 0 and page.locator(".via").is_visible()  # the follow-up comes right after its parent
    shot(page, "plan-drill-after-again")
    item = page.locator("#card").get_attribute("data-item")
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    page.keyboard.press("4")  # Easy: the follow-up graduates and leaves the session
    page.wait_for_function("i => document.querySelector('#card').dataset.item !== i", arg=item)
    later = counts(page)
    # rating a follow-up leaves new / learning / review alone (its own follow-ups may join the "+N")
    assert later[:3] == after[:3], (after, later)
    assert all(d is not None and d > 0 for d in durations(server))  # the answer time of each rating
    shot(page, "plan-drill-counts-down")
    finish(page)  # the rest of lora (the Again card comes back within the learn-ahead window)
    expect(page.locator("#next-due")).to_contain_text("Next card due in")
    shot(page, "plan-session-end")
    # an area drill uses up the rest of today's cap: the end says so and offers more of the same area
    page.goto(f"{server.url}/topics")
    page.click("h2:has-text('Attention & transformers') button:has-text('Drill area')")
    expect(page.locator("#card")).to_be_visible()
    finish(page)
    expect(page.locator("#cap-reached")).to_contain_text("Today's new-card limit is reached")
    shot(page, "plan-session-end-cap")
    expect(page.locator("#cap-reached button")).to_have_text("Study 10 more of this area")
    page.click("#cap-reached button")  # extra new cards of the same area, today only
    assert counts(page)[0] == 10
    page.goto(f"{server.url}/")
    shot(page, "plan-today-after-drills")

    # dark mode: the header switch (auto -> dark), set on <html> by the server
    light_bg = background(page)
    page.goto(f"{server.url}/")
    page.click("#theme-switch")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) != light_bg
    shot(page, "plan-today-dark-laptop")
    for name, width in (("phone", 390),):
        ctx = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True)
        phone = ctx.new_page()
        phone.goto(f"{server.url}/")
        expect(phone.locator("html")).to_have_attribute("data-theme", "dark")
        assert phone.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        shot(phone, f"plan-today-dark-{name}")
        phone.goto(f"{server.url}/topics/lora")
        shot(phone, f"plan-topic-dark-{name}", full_page=False)
        phone.goto(f"{server.url}/settings")
        assert phone.evaluate("document.documentElement.scrollWidth") <= width
        shot(phone, f"plan-settings-dark-{name}")
        ctx.close()
    # auto follows the system's preference
    page.click("#theme-switch")  # dark -> light
    page.click("#theme-switch")  # light -> auto
    expect(page.locator("html")).to_have_attribute("data-theme", "auto")
    dark_ctx = browser.new_context(viewport={"width": 1280, "height": 860}, color_scheme="dark")
    auto_dark = dark_ctx.new_page()
    auto_dark.goto(f"{server.url}/topics")
    assert background(auto_dark) == "rgb(17, 19, 24)"  # --bg of the dark palette
    shot(auto_dark, "plan-topics-auto-dark-laptop", full_page=False)
    dark_ctx.close()
