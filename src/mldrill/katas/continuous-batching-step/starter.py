def batching_step(
    running: list[tuple[str, int]],
    waiting: list[tuple[str, int]],
    *,
    max_batch: int,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], list[str]]:
    """Admit (FCFS, up to max_batch), decode one token for every request, retire the finished ones."""
    raise NotImplementedError("write batching_step here")
