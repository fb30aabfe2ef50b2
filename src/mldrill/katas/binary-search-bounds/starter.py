from collections.abc import Sequence


def lower_bound(a: Sequence[int], x: int) -> int:
    """First index i with a[i] >= x (len(a) if none), by binary search over [lo, hi)."""
    raise NotImplementedError("write lower_bound here")
