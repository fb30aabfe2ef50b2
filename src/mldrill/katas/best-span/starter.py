import numpy as np


def best_span(start_logits: np.ndarray, end_logits: np.ndarray, *, max_len: int = 30) -> tuple[int, int, float]:
    """(start, end inclusive, score) maximizing start[s] + end[e] over s <= e < s + max_len; earliest on ties."""
    raise NotImplementedError("write best_span here")
