import numpy as np


def roc_auc_score(y_true: np.ndarray, scores: np.ndarray) -> float:
    """P(score of a random positive > score of a random negative), ties counting 1/2."""
    raise NotImplementedError("write roc_auc_score here")
