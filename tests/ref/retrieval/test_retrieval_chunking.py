"""Chunkers: coverage, overlap and size properties (hypothesis), headings, token counts."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.retrieval.chunking import (
    chunk_fixed,
    chunk_markdown,
    chunk_recursive,
    chunk_sentences,
    chunk_tokens,
)

text_st = st.text(alphabet=st.sampled_from(list("abc de.\n")), min_size=0, max_size=300)


@settings(max_examples=30, deadline=None)
@given(text=text_st, size=st.integers(1, 40), data=st.data())
def test_fixed_chunks_cover_the_text_with_the_stated_overlap(text, size, data):
    overlap = data.draw(st.integers(0, size - 1))
    chunks = chunk_fixed(text, size=size, overlap=overlap)
    assert all(len(c.text) <= size and text[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    for a, b in itertools.pairwise(chunks):
        assert b.start == a.start + size - overlap  # the stride
        assert a.end - b.start == overlap  # consecutive chunks share exactly `overlap` characters
    rebuilt = chunks[0].text + "".join(c.text[overlap:] for c in chunks[1:])
    assert rebuilt == text


@settings(max_examples=40, deadline=None)
@given(text=text_st, size=st.integers(5, 60), data=st.data())
def test_recursive_chunks_respect_size_and_keep_every_non_space_character(text, size, data):
    overlap = data.draw(st.integers(0, size // 2))
    chunks = chunk_recursive(text, chunk_size=size, chunk_overlap=overlap)
    assert all(len(c.text) <= size for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert all(a.start <= b.start for a, b in itertools.pairwise(chunks))
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing but separators is lost
    for a, b in itertools.pairwise(chunks):
        assert max(0, a.end - b.start) <= overlap


def test_recursive_prefers_paragraph_boundaries():
    paras = ["alpha beta gamma.", "delta epsilon zeta.", "eta theta iota."]
    chunks = chunk_recursive("\n\n".join(paras), chunk_size=20)
    assert [c.text for c in chunks] == paras


def test_sentence_chunks_never_cut_a_sentence():
    text = "One two. Three four five! Six? Seven eight nine ten."
    chunks = chunk_sentences(text, max_chars=20)
    assert [c.text for c in chunks] == ["One two.", "Three four five!", "Six?", "Seven eight nine ten."]
    assert [c.text for c in chunk_sentences(text, max_chars=28)] == [
        "One two. Three four five!",
        "Six? Seven eight nine ten.",
    ]


def test_token_chunks_count_tokens_not_characters():
    words = [f"w{i}" for i in range(23)]
    vocab = {w: i for i, w in enumerate(words)}
    encode = lambda s: [vocab[w] for w in s.split()]  # noqa: E731
    decode = lambda ids: " ".join(words[i] for i in ids)  # noqa: E731
    chunks = chunk_tokens(" ".join(words), max_tokens=10, overlap=2, encode=encode, decode=decode)
    assert [c.metadata["n_tokens"] for c in chunks] == [10, 10, 7]
    assert [c.start for c in chunks] == [0, 8, 16]
    assert chunks[-1].text.endswith("w22")


def test_markdown_sections_keep_their_heading_path():
    md = "intro line\n# Models\ntext a\n## Attention\ntext b\n```\n# not a heading\n```\n## MLP\ntext c\n# Data\nd\n"
    chunks = chunk_markdown(md)
    assert [c.metadata["headings"] for c in chunks] == [
        [],
        ["Models"],
        ["Models", "Attention"],
        ["Models", "MLP"],
        ["Data"],
    ]
    assert "# not a heading" in chunks[2].text
    assert "".join(c.text for c in chunks) == md


def test_bad_sizes_are_clear_errors():
    with pytest.raises(ValueError, match="overlap"):
        chunk_fixed("abc", size=3, overlap=3)
