"""Classic wrong pipeline simulators, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
def pipeline_schedule(order):
    p = len(order)
    done = {}
    pos = [0] * p
    grid = [[] for _ in range(p)]
    slot = 0
    while any(pos[s] < len(order[s]) for s in range(p)):
        ran = []
        for s in range(p):
            if pos[s] == len(order[s]):
                grid[s].append("")
                continue
            op = order[s][pos[s]]
            if op[0] == "F":
                dep = None if s == 0 else (op, s - 1)
            else:
                dep = ("F" + op[1:], s) if s == p - 1 else (op, s + 1)
            ready = dep is None or (dep in done and done[dep] < slot)
            grid[s].append(op if ready else "")
            if ready:
                ran.append((op, s))
                pos[s] += 1
        for key in ran:
            done[key] = slot
        slot += 1
    cells = [c for row in grid for c in row]
    return grid, sum(c == "" for c in cells) / len(cells)
"""

GENERIC = "matches GPipe and 1F1B schedules"
BUBBLE = "the idle fraction is the bubble (p - 1) / (m + p - 1)"

MUTANTS = [
    Mutant(
        "forward in the same slot",
        (
            ("ready = dep is None or (dep in done and done[dep] < slot)", "ready = dep is None or dep in done"),
            (
                "            if ready:\n                ran.append((op, s))",
                "            if ready:\n                done[(op, s)] = slot",
            ),
        ),
        "a forward waits for the previous stage",
        (GENERIC, "backwards flow from the last stage", BUBBLE, "finished stages idle until the end"),
    ),
    mutant(
        "backward waits on the stage before",
        'dep = ("F" + op[1:], s) if s == p - 1 else (op, s + 1)',
        'dep = ("F" + op[1:], s) if s == 0 else (op, s - 1)',
        "backwards flow from the last stage",
        GENERIC,
        BUBBLE,
        "finished stages idle until the end",
    ),
    mutant(
        "idle over busy cells",
        'return grid, sum(c == "" for c in cells) / len(cells)',
        'return grid, sum(c == "" for c in cells) / sum(c != "" for c in cells)',
        BUBBLE,
        GENERIC,
    ),
    mutant(
        "(p - 1) / m",
        'return grid, sum(c == "" for c in cells) / len(cells)',
        "return grid, (p - 1) / (len(order[0]) // 2)",
        BUBBLE,
        GENERIC,
    ),
    mutant(
        "ragged rows",
        '                grid[s].append("")\n                continue',
        "                continue",
        "finished stages idle until the end",
        GENERIC,
        BUBBLE,
        "a forward waits for the previous stage",  # GPipe's stage 1 finishes before stage 0 too
        "backwards flow from the last stage",
    ),
]
