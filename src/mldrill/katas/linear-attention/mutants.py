"""Classic wrong linear attentions, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch
import torch.nn.functional as F

def linear_attention(q, k, v, *, causal=False, eps=1e-6):
    fq, fk = F.elu(q) + 1, F.elu(k) + 1
    if causal:
        kv = torch.cumsum(fk.unsqueeze(-1) * v.unsqueeze(-2), dim=-3)  # (..., T, hs, hv)
        z = torch.cumsum(fk, dim=-2)  # (..., T, hs)
        num = (fq.unsqueeze(-2) @ kv).squeeze(-2)  # (..., T, hv)
        den = (fq * z).sum(-1, keepdim=True)  # (..., T, 1)
    else:
        kv = fk.transpose(-1, -2) @ v  # (..., hs, hv)
        z = fk.sum(-2)  # (..., hs)
        num = fq @ kv  # (..., T, hv)
        den = fq @ z.unsqueeze(-1)  # (..., T, 1)
    return num / (den + eps)
"""

GENERIC = "non-causal: equals the quadratic kernel form"
CAUSAL = "causal: prefix sums, no future"
BATCH = "causal with batch and head dimensions"
EPS = "eps in the denominator"

MUTANTS = [
    Mutant(
        "causal with the full sums",
        (
            (
                "torch.cumsum(fk.unsqueeze(-1) * v.unsqueeze(-2), dim=-3)",
                "(fk.unsqueeze(-1) * v.unsqueeze(-2)).sum(-3, keepdim=True)",
            ),
            ("torch.cumsum(fk, dim=-2)", "fk.sum(-2, keepdim=True)"),
        ),
        CAUSAL,
        (BATCH,),
    ),
    Mutant(
        "prefix sums exclude the query's own key",
        (
            (
                "kv = torch.cumsum(fk.unsqueeze(-1) * v.unsqueeze(-2), dim=-3)",
                "kv = torch.cumsum(fk.unsqueeze(-1) * v.unsqueeze(-2), dim=-3) - fk.unsqueeze(-1) * v.unsqueeze(-2)",
            ),
            ("z = torch.cumsum(fk, dim=-2)", "z = torch.cumsum(fk, dim=-2) - fk"),
        ),
        CAUSAL,
        (BATCH,),
    ),
    Mutant(
        "cumsum along the first (batch) axis",
        (
            ("dim=-3)  # (..., T, hs, hv)", "dim=0)  # (..., T, hs, hv)"),
            ("torch.cumsum(fk, dim=-2)", "torch.cumsum(fk, dim=0)"),
        ),
        BATCH,
    ),
    mutant("eps ignored", "return num / (den + eps)", "return num / den", EPS),
    mutant("eps added after the division", "return num / (den + eps)", "return num / den + eps", EPS),
    mutant(
        "elu without the + 1",
        "fq, fk = F.elu(q) + 1, F.elu(k) + 1",
        "fq, fk = F.elu(q), F.elu(k)",
        GENERIC,
        # negative features change every output
        CAUSAL,
        BATCH,
        EPS,
    ),
    mutant(
        "never normalized",
        "return num / (den + eps)",
        "return num",
        GENERIC,
        CAUSAL,
        BATCH,
        EPS,
    ),
]
