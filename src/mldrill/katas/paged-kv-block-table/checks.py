"""Hidden checks for the paged-kv-block-table kata. Each check runs a script of operations on the submission and
on the reference allocator. Block ids are the submission's choice, so block tables are compared up to renaming:
the same table lengths, and the same pattern of which (sequence, position) pairs share a physical block. Slots are
checked against the submission's own tables; copy-on-write returns against the reference (a copy or not)."""

from __future__ import annotations

import copy
from typing import Any

from mldrill.grader.checks import Call, Check, Failure, Outcome, Step

Op = tuple[Any, ...]


def _steps(script: list[Op]) -> tuple[Step, ...]:
    out = []
    for op in script:
        if op[0] == "tables":
            out.append(Step(".tables"))
        elif op[0] == "free":
            out.append(Step("free_seq", (op[1],)))
        else:
            out.append(Step(op[0], tuple(op[1:])))
    return tuple(out)


def _replay(solution, num_blocks: int, bs: int, script: list[Op]) -> list[Any]:
    alloc = solution(num_blocks, bs)
    out: list[Any] = []
    for op in script:
        if op[0] == "tables":
            out.append({k: list(v) for k, v in alloc.tables.items()})
        elif op[0] == "free":
            out.append(alloc.free_seq(op[1]))
        else:
            out.append(copy.deepcopy(getattr(alloc, op[0])(*op[1:])))  # allocate returns the live table
    return out


