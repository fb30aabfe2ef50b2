"""Classic wrong bucketings, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def bucket_batches(seqs, *, max_tokens, pad_id=0):
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    groups, cur = [], []
    for i in order:
        longest = max([len(seqs[k]) for k in cur] + [len(seqs[i])])
        if cur and (len(cur) + 1) * longest > max_tokens:
            groups.append(cur)
            cur = []
        cur.append(i)
    if cur:
        groups.append(cur)
    batches = []
    for g in groups:
        width = max(len(seqs[i]) for i in g)
        ids = np.full((len(g), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(g), width), dtype=np.int64)
        for r, i in enumerate(g):
            ids[r, :len(seqs[i])] = seqs[i]
            mask[r, :len(seqs[i])] = 1
        batches.append((g, ids, mask))
    return batches
"""

GENERIC = "a valid, length-sorted bucketing of random sequences"
ONCE = "every sequence appears exactly once"
BUDGET = "each batch fits max_tokens, padding included"
WIDTH = "each batch is padded to its own longest sequence"
MASK = "the mask comes from the lengths, not from pad_id"
ROWS = "rows hold their sequence, right-padded with pad_id"
PADDING = "sorting by length cuts the padding"

MUTANTS = [
    mutant(
        "the last batch is never flushed",
        "    if cur:\n        groups.append(cur)\n",
        "",
        ONCE,
        GENERIC,
    ),
    mutant(
        "the budget counts real tokens only",
        "(len(cur) + 1) * longest > max_tokens",
        "sum(len(seqs[k]) for k in cur) + len(seqs[i]) > max_tokens",
        BUDGET,
        GENERIC,
        PADDING,  # over-full batches of mixed lengths
    ),
    mutant(
        "the budget uses the longest before the newcomer",
        "longest = max([len(seqs[k]) for k in cur] + [len(seqs[i])])",
        "longest = max([len(seqs[k]) for k in cur] or [len(seqs[i])])",
        BUDGET,
        GENERIC,
        PADDING,
    ),
    mutant(
        "padded to the global maximum",
        "width = max(len(seqs[i]) for i in g)",
        "width = max(len(s) for s in seqs)",
        WIDTH,
        GENERIC,
        PADDING,
        BUDGET,  # the corpus maximum times the rows overflows the budget too
    ),
    mutant(
        "mask from ids != pad_id",
        "batches.append((g, ids, mask))",
        "batches.append((g, ids, (ids != pad_id).astype(np.int64)))",
        MASK,
        GENERIC,
    ),
    mutant(
        "padded with 0 instead of pad_id",
        "np.full((len(g), width), pad_id, dtype=np.int64)",
        "np.zeros((len(g), width), dtype=np.int64)",
        ROWS,
        GENERIC,
    ),
    mutant(
        "not sorted by length",
        "order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))",
        "order = list(range(len(seqs)))",
        PADDING,
        GENERIC,
    ),
]
