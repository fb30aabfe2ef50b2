"""The report of a mock interview, and its Markdown: per-area scores, key points hit and missed, traps fallen into,
time per answer against the 60-90 s target, the kata's verdict and time, and what to study next.

Scores follow study/mock.py (a card: key points hit / shown; a self-rated card: Again 0, Hard 0.5, Good/Easy 1).
What to study next, in order: each area scoring under WEAK_AREA (weakest first) with the key points missed there and
the command that drills it; the kata when it was not passed; else a longer mock or the next level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mldrill.study.mock import ANSWER_TARGET, card_score, clock, timing
from mldrill.study.scheduler import RATING_NAMES

WEAK_AREA = 0.8


@dataclass(frozen=True)
class CardResult:
    item_id: str
    area: str
    level: str
    question: str
    followup_of: str | None
    answer: str
    key_points: tuple[str, ...]
    ticks: tuple[bool, ...]
    trap: str
    trap_fell: bool
    rating: int | None
    answer_s: float | None  # from the question shown to the answer sent
    review_s: float | None  # from the answer sent to the ticks sent

    @property
    def score(self) -> float:
        return card_score(self.ticks, self.rating)

    @property
    def missed(self) -> list[str]:
        return [p for p, t in zip(self.key_points, self.ticks, strict=False) if not t]

    @property
    def hit(self) -> int:
        return sum(self.ticks)


@dataclass(frozen=True)
class AreaScore:
    area: str
    title: str
    cards: int
    score: float
    points_hit: int
    points_total: int
    traps: int


@dataclass(frozen=True)
class KataResult:
    kata_id: str
    title: str
    status: str  # passed | failed | ... | "not checked" | "gave up"
    checks: int  # times checked
    seconds: float | None
    budget_s: int
    note: str = ""


@dataclass
class Report:
    mock_id: int
    started_at: datetime
    minutes: int
    elapsed_s: float
    scope: str  # "track LLM engineer, levels L1-L3"
    finished: bool
    cards: list[CardResult]
    kata: KataResult | None
    area_titles: dict[str, str] = field(default_factory=dict)

    @property
    def rated(self) -> list[CardResult]:
        return [c for c in self.cards if c.rating is not None]

    @property
    def score(self) -> float | None:
        rated = self.rated
        return sum(c.score for c in rated) / len(rated) if rated else None

    @property
    def areas(self) -> list[AreaScore]:
        by: dict[str, list[CardResult]] = defaultdict(list)
        for c in self.rated:
            by[c.area].append(c)
        out = [
            AreaScore(
                a,
                self.area_titles.get(a, a),
                len(cs),
                sum(c.score for c in cs) / len(cs),
                sum(c.hit for c in cs),
                sum(len(c.key_points) for c in cs),
                sum(c.trap_fell for c in cs),
            )
            for a, cs in by.items()
        ]
        return sorted(out, key=lambda s: (s.score, s.area))

    @property
    def traps(self) -> list[CardResult]:
        return [c for c in self.rated if c.trap_fell]

    @property
    def timing_counts(self) -> dict[str, int]:
        out = {"short": 0, "ok": 0, "long": 0}
        for c in self.rated:
            if (t := timing(c.answer_s)) in out:
                out[t] += 1
        return out

    @property
    def study_next(self) -> list[str]:
        tips = []
        for a in self.areas:
            if a.score < WEAK_AREA:
                missed = list(dict.fromkeys(p for c in self.rated if c.area == a.area for p in c.missed))
                what = f"; missed: {'; '.join(missed[:4])}" if missed else ""
                tips.append(f"{a.title}: {a.score:.0%}{what} (mldrill drill --area {a.area})")
        if self.kata is not None and self.kata.status != "passed":
            tips.append(f"Kata {self.kata.title}: redo it (mldrill kata start {self.kata.kata_id})")
        if not tips and self.rated:
            tips.append("Every area at 80 % or more: try a longer mock, or the next level up.")
        return tips

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.mock_id,
            "started_at": self.started_at.isoformat(),
            "minutes": self.minutes,
            "elapsed_s": round(self.elapsed_s, 1),
            "scope": self.scope,
            "finished": self.finished,
            "score": None if self.score is None else round(self.score, 4),
            "areas": [a.__dict__ for a in self.areas],
            "cards": [
                {
                    "item": c.item_id,
                    "area": c.area,
                    "level": c.level,
                    "followup_of": c.followup_of,
                    "key_points_hit": c.hit,
                    "key_points": len(c.key_points),
                    "missed": c.missed,
                    "trap_fell": c.trap_fell,
                    "rating": c.rating,
                    "answer_s": c.answer_s,
                    "timing": timing(c.answer_s),
                }
                for c in self.cards
            ],
            "kata": None if self.kata is None else self.kata.__dict__,
            "study_next": self.study_next,
        }


def _line(text: str) -> str:
    """Text on one line (a question or trap may span several), so it stays inside its Markdown list item."""
    return " ".join(text.split())


def _secs(s: float | None) -> str:
    return "–" if s is None else f"{s:.0f} s"


def to_markdown(r: Report) -> str:
    lo, hi = ANSWER_TARGET
    score = "–" if r.score is None else f"{r.score:.0%}"
    lines = [
        f"# Mock interview #{r.mock_id} — {r.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"{r.minutes} minutes · {r.scope} · took {clock(r.elapsed_s)}" + ("" if r.finished else " · not finished"),
        "",
        f"**Score: {score}** over {len(r.rated)} card(s); traps fallen into: {len(r.traps)}.",
        "",
        "## By area",
        "",
        "| area | cards | score | key points hit | traps |",
        "|---|---:|---:|---:|---:|",
    ]
    for a in r.areas:
        lines.append(f"| {a.title} | {a.cards} | {a.score:.0%} | {a.points_hit}/{a.points_total} | {a.traps} |")
    t = r.timing_counts
    lines += [
        "",
        f"## Cards (answer time target {lo}–{hi} s: {t['ok']} in range, {t['short']} short, {t['long']} long)",
        "",
    ]
    for i, c in enumerate(r.cards, 1):
        rating = RATING_NAMES.get(c.rating or 0, "not rated")
        via = f" (follow-up of {c.followup_of})" if c.followup_of else ""
        points = f"{c.hit}/{len(c.key_points)} key points" if c.key_points else "self-rated (no key points)"
        lines.append(
            f"{i}. **{_line(c.question)}** — {c.level}, `{c.item_id}`{via}: {points}, {rating}, "
            f"answered in {_secs(c.answer_s)}" + (f" ({timing(c.answer_s)})" if c.answer_s is not None else "")
        )
        for p in c.missed:
            lines.append(f"   - missed: {_line(p)}")
        if c.trap_fell:
            lines.append(f"   - fell into the trap: {_line(c.trap)}")
    if r.kata is not None:
        k = r.kata
        lines += [
            "",
            "## Kata",
            "",
            f"{k.title} (`{k.kata_id}`): **{k.status}** after {k.checks} check(s), "
            f"{_secs(k.seconds)} of {clock(k.budget_s)}" + (f". {k.note}" if k.note else ""),
        ]
    lines += ["", "## Study next", ""]
    lines += [f"- {tip}" for tip in r.study_next] or ["- (nothing rated yet)"]
    lines += ["", "Every card was rated into your review queue: misses come back soon (FSRS).", ""]
    return "\n".join(lines)


def trend_rows(reports: Sequence[Report]) -> list[tuple[Report, str]]:
    """Past mocks, oldest first, each with ↑ / ↓ / = against the one before (finished ones with a score)."""
    from mldrill.study.mock import trend

    scored = [r for r in reports if r.score is not None]
    marks = dict(zip((r.mock_id for r in scored), trend([r.score or 0.0 for r in scored]), strict=True))
    return [(r, marks.get(r.mock_id, "")) for r in reports]
