"""Byte-level BPE vs tiktoken on our own ranks, vs the recount-every-merge trainer, and round trips."""

import random
import time

import pytest
import regex
import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.bpe import (
    GPT2_SPLIT_PATTERN,
    GPT4_SPLIT_PATTERN,
    BPETokenizer,
    pretokenize,
    train_bpe_basic,
    train_bpe_naive,
)
from pretoken_texts import tricky_text


def corpus(n_words: int = 1500, seed: int = 0) -> str:
    """Generated text with a Zipf-like word distribution, digits, punctuation, whitespace runs and non-ASCII."""
    rng = random.Random(seed)
    vocab = [
        "the", "tokenizer", "merges", "pairs", "héllo", "naïve", "über", "日本語", "テキスト", "😀", "emoji", "don't",
        "we'll", "I'M", "1234567", "3.14", "hello", "world", "attention", "is", "all", "you", "need", "  ", "\n",
        "\t", "!!", "...", "(x)", "a_b", "aaaa",
    ]  # fmt: skip
    weights = [1 / (i + 1) for i in range(len(vocab))]
    return " ".join(rng.choices(vocab, weights, k=n_words))


@pytest.fixture(scope="module")
def tok() -> BPETokenizer:
    return BPETokenizer().train(corpus(), 256 + 120)


def tiktoken_of(t: BPETokenizer) -> tiktoken.Encoding:
    return tiktoken.Encoding(
        name="mldrill-test", pat_str=t.pattern, mergeable_ranks=t.mergeable_ranks(), special_tokens=t.special_tokens
    )


def test_vocab_size_and_merge_count(tok):
    assert len(tok.vocab) == 256 + 120 == len(tok.merges) + 256  # merges = V - 256 - specials
    assert len(set(tok.vocab.values())) == len(tok.vocab)  # every token's bytes distinct


@pytest.mark.parametrize("pattern", [GPT4_SPLIT_PATTERN, GPT2_SPLIT_PATTERN], ids=["gpt4", "gpt2"])
@pytest.mark.parametrize("vocab_size", [256, 300, 340])
def test_incremental_training_equals_recount_every_merge(pattern, vocab_size):
    text = corpus(600, seed=1)
    fast = BPETokenizer(pattern).train(text, vocab_size)
    assert fast.merges == train_bpe_naive(text, vocab_size, pattern)


def test_textbook_example_and_tie_rule():
    # "aaabdaaabac" (Wikipedia's BPE example) as one pre-token: (a, a) is most frequent (4 overlapping counts)
    merges = train_bpe_naive("aaabdaaabac", 259, pattern=r".+")
    a, b, c = ord("a"), ord("b"), ord("c")
    assert merges[0] == ((a, a), 256)
    # "ZabdZabac": (Z, a) = (256, 97) and (a, b) = (97, 98) both occur twice; the smaller first id wins
    assert merges[1] == ((a, b), 257)
    assert merges[2] == ((256, 257), 258)  # "ZYdZYac"
    assert BPETokenizer(r".+").train("aaabdaaabac", 259).merges == merges
    assert c not in {x for (p, _) in merges for x in p}


def test_basic_training_on_minbpe_textbook_example():
    # minbpe's tests/test_tokenizer.py: "aaabdaaabac" with 3 merges encodes to [258, 100, 258, 97, 99]. After
    # (a, a) -> Z, "ZabdZabac" holds (Z, a) and (a, b) twice each; (Z, a) occurs first and wins.
    merges, ids = train_bpe_basic("aaabdaaabac", 3)
    assert ids == [258, 100, 258, 97, 99]
    assert merges == [((97, 97), 256), ((256, 97), 257), ((257, 98), 258)]
    assert train_bpe_basic("ab", 5) == ([((97, 98), 256)], [256])  # stops when one token is left


@pytest.mark.parametrize("seed", range(6))
def test_basic_training_ids_equal_tiktoken_on_its_merges(seed):
    rng = random.Random(seed)
    text = "".join(rng.choices("abcab  éa\n", k=rng.randint(40, 400)))
    merges, ids = train_bpe_basic(text, rng.randint(1, 40))
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new in merges:
        vocab[new] = vocab[a] + vocab[b]
    assert len(set(vocab.values())) == len(vocab)  # these texts make no token twice: ranks map bytes one to one
    enc = tiktoken.Encoding(
        name="basic", pat_str=r"[\s\S]+", mergeable_ranks={v: k for k, v in vocab.items()}, special_tokens={}
    )
    assert enc.encode_ordinary(text) == ids  # applying the merges by rank reproduces the training segmentation
    assert b"".join(vocab[i] for i in ids) == text.encode("utf-8")


