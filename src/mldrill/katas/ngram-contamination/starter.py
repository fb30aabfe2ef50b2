from collections.abc import Sequence


def ngram_contamination(
    test: Sequence[str], train: Sequence[str], *, n: int = 13, threshold: float = 0.5
) -> tuple[list[float], list[bool]]:
    """Per test example: the fraction of its distinct word n-grams found in a training document, and >= threshold."""
    raise NotImplementedError("write ngram_contamination here")
