from collections.abc import Sequence


def segment_stats(hyp: str, refs: Sequence[str], *, max_n: int = 4) -> tuple[int, int, list[int], list[int]]:
    """(hyp_len, closest ref_len, clipped matches per order, hypothesis n-grams per order) for one segment."""
    raise NotImplementedError("write segment_stats here")
