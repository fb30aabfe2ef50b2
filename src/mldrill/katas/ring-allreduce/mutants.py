"""Classic wrong ring all-reduces, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def ring_all_reduce(xs):
    N = len(xs)
    chunks = [[c.copy() for c in np.array_split(x, N)] for x in xs]
    sent = [0] * N
    for s in range(N - 1):
        msgs = [(r, (r - s) % N, chunks[r][(r - s) % N].copy()) for r in range(N)]
        for r, i, data in msgs:
            chunks[(r + 1) % N][i] += data
            sent[r] += data.size
    for s in range(N - 1):
        msgs = [(r, (r + 1 - s) % N, chunks[r][(r + 1 - s) % N].copy()) for r in range(N)]
        for r, i, data in msgs:
            chunks[(r + 1) % N][i] = data
            sent[r] += data.size
    return [np.concatenate(c) for c in chunks], sent
"""

GENERIC = "matches the all-reduce and its traffic"
UNEVEN = "lengths that N does not divide"

MUTANTS = [
    mutant(
        "no all-gather phase",
        "            chunks[(r + 1) % N][i] = data\n            sent[r] += data.size\n",
        "            pass\n",
        "every rank ends with the full sum",
        GENERIC,
        "each rank sends 2 (N - 1) / N of the array",
        UNEVEN,
    ),
    mutant(
        "traffic of one phase",
        "            chunks[(r + 1) % N][i] = data\n            sent[r] += data.size\n",
        "            chunks[(r + 1) % N][i] = data\n",
        "each rank sends 2 (N - 1) / N of the array",
        GENERIC,
        UNEVEN,
    ),
    mutant(
        "traffic in bytes",
        "            chunks[(r + 1) % N][i] += data\n            sent[r] += data.size\n",
        "            chunks[(r + 1) % N][i] += data\n            sent[r] += data.nbytes\n",
        "each rank sends 2 (N - 1) / N of the array",
        GENERIC,
        UNEVEN,
    ),
    mutant(
        "equal slices",
        "chunks = [[c.copy() for c in np.array_split(x, N)] for x in xs]",
        "chunks = [[x[i * (len(x) // N):(i + 1) * (len(x) // N)].copy() for i in range(N)] for x in xs]",
        UNEVEN,
    ),
    mutant(
        "chunks are views of the inputs",
        "chunks = [[c.copy() for c in np.array_split(x, N)] for x in xs]",
        "chunks = [np.array_split(x, N) for x in xs]",
        "leaves the inputs unchanged",
    ),
]
