import numpy as np


def ndcg(y_true: np.ndarray, y_score: np.ndarray, *, k: int | None = None, gain: str = "linear") -> float:
    """Mean nDCG@k over the rows: rank by y_score, gain r ('linear') or 2^r - 1 ('exponential'), log2(rank + 1)."""
    raise NotImplementedError("write ndcg here")