def test_encodings_identical_to_tiktoken_on_our_ranks(tok):
    enc = tiktoken_of(tok)
    many = random_words(random.Random(3), 20_000, "thenkizésr 1'\n")  # > 1000 distinct pre-tokens: the batch merge
    for text in [corpus(300, seed=7), "héllo wörld 12345 😀😀 don't\n\n  x", "", " ", "日本語テキスト", many]:
        assert tok.encode(text) == enc.encode(text)
        assert both_paths(tok, text) == [enc.encode(text)] * 2


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=60))
def test_round_trip_on_any_unicode(tok, s):
    assert tok.decode(tok.encode_ordinary(s)) == s


# Python's `regex` and tiktoken's Rust regex may ship different Unicode versions, so a recently assigned code point
# (e.g. U+12562) can be \p{L} in one and not the other and pre-tokenize differently: a difference of the regex
# engines' tables, not of BPE. The equality test draws from long-assigned code points (below U+3000) plus emoji.
STABLE_TEXT = st.text(
    alphabet=st.one_of(st.characters(max_codepoint=0x2FFF, exclude_categories=("Cs",)), st.sampled_from("😀🎉日本語")),
    max_size=60,
)


def both_paths(t: BPETokenizer, text: str) -> list[list[int]]:
    """The ids of text from the encoder's two paths: short texts in plain Python, long ones in bulk."""
    enc = t._fast()
    return [enc._encode_short(text), enc._encode_long(text)]


@settings(max_examples=30, deadline=None)
@given(STABLE_TEXT)
def test_ids_equal_tiktoken_on_random_text(tok, s):
    assert both_paths(tok, s) == [tiktoken_of(tok).encode_ordinary(s)] * 2


def test_merges_never_cross_pretoken_boundaries(tok):
    for t in tok.vocab.values():
        text = t.decode("utf-8", errors="ignore")
        if text:
            assert len(pretokenize(text, tok.pattern)) == 1, t


def test_unicode_classes_need_the_regex_module():
    import re

    with pytest.raises(re.error):
        re.compile(r"\p{L}+")
    assert regex.findall(r"\p{L}+", "naïve 日本") == ["naïve", "日本"]
    assert pretokenize("Hello world's 12345!", GPT4_SPLIT_PATTERN) == ["Hello", " world", "'s", " ", "123", "45", "!"]


def test_encode_uses_merge_ranks_not_longest_match():
    # (b, c) is learned first (rank 256), (a, b) second (257): "abc" -> [a, bc] by rank, [ab, c] by longest match
    t = BPETokenizer(r"\S+").train("bc bc bc ab ab abc", 258)
    assert [t.vocab[n] for _, n in t.merges] == [b"bc", b"ab"]
    assert t.encode("abc") == [ord("a"), 256]
    enc = tiktoken_of(t)
    for s in ["abc", "bcab", "abcbc"]:
        assert t.encode(s) == enc.encode(s)


def test_special_tokens_like_tiktoken(tok):
    t = BPETokenizer().train(corpus(400), 300)
    t.register_special_tokens({"<|endoftext|>": 300, "<|pad|>": 301})
    enc = tiktoken_of(t)
    text = "hello<|endoftext|> world<|pad|>"
    with pytest.raises(ValueError, match="special token"):
        t.encode(text)
    with pytest.raises(ValueError):
        enc.encode(text)
    assert t.encode(text, allowed_special="all") == enc.encode(text, allowed_special="all")
    assert 300 in t.encode(text, allowed_special="all")
    plain = t.encode(text, disallowed_special=())
    assert plain == enc.encode(text, disallowed_special=()) and 300 not in plain  # never the special id
    assert t.encode(text, allowed_special={"<|pad|>"}, disallowed_special=()) == enc.encode(
        text, allowed_special={"<|pad|>"}, disallowed_special=()
    )
    assert t.decode(t.encode(text, allowed_special="all")) == text


def test_save_load_round_trip(tok, tmp_path):
    tok.register_special_tokens({"<|endoftext|>": 1000})
    path = tmp_path / "tok.json"
    tok.save(path)
    back = BPETokenizer.load(path)
    assert back.merges == tok.merges and back.vocab == tok.vocab and back.special_tokens == tok.special_tokens
    text = corpus(100, seed=3)
    assert back.encode(text) == tok.encode(text)
    tok.register_special_tokens({})


def test_bad_inputs_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="256"):
        BPETokenizer().train("abc", 100)
    (tmp_path / "x.json").write_text('{"version": 9}')
    with pytest.raises(ValueError, match="version"):
        BPETokenizer.load(tmp_path / "x.json")


