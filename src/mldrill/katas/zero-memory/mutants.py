"""Classic wrong ZeRO memory formulas, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def zero_memory(psi, n_gpus, stage, *, K=12):
    if stage == 0:
        return (2 + 2 + K) * psi
    if stage == 1:
        return 4 * psi + K * psi / n_gpus
    if stage == 2:
        return 2 * psi + (2 + K) * psi / n_gpus
    if stage == 3:
        return (4 + K) * psi / n_gpus
    raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3, got {stage}")
"""

PAPER = "reproduces the paper's 7.5B-parameter example"

MUTANTS = [
    mutant(
        "fp32 weights and gradients",
        "return (2 + 2 + K) * psi",
        "return (4 + 4 + K) * psi",
        "DDP holds 2 + 2 + K bytes per parameter",
        PAPER,
        "uses the K argument",  # it checks stage 0 with another K
    ),
    mutant(
        "stage 1 shards the gradients too",
        "return 4 * psi + K * psi / n_gpus",
        "return 2 * psi + (2 + K) * psi / n_gpus",
        "stage 1 partitions only the optimizer states",
        PAPER,
    ),
    mutant(
        "stage 2 shards the weights too",
        "return 2 * psi + (2 + K) * psi / n_gpus",
        "return (2 + K) * psi / n_gpus",
        "stage 2 keeps the fp16 weights whole",
        PAPER,
    ),
    mutant(
        "stage 3 without the gradients",
        "return (4 + K) * psi / n_gpus",
        "return (2 + K) * psi / n_gpus",
        "stage 3 partitions all 4 + K bytes",
        PAPER,
    ),
    mutant(
        "hard-coded 16 bytes",
        "return (2 + 2 + K) * psi",
        "return 16 * psi",
        "uses the K argument",
    ),
    mutant(
        "any other stage is full sharding",
        "    if stage == 3:\n        return (4 + K) * psi / n_gpus\n"
        '    raise ValueError(f"ZeRO stage must be 0, 1, 2 or 3, got {stage}")',
        "    return (4 + K) * psi / n_gpus",
        "rejects a stage outside 0..3",
    ),
]
