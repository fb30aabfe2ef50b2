def wordpiece_encode(
    text: str, vocab: dict[str, int], *, unk_token: str = "[UNK]", max_chars_per_word: int = 100
) -> list[str]:
    """Greedy longest-match-first WordPiece per whitespace-separated word; an unmatchable word is one unk_token."""
    raise NotImplementedError("write wordpiece_encode here")
