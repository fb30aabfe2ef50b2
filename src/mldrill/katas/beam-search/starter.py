import numpy as np


def beam_search(
    log_probs: np.ndarray,
    start: int,
    *,
    beam_width: int,
    max_new_tokens: int,
    eos: int,
    alpha: float = 0.0,
) -> list[tuple[list[int], float]]:
    """Beam search on a table log_probs[t, last, next]; returns (tokens, score) of every finished hypothesis."""
    raise NotImplementedError("write beam_search here")
