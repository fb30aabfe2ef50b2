"""Hidden checks for the zero-memory kata. Expected values: the ZeRO paper's closed forms (Rajbhandari et al. 2020,
Fig. 1), which reproduce its 7.5B-parameter, 64-GPU example."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, Failure, Outcome, expect_scalar


def _mem(psi, n, stage, K=12):
    params, grads, opt = 2 * psi, 2 * psi, K * psi
    sharded = {0: (), 1: ("opt",), 2: ("opt", "grads"), 3: ("opt", "grads", "params")}[stage]
    parts = {"params": params, "grads": grads, "opt": opt}
    return float(sum(v / n if k in sharded else v for k, v in parts.items()))


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def model():
        return float(rng.integers(1, 200)) * 1e8, int(rng.choice([8, 16, 32, 64, 128, 256]))

    def cases(stage: int, n: int = 2):
        return [(*model(), stage, None) for _ in range(n)]

    def call(c) -> Call:
        psi, n, stage, K = c
        return Call((psi, n, stage), {} if K is None else {"K": K})

    def expect(cs):
        return expect_scalar([_mem(p, n, s, 12 if K is None else K) for p, n, s, K in cs], atol=0.0, rtol=1e-12)

    paper = [(7.5e9, 64, s, None) for s in range(4)]
    ddp, one, two, three = (cases(s) for s in range(4))
    k_other = [(p, n, 0, int(rng.choice([4, 8, 16]))) for p, n, *_ in cases(0, 2)]
    bad = [(1e9, 8, int(rng.choice([4, 5, -1])), None)]

    def raises(outcomes: list[Outcome]) -> str | Failure | None:
        (o,) = outcomes
        if o.error is None:
            return Failure(f"stage {bad[0][2]} returned {o.value!r} instead of raising ValueError", 0)
        if not o.error.startswith("ValueError"):
            return Failure(f"raised {o.error.split(':')[0]}, expected ValueError", 0)
        return None

    return [
        Check(
            "reproduces the paper's 7.5B-parameter example",
            "7.5e9 parameters on 64 GPUs: 120 GB (DDP), 31.4 (stage 1), 16.6 (stage 2), 1.875 (stage 3).",
            [call(c) for c in paper],
            expect(paper),
        ),
        Check(
            "DDP holds 2 + 2 + K bytes per parameter",
            "Stage 0 replicates everything: fp16 weights (2 B) and gradients (2 B) plus K bytes of optimizer "
            "state, per parameter, on every GPU: 16 Psi for Adam. The fp32 master weights are inside the K.",
            [call(c) for c in ddp],
            expect(ddp),
        ),
        Check(
            "stage 1 partitions only the optimizer states",
            "ZeRO-1: 4 Psi + K Psi / N. The fp16 weights and the gradients are still replicated; sharding the "
            "gradients too is stage 2.",
            [call(c) for c in one],
            expect(one),
        ),
        Check(
            "stage 2 keeps the fp16 weights whole",
            "ZeRO-2: 2 Psi + (2 + K) Psi / N. Gradients and optimizer states are sharded, but every GPU still "
            "holds the full fp16 weights for its forward and backward.",
            [call(c) for c in two],
            expect(two),
        ),
        Check(
            "stage 3 partitions all 4 + K bytes",
            "ZeRO-3 (FSDP's full sharding): (2 + 2 + K) Psi / N. Weights, gradients and optimizer states are all "
            "sharded; weights are gathered layer by layer when needed.",
            [call(c) for c in three],
            expect(three),
        ),
        Check(
            "uses the K argument",
            "K is the optimizer's bytes per parameter (12 for mixed-precision Adam, less for SGD with momentum or "
            "8-bit optimizers): a hard-coded 12 or 16 ignores it.",
            [call(c) for c in k_other],
            expect(k_other),
        ),
        Check(
            "rejects a stage outside 0..3",
            "There is no ZeRO stage 4 (or -1): returning some number for it hides a typo in a config. Raise "
            "ValueError.",
            [call(c) for c in bad],
            raises,
        ),
    ]
