"""Hidden checks for the bpe-train kata. Expected merges and ids come from mldrill.ref.bpe.train_bpe_basic, which
tests/ref/test_bpe.py checks against minbpe's textbook example and against tiktoken (an Encoding built from its merges
re-encodes the training text to the same ids)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Outcome, showing


def _head(xs: list[int], n: int = 16) -> str:
    return f"{xs[:n]}{' ...' if len(xs) > n else ''}"


def _judge(expected: list[tuple[list, list[int]]]):
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (merges, ids)) in enumerate(zip(outcomes, expected, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            try:
                got_m = [((int(p[0][0]), int(p[0][1])), int(p[1])) for p in o.value[0]]
                got_ids = [int(x) for x in o.value[1]]
            except (TypeError, ValueError, IndexError, KeyError):
                return (
                    f"call {i + 1}: expected (merges, ids) with merges [((a, b), new_id), ...], got {str(o.value)[:80]}"
                )
            if got_m != merges:
                k = next((j for j, (g, w) in enumerate(zip(got_m, merges, strict=False)) if g != w),
                         min(len(got_m), len(merges)))  # fmt: skip
                g = got_m[k] if k < len(got_m) else "nothing"
                w = merges[k] if k < len(merges) else "nothing"
                n_got, n_want = len(got_m), len(merges)
                return f"call {i + 1}: merge {k} is {g}, expected {w} ({n_got} merges returned, {n_want} expected)"
            if got_ids != ids:
                return f"call {i + 1}: ids {_head(got_ids)}, expected {_head(ids)}"
        return None

    return showing(expected, judge)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]

    def pick(k: int) -> list[str]:
        return [str(c) for c in rng.choice(letters, size=k, replace=False)]

    def case(text: str, n: int) -> tuple[Call, tuple[list, list[int]]]:
        return Call((text, n)), solution(text, n)

    def check(name: str, why: str, cases: list[tuple[Call, tuple[list, list[int]]]]) -> Check:
        return Check(name, why, [c for c, _ in cases], _judge([e for _, e in cases]))

    def random_text(k: int, n: int) -> str:
        return "".join(rng.choice([*pick(k), " "], size=n))

    # overlap: runs of one letter (odd and even lengths)
    o = pick(2)
    run = int(rng.integers(5, 12))
    # ties: (p, q) and (r, s) twice each; p > r so the first-seen rule and the smallest-pair rule disagree
    p, q, r, s = pick(4)
    p, r = max(p, r), min(p, r)
    tie = f"{p}{q}{p}{q} {r}{s}{r}{s}"
    # recount: "abcabcabc": after (a, b) -> X the best pair is (X, c), which did not exist before
    a, b, c, d = pick(4)
    rec = (a + b + c) * int(rng.integers(3, 6)) + d + a + b
    u = str(rng.choice(list("éüñçøåßλж")))  # two UTF-8 bytes
    # counting: a run of v holds (v, v) at every position; counted without overlap it loses to (w, x)
    v, w, x = pick(3)
    return [
        check(
            "matches the reference merges and ids on random text",
            "Count the pairs of the current ids, merge the most frequent (first seen on ties) into 256 + i, repeat.",
            [case(random_text(4, int(rng.integers(60, 200))), int(rng.integers(6, 20))) for _ in range(3)],
        ),
        check(
            "pairs are replaced left to right, without overlap",
            "In 'aaa' the two (a, a) pairs overlap: a left-to-right scan that skips past each match gives [aa, a]. "
            "Replacing at every matching position duplicates the middle token.",
            [case(o[0] * run, 3), case(o[0] * 3 + o[1] + o[0] * 3, 2)],
        ),
        check(
            "pairs are counted at every position, overlaps included",
            "Step 1 counts the pairs of the ids as they stand: a run 'v v v v' holds (v, v) three times. Counting "
            "only the non-overlapping matches the merge would replace (two here) ranks the pairs differently.",
            [case(f"{w}{x}{w}{x}{v * 4}", 1), case(f"{w}{x}" * 4 + v * 6, 1)],
        ),
        check(
            "ties go to the pair seen first",
            "With equal counts the pair whose first occurrence is earliest wins (what max() over an insertion-"
            "ordered Counter returns). The smallest pair or the last one seen is a different tokenizer.",
            [case(tie, 2)],
        ),
        check(
            "count again after every merge",
            "A merge creates pairs with the new token (after (a, b) -> X, 'X c' may be the most frequent pair) and "
            "destroys others. Ranking all pairs once, up front, merges pairs that no longer exist.",
            [case(rec, 3)],
        ),
        check(
            "stops when no pair is left",
            "Once the text is a single token there is nothing to count: return the merges made so far instead of "
            "failing on max() of an empty counter.",
            [case(a + b, int(rng.integers(3, 8))), case(a * 4, 5), case(a, 2)],
        ),
        check(
            "the text is UTF-8 bytes, not characters",
            "Byte-level BPE starts from the 256 byte values: a non-ASCII character is 2-4 tokens (its UTF-8 bytes). "
            "ord(ch) is a code point, which can exceed 255 and collide with merged ids.",
            [case(f"{u}{u}{a} {u}{a} {u}{u}", 3)],
        ),
    ]
