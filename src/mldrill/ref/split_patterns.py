"""The GPT-2 and GPT-4 pre-tokenization patterns, and two facts about them that make encoding fast.

A byte-level BPE tokenizer first cuts text into pre-tokens with a regex and merges only inside them. The patterns
need Unicode classes (`\\p{L}` letters, `\\p{N}` numbers), which Python's `re` lacks, so they run on the `regex`
package, at about 80 ns a character. Two facts let an encoder run that regex on a small part of the text:

1. **A space next to a non-whitespace character is a cut: a pre-token starts there and the one before ends.**
   Every alternative of both patterns that can hold a space either starts with it (` ?\\p{L}+`,
   `[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+`) or is a run of whitespace, and a run of letters, digits or punctuation
   stops at a space. So only a run of whitespace can hold the space inside it. With a non-whitespace character
   before the space, that run would have to start on it; with one after it, every whitespace alternative ends
   before the space (`\\s+(?!\\S)` leaves it out, `\\s*[\\r\\n]` ends on a line break, and `\\s+` is only
   tried where `\\s+(?!\\S)` failed, which a run of two or more cannot). The only lookahead, `(?!\\S)`, sees the
   same at the end of a piece of text as before that space. `space_words` cuts a text at those spaces; its pieces
   can be pre-tokenized one by one, and each distinct one only once (running text repeats its words).
   "Whitespace" is tested with `str.isspace`, which holds for every character `regex`'s `\\s` matches and four
   more (U+001C..U+001F): a superset, so a cut is sometimes skipped where it was allowed, never made where it was
   not (tests/ref/test_split_patterns.py checks every code point and compares the pre-tokens of random texts).
2. **On ASCII text the patterns need no Unicode classes**: the ASCII letters are A-Z and a-z, the ASCII numbers
   0-9, and the ASCII characters `regex`'s `\\s` matches are tab, LF, VT, FF, CR and space. `ASCII_PATTERNS` are
   the same patterns written with those classes for Python's `re` (possessive quantifiers need Python 3.11), which
   runs them about 2.5x faster; they are for ASCII strings only.
"""

from __future__ import annotations

import itertools
import re

GPT2_SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
GPT4_SPLIT_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+"""
)

_L, _N, _S = "A-Za-z", "0-9", r"\t\n\x0b\x0c\r "  # \p{L}, \p{N} and \s restricted to ASCII
ASCII_PATTERNS: dict[str, re.Pattern[str]] = {
    GPT2_SPLIT_PATTERN: re.compile(
        rf"""'(?:[sdmt]|ll|ve|re)| ?[{_L}]+| ?[{_N}]+| ?[^{_S}{_L}{_N}]+|[{_S}]+(?![^{_S}])|[{_S}]+"""
    ),
    GPT4_SPLIT_PATTERN: re.compile(
        rf"""'(?i:[sdmt]|ll|ve|re)|[^\r\n{_L}{_N}]?+[{_L}]+|[{_N}]{{1,3}}| ?[^{_S}{_L}{_N}]++[\r\n]*|[{_S}]*[\r\n]"""
        rf"""|[{_S}]+(?![^{_S}])|[{_S}]+"""
    ),
}


# every character for which str.isspace() holds: regex's \s and U+001C..U+001F (tests/ref/test_split_patterns.py)
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_KINDS_MAX = 8  # more kinds of whitespace in a text than this: skip the quick check, glue word by word


def space_words(text: str) -> list[str]:
    """Cut text at every space that is a cut (fact 1): for the GPT-2 and GPT-4 patterns the pre-tokens of the text
    are those of its pieces, one after the other. words[0] is the text before the first cut; every later word stands
    for the cut space followed by the word. A space with whitespace on both sides (or whitespace before it and the
    end of the text after) is not a cut: the words around it are glued. Running text rarely has one, and a few
    substring searches show it (`_may_hold_uncut_space`); then the text is cut with one str.split."""
    words = text.split(" ")
    if not _may_hold_uncut_space(text):
        return words
    out = [words[0]]
    for w in itertools.islice(words, 1, None):
        last = out[-1]
        space_before = last[-1].isspace() if last else len(out) > 1  # an empty later word is its own space
        if space_before and (not w or w[0].isspace()):  # an empty word: the next space or the end follows
            out[-1] = f"{last} {w}"
        else:
            out.append(w)
    return out


def _may_hold_uncut_space(text: str) -> bool:
    """True if some space of text has whitespace before it and whitespace or the end of the text after it; False
    only if none has. Finds each whitespace-space pair (in prose mostly a line break before a space) with
    str.find and looks at the character after it."""
    kinds = [c for c in WHITESPACE if c in text]
    if len(kinds) > _KINDS_MAX:
        return True
    for pair in (c + " " for c in kinds):
        at = text.find(pair)
        while at >= 0:
            if at + 2 == len(text) or text[at + 2].isspace():
                return True
            at = text.find(pair, at + 1)
    return False
