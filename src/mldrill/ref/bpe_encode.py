"""Encoding a whole text with byte-level BPE ranks, fast: tiktoken's rule, with NumPy and C-level loops.

The rule (tiktoken's, `RankEncoder.encode_chunk` in ten readable lines): a pre-token that is itself a token is that
token; in any other, repeatedly merge the adjacent pair whose bytes spell the lowest-rank token, leftmost on ties.
A token's id is its rank. Written as a Python loop per pre-token, encoding taylorswift.txt (185k characters)
takes ~260 ms (minbpe); this module takes ~21 ms, 1.5x tiktoken's Rust (bench/bench_bpe.py), by doing less and
doing it in bulk:

1. **Each distinct word once.** `split_patterns.space_words` cuts the text at spaces that provably start a
   pre-token; a text repeats its words (27k words, 7k distinct in taylorswift.txt), and a word's ids are
   remembered (`_Ragged` rows, one dict lookup per word). The new words are joined and pre-tokenized in one call,
   the ASCII ones with Python's `re` (`split_patterns.ASCII_PATTERNS`, 2.5x faster than `regex`).
2. **Each distinct pre-token once, all together** (`merge_batch`): pre-tokens of similar length are the columns of a
   NumPy matrix, and one step merges the best pair of every column at once. Each column is a linked list (next and
   previous position), so a merge changes a few cells instead of shifting the row; the best pair of every column
   is one `min` over keys rank * W + position, which also breaks ties to the left.
3. **The text's ids are one gather**: the ids of the words, in order, from the remembered rows (`_Ragged.gather`).

A short text (up to _SHORT characters) skips all this: NumPy's fixed cost per call would dominate, so it runs the
rule per pre-token in Python, remembering each pre-token's ids (0.5 us for "hello", tiktoken 0.7 us).

`merge_batch` is checked against `encode_chunk` on random rank tables, and the whole against tiktoken
(tests/ref/test_bpe.py); the cuts and the ASCII patterns against `regex` (tests/ref/test_split_patterns.py).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import re
import threading
from collections.abc import Callable, Sequence

import numpy as np
import regex

from mldrill.ref.split_patterns import ASCII_PATTERNS, space_words

NOT_A_TOKEN = 1 << 40  # the "rank" of a pair whose bytes are not a token (real ranks are ids < 2**32)
_DENSE_MAX = 1026  # a dense (V + 1) x (V + 1) pair matrix up to V = 1025 tokens (8 MiB)
_BATCH_MIN = 32  # fewer pre-tokens of a length class than this: the per-chunk loop beats NumPy's per-call overhead
_LONG = 64  # bytes: a pre-token merged alone is merged with a heap (encode_long_chunk) from this long (measured)
_BATCH_WIDTH = 256  # bytes: longer pre-tokens are merged alone (merge_batch takes O(W^2 N), the heap O(W log W))
_BATCH_CELLS = 1 << 21  # at most this many matrix cells in one merge_batch call (its arrays stay ~16 MiB each)
_MEMO_MAX = 1 << 20  # words (or pre-tokens) remembered; past this the memory starts again
_SHORT = 300  # characters: a text up to this long is encoded in plain Python (faster below ~400 ASCII characters)


@functools.cache
def compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


class _Ragged:
    """Rows of ints of different lengths, appended and gathered in bulk (a growing CSR array)."""

    def __init__(self) -> None:
        self.values = np.empty(1024, np.int64)
        self.start = np.empty(1024, np.int64)
        self.lens = np.empty(1024, np.int64)
        self.n_values = self.n_rows = 0

    def append(self, values: np.ndarray, lens: np.ndarray) -> None:
        """Add rows whose values are `values` one after another, lens[k] for row k."""
        nv, nr = self.n_values + len(values), self.n_rows + len(lens)
        if nv > len(self.values):
            self.values = np.resize(self.values, max(nv, 2 * len(self.values)))  # doubling: appends cost O(1) each
        if nr > len(self.start):
            self.start = np.resize(self.start, max(nr, 2 * len(self.start)))
            self.lens = np.resize(self.lens, len(self.start))
        self.values[self.n_values : nv] = values
        self.start[self.n_rows : nr] = self.n_values + np.cumsum(lens) - lens
        self.lens[self.n_rows : nr] = lens
        self.n_values, self.n_rows = nv, nr

    def gather(self, rows: np.ndarray) -> np.ndarray:
        return gather(self.values, self.start, self.lens, rows)


def _partition(items: list[str], flags: list[bool]) -> tuple[list[str], list[str]]:
    """(items whose flag is true, the others), in C-level loops."""
    return list(itertools.compress(items, flags)), list(itertools.compress(items, map(operator.not_, flags)))


def gather(values: np.ndarray, start: np.ndarray, lens: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The CSR rows `rows` (values[start[r] : start[r] + lens[r]]) one after another, in one indexing."""
    n = lens[rows]
    end = np.cumsum(n)
    return values[np.repeat(start[rows] - (end - n), n) + np.arange(end[-1] if len(end) else 0)]


