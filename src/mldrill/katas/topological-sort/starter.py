from collections.abc import Sequence


def topo_sort_kahn(n: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """An order of 0..n-1 where every edge (u, v) has u before v, or None if there is a cycle."""
    raise NotImplementedError("write topo_sort_kahn here")
