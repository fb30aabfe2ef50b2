def train_bpe_basic(text: str, num_merges: int) -> tuple[list[tuple[tuple[int, int], int]], list[int]]:
    """(merges, ids): num_merges byte-pair merges on text's UTF-8 bytes, new ids 256, 257, ...; ties: first seen."""
    raise NotImplementedError("write train_bpe_basic here")
