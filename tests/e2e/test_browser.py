"""The web app in a real browser: keyboard drilling, solving a kata in the CodeMirror editor, a planted trap and its
explanation, drafts that survive a reload and a server crash, imported HTML that never runs, pages without
JavaScript, and layouts that fit a laptop and a phone. The database is read directly to see what was stored."""

from __future__ import annotations

import textwrap

import pytest
from playwright.sync_api import Browser, Page, expect
from serverutil import Server, shot

from mldrill.catalog.katas import get_katas
from mldrill.store import KataAttempt, Review, open_db

pytestmark = pytest.mark.e2e


def stored_card_ratings(server: Server) -> list[tuple[str, int]]:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            return [(r.item_id, r.rating) for r in s.query(Review).filter(Review.kind == "card").order_by(Review.id)]
    finally:
        db.close()


def kata_statuses(server: Server, kata_id: str) -> list[str]:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            rows = s.query(KataAttempt).filter(KataAttempt.kata_id == kata_id).order_by(KataAttempt.id)
            return [a.status for a in rows]
    finally:
        db.close()


def current_item(page: Page) -> str:
    return str(page.locator("#card").get_attribute("data-item"))


def start_drill(page: Page, url: str) -> None:
    """Open the start form (a GET changes nothing) and submit it: a drill starts only by a POST."""
    page.goto(url)
    page.click("#start")
    expect(page.locator("#card")).to_be_visible()


def rate_with_keys(page: Page, key: str) -> str:
    """Space reveals, `key` rates; returns the item that was rated once the next card has been swapped in."""
    item = current_item(page)
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    page.keyboard.press(key)
    page.wait_for_function("item => document.querySelector('#card').dataset.item !== item", arg=item)
    return item


def test_drill_three_cards_with_the_keyboard(server: Server, page: Page) -> None:
    before = stored_card_ratings(server)
    start_drill(page, f"{server.url}/drill?topic=attention&limit=3")
    shot(page, "drill-question")
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    shot(page, "drill-answer")
    page.keyboard.press("Escape")  # nothing bound: the page must not change
    page.keyboard.press("3")
    page.wait_for_function("() => !document.querySelector('#answer')")
    first = stored_card_ratings(server)[len(before) :][0][0]
    second = rate_with_keys(page, "4")
    third = rate_with_keys(page, "2")
    assert stored_card_ratings(server)[len(before) :] == [(first, 3), (second, 4), (third, 2)]

    page.keyboard.press("u")  # undo the last rating: the third card comes back, its review is gone
    page.wait_for_function("item => document.querySelector('#card').dataset.item === item", arg=third)
    assert stored_card_ratings(server)[len(before) :] == [(first, 3), (second, 4)]
    assert rate_with_keys(page, "3") == third
    assert stored_card_ratings(server)[len(before) :] == [(first, 3), (second, 4), (third, 3)]
    shot(page, "drill-after-three")


CORRECT = textwrap.dedent(
    """\
    import numpy as np


    def softmax(x, axis=-1):
        shifted = x - np.max(x, axis=axis, keepdims=True)
        e = np.exp(shifted)
        return e / np.sum(e, axis=axis, keepdims=True)
    """
)
NAIVE = CORRECT.replace("x - np.max(x, axis=axis, keepdims=True)", "x  # the trap: no max subtracted")


