"""Hidden checks for the bpe-merge-step kata. Expected merges come from the reference trainer (which is itself checked
against tiktoken: an Encoding built from its ranks gives identical ids, tests/ref/test_bpe.py)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Judge, Outcome, showing

GPT2 = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def expect_merges(expected: list[list[tuple[tuple[int, int], int]]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                got = [((int(p[0][0]), int(p[0][1])), int(p[1])) for p in o.value]
            except (TypeError, ValueError, IndexError):
                return f"call {i + 1}: expected a list of ((a, b), new_id), got {str(o.value)[:80]}"
            if got != e:
                k = next((j for j, (g, w) in enumerate(zip(got, e, strict=False)) if g != w), min(len(got), len(e)))
                g = got[k] if k < len(got) else "nothing"
                w = e[k] if k < len(e) else "nothing"
                return f"call {i + 1}: merge {k} is {g}, expected {w} ({len(got)} merges returned, {len(e)} expected)"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    # The hand-written texts under a fresh letter permutation (and a fresh two-byte letter for the UTF-8 case):
    # the same pair counts, ties and boundaries, other bytes.
    letters = "abcdefghijklmnopqrstuvwxyz"
    swap = str.maketrans(letters + "é", "".join(rng.permutation(list(letters))) + str(rng.choice(list("éüñçøåß"))))

    def case(text: str, vocab: int) -> tuple[Call, list[tuple[tuple[int, int], int]]]:
        text = text.translate(swap)
        return Call((text, vocab, GPT2)), solution(text, vocab, GPT2)

    def tie_case() -> tuple[Call, list[tuple[tuple[int, int], int]]]:
        """Three pairs, each twice, in one pre-token each: the smallest pair is neither the first seen nor the
        largest, so only the (count, smallest pair) rule picks it."""
        pairs = sorted({"".join(rng.choice(list(letters), size=2, replace=False)) for _ in range(8)})
        small, mid, large = (pairs[i] for i in sorted(rng.choice(len(pairs), size=3, replace=False)))
        text = ".".join([mid, mid, small, small, large, large])  # "." is a pre-token of its own: no other pair
        return Call((text, 257, GPT2)), solution(text, 257, GPT2)

    corpus = "low lower lowest newer newest wider widest low low newer"
    words = ["".join(rng.choice(list("abcde"), size=rng.integers(1, 7))) for _ in range(40)]
    random_text = " ".join(words)
    cases = {
        # the second text: (j, k) is in one pre-token 3 times, (h, i) once in each of 4 equal pre-tokens
        "one": [case("hug pug pun bun hugs", 257), case("hi hi hi hi jkjkjk", 257)],
        "tie": [tie_case()],
        "boundary": [case("x.x.x.x.x.yy", 257)],
        "none_left": [case("abab", 256 + 6)],  # (a, b), then (ab, ab), then nothing
        # no ties: (a, a), then (aa, aa), then (aa, a); merging overlapping occurrences changes the second merge
        "overlap": [case("aaaaaaa aaaaaaa aaa", 259)],
        "many": [case(corpus, 256 + 12)],
        "random": [case(random_text, 256 + 15)],
        "utf8": [case("éhé éé é", 257)],  # the two bytes of é are the most frequent pair
    }

    def check(key: str, name: str, expl: str) -> Check:
        calls, want = zip(*cases[key], strict=True)
        return Check(name, expl, list(calls), expect_merges(list(want)))

    return [
        check("random", "matches the reference trainer on random text", "15 merges on random words over a small "
              "alphabet: counts per pre-token, the tie rule and the merge rule all matter."),
        check("one", "the first merge is the most frequent pair", "Count adjacent pairs inside every pre-token, "
              "weighted by how often the pre-token occurs (a pre-token seen 4 times adds 4 to each of its pairs), "
              "and merge the most frequent one into id 256."),
        check("tie", "ties go to the smallest pair", "Equal counts need a deterministic rule: the highest count, "
              "then the smallest (a, b); iteration order of a dict or Counter is not a rule."),
        check("boundary", "merges never cross pre-token boundaries", "Pairs are counted inside each regex "
              "pre-token only: here (letter, .) spans a boundary every time and must never be merged."),
        check("none_left", "stops when no pair is left", "When every pre-token is a single token there is no pair "
              "to merge: return the merges so far (fewer than vocab_size - 256), do not fail on an empty count."),
        check("overlap", "occurrences merge left to right without overlap", "'aaa' becomes [aa, a]: after a match "
              "skip both tokens. Counting (a, a) in 'aaa' still gives 2 before the merge."),
        check("many", "counts are updated after every merge", "Each merge creates pairs (with the new token) and "
              "destroys others: recount, or update the counts, before choosing the next merge."),
        check("utf8", "works on UTF-8 bytes", "Tokens are bytes: 'é' is two bytes (195, 169), and merging them is an "
              "ordinary merge."),
    ]  # fmt: skip
