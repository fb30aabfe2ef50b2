import numpy as np


class BM25:
    def __init__(self, corpus: list[list[str]], *, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> None:
        self.k1, self.b, self.epsilon = k1, b, epsilon
        # precompute what get_scores needs here

    def get_scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens -> (N,)."""
        raise NotImplementedError("write get_scores here")
