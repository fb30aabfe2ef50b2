"""Classic wrong continuous-batching steps, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def batching_step(running, waiting, *, max_batch):
    batch = [list(r) for r in running]
    queue = list(waiting)
    static = False
    if not (static and batch):
        while queue and len(batch) < max_batch:
            batch.append(list(queue.pop(0)))
    for r in batch:
        r[1] -= 1
    finished = [rid for rid, n in batch if n == 0]
    batch = [r for r in batch if r[1] > 0]
    return [tuple(r) for r in batch], queue, finished
"""

GENERIC = "matches the reference scheduler step"

MUTANTS = [
    mutant(
        "static batching (admit only into an empty batch)",
        "static = False",
        "static = True",
        "free slots are refilled at every step",
        GENERIC,
    ),
    mutant(
        "one request too many",
        "len(batch) < max_batch",
        "len(batch) <= max_batch",
        "the batch never exceeds max_batch",
        GENERIC,
    ),
    mutant(
        "newest request first",
        "queue.pop(0)",
        "queue.pop()",
        "waiting requests are admitted first come, first served",
        GENERIC,
    ),
    mutant(
        "admitted requests wait a step",
        "    for r in batch:\n        r[1] -= 1",
        "    for r in batch[: len(running)]:\n        r[1] -= 1",
        "admitted requests decode in the same step",
        GENERIC,
    ),
    mutant(
        "removing while iterating",
        "    finished = [rid for rid, n in batch if n == 0]\n    batch = [r for r in batch if r[1] > 0]",
        "    finished = []\n    for r in batch:\n        if r[1] == 0:\n            finished.append(r[0])\n"
        "            batch.remove(r)",
        "requests finishing together all retire",
        GENERIC,
    ),
    mutant(
        "retire before decoding",
        "    for r in batch:\n        r[1] -= 1\n    finished = [rid for rid, n in batch if n == 0]\n"
        "    batch = [r for r in batch if r[1] > 0]",
        "    finished = [rid for rid, n in batch if n == 0]\n    batch = [r for r in batch if r[1] > 0]\n"
        "    for r in batch:\n        r[1] -= 1",
        "a request retires at its last token",
        GENERIC,
        "requests finishing together all retire",  # none of them retires at this step at all
    ),
]
