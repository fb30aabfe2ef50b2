import numpy as np


def ring_all_reduce(xs: list[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """Simulated ring all-reduce over len(xs) ranks: (every rank's summed array, elements each rank sent)."""
    raise NotImplementedError("write ring_all_reduce here")
