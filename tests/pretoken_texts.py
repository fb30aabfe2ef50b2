"""Texts that stress pre-tokenization (tests/ref/test_split_patterns.py, test_bpe.py)."""

from __future__ import annotations

import random

# the characters the alternatives of both patterns treat differently: every kind of whitespace (regex's \s, and
# U+001C..U+001F, which str.isspace counts and \s does not), letters and numbers in and out of ASCII, apostrophes
# for the contractions in both cases, punctuation runs, emoji
TRICKY = (
    [" "] * 8
    + list("\n\n\t\r\x0b\x0c\x1c\x1f\x85\xa0\u2009\u3000")
    + list("aZsStTdlLvVreE")
    + ["'"] * 3
    + list("éÅß日本ٱ")
    + list("09٣Ⅷ")
    + list(".,!?-_()[]\x00")
    + ["😀"]
)


def tricky_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(TRICKY) for _ in range(n))