def test_partial_utf8_token_decodes_with_replacement(tok):
    ids = tok.encode("😀")
    raw = tok.decode_bytes(ids)
    assert raw == "😀".encode()
    assert tok.decode([raw[0]]) == "\ufffd"  # a lone lead byte is not a character


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c\néé日1"), max_size=120), st.integers(256, 300))
def test_incremental_equals_naive_on_random_text(text, vocab_size):
    assert BPETokenizer().train(text, vocab_size).merges == train_bpe_naive(text, vocab_size)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=40), st.lists(st.integers(1, 5), max_size=40))
def test_incremental_decoder_equals_decoding_the_whole_stream(s, cuts):
    from mldrill.ref.bpe import IncrementalDecoder

    data = s.encode("utf-8")
    dec, pieces, i = IncrementalDecoder(), [], 0
    for c in [*cuts, len(data)]:  # arbitrary byte splits, like tokens ending mid-character
        pieces.append(dec.feed(data[i : i + c]))
        i += c
    pieces.append(dec.flush())
    assert "".join(pieces) == s
    assert all("\ufffd" not in p for p in pieces) or "\ufffd" in s


def test_incremental_decoder_over_tokens(tok):
    from mldrill.ref.bpe import IncrementalDecoder

    text = "日本語 😀 naïve"
    dec = IncrementalDecoder()
    streamed = "".join(dec.feed(tok.decode_bytes([t])) for t in tok.encode(text)) + dec.flush()
    assert streamed == text


def test_token_stats_match_tiktoken_counts_and_show_tokenization_artifacts(tok):
    from mldrill.ref.bpe import token_stats

    enc = tiktoken_of(tok)
    texts = ["the tokenizer merges pairs", "съешь же ещё этих мягких", " hello", "hello", "1234567"]
    stats = token_stats(texts, tok.encode_ordinary)
    assert [s["tokens"] for s in stats] == [len(enc.encode_ordinary(t)) for t in texts]
    assert stats[0]["bytes_per_token"] > 3  # in-distribution English compresses well
    assert stats[1]["bytes_per_token"] < 1.2  # an unseen script costs about one token per byte
    assert tok.encode(" hello") != tok.encode("hello")  # a leading space is a different token
    assert stats[4]["tokens"] >= 3  # the GPT-4 pattern splits digits into groups of at most 3
    assert all(s["bytes"] == len(t.encode()) for s, t in zip(stats, texts, strict=True))


def random_tokenizer(seed: int, n_merges: int, alphabet: str = "ab é\n") -> BPETokenizer:
    """Ranks no training would produce: each new token is two random earlier tokens glued together, so some tokens
    cannot be reached by merging their own bytes and many pairs tie in odd ways (the tokenizer must still equal
    tiktoken, which is given the same ranks)."""
    rng = random.Random(seed)
    tok = BPETokenizer()
    pool = [c.encode("utf-8") for c in alphabet]
    pool = [bytes([b]) for t in pool for b in t]
    while len(tok.merges) < n_merges:
        a, b = rng.choice(pool), rng.choice(pool)
        if a + b in tok.ranks:
            continue
        new_id = len(tok.vocab)
        tok.vocab[new_id], tok.ranks[a + b] = a + b, new_id
        tok.merges.append(((tok.ranks[a], tok.ranks[b]), new_id))
        pool.append(a + b)
    return tok


def random_words(rng: random.Random, n: int, alphabet: str = "ab é\n") -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([40, 300, 1100]))
def test_batch_merge_equals_one_pretoken_loop_on_random_rank_tables(seed, n_merges):
    # 1100 merges: a vocabulary past the dense pair matrix, so the sorted-keys lookup runs too
    tok = random_tokenizer(seed, n_merges)
    rng = random.Random(seed)
    chunks = [random_words(rng, rng.randrange(0, 40)).encode("utf-8") for _ in range(200)]
    enc = tok._fast()
    merged = [[i for i in row if i >= 0] for row in enc.merge_batch(chunks).tolist()]
    assert merged == list(map(enc.encode_chunk, chunks))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([40, 300, 1100]))
def test_heap_merge_equals_the_scan_on_random_rank_tables(seed, n_merges):
    tok = random_tokenizer(seed, n_merges)
    rng = random.Random(seed)
    enc = tok._fast()
    for n in [0, 1, 2, 3, 17, 64, 300]:
        chunk = random_words(rng, n, rng.choice(["ab é\n", "aab", "a"])).encode("utf-8")  # "a": ties everywhere
        assert enc.encode_long_chunk(chunk) == enc.encode_chunk(chunk)


