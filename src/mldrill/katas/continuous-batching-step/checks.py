"""Hidden checks for the continuous-batching-step kata. Expected values: the reference step (tested in
tests/ref/test_serving.py to replay mldrill.ref.serving.simulate_batching's continuous policy); request ids and
token counts are drawn per run."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Failure, Outcome, expect_equal


def _plain(x):
    """Tuples become lists on the way back from the submission: compare in that form."""
    if isinstance(x, tuple | list):
        return [_plain(v) for v in x]
    return x


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    ids = iter(f"req-{int(i)}" for i in rng.choice(10_000, size=60, replace=False))

    def req(remaining: int) -> tuple[str, int]:
        return (next(ids), remaining)

    def some(n: int, lo: int = 2, hi: int = 9) -> list[tuple[str, int]]:
        return [req(int(rng.integers(lo, hi))) for _ in range(n)]

    def check(name: str, why: str, cases: list[tuple[list, list, int]], ids_only: bool = False) -> Check:
        """ids_only: compare only which requests are in the batch and in the queue, in order (admission checks)."""
        calls = [Call((run, wait), {"max_batch": mb}) for run, wait, mb in cases]
        expected = [_plain(solution(run, wait, max_batch=mb)) for run, wait, mb in cases]
        if not ids_only:
            return Check(name, why, calls, expect_equal(expected))
        want = [[[r[0] for r in e[0]], [r[0] for r in e[1]]] for e in expected]

        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            for i, (o, w) in enumerate(zip(outcomes, want, strict=True)):
                if o.error is not None:
                    return Failure(f"call {i + 1}: raised {o.error}", i)
                try:
                    got = [[r[0] for r in o.value[0]], [r[0] for r in o.value[1]]]
                except (TypeError, IndexError, KeyError):
                    return Failure(f"call {i + 1}: expected (running, waiting, finished)", i, w, o.value)
                if got != w:
                    return Failure(
                        f"call {i + 1}: batch ids {got[0]} and queue ids {got[1]}, expected {w[0]} and {w[1]}",
                        i,
                        w,
                        got,
                    )
            return None

        return Check(name, why, calls, judge)

    # random states: some requests about to finish, a queue
    random = []
    for _ in range(3):
        mb = int(rng.integers(3, 7))
        run = [req(int(rng.integers(1, 5))) for _ in range(int(rng.integers(0, mb + 1)))]
        random.append((run, some(int(rng.integers(0, 5)), 1, 6), mb))

    mb = int(rng.integers(3, 6))
    refill = [(some(1), some(1), mb)]  # a free slot and a queue: admit now, not when the batch empties
    cap = [(some(mb), some(2), mb)]  # a full batch admits nobody
    fcfs = [([], some(2), mb)]  # two waiting, room for both: the older one first
    new_decode = [([], [req(int(rng.integers(2, 9)))], mb)]  # an empty batch admits one request, which decodes
    together = [([req(1), req(1), req(1), *some(2)], [], mb + 2)]  # three neighbours finish at the same step
    last = [([req(1), req(2), req(1)], [], mb)]  # remaining 1 produces its last token now

    return [
        check(
            "matches the reference scheduler step",
            "Admit oldest-first up to max_batch, decode one token for everyone in the batch, retire the requests "
            "that reached 0.",
            random,
        ),
        check(
            "free slots are refilled at every step",
            "Continuous batching admits a waiting request as soon as the batch has a free slot; waiting until the "
            "whole batch is done is static batching (head-of-line blocking).",
            refill,
            ids_only=True,
        ),
        check(
            "the batch never exceeds max_batch",
            "Admit while len(batch) < max_batch: <= lets one request too many in (memory for its KV cache was not "
            "budgeted).",
            cap,
            ids_only=True,
        ),
        check(
            "waiting requests are admitted first come, first served",
            "The queue is oldest first: pop(0), and admitted requests join the batch in that order. pop() serves "
            "the newest request and can starve old ones.",
            fcfs,
            ids_only=True,
        ),
        check(
            "admitted requests decode in the same step",
            "A request admitted at this step is part of this iteration's batch and produces its first token now "
            "(admit, then decode).",
            new_decode,
        ),
        check(
            "requests finishing together all retire",
            "Several requests can finish at the same step. Removing items from a list while iterating over it skips "
            "the element after each removal: build new lists instead.",
            together,
        ),
        check(
            "a request retires at its last token",
            "A request with remaining = 1 produces its last token at this step and leaves now, freeing its slot; "
            "checking for 0 before decoding keeps it one step too long.",
            last,
        ),
    ]