def _sharing(tables: dict[str, list[int]]) -> set[frozenset[tuple[str, int]]]:
    """Which (sequence, position) pairs hold the same physical block: the table up to a renaming of block ids."""
    groups: dict[int, set[tuple[str, int]]] = {}
    for seq, table in tables.items():
        for i, b in enumerate(table):
            groups.setdefault(int(b), set()).add((seq, i))
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def _judge(script: list[Op], expected: list[Any], num_blocks: int, bs: int, *, error: str | None = None):
    def judge(outcomes: list[Outcome]) -> str | Failure | None:
        o = outcomes[0]
        if o.error is not None:
            if error is not None and o.error.startswith(error):
                return None
            return Failure(f"raised {o.error}", 0)
        if error is not None:
            return Failure(f"expected {error} (more blocks requested than are free); nothing was raised", 0)
        tables: dict[str, list[int]] = {}
        for k, (op, got, want) in enumerate(zip(script, o.value, expected, strict=True)):
            where = f"step {k + 1} ({op[0]}{tuple(op[1:]) if len(op) > 1 else ''})"
            if op[0] == "allocate":
                if not isinstance(got, list) or len(got) != len(want):
                    n = len(got) if isinstance(got, list) else got
                    return Failure(f"{where}: returned {n} blocks, expected ceil({op[2]} / {bs}) = {len(want)}", 0)
            elif op[0] == "append":
                if (got is None) != (want is None):
                    what = "a copy (src, dst)" if want is not None else "None (no copy)"
                    return Failure(f"{where}: returned {got!r}, expected {what}", 0)
            elif op[0] == "tables":
                if not isinstance(got, dict) or sorted(got) != sorted(want):
                    keys = sorted(got) if isinstance(got, dict) else got
                    return Failure(f"{where}: tables has sequences {keys}, expected {sorted(want)}", 0)
                for seq in want:
                    if len(got[seq]) != len(want[seq]):
                        return Failure(
                            f"{where}: {seq!r} holds {len(got[seq])} blocks, expected {len(want[seq])}", 0, want, got
                        )
                    if any(not 0 <= int(b) < num_blocks for b in got[seq]):
                        return Failure(f"{where}: {seq!r} has a block id outside 0..{num_blocks - 1}", 0, want, got)
                if _sharing(got) != _sharing(want):
                    shared, should = (sorted(sorted(g) for g in _sharing(t)) for t in (got, want))
                    return Failure(
                        f"{where}: blocks are shared differently (up to renaming): shared here {shared}, "
                        f"expected {should}",
                        0,
                        want,
                        got,
                    )
                tables = got
            elif op[0] == "slots":
                table = tables.get(op[1], [])
                n = len(want)
                good = [int(table[t // bs]) * bs + t % bs for t in range(n)] if len(table) * bs >= n else None
                if good is None or got != good:
                    return Failure(f"{where}: slots {got}, expected {good} from the block table {table}", 0, good, got)
        return None

    return judge


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def check(name: str, why: str, num_blocks: int, bs: int, script: list[Op], error: str | None = None) -> Check:
        expected = [] if error else _replay(solution, num_blocks, bs, script)
        call = Call((num_blocks, bs), steps=_steps(script))
        return Check(name, why, [call], _judge(script, expected, num_blocks, bs, error=error))

    bs = int(rng.integers(3, 7))
    names = [f"req{int(i)}" for i in rng.choice(1000, size=6, replace=False)]
    a, b, c, d, e, f = names

    # -- a random life: prompts, decode steps, a fork, frees
    life: list[Op] = [("allocate", a, int(rng.integers(1, 4 * bs))), ("allocate", b, int(rng.integers(1, 4 * bs)))]
    life += [("append", a) for _ in range(int(rng.integers(bs, 2 * bs)))] + [("tables",)]
    life += [("fork", a, c), ("append", c), ("append", a), ("tables",), ("free", b), ("allocate", d, 2 * bs + 1)]
    life += [("append", c) for _ in range(bs)] + [("tables",), ("free", a), ("tables",), ("slots", c)]

    counts = [("allocate", a, 2 * bs), ("allocate", b, bs + 1), ("allocate", c, int(rng.integers(1, bs))), ("tables",)]

    n_a = bs * int(rng.integers(1, 3))  # multiples of bs: every allocation rule agrees on these
    grow: list[Op] = [("allocate", a, n_a), ("append", a), ("tables",)]
    grow += [("append", a) for _ in range(bs - 1)] + [("tables",), ("append", a), ("tables",)]

    # (allocations are whole blocks here and below, then grown by append: only the counts check sees ceil vs floor)
    cow: list[Op] = [("allocate", a, bs), ("append", a), ("fork", a, b), ("tables",)]
    cow += [("append", b), ("tables",), ("append", a), ("tables",), ("append", b), ("tables",)]

    # p's blocks stay with its fork after p is freed; the next allocation must not get them
    share_free: list[Op] = [("allocate", a, bs), ("fork", a, b), ("free", a), ("allocate", c, 2 * bs), ("tables",)]
    total = 1 + 2  # exactly enough blocks for b's one and c's two

    n_blocks = int(rng.integers(4, 7))
    full: list[Op] = [("allocate", f"s{i}", bs) for i in range(n_blocks)] + [("allocate", e, bs)]
    reuse: list[Op] = [("allocate", f"s{i}", bs) for i in range(n_blocks)]
    reuse += [("free", "s0"), ("free", "s1"), ("allocate", e, 2 * bs), ("tables",)]

    slots: list[Op] = [("allocate", a, 2 * bs), ("allocate", f, bs), ("tables",), ("slots", a), ("slots", f)]

    return [
        check(
            "keeps valid block tables through a serving script",
            "Prompts, decode steps, a fork and frees: every table has ceil(len / block_size) blocks, blocks are "
            "shared only between a sequence and its fork, and slots follow the tables.",
            64,
            bs,
            life,
        ),
        check(
            "a sequence of n tokens holds ceil(n / block_size) blocks",
            "n tokens need ceil(n / block_size) blocks: n // block_size loses the partly-filled last block.",
            16,
            bs,
            counts,
        ),
        check(
            "append takes a new block only when the last one is full",
            "A sequence with n tokens has room in its last block unless n % block_size == 0: taking a block a token "
            "early wastes a block per sequence, a token late overwrites the next block.",
            16,
            bs,
            grow,
        ),
        check(
            "fork shares blocks; writing to a shared block copies it first",
            "fork copies nothing: the child's table points at the parent's blocks (refcount + 1). The first append "
            "into a shared last block must copy it (copy-on-write) and return (src, dst); after that the block "
            "belongs to the other sequence alone, and its appends copy nothing.",
            16,
            bs,
            cow,
        ),
        check(
            "freeing a forked sequence keeps the blocks its fork still uses",
            "free_seq decrements each block's reference count and frees only blocks that reach 0: freeing a "
            "parent must not hand its fork's blocks to the next sequence.",
            total,
            bs,
            share_free,
        ),
        check(
            "running out of blocks raises RuntimeError",
            "When no block is free, allocate must raise RuntimeError (the scheduler then preempts a sequence) "
            "instead of handing out an id that is not there or crashing on an empty list.",
            n_blocks,
            bs,
            full,
            error="RuntimeError",
        ),
        check(
            "freed blocks are reused",
            "free_seq returns unshared blocks to the free pool: with every block allocated, freeing two sequences "
            "must make room for a new one of two blocks (a leak fills the cache for good).",
            n_blocks,
            bs,
            reuse,
        ),
        check(
            "slot of token t is table[t // block_size] * block_size + t % block_size",
            "The block index is t // block_size and the offset inside it t % block_size; the slot is the physical "
            "block's start plus the offset.",
            16,
            bs,
            slots,
        ),
    ]
