"""Hidden checks for the rouge-l kata. Expected values: mldrill.ref.metrics.rouge.rouge_l, which
tests/ref/metrics checks against rouge_score's RougeScorer(["rougeL"], use_stemmer=False) with the package's own
tokenizer (rouge-score is a test dependency; the checks import only what the app installs)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, expect_parts

TOL = {"atol": 1e-12, "rtol": 1e-12}
NAMES = ("precision", "recall", "fmeasure")


def _oracle(rouge_l, target: str, prediction: str) -> tuple[float, float, float]:
    s = rouge_l(target, prediction)
    return s.precision, s.recall, s.fmeasure


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    pool: list[str] = []
    while len(pool) < 40:  # fresh distinct lowercase words every run
        w = "".join(rng.choice(letters, size=int(rng.integers(2, 7))))
        if w not in pool:
            pool.append(w)

    def words(k: int, vocab: list[str] | None = None, replace: bool = False) -> list[str]:
        return [str(w) for w in rng.choice(vocab or pool, size=k, replace=replace)]

    def check(name: str, why: str, pairs: list[tuple[str, str]], parts: tuple[str, ...] = NAMES) -> Check:
        want = [
            tuple(v if n in parts else None for n, v in zip(NAMES, _oracle(solution, t, p), strict=True))
            for t, p in pairs
        ]
        return Check(name, why, [Call(pair) for pair in pairs], expect_parts(want, NAMES, **TOL))

    # -- random pairs: a small vocabulary (repeats), the prediction an edit of the target
    def edited(n: int) -> tuple[str, str]:
        vocab = words(6)
        tgt = words(n, vocab, replace=True)
        pred = list(tgt)
        for _ in range(int(rng.integers(2, 6))):
            k = int(rng.integers(len(pred)))
            op = int(rng.integers(3))
            if op == 0:
                pred[k] = str(rng.choice(vocab))
            elif op == 1 and len(pred) > 4:
                del pred[k]
            else:
                pred.insert(k, str(rng.choice(vocab)))
        return " ".join(tgt), " ".join(pred)

    rotated = words(int(rng.integers(5, 9)))  # the first target word moved to the end: a greedy match takes it first
    random = [
        edited(int(rng.integers(8, 16))),
        edited(int(rng.integers(16, 30))),
        (" ".join(rotated), " ".join(rotated[1:] + rotated[:1])),
    ]

    # -- case and punctuation: rouge-score lowercases and splits on anything outside [a-z0-9]
    base = words(8)
    marks = [",", ".", "!", "?", ";", ":", "'s", ")"]
    cased = " ".join(w.upper() if i % 3 == 0 else w.capitalize() for i, w in enumerate(base))
    punct = " ".join(w + str(rng.choice(marks)) if i % 2 else w for i, w in enumerate(base))
    hyphen = "-".join(base[:4]) + " " + " ".join(base[4:])
    # '_' is outside [a-z0-9] (\w keeps it), digits are tokens ([a-z]+ drops them): only on one side each
    num = str(int(rng.integers(2, 10000)))
    underscore = "_".join(base[:3]) + " " + " ".join(base[3:])
    digits = " ".join(base[:5]) + f" {num} " + " ".join(base[5:])
    tokens = [(" ".join(base), cased), (punct, " ".join(base[:6])), (hyphen, " ".join(base)), (underscore, digits)]

    # -- gaps: the whole target appears in order, with other words between its words
    tgt = words(8)
    others = [w for w in pool if w not in tgt]
    gapped = []
    for w in tgt:
        gapped += [w, *words(int(rng.integers(1, 3)), others)]
    gaps = [(" ".join(tgt), " ".join(gapped))]

    # -- order: the same words reversed (every unigram matches, the LCS is 1)
    rev = words(int(rng.integers(6, 10)))
    order = [(" ".join(rev), " ".join(rev[::-1]))]

    # -- lengths: a short target inside a long prediction (P small, R = 1), and the reverse
    short, extra = words(4), words(12, others)
    lengths = [(" ".join(short), " ".join(extra[:5] + short + extra[5:])), (" ".join(extra + short), " ".join(short))]

    punct = "".join(rng.choice(list("?!.,;:-()"), size=int(rng.integers(2, 8))))  # no tokens at all
    empty = [("", " ".join(words(3))), (" ".join(words(3)), ""), (punct, " ".join(words(2))), (punct[::-1], "")]

    return [
        check(
            "matches rouge-score's ROUGE-L",
            "Tokens as rouge-score makes them, the longest common subsequence L (from the table: matching each "
            "target word greedily at its first place in the prediction can miss the longest one), "
            "P = L / |prediction|, R = L / |target|, F = 2PR / (P + R).",
            random,
        ),
        check(
            "tokens as rouge-score makes them",
            "rouge-score lowercases and splits on every run of characters outside [a-z0-9]: 'Paris,' and 'paris' "
            "are the same token, 'state-of-the-art' is four, 'snake_case' two (\\w+ keeps '_') and '2024' one "
            "([a-z]+ drops digits). Splitting on spaces alone keeps punctuation glued to words; not lowercasing "
            "misses 'The' vs 'the'.",
            tokens,
        ),
        check(
            "a subsequence, not a substring",
            "The LCS may skip words: on a mismatch take max(T[i-1][j], T[i][j-1]). Resetting the table to 0 "
            "computes the longest common contiguous run (substring), much shorter when words are inserted.",
            gaps,
        ),
        check(
            "word order matters",
            "ROUGE-L rewards words in the same order: the target reversed shares every unigram but has an LCS of 1. "
            "Counting common words (clipped unigram overlap) is ROUGE-1, not ROUGE-L.",
            order,
        ),
        check(
            "precision over the prediction, recall over the target",
            "P = L / |prediction| and R = L / |target|: a long prediction that contains the short target has "
            "R = 1 and a small P. Swapped, a verbose summary looks precise.",
            lengths,
            parts=("precision", "recall"),
        ),
        check(
            "F is the harmonic mean of P and R",
            "F = 2PR / (P + R): the arithmetic mean (P + R) / 2 lets a recall of 1 hide a precision near 0.",
            lengths,
            parts=("fmeasure",),
        ),
        check(
            "an empty text scores 0",
            "With no tokens on either side (an empty string, or punctuation only) L / length is 0 / 0: return "
            "(0.0, 0.0, 0.0), as rouge-score does, instead of raising ZeroDivisionError.",
            empty,
        ),
    ]
