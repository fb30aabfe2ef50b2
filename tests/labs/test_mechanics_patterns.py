"""strides against torch, and the pattern-runtime lab's agreement and speed-ups."""

import torch

from mldrill.labs import pattern_runtime, strides


def test_strides_against_torch_and_the_card() -> None:
    n = strides.run(rows=3, cols=4).numbers
    x = torch.arange(12).view(3, 4)
    for name, t in (("x", x), ("x.t()", x.t()), ("x.t().contiguous()", x.t().contiguous())):
        assert n["views"][name] == [list(t.shape), list(t.stride())]
    fails = {row[0]: row[4] for row in n["table"]}
    assert fails["x.t()"] == "fails" and fails["x"] == "(1,)"
    try:
        x.t().view(-1)
        raise AssertionError("torch should refuse this view")
    except RuntimeError:
        pass
    c = n["card"]
    y = torch.zeros(2, 3, 4)
    assert c["strides_234"] == y.stride() == (12, 4, 1) and c["offset_123"] == 23
    assert c["transposed"] == y.transpose(0, 2).stride() == (1, 4, 12)
    assert c["after_contiguous"] == y.transpose(0, 2).contiguous().stride() == (6, 2, 1)


def test_patterns_agree_and_win() -> None:
    """Card lis-patience: the O(n log n) tails array returns the O(n^2) DP's length on every random input and is
    far faster at n = 2048 (the DP does ~n^2/2 = 2M comparisons, patience ~n log2 n = 22k)."""
    import numpy as np

    n = pattern_runtime.run(max_log2_n=8, seed=0).numbers
    assert n["agree"]
    # Timings on a shared machine: the best of 3 runs of each is robust to being preempted.
    cases = pattern_runtime.cases(np.random.default_rng(0))
    for name, floor in (("two-sum", 20), ("longest increasing subsequence", 20), ("longest unique substring", 2)):
        brute, fast, make = cases[name]
        args = make(2048)
        tb = min(pattern_runtime.timed(brute, args)[0] for _ in range(3))
        tf = min(pattern_runtime.timed(fast, args)[0] for _ in range(3))
        assert tb > floor * tf, (name, tb, tf)  # n^2 (or n * window) vs n (log n) at n = 2048
