"""The Stats page's charts as inline SVG: reviews per day (a heatmap), retention per week, the due forecast.

Pure functions from the numbers of study/stats.py to `Markup`, drawn on the server: the page needs no script and no
chart library, and renders as fast as a template. Every text that goes in is escaped. Each SVG has a viewBox (it
scales with its box; app.css sizes and colours it through classes), role="img" and an aria-label saying the gist in
words; every square and bar has a <title>, the browser's tooltip. With nothing to draw, a chart is a sentence saying
why instead of an empty frame.

Heatmap colours: 0 reviews is level 0; otherwise level ceil(4 * n / busiest day), 1..4, as GitHub's contribution
graph does with the year's maximum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CELL, PITCH = 11, 13  # heatmap square and square + gap, in viewBox units


def _svg(cls: str, width: float, height: float, aria: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart {cls}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="img" aria-label="{escape(aria)}" xmlns="http://www.w3.org/2000/svg">'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(text)}</text>'


def _empty(text: str) -> Markup:
    return Markup('<p class="chart-empty">{}</p>').format(text)


def _short(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def level(n: int, busiest: int) -> int:
    """The colour level of a day with n reviews: 0 for none, else 1..4 by its share of the busiest day."""
    return 0 if n <= 0 else min(4, -(-4 * n // busiest))


def heatmap(per_day: Mapping[date, int]) -> Markup:
    """One square per day, a column per week (Monday on top), coloured by the number of reviews."""
    if not any(per_day.values()):
        return _empty("No reviews in the last year yet: every day you drill fills a square here.")
    days = sorted(per_day)
    monday = days[0] - timedelta(days=days[0].weekday())
    n_cols = (days[-1] - monday).days // 7 + 1
    left, top = 28, 16
    busiest = max(per_day.values())
    body = [
        _text(left - 6, top + r * PITCH + 9, name, "axis", "end") for r, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    months = [((d - monday).days // 7, MONTHS[d.month - 1]) for d in days if d.day == 1 or d == days[0]]
    if len(months) > 1 and months[1][0] - months[0][0] < 3:  # a partial first month's label would run into the next
        months.pop(0)
    body += [_text(left + col * PITCH, top - 5, name, "axis", "start") for col, name in months]
    for d in days:
        col, row = (d - monday).days // 7, d.weekday()
        tip = f"{d.isoformat()}: {_plural(per_day[d], 'review')}"
        body.append(
            f'<rect class="day l{level(per_day[d], busiest)}" x="{left + col * PITCH}" y="{top + row * PITCH}" '
            f'width="{CELL}" height="{CELL}" rx="2"><title>{escape(tip)}</title></rect>'
        )
    width = left + n_cols * PITCH + 4
    legend_y = top + 7 * PITCH + 6
    squares_x = width - 30 - 5 * PITCH  # "Less" [0] [1] [2] [3] [4] "More", flush right
    body.append(_text(squares_x - 4, legend_y + 9, "Less", "axis", "end"))
    for i in range(5):
        x = squares_x + i * PITCH
        body.append(f'<rect class="key l{i}" x="{x}" y="{legend_y}" width="{CELL}" height="{CELL}" rx="2"/>')
    body.append(_text(squares_x + 5 * PITCH + 2, legend_y + 9, "More", "axis", "start"))
    total, active = sum(per_day.values()), sum(n > 0 for n in per_day.values())
    aria = (
        f"Reviews per day from {days[0].isoformat()} to {days[-1].isoformat()}: {_plural(total, 'review')} "
        f"on {_plural(active, 'day')}, at most {busiest} in a day"
    )
    return _svg("heatmap", width, legend_y + CELL + 4, aria, body)


@dataclass(frozen=True)
class Bar:
    value: float | None  # None: no data, drawn as a gap with a dash, never as a bar of 0
    tip: str  # the <title> tooltip
    label: str = ""  # under the axis
    note: str = ""  # above the bar
    sub: str = ""  # a second line under the axis
    cls: str = ""  # extra class of the bar
    minor: bool = False  # its label and sub are hidden on a narrow screen (app.css), where they would collide


def bar_chart(
    bars: Sequence[Bar], *, top: float, aria: str, ticks: Sequence[tuple[float, str]] = (), cls: str = ""
) -> Markup:
    """Vertical bars on a 0..top scale; `ticks` are (value, text) gridlines. Bar height is proportional to value."""
    width, left, right, plot_h = 480, 40, 14, 140
    up = 14 if any(b.note for b in bars) else 6
    down = 16 + (13 if any(b.sub for b in bars) else 0)
    slot = (width - left - right) / max(len(bars), 1)
    base = up + plot_h
    body = []
    for v, text in ticks:
        y = base - plot_h * v / top
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(_text(left - 5, y + 3.5, text, "axis", "end"))
    for i, b in enumerate(bars):
        x = left + i * slot
        mid = x + slot / 2
        if b.value is None:
            body.append(f"<g><title>{escape(b.tip)}</title>{_text(mid, base - 3, '–', 'gap')}</g>")
        else:
            h = plot_h * b.value / top
            rect_cls = f"vbar {b.cls}".strip()
            body.append(
                f'<rect class="{rect_cls}" x="{x + slot * 0.15:.2f}" y="{base - h:.3f}" width="{slot * 0.7:.2f}" '
                f'height="{h:.3f}"><title>{escape(b.tip)}</title></rect>'
            )
            if b.note:
                body.append(_text(mid, base - h - 4, b.note, "note"))
        minor = " minor" if b.minor else ""
        if b.label:
            body.append(_text(mid, base + 13, b.label, "axis" + minor))
        if b.sub:
            body.append(_text(mid, base + 26, b.sub, "axis sub" + minor))
    return _svg(f"bars {cls}".strip(), width, base + down, aria, body)


def retention_chart(weeks: Sequence[tuple[date, int, int]]) -> Markup:
    """(Monday, retained, total) per week as bars of retained / total; a week without mature reviews is a gap."""
    if not any(total for _, _, total in weeks):
        return _empty(
            "No reviews of learned cards in these weeks yet: retention shows once learned cards come back due."
        )
    bars = []
    for i, (monday, kept, total) in enumerate(weeks):
        minor = (len(weeks) - 1 - i) % 2 == 1  # every other week from this one is labelled on a phone
        if total:
            tip = f"Week of {monday.isoformat()}: {kept / total:.0%} retained ({kept} of {_plural(total, 'review')})"
            bars.append(Bar(kept / total, tip, _short(monday), f"{kept / total:.0%}", str(total), minor=minor))
        else:
            tip = f"Week of {monday.isoformat()}: no reviews of learned cards"
            bars.append(Bar(None, tip, _short(monday), minor=minor))
    kept_all, total_all = sum(w[1] for w in weeks), sum(w[2] for w in weeks)
    aria = (
        f"Retention per week over {len(weeks)} weeks from {weeks[0][0].isoformat()}: "
        f"{kept_all} of {_plural(total_all, 'review')} of learned cards not forgotten"
    )
    ticks = [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]
    return bar_chart(bars, top=1.0, aria=aria, ticks=ticks, cls="retention")


def forecast_chart(per_day: Mapping[date, int]) -> Markup:
    """Items due per day from today on (overdue ones are today's), labelled every 7 days."""
    if not any(per_day.values()):
        return _empty(
            "Nothing falls due in the coming days: start new cards in the drill and their reviews show up here."
        )
    days = sorted(per_day)
    busiest = max(per_day.values())
    bars = []
    for i, d in enumerate(days):
        when = f"{d.isoformat()}, today (overdue included)" if i == 0 else d.isoformat()
        label = "today" if i == 0 else _short(d) if i % 7 == 0 else ""
        bars.append(Bar(per_day[d], f"{when}: {per_day[d]} due", label, cls="today" if i == 0 else ""))
    aria = (
        f"Items falling due per day over the next {_plural(len(days), 'day')}: {per_day[days[0]]} today, "
        f"{sum(per_day.values())} in all"
    )
    ticks = [(0, "0"), (busiest, str(busiest))]
    return bar_chart(bars, top=busiest, aria=aria, ticks=ticks, cls="forecast")
