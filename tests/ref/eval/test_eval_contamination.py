"""Contamination: planted duplicates are flagged, disjoint text is not, normalization is what catches them, and the
fractions equal a brute-force substring search."""

import numpy as np

from mldrill.ref.eval.contamination import ngram_contamination, ngram_overlap, normalize

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


def _brute_fraction(item: str, train: list[str], n: int) -> float:
    """Distinct n-grams of the item (the whole item when shorter), each looked up as a substring of a document."""
    norm = [" " + " ".join(normalize(d)) + " " for d in train]  # spaces at both ends: whole words only
    w = normalize(item)
    spans = {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)} if len(w) >= n else ({" ".join(w)} if w else set())
    return sum(any(f" {s} " in d for d in norm) for s in spans) / len(spans) if spans else 0.0


def test_ngram_contamination_matches_a_brute_force_substring_search():
    rng = np.random.default_rng(1)
    vocab = WORDS[:6]  # a small vocabulary: partial overlaps are common
    train = [_text(rng, int(rng.integers(5, 40))) for _ in range(8)]
    test = [_text(rng, int(rng.integers(0, 20))) for _ in range(30)]
    test += [" ".join(rng.choice(vocab, size=12)) for _ in range(10)]
    for n in (3, 5, 8):
        fractions, flags = ngram_contamination(test, train, n=n, threshold=0.5)
        want = [_brute_fraction(t, train, n) for t in test]
        np.testing.assert_allclose(fractions, want, rtol=0, atol=1e-12)
        assert flags == [f >= 0.5 for f in want]


def test_ngram_contamination_edge_cases():
    train = ["a b c d e", "f g h i j"]
    # spans the boundary between the two documents: not in either
    assert ngram_contamination(["d e f g"], train, n=4)[0] == [0.0]
    # a repeated n-gram counts once: 6 distinct 3-grams (abc, bca, cab, bcx, cxy, xyz), only abc seen (not 3 of 10)
    assert ngram_contamination(["a b c a b c a b c x y z"], ["a b c"], n=3)[0] == [1 / 6]
    # shorter than n: found as a contiguous run inside a longer document, or not at all
    assert ngram_contamination(["G H", "h g", ""], train, n=13)[0] == [1.0, 0.0, 0.0]
    # exactly at the threshold is flagged: 2 of the 4 distinct 2-grams are seen
    assert ngram_contamination(["a b c x y"], train, n=2, threshold=0.5) == ([0.5], [True])
