"""Byte-level BPE tokenizer with GPT-style regex pre-tokenization: train, encode, decode, save, load, special tokens.

Training (Sennrich et al., 2016; byte-level as GPT-2, Radford et al., 2019): start from the 256 byte values, split
the text into pre-tokens with a regex (GPT-4's cl100k pattern by default; `\\p{L}` needs the `regex` package, not
`re`), and repeatedly merge the most frequent adjacent pair of tokens into a new token. Merges never cross pre-token
boundaries, so the counts are kept per *distinct* pre-token, weighted by its frequency.

- Incremental counts: after merging (a, b) only the pre-tokens that contain (a, b) change; their old pair counts are
  subtracted and their new ones added, and a max-heap with lazy deletion finds the next best pair. `train_bpe_naive`
  recounts every pair after every merge; it is the oracle for the fast version (tests) and the baseline (bench).
- Tie rule (deterministic): the highest count wins; among equal counts the pair (a, b) with the smallest a, then the
  smallest b (token ids) wins.
- If a merge produces bytes that are already a token (a different split of the same bytes), the existing id is
  reused, so every token's bytes are distinct and the ranks map bytes -> id one to one, as tiktoken requires.

Encoding applies merges by rank, not by greedy longest match: a pre-token that is itself a token is that token;
inside any other, repeatedly merge the adjacent pair whose concatenated bytes has the lowest rank (leftmost on
ties), exactly tiktoken's algorithm, so ids are identical to
`tiktoken.Encoding(pat_str=pattern, mergeable_ranks=tok.mergeable_ranks(), special_tokens=...)` (tests/ref/
test_bpe.py). `bpe_encode.RankEncoder` does it fast (each distinct word of a text pre-tokenized and merged once, all
new pre-tokens merged together in NumPy; its `encode_chunk` is the rule in ten readable lines). Any string
round-trips: every byte is a token, so there is no UNK. One difference from tiktoken lies outside BPE: Python's
`regex` and tiktoken's Rust regex may use different Unicode versions, so a very recently assigned code point can be
a letter for one and not the other and pre-tokenize differently.

Special tokens follow tiktoken: text containing a special-token string raises unless it is in `allowed_special`
("all" or a set); with `disallowed_special=()` it is encoded as plain text, never as the special id.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import Literal

import regex

from mldrill.ref.bpe_encode import RankEncoder, compiled
from mldrill.ref.split_patterns import GPT2_SPLIT_PATTERN as GPT2_SPLIT_PATTERN  # re-exported: bpe's public names
from mldrill.ref.split_patterns import GPT4_SPLIT_PATTERN

Pair = tuple[int, int]


def pretokenize(text: str, pattern: str = GPT4_SPLIT_PATTERN) -> list[str]:
    return compiled(pattern).findall(text)


def _pair_counts(ids: list[int]) -> Counter[Pair]:
    return Counter(itertools.pairwise(ids))


def _merge(ids: list[int], pair: Pair, new_id: int) -> list[int]:
    """Replace non-overlapping occurrences of pair, left to right ("aaa" -> [aa, a])."""
    out: list[int] = []
    i = 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _words(text: str, pattern: str) -> tuple[list[list[int]], list[int]]:
    counts = Counter(pretokenize(text, pattern))
    words = [list(w.encode("utf-8")) for w in counts]
    return words, list(counts.values())


def _new_token(vocab: dict[int, bytes], inverse: dict[bytes, int], pair: Pair) -> int:
    b = vocab[pair[0]] + vocab[pair[1]]
    if b not in inverse:  # subtle: a different split of the same bytes may already be a token; reuse its id
        inverse[b] = len(vocab)
        vocab[len(vocab)] = b
    return inverse[b]


def train_bpe_naive(text: str, vocab_size: int, pattern: str = GPT4_SPLIT_PATTERN) -> list[tuple[Pair, int]]:
    """Reference trainer: recount every pair of every distinct pre-token after every merge. Returns the merges."""
    words, freq = _words(text, pattern)
    vocab = {i: bytes([i]) for i in range(256)}
    inverse = {b: i for i, b in vocab.items()}
    merges: list[tuple[Pair, int]] = []
    while len(vocab) < vocab_size:
        counts: Counter[Pair] = Counter()
        for w, f in zip(words, freq, strict=True):
            for p, c in _pair_counts(w).items():
                counts[p] += c * f
        if not counts:
            break
        pair = min(counts, key=lambda p: (-counts[p], p))  # tie rule: highest count, then smallest (a, b)
        new_id = _new_token(vocab, inverse, pair)
        merges.append((pair, new_id))
        words = [_merge(w, pair, new_id) for w in words]
    return merges


def train_bpe_basic(text: str, num_merges: int) -> tuple[list[tuple[Pair, int]], list[int]]:
    """minbpe's BasicTokenizer training: the whole text is one byte sequence (no pre-tokenization), merge i gets id
    256 + i, and among equally frequent pairs the one that occurs FIRST in the current sequence wins. Returns
    (merges, the text's ids after them); stops early once no pair is left. Pairs are counted at every position
    ("aaa" holds (a, a) twice) and replaced left to right without overlap ("aaa" -> [aa, a])."""
    ids = list(text.encode("utf-8"))
    merges: list[tuple[Pair, int]] = []
    for i in range(num_merges):
        counts = _pair_counts(ids)  # a Counter keeps first-occurrence order
        if not counts:
            break
        pair = max(counts, key=counts.__getitem__)  # subtle: max returns the first of equal counts
        ids = _merge(ids, pair, 256 + i)
        merges.append((pair, 256 + i))
    return merges, ids


class BPETokenizer:
    def __init__(self, pattern: str = GPT4_SPLIT_PATTERN) -> None:
        self.pattern = pattern
        self.merges: list[tuple[Pair, int]] = []  # in training order
        self.vocab: dict[int, bytes] = {i: bytes([i]) for i in range(256)}
        self.ranks: dict[bytes, int] = {bytes([i]): i for i in range(256)}  # token bytes -> id (= rank)
        self.special_tokens: dict[str, int] = {}
        self._encoder: RankEncoder | None = None  # pair table and remembered words (bpe_encode)

    # ---- training

    def train(self, text: str, vocab_size: int) -> BPETokenizer:
        """Learn merges until the vocabulary has vocab_size tokens (or no pair is left)."""
        if vocab_size < 256:
            raise ValueError(f"vocab_size must be >= 256 (the byte alphabet), got {vocab_size}")
        words, freq = _words(text, self.pattern)
        counts: Counter[Pair] = Counter()
        where: dict[Pair, set[int]] = {}  # pair -> distinct words that (may) contain it
        for wi, w in enumerate(words):
            for p, c in _pair_counts(w).items():
                counts[p] += c * freq[wi]
                where.setdefault(p, set()).add(wi)
        heap = [(-c, p) for p, c in counts.items()]  # max count first, then the smallest pair: the tie rule
        heapq.heapify(heap)
        inverse = dict(self.ranks)
        while len(self.vocab) < vocab_size and heap:
            neg, pair = heapq.heappop(heap)
            if counts.get(pair, 0) != -neg or neg == 0:
                continue  # stale heap entry: the count changed since it was pushed
            new_id = _new_token(self.vocab, inverse, pair)
            self.merges.append((pair, new_id))
            changed: set[Pair] = set()
            for wi in where.pop(pair):
                w = words[wi]
                merged = _merge(w, pair, new_id)
                if len(merged) == len(w):
                    continue  # stale index entry
                before, after = _pair_counts(w), _pair_counts(merged)
                for p in before.keys() | after.keys():
                    d = (after[p] - before[p]) * freq[wi]
                    if d:
                        counts[p] += d
                        changed.add(p)
                        if after[p]:
                            where.setdefault(p, set()).add(wi)
                words[wi] = merged
            counts.pop(pair, None)
            for p in changed:
                if counts.get(p, 0) > 0:
                    heapq.heappush(heap, (-counts[p], p))
        self.ranks = inverse
        self._encoder = None
        return self

    def register_special_tokens(self, special: dict[str, int]) -> None:
        for s, i in special.items():
            if i in self.vocab:
                raise ValueError(f"special token {s!r} id {i} collides with an ordinary token")
        self.special_tokens = dict(special)

    def mergeable_ranks(self) -> dict[bytes, int]:
        """bytes -> rank, what tiktoken.Encoding takes."""
        return dict(self.ranks)

    # ---- encoding

    def _fast(self) -> RankEncoder:
        """The encoder for the current ranks and pattern, built on first use (train() discards it; so does assigning
        another pattern or ranks dict)."""
        if self._encoder is None or self._encoder.pattern != self.pattern or self._encoder.ranks is not self.ranks:
            self._encoder = RankEncoder(self.ranks, self.pattern)
        return self._encoder

    def encode_ordinary(self, text: str) -> list[int]:
        """Encode ignoring special tokens (their strings are plain text)."""
        return self._fast().encode_ordinary(text)

    def encode(
        self,
        text: str,
        *,
        allowed_special: Literal["all"] | Collection[str] = frozenset(),
        disallowed_special: Literal["all"] | Collection[str] = "all",
    ) -> list[int]:
        allowed = set(self.special_tokens) if allowed_special == "all" else set(allowed_special)
        disallowed = set(self.special_tokens) - allowed if disallowed_special == "all" else set(disallowed_special)
        for s in disallowed:
            if s in text:
                raise ValueError(
                    f"text contains the special token {s!r}; pass allowed_special or disallowed_special=()"
                )
        if not allowed:
            return self.encode_ordinary(text)
        split = "(" + "|".join(regex.escape(s) for s in sorted(allowed, key=len, reverse=True)) + ")"
        ids: list[int] = []
        for i, piece in enumerate(regex.split(split, text)):
            ids.extend([self.special_tokens[piece]] if i % 2 else self.encode_ordinary(piece))
        return ids

    def decode_bytes(self, ids: Iterable[int]) -> bytes:
        inverse_special = {i: s.encode("utf-8") for s, i in self.special_tokens.items()}
        return b"".join(self.vocab[i] if i in self.vocab else inverse_special[i] for i in ids)

    def decode(self, ids: Iterable[int]) -> str:
        """A token can end mid-character: invalid UTF-8 becomes U+FFFD, as tiktoken's decode."""
        return self.decode_bytes(ids).decode("utf-8", errors="replace")

    # ---- persistence

    def save(self, path: str | Path) -> None:
        data = {
            "version": 1,
            "pattern": self.pattern,
            "merges": [[a, b, n] for (a, b), n in self.merges],
            "special_tokens": self.special_tokens,
        }
        Path(path).write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> BPETokenizer:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") != 1:
            raise ValueError(f"{path}: unknown tokenizer file version {data.get('version')!r}")
        tok = cls(data["pattern"])
        for a, b, n in data["merges"]:
            tok.merges.append(((a, b), n))
            if n not in tok.vocab:
                tok.vocab[n] = tok.vocab[a] + tok.vocab[b]
                tok.ranks[tok.vocab[n]] = n
        tok.register_special_tokens(data["special_tokens"])
        return tok


class IncrementalDecoder:
    """Streaming detokenization: feed token bytes as they arrive, get text only for complete UTF-8 characters.

    A byte-level token can end in the middle of a multi-byte character; decoding each token on its own would emit
    U+FFFD. The decoder holds back an incomplete trailing sequence (at most 3 bytes) until the rest arrives.
    """

    def __init__(self) -> None:
        self._buf = b""

    @staticmethod
    def _incomplete_tail(buf: bytes) -> int:
        """Length of an unfinished UTF-8 sequence at the end of buf (0 if it ends on a character boundary)."""
        for back in range(1, min(4, len(buf)) + 1):
            byte = buf[-back]
            if byte & 0xC0 != 0x80:  # not a continuation byte: this is where the last character starts
                need = 2 if byte & 0xE0 == 0xC0 else 3 if byte & 0xF0 == 0xE0 else 4 if byte & 0xF8 == 0xF0 else 1
                return back if need > back else 0
        return 0

    def feed(self, data: bytes) -> str:
        self._buf += data
        cut = len(self._buf) - self._incomplete_tail(self._buf)
        out, self._buf = self._buf[:cut], self._buf[cut:]
        return out.decode("utf-8", errors="replace")

    def flush(self) -> str:
        out, self._buf = self._buf, b""
        return out.decode("utf-8", errors="replace")


def token_stats(texts: Sequence[str], encode: Callable[[str], list[int]]) -> list[dict[str, float]]:
    """Per text: UTF-8 bytes, tokens and bytes per token (a tokenizer's compression; lower for unseen languages)."""
    out = []
    for t in texts:
        n_bytes, n_tok = len(t.encode("utf-8")), len(encode(t))
        out.append({"bytes": n_bytes, "tokens": n_tok, "bytes_per_token": n_bytes / n_tok if n_tok else 0.0})
    return out
