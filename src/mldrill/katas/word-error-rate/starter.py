from collections.abc import Sequence


def word_error_rate(references: Sequence[str], hypotheses: Sequence[str]) -> float:
    """Corpus WER: total word-level edits (S + D + I) over the total number of reference words."""
    raise NotImplementedError("write word_error_rate here")
