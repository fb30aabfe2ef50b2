class BlockAllocator:
    """Paged KV-cache blocks: block tables per sequence, reference-counted sharing, copy-on-write."""

    def __init__(self, num_blocks: int, block_size: int) -> None:
        self.tables: dict[str, list[int]] = {}
        raise NotImplementedError("write BlockAllocator.__init__ here")

    def allocate(self, seq: str, n_tokens: int) -> list[int]:
        raise NotImplementedError("write allocate here")

    def append(self, seq: str) -> tuple[int, int] | None:
        raise NotImplementedError("write append here")

    def fork(self, parent: str, child: str) -> None:
        raise NotImplementedError("write fork here")

    def free_seq(self, seq: str) -> None:
        raise NotImplementedError("write free_seq here")

    def slots(self, seq: str) -> list[int]:
        raise NotImplementedError("write slots here")