class RankEncoder:
    """Encodes with fixed ranks (token bytes -> id) and pre-tokenization pattern; remembers the words it has seen."""

    def __init__(self, ranks: dict[bytes, int], pattern: str) -> None:
        self.ranks, self.pattern = ranks, pattern
        self.pairs = self._pair_table()
        self.pair_rank = self._pair_lookup()
        self._ascii = ASCII_PATTERNS.get(pattern)
        self._slot: dict[str, int] = {}  # word -> its row in _memo, which holds the ids of " " + word
        self._head: dict[str, int] = {}  # a text's first word (no space in front) -> its row in _memo
        self._memo = _Ragged()
        self._lock = threading.Lock()
        self._pieces: dict[str, list[int]] = {}  # pre-token -> ids, for short texts

    def _pair_table(self) -> dict[int, int]:
        """(a << 32 | b) -> rank of the token whose bytes are token a's then token b's, for every such pair: each
        token is cut at every byte and kept where both halves are tokens. Encoding never concatenates bytes."""
        table = {}
        for t, rank in self.ranks.items():
            for cut in range(1, len(t)):
                a, b = self.ranks.get(t[:cut]), self.ranks.get(t[cut:])
                if a is not None and b is not None:
                    table[a << 32 | b] = rank
        return table

    def _pair_lookup(self) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        """The pair table for NumPy: rank(a, b) elementwise, NOT_A_TOKEN where a's and b's bytes spell no token or
        either is -1 (padding). A small vocabulary gets a dense matrix (one gather) whose last row and column, which
        index -1 reaches, are padding; a large one sorted keys and a binary search."""
        keys = np.fromiter(self.pairs.keys(), np.int64, len(self.pairs))
        values = np.fromiter(self.pairs.values(), np.int64, len(self.pairs))
        n = max(self.ranks.values()) + 2  # ids 0 .. max, then the padding row and column
        if n <= _DENSE_MAX:
            dense = np.full((n, n), NOT_A_TOKEN, np.int64)
            dense[keys >> 32, keys & 0xFFFFFFFF] = values
            return lambda a, b: dense[a, b]
        order = np.argsort(keys)  # then a key no pair has, so that searchsorted never runs off the end
        keys = np.append(keys[order], np.iinfo(np.int64).max)
        values = np.append(values[order], NOT_A_TOKEN)

        def search(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # a << 32 | b < 0 (no key) if a or b is -1
            q = a << 32 | b
            pos = np.searchsorted(keys, q)
            return np.where(keys[pos] == q, values[pos], NOT_A_TOKEN)

        return search

    # ---- one pre-token, many pre-tokens

    def encode_chunk(self, chunk: bytes) -> list[int]:
        """The rule, readable: keep the rank of every adjacent pair, merge the lowest (leftmost on ties), and re-rank
        only the two pairs that touch the merged token. (Without the whole-token shortcut: see encode_pretokens.)"""
        rank = self.pairs.get
        ids = list(chunk)  # the bytes are the first 256 ids
        pair_rank = [rank(a << 32 | b, NOT_A_TOKEN) for a, b in itertools.pairwise(chunk)]
        while pair_rank:
            best = min(pair_rank)
            if best == NOT_A_TOKEN:
                break
            i = pair_rank.index(best)  # leftmost on ties
            ids[i : i + 2] = (best,)
            del pair_rank[i]
            if i < len(pair_rank):  # the merged token and its right neighbour
                pair_rank[i] = rank(best << 32 | ids[i + 1], NOT_A_TOKEN)
            if i:  # its left neighbour and the merged token
                pair_rank[i - 1] = rank(ids[i - 1] << 32 | best, NOT_A_TOKEN)
        return ids

    def encode_long_chunk(self, chunk: bytes) -> list[int]:
        """encode_chunk in O(L log L) instead of O(L^2), for a long pre-token (a run of letters with no space: a
        base64 blob, a DNA string): the pairs wait in a heap ordered by (rank, position), so the top is the leftmost
        lowest; the tokens are a linked list, so a merge is O(1). A merge leaves stale entries in the heap (a pair
        that changed); one is skipped when popped, since the pair now at its position no longer has its rank."""
        rank, n = self.pairs.get, len(chunk)
        ids = list(chunk)
        nxt = list(range(1, n + 1))  # n: no next token
        prv = list(range(-1, n - 1))  # -1: no previous token
        heap = [(r, i) for i, (a, b) in enumerate(itertools.pairwise(chunk)) if (r := rank(a << 32 | b)) is not None]
        heapq.heapify(heap)
        while heap:
            best, i = heapq.heappop(heap)
            j = nxt[i]
            if ids[i] < 0 or j == n or rank(ids[i] << 32 | ids[j]) != best:
                continue  # stale: i was merged away, or the pair at i changed
            ids[i], ids[j] = best, -1  # the merged token takes i; j dies
            nxt[i] = k = nxt[j]
            if k < n:
                prv[k] = i
                if (r := rank(best << 32 | ids[k])) is not None:
                    heapq.heappush(heap, (r, i))
            if (p := prv[i]) >= 0 and (r := rank(ids[p] << 32 | best)) is not None:
                heapq.heappush(heap, (r, p))
        return [t for t in ids if t >= 0]

    def _merge_one(self, chunk: bytes) -> list[int]:
        return self.encode_long_chunk(chunk) if len(chunk) >= _LONG else self.encode_chunk(chunk)

    def merge_batch(self, chunks: Sequence[bytes]) -> np.ndarray:
        """`encode_chunk` for many pre-tokens at once: pre-token r is column r of a (W, N) matrix, between a -1 above
        and at least one -1 below (-1 is in no pair). Positions never move: next and previous link each column's
        live positions, and key[k] = rank of the pair (position k, next live) * W + k. One step: every column's
        minimum key is its leftmost lowest pair (the position breaks ties); every column that has one merges it -
        the merged token takes position k, its right member dies (-1), and only the keys of k and of the position
        before k change. Returns (N, W): row r holds pre-token r's ids in order, -1 elsewhere."""
        rank, n = self.pair_rank, len(chunks)
        lens = np.fromiter(map(len, chunks), np.int64, n)
        w = int(lens.max(initial=0)) + 2
        k = np.arange(w)[:, None]  # (W, 1)
        ids = np.full((w, n), -1, np.int64)  # (W, N)
        ids.T[((k >= 1) & (k <= lens)).T] = np.frombuffer(b"".join(chunks), np.uint8)  # row by row of ids.T
        nxt = np.broadcast_to(np.minimum(k + 1, w - 1), (w, n)).ravel()  # flat: position k of column r is k * N + r
        prv = np.broadcast_to(np.maximum(k - 1, 0), (w, n)).ravel()
        dead = NOT_A_TOKEN * w
        key = np.full((w, n), dead, np.int64)
        key[:-1] = rank(ids[:-1], ids[1:]) * w + k[:-1]  # (W - 1, N)
        flat_ids, flat_key = ids.ravel(), key.ravel()
        while True:
            best_key = key.min(0)  # (N,)
            cols = np.flatnonzero(best_key < dead)  # columns with a pair left
            if not len(cols):
                return ids.T
            best, at = np.divmod(best_key[cols], w)
            here = at * n + cols  # the merged token's position
            right = nxt[here] * n + cols  # its right member, which dies
            after = nxt[right]
            flat_ids[here], flat_ids[right], flat_key[right] = best, -1, dead
            nxt[here], prv[after * n + cols] = after, at
            flat_key[here] = rank(best, flat_ids[after * n + cols]) * w + at
            before = prv[here] * n + cols
            flat_key[before] = rank(flat_ids[before], best) * w + prv[here]

    def encode_pretokens(self, chunks: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ids of many distinct pre-tokens, as CSR (ids, start, lens). As tiktoken does, a pre-token that is itself
        a token is that token (one lookup, no merging). The rest are sorted by length and cut into length classes
        (0-1, 2-3, 4-7, 8-15 ... bytes, so padding stays under half a row); a large class goes through merge_batch
        (in slices of at most _BATCH_CELLS cells), a small one, or one of pre-tokens of _BATCH_WIDTH bytes or
        more, one pre-token at a time."""
        n = len(chunks)
        whole = np.fromiter(map(self.ranks.get, chunks, itertools.repeat(-1)), np.int64, n)
        lens = np.fromiter(map(len, chunks), np.int64, n)
        todo = np.flatnonzero(whole < 0)
        todo = todo[np.argsort(lens[todo], kind="stable")]
        classes = [0, *(1 << np.arange(1, int(lens.max(initial=0)).bit_length() + 1))]
        bounds = np.searchsorted(lens[todo], classes).tolist()
        is_whole = whole >= 0
        rows, ids, counts = [np.flatnonzero(is_whole)], [whole[is_whole]], [np.ones(is_whole.sum(), np.int64)]
        for a, b in itertools.pairwise(bounds):  # one length class: todo[a:b]
            group = list(map(chunks.__getitem__, todo[a:b].tolist()))
            if len(group) >= _BATCH_MIN and len(group[-1]) < _BATCH_WIDTH:
                step = max(1, _BATCH_CELLS // (len(group[-1]) + 2))
                for s in range(0, len(group), step):
                    merged = self.merge_batch(group[s : s + step])
                    ids.append(merged[merged >= 0])  # row by row
                    counts.append((merged >= 0).sum(1))
            elif group:
                lists = list(map(self._merge_one, group))
                ids.append(np.fromiter(itertools.chain.from_iterable(lists), np.int64))
                counts.append(np.fromiter(map(len, lists), np.int64, len(lists)))
            rows.append(todo[a:b])
        order, count = np.concatenate(rows), np.concatenate(counts)
        start, out_lens = np.empty(n, np.int64), np.empty(n, np.int64)
        start[order], out_lens[order] = np.cumsum(count) - count, count
        return np.concatenate(ids), start, out_lens

    def encode_pieces(self, pieces: list[str], n_pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ids of texts given as pre-tokens: text t is the next n_pieces[t] of `pieces`. Returns (ids, lens): the
        texts' ids one after another, and how many each has. Each distinct pre-token is merged once."""
        distinct = dict.fromkeys(pieces)
        position = dict(zip(distinct, itertools.count()))
        piece = np.fromiter(map(position.__getitem__, pieces), np.int64, len(pieces))
        ids, start, lens = self.encode_pretokens(list(map(str.encode, distinct)))
        per_piece = lens[piece]
        ends = np.concatenate(([0], np.cumsum(per_piece)))[np.cumsum(np.concatenate(([0], n_pieces)))]
        return gather(ids, start, lens, piece), np.diff(ends)

    # ---- a whole text

    def encode_ordinary(self, text: str) -> list[int]:
        return self._encode_short(text) if len(text) <= _SHORT else self._encode_long(text)

    def _encode_long(self, text: str) -> list[int]:
        """Steps 1-3 of the module docstring."""
        fast = self._ascii
        if fast is None:  # a pattern space_words knows nothing about: pre-tokenize the whole text
            pieces = compiled(self.pattern).findall(text)
            return self.encode_pieces(pieces, np.array([len(pieces)]))[0].tolist()
        words = space_words(text)
        with self._lock:  # the memory grows in place: one encode at a time
            if len(self._slot) > _MEMO_MAX:
                self._slot, self._head, self._memo = {}, {}, _Ragged()
            new = list(set(itertools.islice(words, 1, None)).difference(self._slot))
            head = words[0] if words[0] not in self._head else None
            if new or head is not None:
                new_words, ids, lens = self._encode_words(new, head, fast)
                self._slot.update(zip(new_words, itertools.count(self._memo.n_rows)))
                if head is not None:
                    self._head[head] = self._memo.n_rows + len(new_words)
                self._memo.append(ids, lens)
            rows = np.fromiter(
                itertools.chain((self._head[words[0]],), map(self._slot.__getitem__, itertools.islice(words, 1, None))),
                np.int64,
                len(words),
            )
            return self._memo.gather(rows).tolist()

    def _encode_short(self, text: str) -> list[int]:
        """A short text, one pre-token at a time in Python (NumPy's fixed cost per call would dominate): the rule as
        tiktoken runs it, each pre-token's ids remembered."""
        find = self._ascii.findall if self._ascii is not None and text.isascii() else compiled(self.pattern).findall
        known = self._pieces
        if len(known) > _MEMO_MAX:
            known.clear()
        out: list[int] = []
        for piece in find(text):
            ids = known.get(piece)
            if ids is None:
                chunk = piece.encode()
                whole = self.ranks.get(chunk)
                ids = known[piece] = [whole] if whole is not None else self._merge_one(chunk)
            out += ids
        return out

    def _encode_words(
        self, new: list[str], first: str | None, fast: re.Pattern[str]
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Encode new words, each standing for a space and the word, then `first` (if given) as it is. Returns (the
        new words in the order of the ids, ids, lens): the ids of each word one after another, `first`'s last.

        A word that starts with a non-whitespace character is preceded by a cut wherever it stands, so such words
        are joined (" " + " ".join(words)) and pre-tokenized in one call: ASCII ones with `fast` (re), the others with
        regex. The rest (empty, or starting with whitespace: rare) are pre-tokenized one by one."""
        unicode = compiled(self.pattern).findall
        joinable, alone = _partition(new, list(map(operator.eq, new, map(str.lstrip, new))))  # no space in front
        if "" in joinable:  # the empty word (a double space) is followed by a space or the end
            joinable.remove("")
            alone.append("")
        ascii_, other = _partition(joinable, list(map(str.isascii, joinable)))
        pieces: list[str] = []
        n_pieces = []
        for words, find in ((ascii_, fast.findall), (other, unicode)):
            if words:
                found = find(" " + " ".join(words))
                pieces += found
                n_pieces.append(_pieces_per_word(words, found))
        found_alone = list(map(unicode, map(" ".__add__, alone)))
        if first is not None:
            found_alone.append((fast.findall if first.isascii() else unicode)(first))
        pieces += itertools.chain.from_iterable(found_alone)
        n_pieces.append(np.fromiter(map(len, found_alone), np.int64, len(found_alone)))
        ids, lens = self.encode_pieces(pieces, np.concatenate(n_pieces))
        return [*ascii_, *other, *alone], ids, lens


def _pieces_per_word(words: list[str], pieces: list[str]) -> np.ndarray:
    """How many of `pieces`, the pre-tokens of " " + " ".join(words), belong to each word: every word (with its
    space) starts at a cut, so it starts a pre-token, found by its character offset."""
    piece_len = np.fromiter(map(len, pieces), np.int64, len(pieces))
    word_len = np.fromiter(map(len, words), np.int64, len(words)) + 1  # with its space
    first_piece = np.searchsorted(np.cumsum(piece_len) - piece_len, np.cumsum(word_len) - word_len)
    return np.diff(first_piece, append=len(pieces))
