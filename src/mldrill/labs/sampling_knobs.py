"""Temperature, top-k and top-p on a real next-token distribution: a bigram model fitted on mldrill's own card text
gives P(next word | context word); mldrill.ref.sampling reshapes and truncates it."""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import torch

from mldrill.labs._core import Choice, Float, Int, LabResult, Predict, draw, figure, table
from mldrill.ref.sampling import apply_temperature, top_k_filter, top_p_filter

TITLE = "Temperature, top-k and top-p on a real next-token distribution"
AREA = "llm-inference-efficiency"
TOPICS = ["decoding-strategies"]
SETTLES = ["decoding-strategies/temperature", "decoding-strategies/top-p"]
SECONDS = 0.5
CONTENT = Path(__file__).resolve().parent.parent / "content"
PARAMS = {
    "context": Choice(("the", "a", "learning", "attention", "gradient", "is"), default="the", help="the previous word"),
    "temperature": Float(0.05, 3.0, default=1.0, help="T: logits are divided by it"),
    "top_k": Int(1, 200, default=20, help="k for top-k"),
    "top_p": Float(0.05, 1.0, default=0.9, help="p for top-p (nucleus)"),
}
PREDICT = Predict(
    question="Probabilities [0.5, 0.3, 0.15, 0.05], top-p with p = 0.9. How many tokens are kept?",
    choices=("2 (0.8 < 0.9)", "3: the token that crosses 0.9 is kept", "4"),
    answer=1,
    why="Keep the smallest prefix whose mass reaches p, crossing token included: 0.5 + 0.3 + 0.15 = 0.95.",
)
SHOW = 25


def bigram_logits(context: str) -> tuple[list[str], torch.Tensor]:
    """Vocabulary and log-count logits of the words that follow `context` in the card text."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CONTENT.rglob("*.yaml"))).lower()
    words = re.findall(r"[a-z]+", text)
    follow = Counter(b for a, b in pairwise(words) if a == context)
    vocab = [w for w, _ in follow.most_common()]
    return vocab, torch.tensor([math.log(follow[w]) for w in vocab], dtype=torch.float64)


def probs(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


def run(context: str = "the", temperature: float = 1.0, top_k: int = 20, top_p: float = 0.9) -> LabResult:
    vocab, z = bigram_logits(context)
    base = probs(z)
    scaled = probs(apply_temperature(z, temperature))
    kept_k = probs(top_k_filter(apply_temperature(z, temperature), top_k))
    kept_p = probs(top_p_filter(apply_temperature(z, temperature), top_p))
    n = min(SHOW, len(vocab))
    fig, (a1, a2) = figure(2, width=7.6, height=4.0)
    x = list(range(n))
    a1.bar([i - 0.2 for i in x], base[:n].tolist(), width=0.4, color="#9ca3af", label="T = 1")
    a1.bar([i + 0.2 for i in x], scaled[:n].tolist(), width=0.4, color="#2563eb", label=f"T = {temperature:g}")
    a1.set_xticks(x, vocab[:n], rotation=70, fontsize=7.5)
    a1.set_ylabel(f"P(next | “{context}”)")
    a1.set_title(f"{len(vocab)} continuations seen")
    a1.legend(fontsize=8)
    a1.grid(axis="x", visible=False)
    temps = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0]
    ent = [float(-(q * q.clamp_min(1e-300).log()).sum()) for q in (probs(apply_temperature(z, t)) for t in temps)]
    kept_counts_p = [int((probs(top_p_filter(z, p)) > 0).sum()) for p in (0.5, 0.8, 0.9, 0.95, 0.99)]
    a2.plot(temps, ent, marker="o", ms=3, label="entropy (nats)")
    a2.axhline(math.log(len(vocab)), color="#6b7280", ls=":", lw=1, label="uniform")
    a2.set_xlabel("temperature T")
    a2.set_title("Flatter as T grows")
    a2.legend(fontsize=8)
    rows = [[vocab[i], float(base[i]), float(scaled[i]), float(kept_k[i]), float(kept_p[i])] for i in range(n)]
    nk, np_ = int((kept_k > 0).sum()), int((kept_p > 0).sum())
    alt = (
        f"Left: the {n} most likely words after “{context}” in mldrill's cards, at T = 1 and T = {temperature:g}. "
        f"Top-k = {top_k} keeps {nk} words, top-p = {top_p:g} keeps {np_}. Right: the distribution's entropy rises "
        f"with T toward the uniform {math.log(len(vocab)):.1f} nats."
    )
    text = (
        "Temperature divides the logits: below 1 it sharpens toward the top words, above 1 it flattens toward "
        "uniform, and the ranking never changes. Top-k keeps a fixed number of words; top-p keeps the smallest "
        "prefix whose mass reaches p, so it keeps few words after a predictable context and many after an open one."
    )
    cols = ["word", "p (T=1)", f"p (T={temperature:g})", f"top-k={top_k}", f"top-p={top_p:g}"]
    fig_out = draw(fig, alt=alt, title="Sampling knobs", table=table(cols, rows))
    numbers = {"vocab_size": len(vocab), "kept_top_k": nk, "kept_top_p": np_, "entropy": ent, "temps": temps,
               "kept_by_p": kept_counts_p}  # fmt: skip
    return LabResult([fig_out], numbers, text)
