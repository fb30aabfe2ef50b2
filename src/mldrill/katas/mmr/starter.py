import numpy as np


def mmr(query: np.ndarray, docs: np.ndarray, *, k: int, lambda_mult: float = 0.5) -> list[int]:
    """Greedy MMR: lambda * cos(q, d) - (1 - lambda) * max cos(d, selected); returns indices in selection order."""
    raise NotImplementedError("write mmr here")
