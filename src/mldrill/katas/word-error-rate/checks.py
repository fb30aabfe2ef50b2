"""Hidden checks for the word-error-rate kata. Expected values: mldrill.ref.metrics.text.word_error_rate, which
tests/ref checks against nltk.metrics.distance.edit_distance on the word lists (substitution cost 1), summed over the
pairs, over the total number of reference words (nltk is a test dependency; the checks import what the app installs)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, expect_scalar

TOL = {"atol": 1e-12, "rtol": 1e-12}


def _wer(wer, refs: list[str], hyps: list[str]) -> float:
    return float(wer(refs, hyps))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    pool: list[str] = []
    while len(pool) < 40:  # fresh distinct words every run
        w = "".join(rng.choice(letters, size=int(rng.integers(3, 9))))
        if w not in pool:
            pool.append(w)

    def words(k: int, vocab: list[str] | None = None, replace: bool = True) -> list[str]:
        return [str(w) for w in rng.choice(vocab or pool, size=k, replace=replace)]

    def j(ws: list[str]) -> str:
        return " ".join(ws)

    def edit(ref: list[str], n_ops: int, vocab: list[str], ops: tuple[int, ...] = (0, 1, 2)) -> list[str]:
        hyp = list(ref)
        for _ in range(n_ops):
            op = int(rng.choice(ops))
            if op == 0 and hyp:
                hyp[int(rng.integers(len(hyp)))] = str(rng.choice(vocab))
            elif op == 1 and hyp:
                del hyp[int(rng.integers(len(hyp)))]
            else:
                hyp.insert(int(rng.integers(len(hyp) + 1)), str(rng.choice(vocab)))
        return hyp

    def case(refs: list[str], hyps: list[str]) -> tuple[Call, float]:
        return Call((refs, hyps)), _wer(solution, refs, hyps)

    def check(name: str, why: str, cases: list[tuple[Call, float]]) -> Check:
        return Check(name, why, [c for c, _ in cases], expect_scalar([e for _, e in cases], name="WER", **TOL))

    def corpus(n_seg: int) -> tuple[Call, float]:
        vocab = words(8, replace=False)
        refs = [words(int(rng.integers(5, 15)), vocab) for _ in range(n_seg)]
        return case([j(r) for r in refs], [j(edit(r, int(rng.integers(1, 5)), vocab)) for r in refs])

    random = [corpus(4), corpus(6)]

    # -- hypotheses much longer / shorter than their references
    r1 = words(6)
    longer = case([j(r1)], [j(r1[:3] + words(9) + r1[3:])])
    r2 = words(12)
    shorter = case([j(r2)], [j(r2[2:7])])

    # -- substitutions by unrelated long words: a character distance counts every letter
    r3 = words(10)
    h3 = list(r3)
    for k in rng.choice(10, size=3, replace=False):
        h3[k] = "".join(rng.choice(letters, size=int(rng.integers(9, 13))))
    chars = case([j(r3)], [j(h3)])

    # -- one word missing (and one extra) near the start: every later word is shifted by one position
    r4 = words(int(rng.integers(8, 13)), replace=False)
    shifted = case([j(r4)], [j(r4[1:])]), case([j(r4)], [j([*r4[:2], *words(1), *r4[2:]])])

    # -- substitutions only: the same lengths, some words replaced
    r5 = words(int(rng.integers(8, 14)))
    subs = case([j(r5)], [j(edit(r5, 3, pool, ops=(0,)))])

    # -- a short, fully wrong segment, a long correct one and an empty reference (insertions only)
    r6, r7 = words(2), words(int(rng.integers(15, 25)))
    pooled = case([j(r6), j(r7), ""], [j(words(2)), j(r7), j(words(2))])

    # -- insertions make WER exceed 1
    r8 = words(2)
    over = case([j(r8)], [j([*words(3), *r8, *words(2)])])

    # -- edits at the start: leading insertions and deletions
    r9 = words(int(rng.integers(6, 10)))
    leading = case([j(r9)], [j([*words(3), *r9])]), case([j(r9)], [j(r9[3:])])

    # -- messy whitespace (double spaces, a tab, a newline, leading and trailing blanks) and a capitalised word
    def messy(ws: list[str]) -> str:
        return " " * int(rng.integers(1, 3)) + "".join(w + str(rng.choice(["  ", "\t", " \n ", "   "])) for w in ws)

    r10 = words(int(rng.integers(6, 10)))
    h10 = edit(r10, 2, pool)
    r11 = words(int(rng.integers(6, 10)), replace=False)
    k11 = int(rng.integers(len(r11)))
    h11 = [w.capitalize() if i == k11 else w for i, w in enumerate(r11)]
    tokens = case([messy(r10), j(r11)], [messy(h10), j(h11)])

    return [
        check(
            "matches the corpus WER",
            "Word-level Levenshtein distance per pair (substitution, deletion and insertion cost 1), summed over "
            "the corpus and divided by the total number of reference words.",
            random,
        ),
        check(
            "divides by the number of reference words",
            "N is the reference length: dividing by the hypothesis length rewards padding the output with extra "
            "words (and punishes short outputs the wrong way).",
            [longer, shorter],
        ),
        check(
            "an edit is a word, not a character",
            "WER runs the edit distance on word lists: replacing one word by an unrelated 10-letter word is one "
            "substitution, not ten character edits (that would be the character error rate's numerator).",
            [chars],
        ),
        check(
            "an alignment, not a position-by-position comparison",
            "One missing word shifts every later word: comparing ref[i] with hyp[i] counts them all as errors. "
            "The edit distance aligns the sequences and counts one deletion.",
            list(shifted),
        ),
        check(
            "a substitution costs 1",
            "S + D + I weighs a substitution like a deletion or an insertion. Counting it as a deletion plus an "
            "insertion (cost 2, an LCS-based distance) doubles the errors of a same-length hypothesis.",
            [subs],
        ),
        check(
            "the corpus WER pools edits and reference words",
            "Sum the edits over all pairs, then divide by the total reference length. The mean of sentence WERs "
            "weights a 2-word sentence like a 20-word one, and divides by 0 on an empty reference.",
            [pooled],
        ),
        check(
            "WER is not capped at 1",
            "Insertions have no limit: 5 extra words on a 2-word reference is 250%. Clipping at 1 hides a model "
            "that hallucinates text.",
            [over],
        ),
        check(
            "leading insertions and deletions count",
            "The table's first row and column are D[0][j] = j and D[i][0] = i: turning nothing into j words takes "
            "j insertions. Zeros there make edits before the first match free.",
            list(leading),
        ),
        check(
            "words are str.split() tokens, compared exactly",
            "str.split() splits on any run of whitespace and drops leading and trailing blanks; split(' ') makes "
            "empty words of double spaces and keeps tabs and newlines inside words. Words are compared "
            "case-sensitively: 'Cat' for 'cat' is a substitution.",
            [tokens],
        ),
    ]
