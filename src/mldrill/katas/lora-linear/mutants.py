"""Classic wrong batched LoRA layers, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

def batched_lora(x, weight, A, B, adapter_idx, *, scaling):
    a = A[adapter_idx]  # (N, r, d_in)
    b = B[adapter_idx]  # (N, d_out, r)
    ax = torch.bmm(a, x.unsqueeze(-1))  # (N, r, 1)
    update = torch.bmm(b, ax).squeeze(-1)  # (N, d_out)
    return x @ weight.T + scaling * update
"""

GENERIC = "matches a per-request loop over merged weights"
ROWS = "each row uses its own adapter"
SCALE = "the scale multiplies the low-rank path only"
BASE = "the weight is stored (d_out, d_in): the base output is x W^T"
DELTA = "the update is x (B A)^T, in the weight's orientation"
INIT = "with B = 0 the output is exactly the base layer"

MUTANTS = [
    mutant(
        "base weight used as (d_in, d_out)",
        "x @ weight.T",
        "x @ weight",
        BASE,
        # with d_in != d_out, x @ W raises: every check with a non-square weight fails on the crash
        GENERIC,
        ROWS,
        SCALE,
        INIT,
    ),
    Mutant(
        "transposed update x (B A)",
        (
            ("    ax = torch.bmm(a, x.unsqueeze(-1))  # (N, r, 1)\n", ""),
            ("torch.bmm(b, ax).squeeze(-1)", "torch.bmm(x.unsqueeze(1), torch.bmm(b, a)).squeeze(1)"),
        ),
        DELTA,
        # with d_in != d_out the (N, 1, d_in) @ (N, d_out, d_in) product raises in every non-square check
        (GENERIC, ROWS, SCALE, INIT),
    ),
    Mutant(
        "the first request's adapter for the whole batch",
        (
            ("A[adapter_idx]", "A[adapter_idx[0]].expand(len(x), -1, -1)"),
            ("B[adapter_idx]", "B[adapter_idx[0]].expand(len(x), -1, -1)"),
        ),
        ROWS,
        (GENERIC,),
    ),
    mutant(
        "scale applied to the frozen base too",
        "x @ weight.T + scaling * update",
        "scaling * (x @ weight.T + update)",
        SCALE,
        GENERIC,
    ),
    mutant("scale forgotten", "scaling * update", "update", SCALE, GENERIC),
]
