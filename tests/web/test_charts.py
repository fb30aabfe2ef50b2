"""The Stats page's SVG charts, parsed back with xml.etree: squares and bars where the data says, sized by it."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from mldrill.web.charts import Bar, bar_chart, forecast_chart, heatmap, retention_chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("aria-label") and root.get("viewBox")
    return root


def rects(root: ET.Element, cls: str) -> list[ET.Element]:
    return [r for r in root.iterfind(".//svg:rect", NS) if cls in (r.get("class") or "").split()]


def tip(el: ET.Element) -> str:
    title = el.find("svg:title", NS)
    assert title is not None and title.text is not None
    return title.text


def year(seed: int = 0) -> dict[date, int]:
    rng = random.Random(seed)
    first = date(2025, 11, 24)
    return {first + timedelta(days=i): rng.choice([0, 0, 1, 3, 7, 20]) for i in range(365)}


def test_heatmap_one_square_per_day_with_its_count_in_the_tooltip() -> None:
    days = year()
    days[date(2026, 3, 5)] = 1
    root = parse(heatmap(days))
    squares = rects(root, "day")
    assert len(squares) == 365
    tips = {tip(r) for r in squares}
    assert "2026-03-05: 1 review" in tips
    assert {f"{d.isoformat()}: {n} review{'' if n == 1 else 's'}" for d, n in days.items()} == tips


def test_heatmap_weeks_are_columns_and_weekdays_rows() -> None:
    days = year()
    root = parse(heatmap(days))
    where = {
        date.fromisoformat(tip(r).split(":")[0]): (float(r.get("x", "")), float(r.get("y", "")))
        for r in rects(root, "day")
    }
    for d in days:
        if d + timedelta(days=7) in where:  # the same weekday a week later: one column right, same row
            (x0, y0), (x1, y1) = where[d], where[d + timedelta(days=7)]
            assert (x1 - x0, y1 - y0) == (13, 0), d
    monday = date(2026, 3, 2)  # a Monday: the whole week shares its column, Monday on top
    week = [where[monday + timedelta(days=i)] for i in range(7)]
    assert len({x for x, _ in week}) == 1 and [y for _, y in week] == sorted(y for _, y in week)
    months = [(t.text, float(t.get("x", ""))) for t in root.iterfind(".//svg:text", NS) if t.text in MONTH_NAMES]
    first_of = [d for d in days if d.day == 1]
    assert [m for m, _ in months] == [MONTH_NAMES[d.month - 1] for d in first_of]  # Nov's stub dropped: Dec is near
    assert [x for _, x in months] == [where[d][0] for d in first_of]


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize(
    ("counts", "levels"),
    [
        ([0, 1, 2, 3, 8], [0, 1, 1, 2, 4]),  # busiest 8: a quarter (2) is level 1, just over (3) level 2
        ([0, 5, 6, 10, 11, 20], [0, 1, 2, 2, 3, 4]),
        ([4, 4], [4, 4]),
    ],
)
def test_heatmap_colour_levels_by_share_of_the_busiest_day(counts: list[int], levels: list[int]) -> None:
    first = date(2026, 1, 1)
    root = parse(heatmap({first + timedelta(days=i): n for i, n in enumerate(counts)}))
    assert [r.get("class") for r in rects(root, "day")] == [f"day l{v}" for v in levels]


def test_bar_heights_proportional_to_values() -> None:
    values = [12, 0, 3, 7, 1, 0, 5] + [2] * 23
    per_day = {date(2026, 11, 3) + timedelta(days=i): n for i, n in enumerate(values)}
    root = parse(forecast_chart(per_day))
    bars = rects(root, "vbar")
    assert len(bars) == 30
    heights = [float(b.get("height", "")) for b in bars]
    scale = heights[0] / 12
    assert scale > 0
    assert heights == pytest.approx([v * scale for v in values], abs=1e-3)
    assert tip(bars[0]) == "2026-11-03, today (overdue included): 12 due"
    assert tip(bars[3]) == "2026-11-06: 7 due"
    assert "today" in (bars[0].get("class") or "")
    bottoms = {round(float(b.get("y", "")) + h, 2) for b, h in zip(bars, heights, strict=True)}
    assert len(bottoms) == 1  # all standing on one baseline


def test_retention_bars_are_shares_and_empty_weeks_gaps_not_zero() -> None:
    weeks = [
        (date(2026, 10, 19), 3, 4),
        (date(2026, 10, 26), 0, 0),
        (date(2026, 11, 2), 5, 5),
        (date(2026, 11, 9), 0, 2),
    ]
    root = parse(retention_chart(weeks))
    bars = rects(root, "vbar")
    assert len(bars) == 3  # the empty week has no bar, not a bar of 0
    heights = [float(b.get("height", "")) for b in bars]
    assert heights == pytest.approx([0.75 * heights[1], heights[1], 0.0])
    assert tip(bars[0]) == "Week of 2026-10-19: 75% retained (3 of 4 reviews)"
    gap_tips = [tip(g) for g in root.iterfind(".//svg:g", NS)]
    assert gap_tips == ["Week of 2026-10-26: no reviews of learned cards"]
    texts = [t.text for t in root.iterfind(".//svg:text", NS)]
    assert "75%" in texts and "100%" in texts and "0%" in texts and "5" in texts


def test_text_is_escaped() -> None:
    evil = '<script>alert(1)</script> & "quotes"'
    markup = bar_chart([Bar(1.0, evil, label=evil, note=evil, sub=evil)], top=2.0, aria=evil, ticks=[(1.0, evil)])
    assert "<script>" not in markup
    root = parse(markup)  # still well-formed XML
    assert root.get("aria-label") == evil
    assert tip(rects(root, "vbar")[0]) == evil
    assert [t.text for t in root.iterfind(".//svg:text", NS)].count(evil) == 4


@pytest.mark.parametrize(
    ("markup", "says"),
    [
        (heatmap({}), "No reviews in the last year"),
        (heatmap({date(2026, 1, 1) + timedelta(days=i): 0 for i in range(365)}), "No reviews in the last year"),
        (retention_chart([(date(2026, 11, 2), 0, 0)] * 3), "No reviews of learned cards"),
        (retention_chart([]), "No reviews of learned cards"),
        (forecast_chart({date(2026, 11, 3) + timedelta(days=i): 0 for i in range(30)}), "Nothing falls due"),
        (forecast_chart({}), "Nothing falls due"),
    ],
)
def test_empty_data_explains_itself(markup: str, says: str) -> None:
    assert "<svg" not in markup and says in markup and 'class="chart-empty"' in markup
