"""No two cards ask the same question (embeddings from the packaged all-MiniLM-L6-v2 model, offline).

Threshold: cosine similarity >= 0.85 between question embeddings flags a pair. Calibrated on this model: distinct
cards of the knowledge base reach up to about 0.81, a near-verbatim rephrasing ("Why divide attention scores by
sqrt(d_k)?" / "Why are the attention scores scaled by 1/sqrt(d_k)?") scores 0.93. Paraphrases that share few words
can score as low as 0.5, so this gate catches copies and light rewordings, not every conceptual overlap.
Intended pairs are exempt: a card and its follow-up, and the pairs listed in near_duplicates_allowed.txt.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mldrill.catalog import load_catalog

THRESHOLD = 0.85
ALLOWED = Path(__file__).with_name("near_duplicates_allowed.txt")


@pytest.fixture(scope="module")
def embed():  # type: ignore[no-untyped-def]
    dense = pytest.importorskip("mldrill.ref.retrieval.dense")
    try:
        return dense.load_minilm_embedder()
    except ImportError as e:
        pytest.skip(f"near-duplicate gate NOT run: {e}")


def allowed_pairs() -> set[frozenset[str]]:
    lines = [ln.split("#")[0].split() for ln in ALLOWED.read_text().splitlines()]
    return {frozenset(parts) for parts in lines if len(parts) == 2}


def near_duplicates(questions: dict[str, str], embed, threshold: float) -> list[tuple[float, str, str]]:  # type: ignore[no-untyped-def]
    ids = list(questions)
    E = np.asarray(embed([questions[i] for i in ids]), dtype=np.float64)  # (n, 384), unit rows
    S = E @ E.T
    i, j = np.triu_indices(len(ids), 1)
    hits = S[i, j] >= threshold
    return sorted(((float(S[a, b]), ids[a], ids[b]) for a, b in zip(i[hits], j[hits], strict=True)), reverse=True)


def test_the_gate_catches_a_rephrased_question(embed) -> None:  # type: ignore[no-untyped-def]
    qs = {
        "a/x": "Why divide attention scores by sqrt(d_k)?",
        "b/y": "Why are the attention scores scaled by 1/sqrt(d_k)?",
        "c/z": "What does weight decay do in AdamW?",
    }
    assert [(a, b) for _, a, b in near_duplicates(qs, embed, THRESHOLD)] == [("a/x", "b/y")]


def test_no_two_cards_are_near_duplicates(embed) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog()
    exempt = allowed_pairs() | {frozenset((c.id, f)) for c in cat.cards.values() for f in c.followups}
    found = [
        (s, a, b)
        for s, a, b in near_duplicates({c.id: c.question for c in cat.cards.values()}, embed, THRESHOLD)
        if frozenset((a, b)) not in exempt
    ]
    report = "\n".join(f"{s:.3f}  {a}  |  {b}" for s, a, b in found)
    assert not found, f"near-duplicate cards (merge them, or list the pair in {ALLOWED.name}):\n{report}"
