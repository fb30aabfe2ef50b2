import regex  # noqa: F401 - the pre-tokenizer's patterns need \p{L}, which `re` lacks


def train_bpe(text: str, vocab_size: int, pattern: str) -> list[tuple[tuple[int, int], int]]:
    """Byte-level BPE: merge the most frequent in-pre-token pair until len(vocab) == vocab_size. Returns the merges."""
    raise NotImplementedError("write train_bpe here")
