"""The two facts bpe_encode relies on, checked against the `regex` package running the original patterns:
cutting at the spaces `space_words` cuts leaves the pre-tokens unchanged, and the ASCII patterns for `re` find the
same pre-tokens on ASCII text."""

import random
import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.split_patterns import (
    ASCII_PATTERNS,
    GPT2_SPLIT_PATTERN,
    GPT4_SPLIT_PATTERN,
    WHITESPACE,
    space_words,
)
from pretoken_texts import TRICKY, tricky_text

PATTERNS = pytest.mark.parametrize("pattern", [GPT4_SPLIT_PATTERN, GPT2_SPLIT_PATTERN], ids=["gpt4", "gpt2"])


def cut_reference(text: str) -> list[str]:
    """space_words by its definition, one character at a time: a space at p is a cut when p = 0, or the character
    before it is not whitespace, or the character after it exists and is not whitespace."""
    words, start = [], 0
    for p, c in enumerate(text):
        if c == " " and (p == 0 or not text[p - 1].isspace() or (p + 1 < len(text) and not text[p + 1].isspace())):
            words.append(text[start:p])
            start = p + 1
    return [*words, text[start:]]


def test_whitespace_is_every_isspace_character_and_covers_regex_s():
    every = {chr(c) for c in range(sys.maxunicode + 1)}
    assert set(WHITESPACE) == {c for c in every if c.isspace()}
    s = regex.compile(r"\s")
    assert {c for c in every if s.match(c)} <= set(WHITESPACE)  # a superset: a cut is never made where not allowed


def test_ascii_classes_are_the_unicode_classes_restricted_to_ascii():
    ascii_ = [chr(c) for c in range(128)]
    assert [c for c in ascii_ if regex.match(r"\p{L}", c)] == [*map(chr, range(65, 91)), *map(chr, range(97, 123))]
    assert [c for c in ascii_ if regex.match(r"\p{N}", c)] == list("0123456789")
    assert [c for c in ascii_ if regex.match(r"\s", c)] == list("\t\n\x0b\x0c\r ")


@PATTERNS
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_pattern_finds_the_same_pretokens(pattern, text):
    assert ASCII_PATTERNS[pattern].findall(text) == regex.findall(pattern, text)


@PATTERNS
def test_ascii_pattern_on_contractions_and_runs(pattern):
    text = "I'M we'LL they've DON'T it's 12345678 a1b2 !!!\r\n\r\n  \t\x0b x\x1c y   \n\n z's'' ''s ..\n\n"
    assert ASCII_PATTERNS[pattern].findall(text) == regex.findall(pattern, text)
    rng = random.Random(0)
    for _ in range(300):
        text = "".join(rng.choice([c for c in TRICKY if c.isascii()]) for _ in range(rng.randrange(60)))
        assert ASCII_PATTERNS[pattern].findall(text) == regex.findall(pattern, text), repr(text)


def pieces_by_words(pattern: str, words: list[str]) -> list[str]:
    return [*regex.findall(pattern, words[0]), *(p for w in words[1:] for p in regex.findall(pattern, " " + w))]


@PATTERNS
@pytest.mark.parametrize("seed", range(4))
def test_cutting_at_space_words_keeps_every_pretoken(pattern, seed):
    rng = random.Random(seed)
    for _ in range(400):
        text = tricky_text(rng, rng.randrange(40))
        words = space_words(text)
        assert words == cut_reference(text), repr(text)
        assert " ".join(words) == text
        assert pieces_by_words(pattern, words) == regex.findall(pattern, text), repr(text)


@PATTERNS
@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=50))
def test_cutting_keeps_every_pretoken_hypothesis(pattern, text):
    words = space_words(text)
    assert words == cut_reference(text)
    assert pieces_by_words(pattern, words) == regex.findall(pattern, text)


@PATTERNS
def test_words_starting_with_non_whitespace_can_be_joined(pattern):
    # bpe_encode pre-tokenizes such words (from anywhere in any text) as one string " " + " ".join(words)
    rng = random.Random(5)
    for _ in range(300):
        words = [w for w in (tricky_text(rng, rng.randrange(1, 8)) for _ in range(6)) if w and w == w.lstrip()]
        if words:
            joined = regex.findall(pattern, " " + " ".join(words))
            assert joined == [p for w in words for p in regex.findall(pattern, " " + w)], words


def test_space_words_cuts_prose_with_one_split_and_glues_only_uncut_spaces():
    prose = "The cat sat.\n The end,  twice\tover"
    assert space_words(prose) == prose.split(" ")  # a space next to a non-space is always a cut
    assert space_words("a   b") == ["a", " ", "b"]  # the middle space has spaces on both sides: " " + " " + ""
    assert space_words("x\n \ny") == ["x\n \ny"]
    assert space_words("end \n ") == ["end", "\n "]  # the last space: whitespace before, the end after
    assert space_words(" a") == ["", "a"] and space_words("") == [""]
