"""Cross-file checks of the catalog; every problem is reported at once, each with file and line.

What is checked (beyond the schema, which the loader applies):
- a card id starts with its topic id; a topic sits in content/<area>/<topic id>.yaml;
- the area is one of SYLLABUS.md's 25 ids;
- follow-ups resolve, never point at the card itself, and form no cycle;
- each `refs` entry imports (`module:attr.attr`);
- kata and lab links resolve once those catalogs exist (pass their id sets; None = not checked yet);
- an L2/L3 card has 2-5 key points (an L1 card, if it has any, too), each short, distinct and stated in the answer: at
  least half of its content words occur in the answer (so a key point summarises, never adds a claim);
- a card that cites (an author "et al", a year, a library "default", an "introduced"/"proposed"/"the paper" claim)
  carries `sources` precise enough to check, and no source is a bare word.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Collection
from pathlib import PurePath

from mldrill.catalog.areas import AREA_BY_ID
from mldrill.catalog.loader import Catalog, Problem


def validate(
    cat: Catalog,
    *,
    check_refs: bool = True,
    kata_ids: Collection[str] | None = None,
    lab_ids: Collection[str] | None = None,
) -> list[Problem]:
    problems = list(cat.problems)
    problems += _check_topics(cat)
    problems += _check_followups(cat)
    if check_refs:
        problems += _check_refs(cat)
    problems += _check_links(cat, "katas", kata_ids)
    problems += _check_links(cat, "labs", lab_ids)
    problems += _check_sources(cat)
    problems += _check_key_points(cat)
    return sorted(set(problems))


# What makes a card a citation: a paper's authors or year, a library's default, an attribution of who did what first.
CITES = re.compile(r"\bet al\b|\b(?:19|20)\d\d\b|\bdefaults?\b|\bintroduced\b|\bproposed\b|\bthe paper\b", re.I)
MIN_SOURCE_CHARS = 12  # "Vaswani 2017" at least: a bare "paper" or "docs" is not a source anyone can check


def cites(text: str) -> str | None:
    """The first phrase in `text` that states a paper's number, a library default or an attribution, if any."""
    m = CITES.search(text)
    return m.group(0) if m else None


def _check_sources(cat: Catalog) -> list[Problem]:
    out = []
    for c in cat.cards.values():
        w = cat.where[c.id]
        phrase = cites(" ".join((c.question, c.answer, c.trap)))
        if phrase and not c.sources:
            out.append(
                Problem(
                    w.file,
                    w.line,
                    f"card '{c.id}' cites ('{phrase}') but has no sources: add the paper with its section/table or "
                    "the library's documentation page or source file",
                )
            )
        for src in c.sources:
            if len(src) < MIN_SOURCE_CHARS:
                out.append(Problem(w.file, w.line, f"card '{c.id}': source '{src}' is too vague to check"))
    return out


KEY_POINTS_MIN, KEY_POINTS_MAX, KEY_POINT_CHARS = 2, 5, 160
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "into",
        "than",
        "then",
        "they",
        "their",
        "there",
        "these",
        "those",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "would",
        "have",
        "each",
        "also",
        "only",
        "more",
        "most",
        "much",
        "very",
        "does",
        "doing",
        "done",
        "been",
        "being",
        "about",
        "over",
        "under",
        "same",
        "such",
        "both",
    ]
)


def _stems(text: str) -> set[str]:
    """Content words cut to five letters: 'normalises'/'normalization' meet at 'norma', 'gradients' at 'gradi'."""
    return {w.lower()[:5] for w in _WORD.findall(text) if w.lower() not in _STOP}


def key_point_problem(point: str, answer_stems: set[str]) -> str | None:
    """Why `point` is not a key point of an answer whose content-word stems are `answer_stems`, or None."""
    if len(point) > KEY_POINT_CHARS:
        return f"is {len(point)} characters (at most {KEY_POINT_CHARS}: a phrase a grader listens for)"
    words = _stems(point)
    if words and len(words & answer_stems) * 2 < len(words):
        missing = ", ".join(sorted(words - answer_stems))
        return f"is not stated in the answer (words not found there: {missing})"
    return None


