"""Coding patterns vs brute force / stdlib oracles on random inputs (hypothesis), plus the M67/M68 traps."""

import bisect
import graphlib
import itertools
import statistics
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.patterns.binary_search import lower_bound, search_rotated, upper_bound
from mldrill.ref.patterns.dp import (
    climb_stairs,
    climb_stairs_buggy,
    climb_stairs_memo,
    edit_distance,
    knapsack_01,
    lis_patience,
    lis_quadratic,
)
from mldrill.ref.patterns.graphs import TreeNode, bfs, can_finish, dfs, level_order, topo_sort_kahn
from mldrill.ref.patterns.heaps import MedianFinder, running_median
from mldrill.ref.patterns.intervals import merge_intervals
from mldrill.ref.patterns.monotonic_stack import next_greater, trap_rain_water
from mldrill.ref.patterns.sliding_window import longest_unique_substring, min_window
from mldrill.ref.patterns.two_pointers import pair_sum_sorted, three_sum, two_sum

S = settings(max_examples=30, deadline=None)
small_ints = st.lists(st.integers(-6, 6), max_size=12)


@S
@given(a=small_ints, t=st.integers(-12, 12))
def test_pair_sum_sorted(a, t):
    a = sorted(a)
    got = pair_sum_sorted(a, t)
    exists = any(a[i] + a[j] == t for i, j in itertools.combinations(range(len(a)), 2))
    assert (got is not None) == exists
    if got:
        i, j = got
        assert i < j and a[i] + a[j] == t


@S
@given(nums=small_ints)
def test_three_sum_equals_brute_force(nums):
    brute = sorted({tuple(sorted(c)) for c in itertools.combinations(nums, 3) if sum(c) == 0})
    assert [tuple(t) for t in three_sum(nums)] == brute


def test_m68_three_sum_skips_duplicates():
    """M68: record, advance both pointers, skip duplicates: no repeated triple."""
    assert three_sum([0, 0, 0, 0, 0]) == [[0, 0, 0]]
    assert three_sum([-1, 0, 1, 2, -1, -4]) == [[-1, -1, 2], [-1, 0, 1]]


@S
@given(nums=small_ints, t=st.integers(-12, 12))
def test_two_sum_never_pairs_an_element_with_itself(nums, t):
    got = two_sum(nums, t)
    exists = any(nums[i] + nums[j] == t for i, j in itertools.combinations(range(len(nums)), 2))
    assert (got is not None) == exists
    if got:
        i, j = got
        assert i < j and nums[i] + nums[j] == t
    assert two_sum([3], 6) is None


@S
@given(s=st.text(alphabet="abcd", max_size=14))
def test_longest_unique_substring(s):
    brute = max(
        (j - i for i in range(len(s) + 1) for j in range(i, len(s) + 1) if len(set(s[i:j])) == j - i), default=0
    )
    assert longest_unique_substring(s) == brute


@S
@given(s=st.text(alphabet="abc", max_size=12), t=st.text(alphabet="abc", min_size=1, max_size=3))
def test_min_window(s, t):
    need = Counter(t)
    cands = [(j - i, i) for i in range(len(s)) for j in range(i + 1, len(s) + 1) if not need - Counter(s[i:j])]
    expected = "" if not cands else s[min(cands)[1] : min(cands)[1] + min(cands)[0]]
    assert min_window(s, t) == expected


@S
@given(a=st.lists(st.integers(-5, 5), max_size=12), x=st.integers(-7, 7))
def test_bounds_equal_bisect(a, x):
    a = sorted(a)
    assert lower_bound(a, x) == bisect.bisect_left(a, x)
    assert upper_bound(a, x) == bisect.bisect_right(a, x)
    assert lower_bound(a, 100) == len(a)  # the answer can be len(a)


@S
@given(vals=st.sets(st.integers(-50, 50), max_size=12), k=st.integers(0, 11), target=st.integers(-52, 52))
def test_search_rotated(vals, k, target):
    a = sorted(vals)
    if a:
        k %= len(a)
        a = a[k:] + a[:k]
    got = search_rotated(a, target)
    assert got == (a.index(target) if target in a else -1)


def _tree(vals, i=0):
    if i >= len(vals) or vals[i] is None:
        return None
    return TreeNode(vals[i], _tree(vals, 2 * i + 1), _tree(vals, 2 * i + 2))


def test_level_order():
    assert level_order(_tree([3, 9, 20, None, None, 15, 7])) == [[3], [9, 20], [15, 7]]
    assert level_order(None) == []


