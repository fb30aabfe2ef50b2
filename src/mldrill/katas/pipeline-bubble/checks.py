"""Hidden checks for the pipeline-bubble kata. Expected grids: list scheduling in closed form (each op starts at
max(its stage's previous op + 1, its dependency + 1), resolved in passes), not a slot-by-slot simulation; for GPipe
and 1F1B the idle fraction is also the closed form (p - 1) / (m + p - 1)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Failure, Outcome


def _gpipe(p: int, m: int) -> list[list[str]]:
    return [[f"F{i}" for i in range(m)] + [f"B{i}" for i in range(m - 1, -1, -1)] for _ in range(p)]


def _one_f_one_b(p: int, m: int) -> list[list[str]]:
    rows = []
    for s in range(p):
        warm = min(p - s, m)
        row = [f"F{i}" for i in range(warm)]
        for b in range(m):
            row.append(f"B{b}")
            if warm + b < m:
                row.append(f"F{warm + b}")
        rows.append(row)
    return rows


def _schedule(order):
    p = len(order)
    start: dict[tuple[str, int], int] = {}
    while len(start) < sum(map(len, order)):
        for s, ops in enumerate(order):
            prev = -1
            for op in ops:
                if (op, s) in start:
                    prev = start[(op, s)]
                    continue
                if op[0] == "F":
                    dep = None if s == 0 else (op, s - 1)
                else:
                    dep = ("F" + op[1:], s) if s == p - 1 else (op, s + 1)
                if dep is not None and dep not in start:
                    break
                start[(op, s)] = max(prev + 1, -1 if dep is None else start[dep] + 1)
                prev = start[(op, s)]
    slots = max(start.values()) + 1
    grid = [[""] * slots for _ in range(p)]
    for (op, s), k in start.items():
        grid[s][k] = op
    return grid, sum(c == "" for row in grid for c in row) / (p * slots)


def _forwards(grid):
    rows = [[c if isinstance(c, str) and c.startswith("F") else "" for c in row] for row in grid]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return rows


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def judge(orders, part: str = "both", closed_form: bool = False):
        want = [_schedule(o) for o in orders]

        def run(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, (grid, idle), order) in enumerate(zip(outcomes, want, orders, strict=True)):
                if o.error is not None:
                    return Failure(f"call {i + 1}: raised {o.error}", i, (grid, idle))
                try:
                    got_grid, got_idle = o.value
                    got_grid = [list(row) for row in got_grid]
                    got_idle = float(got_idle)
                except (TypeError, ValueError):
                    return Failure(f"call {i + 1}: expected a tuple (grid, idle)", i, (grid, idle), o.value)
                if part == "forwards":  # only where the forwards ran (the backwards' bugs are other checks')
                    grid, got_grid = _forwards(grid), _forwards(got_grid)
                if part in ("both", "grid", "forwards") and got_grid != grid:
                    bad = next((s for s in range(len(grid)) if s >= len(got_grid) or got_grid[s] != grid[s]), 0)
                    return Failure(f"call {i + 1}: stage {bad}'s row of the grid differs", i, grid, got_grid)
                if part in ("both", "idle"):
                    p, m = len(order), len(order[0]) // 2
                    target = (p - 1) / (m + p - 1) if closed_form else idle
                    if abs(got_idle - target) > 1e-12:
                        return Failure(
                            f"call {i + 1}: idle = {got_idle:.6g}, expected {target:.6g}", i, target, got_idle
                        )
            return None

        return run

    p, m = int(rng.integers(3, 6)), int(rng.integers(4, 9))
    random = [_gpipe(p, m), _one_f_one_b(p, m), _one_f_one_b(int(rng.integers(2, 5)), int(rng.integers(2, 7)))]
    fill = [_gpipe(int(rng.integers(2, 6)), int(rng.integers(1, 6)))]
    p2 = int(rng.integers(3, 6))
    # a backward-first order on the LAST stage only: stage p-1 can run B right after its F
    drain = [_one_f_one_b(p2, int(rng.integers(p2, p2 + 4)))]
    bubble = [_gpipe(int(rng.integers(2, 8)), int(rng.integers(1, 12))), _one_f_one_b(4, int(rng.integers(4, 16)))]
    ragged = [_one_f_one_b(int(rng.integers(3, 6)), int(rng.integers(3, 8)))]

    return [
        Check(
            "matches GPipe and 1F1B schedules",
            "Each stage runs its list in order, each op one slot after both its stage's previous op and its "
            "dependency (F from the stage before, B from the stage after); idle = idle cells / all cells.",
            [Call((o,)) for o in random],
            judge(random),
        ),
        Check(
            "a forward waits for the previous stage",
            "F i on stage s can start only in the slot AFTER stage s - 1 finished it: the pipeline fills one stage "
            "per slot. Letting it run in the same slot makes the fill free and the bubble vanish. (Judged on the "
            "forward cells.)",
            [Call((o,)) for o in fill],
            judge(fill, part="forwards"),
        ),
        Check(
            "backwards flow from the last stage",
            "B i on stage s needs B i from stage s + 1 (the gradient comes from the layers above), and the last "
            "stage's B i needs its own F i. Waiting on stage s - 1 runs the backward pass the wrong way.",
            [Call((o,)) for o in drain],
            judge(drain, part="grid"),
        ),
        Check(
            "the idle fraction is the bubble (p - 1) / (m + p - 1)",
            "idle = idle cells / (p * slots), counted on the grid: for GPipe and 1F1B it equals (p - 1) / "
            "(m + p - 1). Dividing by the busy cells, or using the large-m shortcut (p - 1) / m, is not it.",
            [Call((o,)) for o in bubble],
            judge(bubble, part="idle", closed_form=True),
        ),
        Check(
            "finished stages idle until the end",
            "Every row spans the whole run: stage 0 finishes 1F1B's last backward after stage p - 1 is done, and "
            "the stages that are done early still hold idle cells. Ragged rows under-count the bubble.",
            [Call((o,)) for o in ragged],
            judge(ragged, part="grid"),
        ),
    ]
