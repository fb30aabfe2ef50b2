"""Contamination check by n-gram overlap: test items planted verbatim, lightly paraphrased or absent in a training
corpus built from the prose of mldrill's card answers, flagged by 13-gram (and shorter) overlap."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import yaml

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.eval.contamination import ngram_overlap

TITLE = "Contamination: n-gram overlap with the training set"
AREA = "eval-safety"
TOPICS = ["llm-risks"]
SETTLES = ["llm-risks/contamination"]
SECONDS = 2.3
CONTENT = Path(__file__).resolve().parent.parent / "content"
PARAMS = {
    "items": Int(10, 200, default=60, help="test items (a third each: verbatim, paraphrased, clean)"),
    "seed": Int(0, 999, default=0, help="random seed"),
}
PREDICT = Predict(
    question="A test item was in the training data but with every 5th word changed. Does a 13-gram overlap check "
    "catch it?",
    choices=("yes, easily", "mostly not: no 13-word window survives intact", "only with exact matching"),
    answer=1,
    why="A change every 5 words breaks every 13-word window; shorter n-grams catch it at the price of false hits.",
)
NS = (5, 8, 13)
# Formulas and code are left out: one whitespace word such as `$\operatorname{Var}(y_j)` is many tokens to the checker,
# so changing every 5th word would leave whole 13-token windows intact inside a formula shared by two cards.
MATH_CODE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|```.*?```|`[^`]*`", re.S)


def answers() -> list[str]:
    out = []
    for path in sorted(CONTENT.rglob("*.yaml")):
        for card in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("cards", []):
            text = re.sub(r"\s+", " ", MATH_CODE.sub(" ", str(card.get("answer", ""))))
            if len(text.split()) >= 40:
                out.append(text)
    return out


def paraphrase(text: str, rng: np.random.Generator, every: int = 5) -> str:
    words = text.split()
    return " ".join(("xx" + w if i % every == every - 1 else w) for i, w in enumerate(words))


def run(items: int = 60, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    docs = answers()
    order = rng.permutation(len(docs))
    k = items // 3
    train_ids, held_ids = order[: len(docs) - k], order[len(docs) - k :]
    train = [docs[i] for i in train_ids]
    seen = [docs[i] for i in train_ids[:k]]
    test = {"verbatim": seen, "every 5th word changed": [paraphrase(t, rng) for t in seen],
            "not in training": [docs[i] for i in held_ids]}  # fmt: skip
    frac: dict[str, dict[int, list[float]]] = {name: {} for name in test}
    everything = [item for batch in test.values() for item in batch]
    for n in NS:  # one index of the training set per n
        overlap = ngram_overlap(everything, train, n=n).overlap
        start = 0
        for name, batch in test.items():
            frac[name][n] = overlap[start : start + len(batch)]
            start += len(batch)
    fig, axes = figure(len(NS), width=7.8, height=3.2)
    bins = np.linspace(0, 1, 21)
    for ax, n in zip(axes, NS, strict=True):
        for name, color in zip(test, ("#b91c1c", "#b45309", "#15803d"), strict=True):
            ax.hist(frac[name][n], bins=bins, alpha=0.75, color=color, label=name)
        ax.set_title(f"{n}-gram overlap", fontsize=10)
        ax.set_xlabel("share of the item's n-grams in training")
    axes[0].set_ylabel("test items")
    axes[0].legend(fontsize=7.5)
    flagged = {name: {n: float(np.mean(np.array(v[n]) > 0)) for n in NS} for name, v in frac.items()}
    rows = [[name, *(flagged[name][n] for n in NS)] for name in test]
    alt = (
        "Histograms of n-gram overlap with the training set for verbatim, word-changed and clean test items, for "
        "n = 5, 8 and 13: "
        + "; ".join(
            f"{name}: flagged {flagged[name][13]:.0%} at n = 13, {flagged[name][5]:.0%} at n = 5" for name in test
        )
        + "."
    )
    text = (
        "Verbatim copies overlap almost completely at any n. Changing one word in five breaks every 13-gram, so the "
        "standard check misses them; shorter n-grams catch them but also start to fire on clean items that share "
        "stock phrases with the training text. Contamination checks need the n and the threshold stated."
    )
    cols = ["test items", *(f"flagged at n = {n}" for n in NS)]
    fig_out = draw(fig, alt=alt, title="Contamination by n-gram overlap", table=table(cols, rows))
    return LabResult([fig_out], {"flagged": flagged}, text)
