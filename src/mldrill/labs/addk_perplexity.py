"""Add-k smoothing on mldrill's own text: held-out bigram perplexity vs k is U-shaped, and V decides every number."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mldrill.labs._core import Choice, Int, LabResult, Predict, draw, figure, seeded, table
from mldrill.ref.nlp.ngram import NgramLM, add_k_prob

TITLE = "Add-k smoothing: held-out perplexity vs k"
AREA = "nlp-embeddings-metrics"
TOPICS = ["ngram-lm-perplexity"]
SETTLES = ["ngram-lm-perplexity/add-k-vocab"]
SECONDS = 1.0
CONTENT = Path(__file__).resolve().parent.parent / "content"
PARAMS = {
    "area": Choice(
        tuple(sorted(p.name for p in CONTENT.iterdir() if p.is_dir())) or ("numerics-losses",),
        default="optimizers-lr-schedules",
        help="which area's card text to train and test on",
    ),
    "heldout_pct": Int(5, 50, default=20, help="percent of sentences held out"),
    "seed": Int(0, 999, default=0, help="random seed for the split"),
}
PREDICT = Predict(
    question="Bigram model on a few thousand sentences, held-out perplexity as k goes from 1e-4 to 10:",
    choices=("falls steadily: more smoothing is safer", "U-shaped: too little and too much both hurt", "flat"),
    answer=1,
    why="Tiny k leaves near-zero probabilities for unseen bigrams; large k flattens every distribution toward uniform.",
)
KS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]


def sentences(area: str) -> list[list[str]]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((CONTENT / area).glob("*.yaml")))
    return [w for s in re.split(r"[.!?]\s+|\n\s*\n", text) if len(w := re.findall(r"[a-z]+", s.lower())) >= 3]


def run(area: str = "optimizers-lr-schedules", heldout_pct: int = 20, seed: int = 0) -> LabResult:
    rng = seeded(seed)
    sents = sentences(area)
    order = rng.permutation(len(sents))
    n_test = max(1, len(sents) * heldout_pct // 100)
    test = [sents[i] for i in order[:n_test]]
    train = [sents[i] for i in order[n_test:]]
    ppl = [NgramLM(2, k=k).fit(train).perplexity(test) for k in KS]
    V = len(NgramLM(2, k=1).fit(train).vocab_)
    fig, ax = figure()
    ax.plot(KS, ppl, marker="o", ms=4)
    best = int(np.argmin(ppl))
    ax.plot(KS[best], ppl[best], "o", ms=8, color="#b45309")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("k (add-k smoothing)")
    ax.set_ylabel("held-out perplexity")
    ax.set_title(f"Bigram LM on {area} cards, V = {V}")
    rows = [[k, p] for k, p in zip(KS, ppl, strict=True)]
    alt = (
        f"Held-out bigram perplexity vs k on a log-log plot: U-shaped, lowest ({ppl[best]:.0f}) at k = {KS[best]:g}, "
        f"rising to {ppl[0]:.0f} at k = {KS[0]:g} and {ppl[-1]:.0f} at k = {KS[-1]:g}. {len(train)} training and "
        f"{len(test)} held-out sentences."
    )
    text = (
        "Too little smoothing leaves unseen bigrams with almost no probability, and one such word costs a lot; too "
        "much (add-one and beyond) hands most of the mass to the thousands of continuations never seen. The best k "
        "is small and found on held-out text, and it is only comparable for one definition of the vocabulary V."
    )
    fig_out = draw(fig, alt=alt, title="Add-k smoothing", table=table(["k", "held-out perplexity"], rows))
    card = {"mle": 3 / 10, "add_one": add_k_prob(3, 10, 1000, 1.0), "add_one_V1002": add_k_prob(3, 10, 1002, 1.0)}
    return LabResult([fig_out], {"k": KS, "ppl": ppl, "V": V, "card": card, "n_train": len(train)}, text)
