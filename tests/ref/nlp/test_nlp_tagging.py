"""BIO span decoding and best answer span vs brute force."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.nlp.tagging import best_span, bio_spans


def test_bio_spans_including_an_i_without_b():
    tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "B-ORG", "I-PER"]
    assert bio_spans(tags) == [("PER", 0, 2), ("LOC", 3, 5), ("LOC", 5, 6), ("ORG", 6, 7), ("PER", 7, 8)]
    assert bio_spans([]) == [] and bio_spans(["O", "O"]) == []


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 12), max_len=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_best_span_equals_brute_force(n, max_len, seed):
    rng = np.random.default_rng(seed)
    s, e = rng.integers(-3, 4, n).astype(float), rng.integers(-3, 4, n).astype(float)  # integer logits: ties
    cands = [(s[i] + e[j], -i, -j) for i in range(n) for j in range(i, min(n, i + max_len))]
    score, ni, nj = max(cands)
    assert best_span(s, e, max_len=max_len) == (-ni, -nj, score)
