"""Classic wrong WordPiece encoders, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def wordpiece_encode(text, vocab, *, unk_token="[UNK]", max_chars_per_word=100):
    out = []
    for word in text.split():
        if len(word) > max_chars_per_word:
            out.append(unk_token)
            continue
        pieces, start = [], 0
        while start < len(word):
            piece = None
            for end in range(len(word), start, -1):
                cand = word[start:end] if start == 0 else "##" + word[start:end]
                if cand in vocab:
                    piece = cand
                    break
            if piece is None:
                pieces = [unk_token]
                break
            pieces.append(piece)
            start = end
        out.extend(pieces)
    return out
"""

GENERIC = "matches BERT's WordPiece"

MUTANTS = [
    mutant(
        "shortest match first",
        "range(len(word), start, -1)",
        "range(start + 1, len(word) + 1)",
        "the longest match comes first",
        GENERIC,
    ),
    mutant(
        "no ## on continuations",
        'cand = word[start:end] if start == 0 else "##" + word[start:end]',
        "cand = word[start:end]",
        "continuation pieces are looked up with ##",
        GENERIC,
    ),
    mutant(
        "only the gap becomes [UNK]",
        "                pieces = [unk_token]\n                break",
        "                pieces.append(unk_token)\n                break",
        "a gap makes the whole word [UNK]",
        GENERIC,
    ),
    mutant(
        "the gap character is skipped",
        "                pieces = [unk_token]\n                break",
        "                start += 1\n                continue",
        "a gap makes the whole word [UNK]",
        GENERIC,
    ),
    mutant(
        "no length limit",
        "if len(word) > max_chars_per_word:",
        "if False:",
        "words longer than max_chars_per_word are [UNK]",
    ),
    mutant(
        "length limit off by one",
        "if len(word) > max_chars_per_word:",
        "if len(word) >= max_chars_per_word:",
        "words longer than max_chars_per_word are [UNK]",
    ),
]
