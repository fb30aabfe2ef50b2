"""Hidden checks for the topological-sort kata. Cycles are decided by graphlib.TopologicalSorter (CycleError); an
order is judged by validity (a permutation of the nodes with every edge pointing forward), not equality."""

from __future__ import annotations

import graphlib

from mldrill.grader.checks import Call, Check, Judge, Outcome


def _has_cycle(n: int, edges: list[tuple[int, int]]) -> bool:
    ts: graphlib.TopologicalSorter[int] = graphlib.TopologicalSorter({i: [] for i in range(n)})
    for u, v in edges:
        ts.add(v, u)
    try:
        ts.prepare()
    except graphlib.CycleError:
        return True
    return False


def valid_orders(graphs: list[tuple[int, list[tuple[int, int]]]]) -> Judge:
    def judge(outcomes: list[Outcome]) -> str | None:
        for i, (o, (n, edges)) in enumerate(zip(outcomes, graphs, strict=True)):
            if o.error is not None:
                return f"call {i + 1}: raised {o.error}"
            if _has_cycle(n, edges):
                if o.value is not None:
                    return f"call {i + 1}: the graph has a cycle, expected None, got {str(o.value)[:60]}"
                continue
            if not isinstance(o.value, list):
                return f"call {i + 1}: the graph is acyclic, expected a list of its {n} nodes, got {o.value!r}"
            order = o.value
            if sorted(order) != list(range(n)):
                return f"call {i + 1}: {order[:20]} is not a permutation of 0..{n - 1}"
            pos = {u: k for k, u in enumerate(order)}
            bad = next(((u, v) for u, v in edges if pos[u] > pos[v]), None)
            if bad:
                return f"call {i + 1}: edge {bad} points backwards in {order[:20]}"
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)

    def dag(n: int, m: int) -> tuple[int, list[tuple[int, int]]]:
        perm = rng.permutation(n)
        pairs = set()
        while len(pairs) < m:
            a, b = sorted(int(x) for x in rng.choice(n, size=2, replace=False))
            pairs.add((int(perm[a]), int(perm[b])))
        return n, sorted(pairs)

    def relabel(n: int, edges: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]]]:
        """The hand-drawn graph with up to 3 isolated nodes added, its nodes renamed and its edges reordered."""
        n += int(rng.integers(0, 4))
        perm = [int(v) for v in rng.permutation(n)]
        return n, [(perm[a], perm[b]) for a, b in (edges[i] for i in rng.permutation(len(edges)))]

    def check(name: str, expl: str, graphs: list[tuple[int, list[tuple[int, int]]]]) -> Check:
        graphs = [relabel(n, e) for n, e in graphs]
        return Check(name, expl, [Call((n, e)) for n, e in graphs], valid_orders(graphs))

    return [
        check("returns a valid order of a DAG", "Every edge (u, v) must have u before v; any such order passes. "
              "Removing a node decrements each successor's in-degree, and a successor joins the queue only when its "
              "in-degree reaches 0 (all its predecessors are out), not earlier and not never.",
              [dag(6, 7), dag(12, 20), (4, [(0, 1), (1, 2), (2, 3)])]),
        check("includes isolated nodes", "Nodes without edges have in-degree 0 and belong in the order too: start "
              "from all n nodes, not from the nodes named in edges.", [(5, [(3, 1)]), (int(rng.integers(1, 12)), [])]),
        check("returns None on a cycle", "If fewer than n nodes come out, a cycle blocked the rest: return None, not "
              "a partial order.", [(3, [(0, 1), (1, 2), (2, 0)]), (5, [(0, 1), (1, 2), (2, 1), (3, 4)])]),
        check("a self-loop is a cycle", "An edge (u, u) means u must precede itself.", [(3, [(0, 1), (2, 2)])]),
        check("repeated edges", "A repeated edge adds to the in-degree each time and is removed each time.",
              [(3, [(0, 1), (0, 1), (1, 2)])]),
    ]  # fmt: skip
