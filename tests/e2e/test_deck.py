"""Owning the deck in a real browser: search the card browser, write a note and see it under the answer, flag /
bury / suspend with Anki's keys during a drill (space = Good after the reveal, Ctrl+Z undoes), import an Anki
.apkg and drill its cards from My cards, then delete the deck. The database is read directly to see what was
stored."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest
from playwright.sync_api import Page, expect
from serverutil import Server, shot

from mldrill.store import CardMark, Review, UserCard, open_db

pytestmark = pytest.mark.e2e


def current_item(page: Page) -> str:
    return str(page.locator("#card").get_attribute("data-item"))


def next_card(page: Page, item: str) -> None:
    page.wait_for_function("item => document.querySelector('#card').dataset.item !== item", arg=item)


def test_browse_note_keys_import_and_delete_a_deck(server: Server, page: Page, tmp_path: Path) -> None:
    # Search: every word, case-insensitive, across question, answer and trap.
    page.goto(f"{server.url}/cards?q=KV+cache")
    rows = page.locator("table.cards tbody tr")
    expect(rows.first).to_be_visible()
    assert "holding every word of" in page.locator("#total").inner_text()
    shot(page, "deck-search")

    # A note on the first card of the attention topic, from its card page.
    page.goto(f"{server.url}/cards?topic=attention")
    first = str(rows.first.get_attribute("data-item"))
    page.goto(f"{server.url}/cards/show?id={first}")
    page.fill("textarea[name=value]", "My own words: **scale by 1/sqrt(d)**")
    page.click("#save-note")
    expect(page.locator("#note")).to_contain_text("My own words")

    # Drill the topic: the note shows under the answer; * flags, - buries, @ suspends, space = Good, Ctrl+Z undoes.
    page.goto(f"{server.url}/drill?topic=attention")
    page.click("#start")
    expect(page.locator("#card")).to_be_visible()
    page.wait_for_load_state("load")  # app.js (deferred) listens for keys from here on
    assert current_item(page) == first
    expect(page.locator("#keys")).to_be_hidden()
    page.keyboard.press("?")
    expect(page.locator("#keys")).to_be_visible()
    page.keyboard.press("Space")
    expect(page.locator("#note")).to_contain_text("My own words")
    page.keyboard.press("*")
    expect(page.locator("#flagged")).to_be_visible()
    shot(page, "deck-drill-note-flagged")
    expect(page.locator("#keys")).to_be_visible()  # the list stays open across swaps until ? again
    page.keyboard.press("?")
    expect(page.locator("#keys")).to_be_hidden()
    page.keyboard.press("-")  # bury: the card leaves the queue at once
    next_card(page, first)
    expect(page.locator("#drill-notice")).to_contain_text(f"Buried until tomorrow: {first}")
    second = current_item(page)
    page.keyboard.press("@")
    next_card(page, second)
    expect(page.locator("#drill-notice")).to_contain_text(f"Suspended: {second}")
    third = current_item(page)
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_be_visible()
    page.keyboard.press("Space")  # Good
    page.wait_for_function("() => !document.querySelector('#answer')")
    page.keyboard.press("Control+z")
    page.wait_for_function("item => document.querySelector('#card').dataset.item === item", arg=third)
    shot(page, "deck-drill-after-keys")
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            m1, m2 = s.get(CardMark, first), s.get(CardMark, second)
            assert m1 is not None and m1.flag == 1 and m1.buried_until is not None and m1.note
            assert m2 is not None and m2.suspended
            assert s.query(Review).filter(Review.item_id == third).count() == 0  # the Good was undone
    finally:
        db.close()
    page.goto(f"{server.url}/cards?suspended=yes")
    expect(page.locator(f'tr[data-item="{second}"]')).to_be_visible()

    # Import an Anki package and drill it from My cards.
    deck = genanki.Deck(1_888_000_111, "Interview extras")
    for i in range(3):
        deck.add_note(genanki.Note(genanki.BASIC_MODEL, [f"Anki front {i}: <b>why</b>?", f"Anki back {i}"]))
    deck.add_note(genanki.Note(genanki.BASIC_MODEL, ['<img src="plot.png">', "a plot"]))
    apkg = tmp_path / "interview-extras.apkg"
    genanki.Package(deck).write_to_file(apkg)
    page.goto(f"{server.url}/data")
    page.set_input_files("input[name=file][accept*=apkg]", str(apkg))
    page.click("form[action='/data/import'] button[type=submit]")
    expect(page.locator("#message")).to_contain_text("Deck interview-extras: 3 added")
    expect(page.locator("#import-notes")).to_contain_text("1 note(s) skipped")
    shot(page, "deck-imported")
    page.goto(server.url)
    expect(page.locator("ul.decks")).to_contain_text("interview-extras")
    shot(page, "deck-today")
    page.goto(f"{server.url}/topics")
    my = page.locator('#my-cards li[data-deck="interview-extras"]')
    expect(my).to_contain_text("3 cards")
    shot(page, "deck-my-cards")
    my.locator("button.drill-deck").click()
    expect(page.locator("#question")).to_contain_text("Anki front 0")
    page.wait_for_load_state("load")
    item = current_item(page)
    page.keyboard.press("Space")
    expect(page.locator("#answer")).to_contain_text("Anki back 0")
    shot(page, "deck-drill-imported")
    page.keyboard.press("3")
    next_card(page, item)

    # Delete the deck (with confirmation): its cards and their history go.
    page.goto(f"{server.url}/topics")
    my = page.locator('#my-cards li[data-deck="interview-extras"]')
    my.locator("summary").click()
    my.locator("input[name=confirm]").check()
    my.locator("button.danger").click()
    expect(page.locator('#my-cards li[data-deck="interview-extras"]')).to_have_count(0)
    shot(page, "deck-deleted")
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            assert s.query(UserCard).filter(UserCard.deck == "interview-extras").count() == 0
            assert s.query(Review).filter(Review.item_id.startswith("user/interview-extras/")).count() == 0
    finally:
        db.close()
