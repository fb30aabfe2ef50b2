"""Rapid-fire: a quick warm-up, one sentence per card, a few seconds each (SYLLABUS.md, study-system table).

The card's answer is cut to its first sentence (`first_sentence`), the question is shown with a countdown (default
8 s; the answer shows when it runs out or on a key), and the rating goes to FSRS through the drill's own path
(DrillSession.rate -> session.record_review), so a rapid-fire rating is a review like any other.

Which cards, in this order (`rapid_queue`), up to `count` (default 20):
1. due cards of the pool, oldest due first (what the drill would ask first anyway);
2. seen cards not yet due, soonest due first (a warm-up is a light review ahead of schedule);
3. new cards in the plan's interleaved order (study/plan.py new_card_order: round robin across areas), but only as
   many as today's new-card cap still allows, so rapid-fire never pushes the plan past its daily new cards.
No follow-ups are added after a rating (one sentence per card is the point); a card rated Again comes back at the
end of the session, as in the drill.

First sentence: markdown tables, code blocks and headings are skipped; the cut is at ". ", "! " or "? " followed
by a capital letter, a digit, math, code or markup, never inside $...$, `...` or brackets, never after an
abbreviation (e.g., i.e., vs., et al., Fig.), never in a decimal (0.1); a sentence that is only a bold label
("**Geometry.**") or a short verdict ("Yes.", "Much less, but yes.") takes the next one with it; a lead-in
ending in ":" before a list takes the list's first item.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from mldrill.store import Database, ItemState
from mldrill.study.clock import day_bounds, local_zone
from mldrill.study.items import Item
from mldrill.study.plan import introduced_today, new_card_order
from mldrill.study.scheduler import Settings

DEFAULT_SECONDS = 8
DEFAULT_COUNT = 20
SECONDS_RANGE = (3, 60)

_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "i.i.d.",
    "w.r.t.",
    "vs.",
    "etc.",
    "cf.",
    "al.",
    "approx.",
    "Fig.",
    "Eq.",
    "Sec.",
    "resp.",
    "No.",
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_BOLD_LABEL = re.compile(r"^\*\*[^*]{1,60}\*\*[.:]?$")
# a verdict that is not an answer by itself: "Yes.", "No.", "Much less, but yes.", "Mostly yes."
_VERDICT = re.compile(r"^(?:\W*\w+\W*){1,2}$|^(?:yes|no|mostly|partly|much|not|it depends)\b[^.]{0,20}[.!]$", re.I)


def _prose_blocks(answer: str) -> list[str]:
    """The answer's lines with tables, fenced code, display math blocks and headings removed, joined back."""
    out: list[str] = []
    fence = False
    math = False
    for line in answer.strip().splitlines():
        s = line.strip()
        if s.startswith("```"):
            fence = not fence
            continue
        if s == "$$" or (s.startswith("$$") and not s.endswith("$$")) or (s.endswith("$$") and not s.startswith("$$")):
            math = not math if s.count("$$") == 1 else math
            if s == "$$" or s.count("$$") == 1:
                continue
        if fence or math or s.startswith("|") or s.startswith("#"):
            out.append("")
            continue
        out.append(line)
    return out


def _cut(text: str) -> int:
    """The index just past the first sentence end in `text` (len(text) if none)."""
    depth = 0  # brackets
    in_math = in_code = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "`":
            in_code = not in_code
        elif not in_code and ch == "$":
            if text.startswith("$$", i):
                i += 1
            in_math = not in_math
        elif not (in_code or in_math):
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(0, depth - 1)
            elif ch in ".!?" and depth == 0 and _ends_sentence(text, i):
                j = i + 1
                while j < n and text[j] in "*_\"')":  # closing markup and quotes stay with the sentence
                    j += 1
                return j
        i += 1
    return n


def _ends_sentence(text: str, i: int) -> bool:
    after = text[i + 1 :]
    m = re.match(r"[*_\"')]*(\s+)(\S)", after)
    if m is None:
        return not after.strip(" *_\"')")  # the end of the text
    nxt = m.group(2)
    if not (nxt.isupper() or nxt.isdigit() or nxt in "$`*_\"'([-"):
        return False
    if text[i] == ".":
        before = text[: i + 1]
        if any(before.endswith(a) for a in _ABBREVIATIONS):
            return False
        if re.search(r"(?:^|\s)[A-Z]\.$", before):  # an initial: "J. Smith"
            return False
        if re.fullmatch(r"[*_\s]*\d+\.", before):  # a number heading: "**0. Trust the numbers first.**"
            return False
    return True


def first_sentence(answer: str) -> str:
    """The first sentence of a card's answer (markdown kept), for rapid-fire. Never empty for a non-empty answer:
    an answer that is only a table or code falls back to its first non-empty line."""
    lines = _prose_blocks(answer)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", "\n".join(lines)) if p.strip()]
    if not paragraphs:
        return next((line.strip() for line in answer.splitlines() if line.strip()), "")
    para, rest = paragraphs[0], paragraphs[1:]
    items = _list_items(para)
    head = " ".join(items[0].split())
    if _LIST_ITEM.match(items[0]):  # the answer opens with a list: its first item
        head = _LIST_ITEM.sub("", head)
    following = " ".join(_LIST_ITEM.sub("", " ".join(_list_items(r)[0].split())) for r in rest[:1])  # next paragraph
    sentence = head[: _cut(head)].strip()
    tail = head[len(sentence) :].strip() or following
    last = sentence
    for _ in range(2):  # "**Geometry.** Minimizing ..." or "Yes. ...": a label or a short verdict takes the next one
        if not tail or last.endswith(":") or not (_BOLD_LABEL.match(last) or _VERDICT.match(last)):
            break
        last = tail[: _cut(tail)].strip()
        sentence, tail = f"{sentence} {last}", tail[len(last) :].strip() or (following if tail is not following else "")
    if sentence.endswith(":"):  # a lead-in: add the first list item (in this paragraph or the next)
        nxt = items[1] if len(items) > 1 else (_list_items(rest[0])[0] if rest else "")
        if nxt.strip():
            item = " ".join(_LIST_ITEM.sub("", nxt.strip()).split())
            part = item[: _cut(item)].strip()
            if _BOLD_LABEL.match(part) and item[len(part) :].strip():  # "1. **Selection on noise.** With ..."
                more = item[len(part) :].strip()
                part = f"{part} {more[: _cut(more)].strip()}"
            sentence = f"{sentence} {part}"
    return sentence


def _list_items(paragraph: str) -> list[str]:
    """A paragraph cut before each list item (the first part is the text before the list, or the first item)."""
    return re.split(r"\n(?=\s*(?:[-*+]|\d+[.)])\s)", paragraph)


def rapid_queue(
    db: Database, items: dict[str, Item], pool: list[Item], *, count: int, settings: Settings, now: datetime
) -> list[str]:
    """The rapid-fire order (see the module docstring): due, then seen, then new within today's cap."""
    ids = {it.id for it in pool}
    with db.session() as s:
        states = {i: due for i, due in s.execute(select(ItemState.item_id, ItemState.due)) if i in ids}
    due = sorted((d, i) for i, d in states.items() if d <= now)
    seen = sorted((d, i) for i, d in states.items() if d > now)
    start, _ = day_bounds(now, local_zone(settings.timezone))
    new_left = max(0, settings.new_per_day - introduced_today(db, items, start).main)
    new = [it.id for it in new_card_order([it for it in pool if it.id not in states], items)][:new_left]
    return ([i for _, i in due] + [i for _, i in seen] + new)[:count]
