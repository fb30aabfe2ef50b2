from collections.abc import Sequence


def rrf(rankings: Sequence[Sequence[str]], *, k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal Rank Fusion: [(doc_id, sum of 1 / (k + rank))], best first, ties in first-seen order."""
    raise NotImplementedError("write rrf here")