def _check_key_points(cat: Catalog) -> list[Problem]:
    out = []
    for c in cat.cards.values():
        w = cat.where[c.id]
        n = len(c.key_points)
        if (n or c.level != "L1") and not KEY_POINTS_MIN <= n <= KEY_POINTS_MAX:
            out.append(Problem(w.file, w.line, f"card '{c.id}' has {n} key points; an {c.level} card needs 2 to 5"))
        if len({p.lower() for p in c.key_points}) < n:
            out.append(Problem(w.file, w.line, f"card '{c.id}' repeats a key point"))
        stems = _stems(c.answer)
        for i, point in enumerate(c.key_points, 1):
            why = key_point_problem(point, stems)
            if why:
                out.append(Problem(w.file, w.line, f"card '{c.id}': key point {i} '{point[:60]}' {why}"))
    return out


def _check_topics(cat: Catalog) -> list[Problem]:
    out = []
    for t in cat.topics.values():
        w = cat.where[t.id]
        if t.area not in AREA_BY_ID:
            from mldrill.catalog.suggest import did_you_mean

            hint = did_you_mean(t.area, AREA_BY_ID) or f" (the areas: {', '.join(AREA_BY_ID)})"
            out.append(Problem(w.file, w.line, f"unknown area '{t.area}'{hint}"))
        path = PurePath(w.file)
        if path.stem != t.id or path.parent.name != t.area:
            out.append(
                Problem(w.file, w.line, f"topic '{t.id}' of area '{t.area}' belongs in content/{t.area}/{t.id}.yaml")
            )
        for c in t.cards:
            if c.topic_id != t.id:
                cw = cat.where[c.id]
                out.append(Problem(cw.file, cw.line, f"card id '{c.id}' must start with its topic id '{t.id}/'"))
    return out


def _check_followups(cat: Catalog) -> list[Problem]:
    out = []
    for c in cat.cards.values():
        w = cat.where[c.id]
        for f in c.followups:
            if f == c.id:
                out.append(Problem(w.file, w.line, f"card '{c.id}' lists itself as a follow-up"))
            elif f not in cat.cards:
                out.append(Problem(w.file, w.line, f"follow-up '{f}' of card '{c.id}' does not exist"))
    for cycle in _cycles(cat):
        w = cat.where[cycle[0]]
        out.append(Problem(w.file, w.line, "follow-up cycle: " + " -> ".join([*cycle, cycle[0]])))
    return out


def _cycles(cat: Catalog) -> list[list[str]]:
    """Each follow-up cycle once (iterative DFS with colours; self-loops are reported elsewhere)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(cat.cards, WHITE)
    found: list[list[str]] = []
    for start in cat.cards:
        if colour[start] != WHITE:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        colour[start] = GREY
        while stack:
            node, i = stack[-1]
            nexts = [f for f in cat.cards[node].followups if f in cat.cards and f != node]
            if i == len(nexts):
                stack.pop()
                path.pop()
                colour[node] = BLACK
                continue
            stack[-1] = (node, i + 1)
            nxt = nexts[i]
            if colour[nxt] == GREY:
                found.append(path[path.index(nxt) :])
            elif colour[nxt] == WHITE:
                colour[nxt] = GREY
                stack.append((nxt, 0))
                path.append(nxt)
    return found


def resolve_ref(ref: str) -> object:
    """Import `package.module:attr.sub` and return the object; raises ImportError/AttributeError."""
    module_name, _, attr_path = ref.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in attr_path.split("."):
        obj = getattr(obj, part)
    return obj


def _check_refs(cat: Catalog) -> list[Problem]:
    out = []
    verdicts: dict[str, str | None] = {}
    for c in cat.cards.values():
        for ref in c.refs:
            if ref not in verdicts:
                try:
                    resolve_ref(ref)
                    verdicts[ref] = None
                except ModuleNotFoundError as e:
                    verdicts[ref] = f"module '{e.name}' not found"
                except AttributeError as e:
                    verdicts[ref] = f"no such attribute ({e})"
                except Exception as e:  # a module that fails at import time is a problem to report, not a crash
                    verdicts[ref] = f"import failed: {type(e).__name__}: {e}"
            if verdicts[ref] is not None:
                w = cat.where[c.id]
                out.append(Problem(w.file, w.line, f"ref '{ref}' of card '{c.id}' does not import: {verdicts[ref]}"))
    return out


def _check_links(cat: Catalog, field: str, known: Collection[str] | None) -> list[Problem]:
    if known is None:
        return []
    out = []
    for c in cat.cards.values():
        for link in getattr(c, field):
            if link not in known:
                w = cat.where[c.id]
                out.append(Problem(w.file, w.line, f"{field[:-1]} '{link}' of card '{c.id}' does not exist"))
    return out
