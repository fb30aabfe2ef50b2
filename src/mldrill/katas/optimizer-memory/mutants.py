"""Classic wrong training-memory accountings, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
BYTES_PER_PARAM = {
    "sgd": 4,  # fp32 weights
    "sgd-momentum": 4 + 4,  # + one fp32 momentum buffer
    "adam-states": 4 + 4,  # m and v, fp32 whatever the training precision
    "adam-fp32": 4 + 4 + 4 + 4,  # weights, grads, m, v
    "adam-mixed": 2 + 2 + 4 + 4 + 4,  # bf16 weights and grads, fp32 master weights, m, v
    "adam-8bit-states": 1 + 1,
}

def optimizer_bytes(n_params, scheme="adam-mixed"):
    if scheme not in BYTES_PER_PARAM:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {sorted(BYTES_PER_PARAM)}")
    return float(n_params * BYTES_PER_PARAM[scheme])
"""

MUTANTS = [
    mutant(
        "momentum buffer forgotten",
        '"sgd-momentum": 4 + 4,',
        '"sgd-momentum": 4,',
        "SGD: weights, plus a momentum buffer",
    ),
    mutant(
        "Adam states in 16 bits",
        '"adam-states": 4 + 4,',
        '"adam-states": 2 + 2,',
        "Adam's m and v are fp32: 8 B/param (M15)",
    ),
    mutant(
        "fp32 Adam without gradients",
        '"adam-fp32": 4 + 4 + 4 + 4,',
        '"adam-fp32": 4 + 4 + 4,',
        "full fp32 Adam training: 16 B/param",
    ),
    mutant(
        "mixed precision without the fp32 master copy",
        '"adam-mixed": 2 + 2 + 4 + 4 + 4,',
        '"adam-mixed": 2 + 2 + 4 + 4,',
        "mixed-precision Adam: 16 B/param with an fp32 master copy (M15)",
    ),
    mutant(
        "8-bit states counted once", '"adam-8bit-states": 1 + 1,', '"adam-8bit-states": 1,', "8-bit optimizer states"
    ),
    mutant(
        "unknown scheme returns 0",
        'raise ValueError(f"unknown scheme {scheme!r}; expected one of {sorted(BYTES_PER_PARAM)}")',
        "return 0.0",
        "an unknown scheme raises ValueError",
    ),
]
