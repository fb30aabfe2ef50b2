"""WordPiece and Unigram subword encoding, and a chat template with a loss mask.

WordPiece encodes each whitespace/punctuation-separated word by greedy *longest match* from the left: take the
longest vocabulary entry that starts the rest of the word, continuation pieces carry a "##" prefix, and if some
position has no match the *whole word* becomes [UNK] (not just the unmatched part). That is the difference from BPE,
which applies learned merges by rank. Tested against HF `tokenizers`' WordPiece model (tests/ref/test_wordpiece.py).

Unigram LM (Kudo, 2018; SentencePiece, T5): each piece has a log-probability and a string is segmented into the
pieces maximising the sum of log-probabilities, found by Viterbi dynamic programming over end positions (O(n L)
for pieces up to length L), not greedily. Tested against brute-force enumeration of all segmentations.

Chat templates: a conversation is rendered with role markers (special tokens) and only the assistant's replies are
trained on: the loss mask is -100 (ignore_index) on every template and user token. Special-token strings typed by a
user must never become special ids (an injection vector): `render_chat` inserts special ids itself and encodes all
message text with an `encode` that treats special strings as plain text (`BPETokenizer.encode_ordinary`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

_WORDS = regex.compile(r"\w+|[^\w\s]+")  # tokenizers' Whitespace pre-tokenizer; BERT's splits each punctuation char


def wordpiece_encode(
    text: str, vocab: dict[str, int], *, unk_token: str = "[UNK]", max_chars_per_word: int = 100
) -> list[str]:
    """Split into words, then each word into the longest-matching pieces; a word with a gap becomes [unk_token]."""
    out: list[str] = []
    for word in _WORDS.findall(text):
        if len(word) > max_chars_per_word:
            out.append(unk_token)
            continue
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:  # longest match first
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in vocab:
                    break
                end -= 1
            if end == start:  # nothing matches here: the whole word is unknown
                pieces = [unk_token]
                break
            pieces.append(piece)
            start = end
        out.extend(pieces)
    return out


@dataclass(frozen=True)
class ChatTemplate:
    bos: str = "<|begin|>"
    start_role: str = "<|start|>"  # <|start|>role\n content <|end|>\n
    end_turn: str = "<|end|>"

    @property
    def specials(self) -> tuple[str, ...]:
        return (self.bos, self.start_role, self.end_turn)


def render_chat(
    messages: Sequence[dict[str, str]],
    encode: Callable[[str], list[int]],
    special_ids: dict[str, int],
    template: ChatTemplate | None = None,
) -> tuple[list[int], list[int]]:
    """Render messages [{"role", "content"}] to ids and labels; labels are -100 except the assistant's content and
    its end-of-turn token (what the model must learn to produce). `encode` must encode special strings as plain text.
    """
    t = template or ChatTemplate()
    ids: list[int] = [special_ids[t.bos]]
    labels: list[int] = [-100]

    def add(new: list[int], train: bool) -> None:
        ids.extend(new)
        labels.extend(new if train else [-100] * len(new))

    for m in messages:
        if m["role"] not in ("system", "user", "assistant"):
            raise ValueError(f"unknown role {m['role']!r}; expected system, user or assistant")
        content = m["content"]  # encoded as plain text: a typed "<|end|>" can never become the special id
        add([special_ids[t.start_role], *encode(m["role"] + "\n")], train=False)
        trained = m["role"] == "assistant"
        add(encode(content), train=trained)
        add([special_ids[t.end_turn]], train=trained)
        add(encode("\n"), train=False)
    return ids, labels


def unigram_viterbi(text: str, logprobs: dict[str, float]) -> tuple[list[str], float]:
    """Max-likelihood segmentation of text into pieces of `logprobs`; raises if no segmentation exists."""
    n, max_len = len(text), max(map(len, logprobs))
    best = [0.0] + [float("-inf")] * n  # best[i]: best score of text[:i]
    back = [0] * (n + 1)  # back[i]: start of the last piece in that best segmentation
    for end in range(1, n + 1):
        for start in range(max(0, end - max_len), end):
            piece = text[start:end]
            if piece in logprobs and best[start] + logprobs[piece] > best[end]:
                best[end], back[end] = best[start] + logprobs[piece], start
    if best[n] == float("-inf"):
        raise ValueError(f"no segmentation of {text!r} with the given pieces (add byte/char fallback pieces)")
    pieces, i = [], n
    while i > 0:
        pieces.append(text[back[i] : i])
        i = back[i]
    return pieces[::-1], best[n]
