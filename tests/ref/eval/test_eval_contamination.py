"""Contamination: planted duplicates are flagged, disjoint text is not, and normalization is what catches them."""

import numpy as np

from mldrill.ref.eval.contamination import ngram_overlap

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "omicron",
    "pi",
    "rho",
    "sigma",
    "tau",
]


def _text(rng, n):
    return " ".join(rng.choice(WORDS, size=n))


def test_planted_duplicates_are_flagged_and_disjoint_text_is_not():
    rng = np.random.default_rng(0)
    train = [_text(rng, 200) for _ in range(5)]
    leaked = train[2].split()[40:70]
    test = [
        "Q: " + " ".join(leaked).upper() + " ?!",  # verbatim leak with changed case and punctuation
        "completely different words that never appear in the training data at all here now",
        _text(np.random.default_rng(99), 12),  # shorter than 13 words: checked as one gram
    ]
    rep = ngram_overlap(test, train, n=13)
    assert rep.flagged == [0]
    assert rep.overlap[0] > 0.9 and rep.overlap[1] == 0.0


def test_normalization_is_what_catches_a_reformatted_leak():
    train = ["The quick brown fox jumps over the lazy dog near the river bank today"]
    test = ["THE QUICK, brown   fox jumps over the LAZY dog near the river bank today!"]
    assert ngram_overlap(test, train, n=13).flagged == [0]
    assert ngram_overlap(["the slow brown fox walks past the lazy cat near a river"], train, n=13).flagged == []