@S
@given(edges=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20))
def test_bfs_distances_and_dfs_order_match_networkx(edges):
    G = nx.DiGraph()
    G.add_nodes_from(range(8))
    G.add_edges_from(edges)
    graph = {u: [v for _, v in edges if _ == u] for u in range(8)}
    graph = {u: list(dict.fromkeys(vs)) for u, vs in graph.items()}
    assert bfs(graph, 0) == dict(nx.single_source_shortest_path_length(G, 0))
    H = nx.DiGraph()
    H.add_node(0)
    for u in range(8):  # same adjacency order as `graph`
        H.add_edges_from((u, v) for v in graph[u])
    assert dfs(graph, 0) == list(nx.dfs_preorder_nodes(H, 0))


@S
@given(n=st.integers(1, 7), edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=12))
def test_topo_sort_is_valid_or_detects_the_cycle_like_graphlib(n, edges):
    edges = [(u % n, v % n) for u, v in edges]
    ts = graphlib.TopologicalSorter({v: set() for v in range(n)})
    for u, v in edges:
        ts.add(v, u)
    try:
        list(ts.static_order())
        has_cycle = False
    except graphlib.CycleError:
        has_cycle = True
    order = topo_sort_kahn(n, edges)
    assert (order is None) == has_cycle
    if order is not None:
        pos = {x: i for i, x in enumerate(order)}
        assert sorted(order) == list(range(n)) and all(pos[u] < pos[v] for u, v in edges)
    assert can_finish(n, [(v, u) for u, v in edges]) == (not has_cycle)


@pytest.mark.parametrize("n", range(0, 12))
def test_climb_stairs_both_styles(n):
    fib = [1, 1]
    for _ in range(20):
        fib.append(fib[-1] + fib[-2])
    assert climb_stairs(n) == climb_stairs_memo(n) == fib[n]


def test_m67_dp_minus_one_index_wraps_silently():
    """M67: starting at i = 1 reads dp[-1] (the last cell) instead of raising: a wrong answer, no error."""
    assert climb_stairs_buggy(0) == climb_stairs(0) == 1  # the loop never runs: looks fine
    assert climb_stairs_buggy(1) == 2 != climb_stairs(1)  # dp[1] = dp[0] + dp[-1]: no IndexError, wrong answer
    assert [climb_stairs_buggy(n) for n in range(2, 6)] == [3, 5, 8, 13]  # every answer shifted by one


@S
@given(a=st.lists(st.integers(-5, 5), max_size=10))
def test_lis_versions_equal_brute_force(a):
    brute = max(
        (
            len(c)
            for r in range(len(a) + 1)
            for c in itertools.combinations(a, r)
            if all(x < y for x, y in itertools.pairwise(c))
        ),
        default=0,
    )
    assert lis_quadratic(a) == lis_patience(a) == brute


def _edit_brute(s, t):
    if not s or not t:
        return len(s) + len(t)
    return min(_edit_brute(s[1:], t) + 1, _edit_brute(s, t[1:]) + 1, _edit_brute(s[1:], t[1:]) + (s[0] != t[0]))


@S
@given(s=st.text(alphabet="ab", max_size=6), t=st.text(alphabet="ab", max_size=6))
def test_edit_distance(s, t):
    assert edit_distance(s, t) == _edit_brute(s, t)


@S
@given(items=st.lists(st.tuples(st.integers(1, 6), st.integers(0, 9)), max_size=8), cap=st.integers(0, 15))
def test_knapsack_equals_subset_enumeration(items, cap):
    w, v = [a for a, _ in items], [b for _, b in items]
    brute = max(
        sum(v[i] for i in sub)
        for r in range(len(items) + 1)
        for sub in itertools.combinations(range(len(items)), r)
        if sum(w[i] for i in sub) <= cap
    )
    assert knapsack_01(w, v, cap) == brute


@S
@given(xs=st.lists(st.integers(-100, 100), min_size=1, max_size=30))
def test_running_median_equals_statistics(xs):
    assert running_median(xs) == [statistics.median(xs[: i + 1]) for i in range(len(xs))]
    with pytest.raises(ValueError, match="empty"):
        MedianFinder().find_median()


@S
@given(a=st.lists(st.integers(0, 5), max_size=14))
def test_monotonic_stack_patterns(a):
    brute_ng = [next((y for y in a[i + 1 :] if y > x), -1) for i, x in enumerate(a)]
    assert next_greater(a) == brute_ng
    brute_water = sum(max(0, min(max(a[: i + 1]), max(a[i:])) - a[i]) for i in range(len(a)))
    assert trap_rain_water(a) == brute_water


@S
@given(ivs=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), max_size=10))
def test_merge_intervals_equals_point_coverage(ivs):
    intervals = [[s, s + d] for s, d in ivs]
    merged = merge_intervals(intervals)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))  # disjoint, sorted, not even touching

    def covered(xs):
        return {x / 2 for s, e in xs for x in range(2 * s, 2 * e + 1)}

    assert covered(merged) == covered(intervals)
    assert merge_intervals([[1, 2], [2, 3]]) == [[1, 3]]  # touching intervals merge
