"""Hidden checks for the sliding-window kata. Expected lengths come from a brute force over every window."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, expect_equal


def _brute(s: str) -> int:
    return max((j - i for i in range(len(s)) for j in range(i + 1, len(s) + 1) if len(set(s[i:j])) == j - i), default=0)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = ["".join(rng.choice(list("abcde"), size=n)) for n in (5, 12, 20, 30)]

    # the hand-written strings under a fresh letter permutation (the same in both cases, so 'a'/'A' stay a pair)
    perm = "".join(rng.permutation(list("abcdefghijklmnopqrstuvwxyz")))
    swap = str.maketrans(
        "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + " !",
        perm + perm.upper() + str(rng.choice(list(" .-_,;:"))) + str(rng.choice(list("!?#%"))),
    )

    def case(strings: list[str]) -> tuple[list[Call], object]:
        strings = [s.translate(swap) for s in strings]
        return [Call((s,)) for s in strings], expect_equal([_brute(s) for s in strings])

    return [
        Check("matches a brute force over all windows",
              "Grow the window on the right; on a repeat, move the left end past the previous occurrence.",
              *case(["abcabcbb", "bbbbb", "pwwkew", *random])),
        Check("the left end never moves backwards",
              "In 'abba' the second 'a' was last seen at 0, left of the window [2, 3]: lo = max(lo, last + 1), "
              "otherwise the window grows back over the repeated 'b'.",
              *case(["abba", "tmmzuxt", "abcdeafbdgcbb"])),
        Check("a repeat moves the left end just past its previous occurrence",
              "In 'dvdf' the second 'd' moves lo to 1 (just past the first 'd'), keeping 'v': moving lo only to the "
              "previous occurrence keeps the repeat inside the window, and restarting at the repeated character "
              "drops characters that were still distinct.",
              *case(["dvdf", "abcbdefg", "xyzxw"])),
        Check("the empty string and single characters",
              "An empty string has answer 0 and a single character 1 (the window [lo, hi] holds hi - lo + 1 "
              "characters); spaces and punctuation are characters too.",
              *case(["", " ", "a", "  ", "a b!"])),
        Check("the whole string can be the answer",
              "Update the best length after every step, including the last one.",
              *case(["abcdef", "xyzabc"])),
    ]  # fmt: skip