def replace_editor_text(page: Page, text: str) -> None:
    """Select everything in the CodeMirror editor and type `text` over it (inserted verbatim, as a paste would be,
    so the editor's auto-indent does not add to the indentation)."""
    page.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def test_a_kata_with_a_planted_trap_shows_the_trap_then_a_correct_solution_passes(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/katas/stable-softmax")
    expect(page.locator(".cm-editor")).to_be_visible()  # CodeMirror replaced the plain textarea
    expect(page.locator(".katex").first).to_be_visible()  # the statement's LaTeX is typeset

    replace_editor_text(page, NAIVE)
    page.click("#run")
    expect(page.locator("#verdict")).to_contain_text("FAILED", timeout=60_000)
    failing = page.locator(".checks li.bad")
    expect(failing).to_have_count(1)
    explanations = {c.name: c.explanation for c in get_katas()["stable-softmax"].build_checks(0)}
    expect(failing).to_contain_text("finite at logits of +-1000")
    expect(failing.locator(".trap")).to_contain_text(explanations["finite at logits of +-1000"])
    expect(failing.locator("dl.failing")).to_contain_text("Expected")  # the failing input, expected and actual
    expect(page.locator("#verdict .seed")).to_contain_text("--seed")
    shot(page, "kata-trap")

    replace_editor_text(page, CORRECT)
    page.click("#run")
    expect(page.locator("#verdict")).to_contain_text("PASSED", timeout=60_000)
    expect(page.locator(".checks li.ok")).to_have_count(len(explanations))
    expect(page.get_by_role("link", name="Reference solution")).to_be_visible()
    shot(page, "kata-passed")
    assert kata_statuses(server, "stable-softmax") == ["failed", "passed"]

    hints = get_katas()["stable-softmax"].spec.hints
    page.get_by_role("button", name="Next hint").click()  # swapped in place: the editor keeps its text
    expect(page.locator("#hints li")).to_have_count(1)
    expect(page.locator("#hints")).to_contain_text(f"1 of {len(hints)}")
    expect(page.locator(".cm-content")).to_contain_text("shifted = x - np.max")


def test_practice_log_filters_in_place_and_keeps_the_url(server: Server, page: Page) -> None:
    start_drill(page, f"{server.url}/drill?topic=numerics&limit=2")
    rated = [rate_with_keys(page, "1"), rate_with_keys(page, "4")]
    page.goto(f"{server.url}/log")
    page.select_option("select[name=status]", "unknown")  # "change" submits through htmx
    page.wait_for_url("**/log?status=unknown**")
    expect(page.locator("table.log")).to_contain_text(rated[0])
    expect(page.locator("table.log")).not_to_contain_text(rated[1])
    page.get_by_role("link", name="lapses").click()  # sorting keeps the filter
    page.wait_for_url("**sort=lapses**")
    expect(page.locator("table.log")).not_to_contain_text(rated[1])


def type_at_end(page: Page, text: str, *, then: str = "draft saved") -> None:
    """Type `text` at the end of the editor, key by key, and wait for the autosave to report `then`."""
    page.locator(".cm-content").click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type(text)
    expect(page.locator("#saved")).to_have_text(then, timeout=10_000)


def test_a_draft_survives_a_reload_and_a_server_crash(server: Server, page: Page, browser: Browser) -> None:
    page.goto(f"{server.url}/katas/gelu")
    expect(page.locator(".cm-editor")).to_be_visible()
    type_at_end(page, "\n# half-way there: tanh approximation next\n")
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("half-way there: tanh approximation next")

    server.restart(kill=True)  # SIGKILL: nothing gets a chance to flush
    fresh = browser.new_context()  # and a browser with no localStorage copy: only the server's file can answer
    try:
        other = fresh.new_page()
        other.goto(f"{server.url}/katas/gelu")
        expect(other.locator(".cm-content")).to_contain_text("half-way there: tanh approximation next")
        shot(other, "kata-draft-after-crash")
    finally:
        fresh.close()


def test_edits_in_your_own_editor_win_over_a_stale_browser_copy(server: Server, page: Page) -> None:
    """The workspace file is shared with `mldrill kata start` and the user's editor: a change made there since the
    browser last synced must show, and a browser's own unsaved edits (the server unreachable) must come back."""
    kata = get_katas()["rms-norm"]
    workspace = server.home / "data" / "mldrill" / "katas" / kata.id / f"{kata.spec.entry}.py"
    page.goto(f"{server.url}/katas/{kata.id}")
    type_at_end(page, "\n# typed in the browser\n")
    assert "# typed in the browser" in workspace.read_text()

    workspace.write_text(workspace.read_text() + "# then edited in my own editor\n")
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("then edited in my own editor")

    page.route("**/draft", lambda route: route.abort())  # the server stops answering saves
    type_at_end(page, "# typed while the server was away\n", then="draft kept in this browser")
    page.reload()
    expect(page.locator(".cm-content")).to_contain_text("typed while the server was away")
    expect(page.locator(".cm-content")).to_contain_text("then edited in my own editor")


EVIL_DECK = textwrap.dedent(
    """\
    Q: What does <script>window.__pwned = 1; alert("script ran")</script> do here?
    A: Nothing <img src="x" onerror="window.__pwned = 2; alert('onerror ran')"> at all.
    T: <svg onload="window.__pwned = 3"></svg> neither does this.
    """
)


def test_planted_script_and_onerror_in_an_imported_card_never_run(server: Server, page: Page) -> None:
    page.goto(f"{server.url}/data")
    page.set_input_files(
        "input[name=file]", files=[{"name": "evil.md", "mimeType": "text/markdown", "buffer": EVIL_DECK.encode()}]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#message")).to_contain_text("1")
    start_drill(page, f"{server.url}/drill?topic=user/evil")
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # an <img onerror> fires after its (failed) load
    shot(page, "imported-card-sanitized")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#card script, [onerror], [onload]").count() == 0
    expect(page.locator("#card")).to_contain_text("What does")  # the card itself is shown


def test_pages_work_without_javascript(server: Server, browser: Browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        before = stored_card_ratings(server)
        start_drill(page, f"{server.url}/drill?topic=lora&limit=2")
        page.click("#reveal")  # a plain link
        expect(page.locator("#answer")).to_be_visible()
        page.click("button.r3")  # a plain form post
        expect(page.locator("#answer")).to_have_count(0)
        assert len(stored_card_ratings(server)) == len(before) + 1 and stored_card_ratings(server)[-1][1] == 3

        page.goto(f"{server.url}/topics/lora")
        first = page.locator("ol.cards > li").first
        first.locator("summary").click()  # <details> opens without scripts
        expect(first.locator(".answer")).to_be_visible()
        page.goto(f"{server.url}/katas/stable-softmax")
        expect(page.locator("textarea#source")).to_be_visible()  # the editor degrades to a textarea
        shot(page, "no-js-kata")
    finally:
        context.close()


PAGES = ["/", "/topics", "/topics/attention", "/katas", "/katas/stable-softmax", "/log", "/stats", "/data"]
PAGES += ["/cards?q=kv+cache", "/cards/show?id=attention/gqa"]


@pytest.mark.parametrize(("device", "width"), [("laptop", 1280), ("phone", 390)])
def test_every_page_fits_the_screen(server: Server, browser: Browser, device: str, width: int) -> None:
    """No page scrolls sideways (wide content scrolls inside its own box); each is saved for a person to look at."""
    context = browser.new_context(viewport={"width": width, "height": 860}, is_mobile=device == "phone")
    try:
        page = context.new_page()
        for path in [*PAGES, "/drill?topic=attention&limit=1", "card"]:
            if path == "card":
                page.click("#start")  # the start form just shown: the drill's card page
            else:
                page.goto(f"{server.url}{path}")
            page.wait_for_load_state("networkidle")
            # Against the screen width itself: a phone zooms out to fit a too-wide page, which makes innerWidth grow.
            overflow = page.evaluate("() => document.documentElement.scrollWidth") - width
            name = path.strip("/").split("?")[0].replace("/", "-").replace("drill", "drill-start") or "today"
            name = "drill" if path == "card" else name
            shot(page, f"{device}-{name}")
            assert overflow <= 1, f"{path} is {overflow} px wider than a {width} px {device} screen"
    finally:
        context.close()
