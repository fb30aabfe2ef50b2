"""Hidden checks for the bleu kata. Expected statistics come from sacrebleu (BLEU(tokenize='none'))."""

from __future__ import annotations

from sacrebleu.metrics import BLEU

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing


def _sacre(hyp: str, refs: list[str], max_n: int = 4) -> list[int]:
    stats = BLEU(tokenize="none", max_ngram_order=max_n)._extract_corpus_statistics([hyp], [[r] for r in refs])
    return [int(v) for v in stats[0]]


def _renamer(rng):  # rng: np.random.Generator
    """A fresh one-to-one renaming of words: every count, match and length stays, the strings change each run."""
    names: dict[str, str] = {}

    def word(w: str) -> str:
        while w not in names:
            new = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(3, 8))))
            if new not in names.values():
                names[w] = new
        return names[w]

    return word


def _fmt(s: list[int]) -> str:
    n = (len(s) - 2) // 2
    return f"hyp_len={s[0]}, ref_len={s[1]}, matches={s[2 : 2 + n]}, totals={s[2 + n :]}"


PARTS = ("hyp_len", "ref_len", "matches", "totals")


def expect_stats(expected: list[list[int]], parts: tuple[str, ...] = PARTS) -> Judge:
    """Compare the statistics named in `parts` only (a check about one statistic must not fail for a bug in
    another); the message shows them all."""

    def pick(s: list[int]) -> list[object]:
        n = (len(s) - 2) // 2
        whole = {"orders": n, "hyp_len": s[0], "ref_len": s[1], "matches": s[2 : 2 + n], "totals": s[2 + n :]}
        return [whole[p] for p in parts]

    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            v = o.value
            try:
                got = [int(v[0]), int(v[1]), *(int(x) for x in v[2]), *(int(x) for x in v[3])]
                if len(v[2]) != len(v[3]):
                    return f"call {i + 1}: matches and totals differ in length ({len(v[2])} and {len(v[3])})"
            except (TypeError, ValueError, IndexError):
                return f"call {i + 1}: expected (hyp_len, ref_len, matches, totals), got {str(v)[:80]}"
            if pick(got) != pick(e):
                which = "" if parts == PARTS else f" ({', '.join(parts)} differ)"
                return f"call {i + 1}: got {_fmt(got)}; expected {_fmt(e)}{which}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def cases(
        *items: tuple[str, list[str]], max_n: int = 4, parts: tuple[str, ...] = PARTS
    ) -> tuple[list[Call], Judge]:
        word = _renamer(rng)
        items = tuple((" ".join(map(word, h.split())), [" ".join(map(word, r.split())) for r in rs]) for h, rs in items)
        calls = [Call((h, r), {"max_n": max_n}) for h, r in items]
        return calls, expect_stats([_sacre(h, r, max_n) for h, r in items], parts)

    return [
        Check("matches sacrebleu's statistics on ordinary sentences",
              "Whitespace tokens; for n = 1..4 count hypothesis n-grams and their clipped matches.",
              *cases(("the cat sat on the mat", ["the cat is on the mat"]),
                     ("a quick brown fox jumps over the dog", ["the quick brown fox jumped over the lazy dog",
                                                               "a fast brown fox leaps over the dog"]))),
        Check("clips by the maximum count in a single reference",
              "'the the the the' against 'the cat' and 'the the dog' has 2 unigram matches, not 4 (unclipped) nor 3 "
              "(clipped by the sum over references).",
              *cases(("the the the the", ["the cat", "the the dog"]), parts=("matches",))),
        Check("uses the closest reference length, shorter on a tie",
              "The brevity penalty uses the reference whose length is closest to the hypothesis; between two equally "
              "close ones, the shorter. Not the shortest, longest or average.",
              *cases(("one two three four five", ["a b c", "a b c d e f g"]),
                     ("one two three four", ["a b c", "a b c d e"]),
                     ("one two three four", ["a b c d e", "a b c"]),  # the longer one first: not list order
                     ("one two three four five six", ["a b", "a b c d e f g"]), parts=("ref_len",))),
        Check("counts every n-gram, up to the last token",
              "A hypothesis of c tokens has c - n + 1 n-grams: the windows are toks[i:i + n] for i in "
              "range(c - n + 1). Stopping at range(c - n) drops the last n-gram of every order, and its match.",
              *cases(("the cat sat on the mat", ["the cat sat on the mat"]),
                     ("a b c d e f", ["x a b c d e f"]))),
        Check("short hypotheses have zero higher-order n-grams",
              "A hypothesis of 2 tokens has no 3-grams or 4-grams: totals are max(c - n + 1, 0), never negative.",
              *cases(("hello world", ["hello world again"]), ("hi", ["hi"]), parts=("matches", "totals"))),
        Check("respects max_n",
              "max_n sets the number of orders returned: matches and totals have max_n entries, for n = 1..max_n.",
              *cases(("the cat sat on the mat", ["the cat sat on a mat"]), max_n=2, parts=("orders",))),
    ]  # fmt: skip
