"""A lab in a real browser: answer the predict-first question (stored), see the figure and its numbers, move a
slider and watch both change in place (htmx, URL updated); the same page on a phone. Screenshots in artifacts/e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from serverutil import Server, shot

from mldrill.store import LabPrediction, open_db

pytestmark = pytest.mark.e2e

LAB = "attention_scaling"
SMALL = "n_keys=16&trials=20&max_log2_dk=7&seed=0"


def stored_prediction(server: Server) -> tuple[int, bool] | None:
    db = open_db(server.database_url)
    try:
        with db.session() as s:
            row = s.get(LabPrediction, LAB)
            return None if row is None else (row.choice, row.correct)
    finally:
        db.close()


def test_predict_then_change_a_parameter(server: Server, page: Page, browser: Browser) -> None:
    page.goto(f"{server.url}/labs/{LAB}?{SMALL}")
    expect(page.locator("#prediction")).to_contain_text("Predict first")
    expect(page.locator("svg.lab-figure")).to_have_count(0)  # no figure before the commitment
    shot(page, "lab-predict-first")
    page.locator("input[name=choice][value='2']").check()
    page.get_by_role("button", name="Commit and show the figure").click()
    expect(page.locator("#prediction")).to_contain_text("right", timeout=30_000)
    assert stored_prediction(server) == (2, True)

    figure = page.locator("svg.lab-figure")
    expect(figure).to_be_visible()  # swapped in with the answer, at the same parameters
    assert "n_keys=16" in page.url
    assert "Saturation" in figure.inner_html() and figure.get_attribute("aria-label")
    before_rows = page.locator("figure.lab tbody").inner_text()
    before_svg = figure.inner_html()
    assert before_rows.count("\n") == 5  # d_k = 4 .. 128
    shot(page, "lab-figure-before")

    page.locator("input[name=max_log2_dk]").fill("9")  # a slider: fires input and change; htmx re-renders
    page.wait_for_url("**max_log2_dk=9**")
    expect(page.locator("figure.lab tbody tr")).to_have_count(8, timeout=30_000)  # d_k = 4 .. 512
    assert page.locator("figure.lab tbody").inner_text() != before_rows
    assert page.locator("svg.lab-figure").inner_html() != before_svg
    expect(page.locator("#out-max_log2_dk")).to_have_text("9")
    shot(page, "lab-figure-after")

    phone = browser.new_context(viewport={"width": 390, "height": 860}, is_mobile=True)
    try:
        p = phone.new_page()
        p.goto(f"{server.url}/labs/{LAB}?{SMALL}")
        p.wait_for_load_state("networkidle")
        assert p.evaluate("() => document.documentElement.scrollWidth") <= 391
        shot(p, "phone-lab")
        p.goto(f"{server.url}/labs")
        shot(p, "phone-labs")
    finally:
        phone.close()
