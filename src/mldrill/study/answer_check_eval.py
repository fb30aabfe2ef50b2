"""Agreement of the answer check with hand labels (tests/study/answer_check_labels.yaml): loading, metrics, tuning.

Per-point agreement treats every (typed answer, key point) pair as one binary decision, model vs label: accuracy,
precision, recall and Cohen's kappa, kappa = (p_o - p_e) / (1 - p_e), agreement corrected for chance. Trap
detection is the same over (typed answer) decisions. A "trap hit" is a key point the model ticks on an answer
labelled as stating the trap when the label does not tick it: the one error the check must never make.

Tuning is a grid search over (hit threshold, trap threshold, margin) on one half of the cards, maximizing per-point
kappa among the settings with zero trap hits; the other half is held out and only reported.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from mldrill.study.answer_check import Embedder, Scores, Suggestion, rule, score, split_sentences, trap_claims


@dataclass(frozen=True)
class LabelledAnswer:
    text: str
    hits: frozenset[int]
    trap: bool


@dataclass(frozen=True)
class LabelledCard:
    id: str
    level: str
    area: str
    key_points: tuple[str, ...]
    trap: str
    answers: tuple[LabelledAnswer, ...]


class LabelError(ValueError):
    pass


def load_labels(path: Path) -> list[LabelledCard]:
    """The labelled cards, with every structural problem reported as 'file: card N (id): message'."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise LabelError(f"{path}: expected a mapping with a 'cards' list")
    cards: list[LabelledCard] = []
    for n, raw in enumerate(data["cards"], 1):
        where = f"{path}: card {n} ({raw.get('id', '?') if isinstance(raw, dict) else '?'})"
        try:
            kps = tuple(str(k) for k in raw["key_points"])
            answers = tuple(
                LabelledAnswer(str(a["text"]), frozenset(int(i) for i in a["hits"]), bool(a["trap"]))
                for a in raw["answers"]
            )
            card = LabelledCard(str(raw["id"]), str(raw["level"]), str(raw["area"]), kps, str(raw["trap"]), answers)
        except (KeyError, TypeError, ValueError) as e:
            raise LabelError(f"{where}: missing or malformed field ({e!r})") from e
        bad = [i for a in answers for i in a.hits if not 0 <= i < len(kps)]
        if bad:
            raise LabelError(f"{where}: hit index {bad[0]} out of range for {len(kps)} key points")
        cards.append(card)
    return cards


def memo(embed: Embedder) -> Embedder:
    """Embed each distinct text once (tuning re-scores the same texts many times)."""
    cache: dict[str, np.ndarray] = {}

    def embed_cached(texts: Sequence[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in cache))
        if todo:
            cache.update(zip(todo, np.asarray(embed(todo), dtype=np.float64), strict=True))
        return np.stack([cache[t] for t in texts])

    return embed_cached


def score_all(cards: Iterable[LabelledCard], embed: Embedder) -> list[list[Scores]]:
    """The similarities of every labelled answer, computed once."""
    out = []
    for c in cards:
        claims = trap_claims(c.trap)
        out.append([score(split_sentences(a.text), c.key_points, claims, embed) for a in c.answers])
    return out


def predict(scores: Sequence[Sequence[Scores]], **thresholds: float) -> list[list[Suggestion]]:
    return [[rule(s, **thresholds) for s in card] for card in scores]


@dataclass(frozen=True)
class Binary:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else float("nan")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def kappa(self) -> float:
        """Cohen's kappa between the model (rows) and the label (columns)."""
        n = self.n
        p_o = (self.tp + self.tn) / n
        p_e = ((self.tp + self.fp) * (self.tp + self.fn) + (self.fn + self.tn) * (self.fp + self.tn)) / n**2
        return (p_o - p_e) / (1 - p_e) if p_e < 1 else float("nan")


def binary(pred: Sequence[bool], gold: Sequence[bool]) -> Binary:
    p, g = np.asarray(pred, dtype=bool), np.asarray(gold, dtype=bool)
    return Binary(int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum()), int((~p & ~g).sum()))


@dataclass(frozen=True)
class Report:
    points: Binary
    trap: Binary
    trap_hits: int  # key points ticked on an answer that states the trap, against the label
    trap_hit_examples: tuple[str, ...]


def evaluate(cards: Sequence[LabelledCard], preds: Sequence[Sequence[Suggestion]]) -> Report:
    pp: list[bool] = []
    pg: list[bool] = []
    tp: list[bool] = []
    tg: list[bool] = []
    trap_hits: list[str] = []
    for c, ps in zip(cards, preds, strict=True):
        for a, s in zip(c.answers, ps, strict=True):
            for i, hit in enumerate(s.hits):
                pp.append(hit)
                pg.append(i in a.hits)
                if a.trap and hit and i not in a.hits:
                    trap_hits.append(f"{c.id}: {a.text!r} ticked {c.key_points[i]!r}")
            tp.append(s.states_trap)
            tg.append(a.trap)
    return Report(binary(pp, pg), binary(tp, tg), len(trap_hits), tuple(trap_hits))


def split_halves(cards: Sequence[LabelledCard]) -> tuple[list[LabelledCard], list[LabelledCard]]:
    """Tune half = cards at even positions in the file, held-out half = odd positions (areas alternate in the
    file, so both halves span the areas)."""
    return list(cards[0::2]), list(cards[1::2])


HIT_GRID = tuple(round(float(x), 3) for x in np.arange(0.45, 0.80, 0.025))
TRAP_GRID = tuple(round(float(x), 3) for x in np.arange(0.50, 0.86, 0.05))
MARGIN_GRID = (0.0, 0.05)


def tune(cards: Sequence[LabelledCard], embed: Embedder) -> tuple[dict[str, float], Report]:
    """The thresholds with the best per-point kappa plus trap-detection kappa among those with zero trap hits
    (ties: the first in grid order, i.e. the lowest thresholds)."""
    scores = score_all(cards, memo(embed))
    best: tuple[float, dict[str, float], Report] | None = None
    for h, t, m in itertools.product(HIT_GRID, TRAP_GRID, MARGIN_GRID):
        th = {"hit_threshold": h, "trap_threshold": t, "trap_margin": m}
        r = evaluate(cards, predict(scores, **th))
        if r.trap_hits:
            continue
        value = r.points.kappa + r.trap.kappa
        if best is None or value > best[0] + 1e-12:
            best = (value, th, r)
    if best is None:
        raise RuntimeError("no threshold setting avoids ticking a key point on a trap statement")
    return best[1], best[2]
