"""Collectives on lists of arrays, ZeRO memory, the tensor-parallel MLP, pipeline bubbles and rank layouts."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mldrill.ref.distributed.collectives import all_gather, all_reduce, all_to_all, reduce_scatter, ring_all_reduce
from mldrill.ref.distributed.memory import ring_allreduce_bytes, zero_memory
from mldrill.ref.distributed.parallel import (
    bubble_fraction,
    gpipe_order,
    one_f_one_b_order,
    pipeline_schedule,
    rank_layout,
    shard_mlp,
    simulate,
    tp_mlp,
    tp_mlp_sharded,
)


def ranks(n: int, size: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=size) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_all_reduce_is_reduce_scatter_then_all_gather(n: int):
    xs = ranks(n, 24)
    total = sum(xs)
    for out in all_reduce(xs):
        np.testing.assert_allclose(out, total)
    for out in all_gather(reduce_scatter(xs)):
        np.testing.assert_allclose(out, total)


def test_all_to_all_sends_chunk_j_to_rank_j():
    xs = [np.arange(6) + 10 * r for r in range(3)]  # rank r holds r0..r5
    out = all_to_all(xs)
    assert out[1].tolist() == [2, 3, 12, 13, 22, 23]
    back = all_to_all(out)  # applying it twice restores the original layout
    for a, b in zip(back, xs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("n", "size"), [(2, 8), (4, 64), (8, 64), (5, 23)])
def test_ring_all_reduce_sums_and_sends_2_n_minus_1_over_n_of_the_buffer(n: int, size: int):
    xs = ranks(n, size, seed=n)
    outs, sent = ring_all_reduce(xs)
    for out in outs:
        np.testing.assert_allclose(out, sum(xs), rtol=1e-12)
    assert sum(sent) == 2 * (n - 1) * size  # every chunk travels N - 1 hops twice
    if size % n == 0:
        assert sent == [ring_allreduce_bytes(size, n)] * n


def test_zero_memory_reproduces_the_papers_example():
    gb = [zero_memory(7.5e9, 64, s) / 1e9 for s in range(4)]
    assert gb == pytest.approx([120.0, 31.4, 16.6, 1.9], abs=0.05)
    with pytest.raises(ValueError, match="stage"):
        zero_memory(1e9, 8, 4)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_tensor_parallel_mlp_equals_the_full_mlp(n: int):
    g = torch.Generator().manual_seed(n)
    x = torch.randn(5, 8, dtype=torch.float64, generator=g)
    w1 = torch.randn(8, 32, dtype=torch.float64, generator=g)
    w2 = torch.randn(32, 8, dtype=torch.float64, generator=g)
    torch.testing.assert_close(tp_mlp(x, *shard_mlp(w1, w2, n)), F.gelu(x @ w1) @ w2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_tp_mlp_sharded_with_biases_is_the_full_mlp(n: int):
    g = torch.Generator().manual_seed(n)
    x, w1, b1, w2, b2 = (torch.randn(s, dtype=torch.float64, generator=g) for s in ((4, 6), (6, 13), 13, (13, 6), 6))
    out, partials = tp_mlp_sharded(x, w1, b1, w2, b2, n)
    torch.testing.assert_close(out, F.gelu(x @ w1 + b1) @ w2 + b2, rtol=1e-12, atol=1e-12)
    cols = np.array_split(np.arange(13), n)  # 13 hidden units: uneven shards for n = 3 and 5
    for i, c in enumerate(cols):
        torch.testing.assert_close(partials[i], F.gelu(x @ w1[:, c] + b1[c]) @ w2[c], rtol=1e-12, atol=1e-12)


def test_splitting_the_wrong_way_is_not_the_mlp():
    """Row-split W1 would need the hidden units summed *before* GELU: the nonlinearity breaks it."""
    g = torch.Generator().manual_seed(0)
    x, w1, w2 = (torch.randn(s, dtype=torch.float64, generator=g) for s in ((4, 8), (8, 16), (16, 8)))
    wrong = sum(F.gelu(xa @ wa) for xa, wa in zip(x.tensor_split(2, 1), w1.tensor_split(2, 0), strict=True)) @ w2
    assert not torch.allclose(wrong, F.gelu(x @ w1) @ w2)


@pytest.mark.parametrize(("p", "m"), [(2, 1), (4, 4), (4, 8), (4, 16), (8, 3)])
@pytest.mark.parametrize("order", [gpipe_order, one_f_one_b_order])
def test_simulated_pipeline_idles_as_the_bubble_formula_says(p: int, m: int, order):
    sched = simulate(p, m, order(p, m))
    assert sched.idle_fraction == pytest.approx(bubble_fraction(p, m))
    for row in sched.grid:  # every stage runs every forward and backward exactly once
        assert sorted(c for c in row if c) == sorted([f"F{i}" for i in range(m)] + [f"B{i}" for i in range(m)])


def test_pipeline_schedule_of_a_small_gpipe_by_hand():
    grid, idle = pipeline_schedule(gpipe_order(2, 2))
    assert grid == [["F0", "F1", "", "", "B1", "B0"], ["", "F0", "F1", "B1", "B0", ""]]
    assert idle == pytest.approx(4 / 12) and idle == pytest.approx(bubble_fraction(2, 2))


def test_one_f_one_b_holds_fewer_activations_than_gpipe():
    p, m = 4, 16
    assert simulate(p, m, gpipe_order(p, m)).peak_in_flight(0) == m
    assert simulate(p, m, one_f_one_b_order(p, m)).peak_in_flight(0) == p


def test_rank_layout_groups_cover_every_rank_once_and_tp_stays_in_a_node():
    layout = rank_layout(32, tp=4, pp=2, dp=4)
    for kind, size in (("tp", 4), ("pp", 2), ("dp", 4)):
        groups = layout[kind]
        assert all(len(g) == size for g in groups)
        assert sorted(r for g in groups for r in g) == list(range(32))
    gpus_per_node = 8
    assert all(len({r // gpus_per_node for r in g}) == 1 for g in layout["tp"])
    with pytest.raises(ValueError, match="world size"):
        rank_layout(30, tp=4, pp=2, dp=4)
