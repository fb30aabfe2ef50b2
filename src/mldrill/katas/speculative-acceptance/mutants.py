"""Classic wrong speculative-decoding verifiers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def verify_draft(p, q, draft, *, generator=None):
    B, k, V = q.shape
    idx = draft.long().unsqueeze(-1)
    p_x = p[:, :k].gather(-1, idx).squeeze(-1)
    q_x = q.gather(-1, idx).squeeze(-1)
    u = torch.rand(B, k, generator=generator, dtype=p.dtype)
    accept = u < torch.clamp(p_x / q_x, max=1.0)
    n_acc = accept.long().cumprod(-1).sum(-1)
    rows = torch.arange(B)
    pos = n_acc.clamp(max=k - 1)
    residual = (p[rows, pos] - q[rows, pos]).clamp(min=0.0)
    bonus = p[:, k]
    dist = torch.where((n_acc == k).unsqueeze(-1), bonus, residual)
    return n_acc, torch.multinomial(dist, 1, generator=generator).squeeze(-1)
"""

GENERIC = "emitted tokens follow the target distribution"

MUTANTS = [
    mutant(
        "ratio inverted (q / p)",
        "torch.clamp(p_x / q_x, max=1.0)",
        "torch.clamp(q_x / p_x, max=1.0)",
        "accepts a draft with probability min(1, p/q)",
        GENERIC,
        "the accepted prefix ends at the first rejection",  # q / 0 = inf there: a draft p rules out is accepted
    ),
    mutant(
        "accept with p(x), ignoring q",
        "torch.clamp(p_x / q_x, max=1.0)",
        "p_x",
        "accepts a draft with probability min(1, p/q)",
        GENERIC,
        "all drafts accepted: a bonus token from p[k]",  # crashes: it rejects where p = q, an all-zero residual
    ),
    mutant(
        "residual |p - q|",
        "(p[rows, pos] - q[rows, pos]).clamp(min=0.0)",
        "(p[rows, pos] - q[rows, pos]).abs()",
        "a rejection resamples from norm(max(0, p - q))",
        GENERIC,
    ),
    mutant(
        "replacement drawn from p",
        "(p[rows, pos] - q[rows, pos]).clamp(min=0.0)",
        "p[rows, pos]",
        "a rejection resamples from norm(max(0, p - q))",
        GENERIC,
    ),
    mutant(
        "bonus from the last drafted position",
        "bonus = p[:, k]",
        "bonus = p[:, k - 1]",
        "all drafts accepted: a bonus token from p[k]",
    ),
    mutant(
        "no bonus token (a residual instead)",
        "torch.where((n_acc == k).unsqueeze(-1), bonus, residual)",
        "residual",
        "all drafts accepted: a bonus token from p[k]",
    ),
    mutant(
        "counts every accepted draft, not the prefix",
        "accept.long().cumprod(-1).sum(-1)",
        "accept.long().sum(-1)",
        "the accepted prefix ends at the first rejection",
        GENERIC,
    ),
]
