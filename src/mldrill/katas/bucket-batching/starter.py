from collections.abc import Sequence

import numpy as np


def bucket_batches(
    seqs: Sequence[Sequence[int]], *, max_tokens: int, pad_id: int = 0
) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """Length-sorted batches within a padded token budget: (indices, input_ids (b, T_b), attention_mask (b, T_b))."""
    raise NotImplementedError("write bucket_batches here")
