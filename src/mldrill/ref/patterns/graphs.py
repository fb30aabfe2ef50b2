"""Graph traversal: BFS (level order), DFS (iterative), topological sort by Kahn's algorithm with cycle detection.

BFS: mark a node visited when it is *enqueued*, not when it is popped, or it can be enqueued twice. Level order:
snapshot the level size with `for _ in range(len(queue))`. DFS with an explicit stack visits neighbours in the
given order by pushing them reversed. Kahn: repeatedly remove nodes of in-degree 0; if fewer than V nodes come
out, the rest lie on a cycle (LeetCode 207 can_finish). Topological orders are not unique: check validity.
All O(V + E).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass


@dataclass
class TreeNode:
    val: int
    left: TreeNode | None = None
    right: TreeNode | None = None


def level_order(root: TreeNode | None) -> list[list[int]]:
    if root is None:
        return []
    out, q = [], deque([root])
    while q:
        level = []
        for _ in range(len(q)):  # exactly the nodes of this level
            node = q.popleft()
            level.append(node.val)
            q.extend(c for c in (node.left, node.right) if c is not None)
        out.append(level)
    return out


def bfs(graph: Mapping[Hashable, Sequence[Hashable]], start: Hashable) -> dict[Hashable, int]:
    """Shortest hop distance from start to every reachable node."""
    dist = {start: 0}
    q = deque([start])
    while q:
        u = q.popleft()
        for v in graph.get(u, ()):
            if v not in dist:  # visited on enqueue
                dist[v] = dist[u] + 1
                q.append(v)
    return dist


def dfs(graph: Mapping[Hashable, Sequence[Hashable]], start: Hashable) -> list[Hashable]:
    """Preorder of an iterative DFS, neighbours explored in their listed order (same as the recursive version)."""
    order, seen, stack = [], set(), [start]
    while stack:
        u = stack.pop()
        if u in seen:
            continue
        seen.add(u)
        order.append(u)
        stack.extend(v for v in reversed(graph.get(u, ())) if v not in seen)
    return order


def topo_sort_kahn(n: int, edges: Sequence[tuple[int, int]]) -> list[int] | None:
    """Order of nodes 0..n-1 with every edge (u, v) having u before v; None if there is a cycle."""
    adj: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in edges:
        adj[u].append(v)
        indeg[v] += 1
    q = deque(i for i in range(n) if indeg[i] == 0)
    order = []
    while q:
        u = q.popleft()
        order.append(u)
        for v in adj[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                q.append(v)
    return order if len(order) == n else None  # fewer than n emitted: a cycle


def can_finish(num_courses: int, prerequisites: Sequence[tuple[int, int]]) -> bool:
    """LeetCode 207: prerequisite pairs [a, b] mean b must come before a."""
    return topo_sort_kahn(num_courses, [(b, a) for a, b in prerequisites]) is not None
