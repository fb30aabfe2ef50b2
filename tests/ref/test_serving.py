"""Roofline numbers, paged KV blocks (M31), static vs continuous batching."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.serving import BatchStats, BlockAllocator, batching_step, decode_intensity, roofline, simulate_batching

H100_PEAK, H100_BW = 989e12, 3.35e12


def test_decode_is_bandwidth_bound_at_batch_1():
    assert decode_intensity(8e9, batch=1, bytes_per_param=2) == pytest.approx(1.0)
    assert decode_intensity(8e9, batch=64, bytes_per_param=2) == pytest.approx(64.0)
    ridge = H100_PEAK / H100_BW
    assert 290 < ridge < 300
    assert roofline(1.0, peak_flops=H100_PEAK, bandwidth=H100_BW) == pytest.approx(H100_BW)  # 0.3% of peak
    assert roofline(1000.0, peak_flops=H100_PEAK, bandwidth=H100_BW) == H100_PEAK


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=6), st.integers(1, 8))
def test_blocks_are_ceil_len_over_block_and_waste_is_under_one_block_M31(lengths, bs):
    alloc = BlockAllocator(num_blocks=1000, block_size=bs)
    for i, n in enumerate(lengths):
        alloc.allocate(f"s{i}", n)
        for _ in range(3):
            alloc.append(f"s{i}")
        assert len(alloc.tables[f"s{i}"]) == math.ceil((n + 3) / bs)
        assert 0 <= alloc.waste(f"s{i}") < bs
    used = {b for t in alloc.tables.values() for b in t}
    assert len(used) == sum(len(t) for t in alloc.tables.values())  # no block shared without a fork


def test_freed_blocks_are_reused_and_exhaustion_is_an_error():
    alloc = BlockAllocator(num_blocks=4, block_size=2)
    alloc.allocate("a", 4)
    alloc.allocate("b", 3)
    with pytest.raises(RuntimeError, match="out of KV blocks"):
        alloc.allocate("c", 1)
    freed = set(alloc.tables["a"])
    alloc.free_seq("a")
    assert set(alloc.allocate("c", 4)) == freed


def test_fork_shares_blocks_and_copies_on_write():
    alloc = BlockAllocator(num_blocks=10, block_size=4)
    alloc.allocate("p", 6)  # blocks [0, 1], the second half full
    alloc.fork("p", "c")
    assert alloc.tables["c"] == alloc.tables["p"] and alloc.refcount[1] == 2
    copy = alloc.append("c")  # writing into shared block 1: copy it first
    assert copy is not None and copy[0] == 1
    assert alloc.tables["c"][0] == alloc.tables["p"][0]  # the full prefix block stays shared
    assert alloc.tables["c"][1] != alloc.tables["p"][1]
    assert alloc.append("p") is None  # block 1 is now the parent's alone
    alloc.free_seq("p")
    alloc.free_seq("c")
    assert len(alloc.free) == 10 and not alloc.refcount


def test_continuous_batching_beats_static_on_mixed_lengths():
    lengths = [50, 2, 3, 48, 5, 4, 49, 1]
    s = simulate_batching(lengths, max_batch=4, policy="static")
    c = simulate_batching(lengths, max_batch=4, policy="continuous")
    assert s.steps == 50 + 49  # two batches, each as long as its longest request
    assert c.steps <= s.steps and c.mean_completion < s.mean_completion
    one = [17]
    assert simulate_batching(one, max_batch=4, policy="static") == simulate_batching(
        one, max_batch=4, policy="continuous"
    )
    with pytest.raises(ValueError, match="policy"):
        simulate_batching(one, max_batch=1, policy="dynamic")


def test_slots_address_every_token_once_and_follow_the_block_table():
    alloc = BlockAllocator(num_blocks=8, block_size=4)
    alloc.allocate("a", 3)
    alloc.allocate("b", 6)
    for _ in range(3):
        alloc.append("a")  # a: 6 tokens in two blocks
    slots = {s: alloc.slots(s) for s in ("a", "b")}
    assert [len(v) for v in slots.values()] == [6, 6]
    assert len(set(slots["a"]) | set(slots["b"])) == 12  # no slot shared between unrelated sequences
    for s, v in slots.items():
        table = alloc.tables[s]
        assert [x // 4 for x in v] == [table[0]] * 4 + [table[1]] * 2  # tokens fill a block before the next
        assert [x % 4 for x in v] == [0, 1, 2, 3, 0, 1]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=12), st.integers(1, 5))
def test_batching_steps_replay_the_continuous_simulation(lengths, max_batch):
    running: list[tuple[str, int]] = []
    waiting = [(f"r{i}", n) for i, n in enumerate(lengths)]
    t, done = 0, []
    while running or waiting:
        running, waiting, finished = batching_step(running, waiting, max_batch=max_batch)
        t += 1
        assert len(running) <= max_batch
        done += [t] * len(finished)
    assert BatchStats(t, sum(done) / len(done)) == simulate_batching(lengths, max_batch=max_batch, policy="continuous")
