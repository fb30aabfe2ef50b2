"""Classic wrong Kahn's algorithms, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
from collections import deque

def topo_sort_kahn(n, edges):
    succ = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in edges:
        succ[u].append(v)
        indeg[v] += 1
    queue = deque(u for u in range(n) if indeg[u] == 0)
    order = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in succ[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                queue.append(v)
    return order if len(order) == n else None
"""

GENERIC = "returns a valid order of a DAG"
ISOLATED = "includes isolated nodes"
CYCLE = "returns None on a cycle"
SELF = "a self-loop is a cycle"
REPEATED = "repeated edges"

MUTANTS = [
    mutant(
        "returns the partial order on a cycle", "return order if len(order) == n else None", "return order", CYCLE, SELF
    ),
    mutant(
        "self-loops skipped",
        "    for u, v in edges:\n",
        "    for u, v in edges:\n        if u == v:\n            continue\n",
        SELF,
    ),
    mutant(
        "starts only from nodes named in edges",
        "queue = deque(u for u in range(n) if indeg[u] == 0)",
        "queue = deque(u for u in {w for e in edges for w in e} if indeg[u] == 0)",
        ISOLATED,
        GENERIC,
        REPEATED,
    ),
    Mutant(
        "successors kept in a set, in-degrees counted per edge",
        (
            ("succ = [[] for _ in range(n)]", "succ = [set() for _ in range(n)]"),
            ("succ[u].append(v)", "succ[u].add(v)"),
        ),
        REPEATED,
    ),
    mutant(
        "a successor enqueued as soon as one predecessor is done",
        "if indeg[v] == 0:",
        "if indeg[v] >= 0:",
        GENERIC,
        ISOLATED,
        REPEATED,
        CYCLE,
        SELF,
    ),
    mutant(
        "in-degrees never decremented",
        "            indeg[v] -= 1\n",
        "",
        GENERIC,
        ISOLATED,
        REPEATED,
    ),
]
