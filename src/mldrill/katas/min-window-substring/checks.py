"""Hidden checks for the min-window-substring kata. Expected windows come from a brute force over all substrings."""

from __future__ import annotations

from collections import Counter

from mldrill.grader.checks import Call, Check, expect_equal


def _brute(s: str, t: str) -> str:
    if not t:
        return ""
    need = Counter(t)
    for length in range(len(t), len(s) + 1):  # shortest first, then leftmost
        for i in range(len(s) - length + 1):
            if not need - Counter(s[i : i + length]):
                return s[i : i + length]
    return ""


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    random = [("".join(rng.choice(list("abcd"), size=n)), "".join(rng.choice(list("abc"), size=m)))
              for n, m in ((10, 2), (15, 3), (25, 4), (30, 3))]  # fmt: skip

    # the hand-written strings under a fresh letter permutation (the same in both cases, so 'a'/'A' stay a pair)
    perm = "".join(rng.permutation(list("abcdefghijklmnopqrstuvwxyz")))
    swap = str.maketrans("abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "", perm + perm.upper() + "")

    def case(pairs: list[tuple[str, str]]) -> tuple[list[Call], object]:
        pairs = [(s.translate(swap), t.translate(swap)) for s, t in pairs]
        return [Call(p) for p in pairs], expect_equal([_brute(*p) for p in pairs])

    return [
        Check("matches a brute force", "Extend right until every needed character is covered, then shrink left "
              "while the window stays valid; keep the shortest.", *case([("ADOBECODEBANC", "ABC"), *random])),
        Check("characters count with multiplicity", "t = 'aa' needs two a's: count with a Counter, not a set.",
              *case([("abac", "aa"), ("baab", "aab"), ("aaflslflsldkalskaaa", "aaa")])),
        Check("no window gives the empty string", "When s cannot cover t (a missing character, or t longer than "
              "s), return '' rather than the whole string.", *case([("abc", "d"), ("a", "aa"), ("abc", "")])),
        Check("the leftmost of equally short windows", "Record a window only when strictly shorter, so the first "
              "one found stays.", *case([("abcab", "ab"), ("xaybxa", "ab")])),
        Check("shrinks from the left once the window covers t", "Once every character of t is covered, drop "
              "surplus characters from the left (need[s[lo]] < 0) before recording the window: a window that only "
              "grows keeps everything since the first needed character.",
              *case([("aaab", "ab"), ("xxxyxz", "xz"), ("bbbbac", "ac")])),
        Check("never drops a needed character while shrinking", "Shrink only while the leftmost character is surplus "
              "(need[s[lo]] < 0), and count each dropped character back into need: dropping a needed one, or not "
              "counting it back, records a window that no longer covers t.",
              *case([("cabwefgewcwaefgcf", "cae"), ("bba", "ab"), ("acbbaca", "aba"), ("abcab", "ba")])),
        Check("the window includes its right end", "A window [lo, hi] (hi inclusive) holds hi - lo + 1 characters and "
              "is s[lo:hi + 1]: one less and the answer loses its last character.",
              *case([("abx", "ab"), ("qa", "q")])),
        Check("case-sensitive and the whole string", "'A' and 'a' differ; the answer may be all of s.",
              *case([("aA", "Aa"), ("aA", "AA"), ("abc", "cba")])),
    ]  # fmt: skip
