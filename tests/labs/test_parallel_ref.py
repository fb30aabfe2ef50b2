"""mldrill.ref.parallel: the bubble formula against a slot-by-slot simulation, ZeRO against the paper's numbers."""

import pytest

from mldrill.ref.parallel import gpipe_schedule, idle_fraction, pipeline_bubble, zero_bytes_per_gpu


@pytest.mark.parametrize("p", [1, 2, 4, 8])
@pytest.mark.parametrize("m", [1, 3, 4, 16, 32])
def test_bubble_formula_matches_the_simulated_schedule(p: int, m: int) -> None:
    grid = gpipe_schedule(p, m)
    for s in range(p):  # every micro-batch runs forward and backward once per stage, backward after forward
        row = grid[s]
        for i in range(m):
            assert row.count(f"F{i}") == 1 and row.count(f"B{i}") == 1 and row.index(f"F{i}") < row.index(f"B{i}")
    for t in range(len(grid[0])):  # dependencies: stage s forwards i after stage s-1 did
        for s in range(1, p):
            cell = grid[s][t]
            if cell.startswith("F"):
                assert grid[s - 1].index(cell) < t
    assert idle_fraction(grid) == pytest.approx(pipeline_bubble(p, m), abs=1e-12)


def test_zero_paper_numbers() -> None:
    gb = {s: zero_bytes_per_gpu(7.5e9, 64, s) / 1e9 for s in ("DDP", "ZeRO-1", "ZeRO-2", "ZeRO-3")}
    assert gb["DDP"] == pytest.approx(120) and gb["ZeRO-1"] == pytest.approx(31.4, abs=0.05)
    assert gb["ZeRO-2"] == pytest.approx(16.6, abs=0.05) and gb["ZeRO-3"] == pytest.approx(1.875)
    with pytest.raises(ValueError, match="ZeRO-1"):
        zero_bytes_per_gpu(1, 1, "ZeRO-4")