def test_a_long_pretoken_takes_linear_ish_time_and_gives_tiktoken_ids(tok):
    # 40k letters with no space are one pre-token: the O(L^2) scan took seconds, the heap takes milliseconds
    rng = random.Random(4)
    enc = tiktoken_of(tok)
    for text in ["".join(rng.choice("thenkizr") for _ in range(40_000)), "a" * 5000, "é" * 3000 + " x" * 50]:
        start = time.perf_counter()
        assert tok.encode_ordinary(text) == enc.encode_ordinary(text)
        assert time.perf_counter() - start < 2.0  # ~0.1 s here; the scan needs ~8 s for the first


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([40, 300, 1100]))
def test_ids_equal_tiktoken_on_random_rank_tables(seed, n_merges):
    # thousands of distinct pre-tokens, so every length class large enough goes through the batch merge
    tok = random_tokenizer(seed, n_merges)
    text = random_words(random.Random(seed), 30_000)
    assert len(set(pretokenize(text, tok.pattern))) > 1000
    assert tok.encode_ordinary(text) == tiktoken_of(tok).encode_ordinary(text)


def test_pretoken_that_is_a_token_is_that_token_as_in_tiktoken():
    # bc is merged first, ab and cd later, abcd from (ab, cd): merging "abcd" by rank gets stuck at [a, bc, d]
    # (neither abc nor bcd is a token), but tiktoken emits a pre-token that is itself a token as that token
    tok = BPETokenizer()
    for new_id, (a, b) in enumerate([(b"b", b"c"), (b"a", b"b"), (b"c", b"d"), (b"ab", b"cd")], start=256):
        tok.vocab[new_id], tok.ranks[a + b] = a + b, new_id
        tok.merges.append(((tok.ranks[a], tok.ranks[b]), new_id))
    assert tok._fast().encode_chunk(b"abcd") == [ord("a"), 256, ord("d")]
    enc = tiktoken_of(tok)
    assert tok.encode_ordinary("abcd") == enc.encode_ordinary("abcd") == [259]
    assert tok.encode_ordinary(" abcd") == enc.encode_ordinary(" abcd") == [ord(" "), ord("a"), 256, ord("d")]


@pytest.mark.parametrize("pattern", [GPT4_SPLIT_PATTERN, GPT2_SPLIT_PATTERN, r"\S+|\s+"], ids=["gpt4", "gpt2", "other"])
def test_remembered_words_give_tiktoken_ids_in_any_later_text(pattern):
    # one tokenizer encodes many texts: words first met at the end of a text, or next to whitespace, come back from
    # its memory in other positions; a pattern space_words knows nothing about takes the whole-text path
    text = corpus(800, seed=2) + "".join(random_words(random.Random(2), 4000, "ab é\n\t '."))
    tok = BPETokenizer(pattern).train(text, 256 + 150)
    enc = tiktoken_of(tok)
    rng = random.Random(9)
    for _ in range(150):
        s = tricky_text(rng, rng.randrange(80)) if rng.random() < 0.5 else corpus(rng.randrange(1, 30), rng.random())
        assert both_paths(tok, s) == [enc.encode_ordinary(s)] * 2, repr(s)


def test_memory_bound_and_threads_keep_ids_exact(monkeypatch):
    import concurrent.futures

    from mldrill.ref import bpe_encode

    tok = BPETokenizer().train(corpus(), 256 + 80)
    enc = tiktoken_of(tok)
    texts = [corpus(200, seed=s) for s in range(24)]
    monkeypatch.setattr(bpe_encode, "_MEMO_MAX", 20)  # the memory starts again on almost every call
    assert [tok.encode_ordinary(t) for t in texts] == [enc.encode_ordinary(t) for t in texts]
    monkeypatch.undo()
    tok = BPETokenizer().train(corpus(), 256 + 80)  # a fresh memory, grown by four threads at once
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert list(pool.map(tok.encode_ordinary, texts * 3)) == [enc.encode_ordinary(t) for t in texts * 3]


def test_a_new_pattern_after_encoding_is_used(tok):
    text = corpus(120, seed=4)
    gpt4 = tok.encode_ordinary(text)  # builds the encoder for the GPT-4 pattern
    tok.pattern = GPT2_SPLIT_PATTERN
    try:
        gpt2 = tok.encode_ordinary(text)
        assert gpt2 != gpt4 and gpt2 == tiktoken_of(tok).encode_ordinary(text)
    finally:
        tok.pattern = GPT4_SPLIT_PATTERN  # the fixture is shared by the module
