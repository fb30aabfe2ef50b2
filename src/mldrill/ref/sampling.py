"""Decoding-time logit processors, sampling and beam search.

All filters take logits (..., V) and return logits of the same shape with removed tokens at -inf, so they compose;
`sample` applies them in the conventional order temperature -> top-k -> top-p -> min-p (HF's order), then draws.

- temperature T: logits / T. Ranking unchanged; T -> 0 approaches argmax, and T == 0 *is* argmax (special-cased).
- top-k: keep the k largest logits. Ties at the k-th value are all kept (as HF `TopKLogitsWarper`), so the support
  can exceed k.
- top-p (nucleus, Holtzman et al., 2020): keep the *smallest* prefix of tokens sorted by probability whose mass is
  >= p, **including the token that crosses p** (M32). Rule used: a token is kept iff the probability mass strictly
  before it is < p, computed in float64. A cumulative sum exactly equal to p stops at that token; at least one token
  is always kept. Tokens are ordered by logit (distinct logits can round to equal probabilities); among equal logits
  the lower index comes first, while HF's `TopPLogitsWarper` prefers the higher one: the only difference from it.
- min-p (Nguyen et al., 2024): keep tokens with prob >= min_p * max prob.
- repetition penalty (Keskar et al., 2019, CTRL): for tokens already generated, divide positive logits by the penalty
  and multiply negative ones (dividing a negative logit would *raise* its probability).
- beam search: keep the `beam_width` best partial sequences by summed log-prob; finished hypotheses are ranked by
  sum log p / len^alpha (len = generated tokens; GNMT uses ((5 + len) / 6)^alpha instead).

Every random function takes a `torch.Generator`. Tested against HF `TopKLogitsWarper`, `TopPLogitsWarper`,
`MinPLogitsWarper`, `RepetitionPenaltyLogitsProcessor`, brute-force search, and chi-square tests of the sampled
frequencies (tests/ref/test_sampling.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

NEG_INF = float("-inf")


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """logits / T; T == 0 keeps only the argmax (first index on ties)."""
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        keep = torch.zeros_like(logits, dtype=torch.bool).scatter_(-1, logits.argmax(-1, keepdim=True), True)
        return logits.masked_fill(~keep, NEG_INF)
    return logits / temperature


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest logits (and anything tied with the k-th)."""
    if k <= 0:
        raise ValueError(f"k must be >= 1, got {k}")
    k = min(k, logits.size(-1))
    kth = torch.topk(logits, k, dim=-1).values[..., -1:]  # (..., 1)
    return logits.masked_fill(logits < kth, NEG_INF)


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest most-probable prefix with mass >= p, the crossing token included (M32)."""
    if not 0.0 < p <= 1.0:
        raise ValueError(f"p must be in (0, 1], got {p}")
    if p == 1.0:  # the running mass rounds to 1.0 before the tail's tiny probabilities: it would drop them
        return logits.clone()
    # sort the logits, not the probabilities: distinct logits can round to equal probabilities
    order = torch.sort(logits, dim=-1, descending=True, stable=True).indices  # (..., V)
    sorted_probs = torch.gather(torch.softmax(logits.double(), dim=-1), -1, order)
    mass_before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs  # exclusive cumsum
    keep_sorted = mass_before < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)  # back to vocabulary order
    return logits.masked_fill(~keep, NEG_INF)


def top_p_probs(logits: torch.Tensor, p: float, *, temperature: float = 1.0) -> torch.Tensor:
    """The distribution top-p sampling draws from: softmax(logits / T) restricted to the nucleus and renormalised
    (removed tokens have probability exactly 0). Temperature first: it changes which tokens are in the nucleus."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return torch.softmax(top_p_filter(logits / temperature, p), dim=-1)


def min_p_filter(logits: torch.Tensor, min_p: float) -> torch.Tensor:
    """Keep tokens whose probability is at least min_p times the top token's."""
    probs = torch.softmax(logits, dim=-1)
    threshold = min_p * probs.max(dim=-1, keepdim=True).values  # (..., 1)
    return logits.masked_fill(probs < threshold, NEG_INF)


def repetition_penalty(logits: torch.Tensor, prev_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """logits (B, V), prev_ids (B, T): each seen token's logit / penalty if > 0, * penalty if < 0 (once per token)."""
    seen = torch.gather(logits, -1, prev_ids)  # (B, T)
    seen = torch.where(seen > 0, seen / penalty, seen * penalty)
    return logits.scatter(-1, prev_ids, seen)


def sample(
    logits: torch.Tensor,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    min_p: float | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Draw one token per row of logits (B, V) -> (B,). temperature == 0 is greedy (argmax, first index on ties)."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = apply_temperature(logits, temperature)
    if top_k is not None:
        logits = top_k_filter(logits, top_k)
    if top_p is not None:
        logits = top_p_filter(logits, top_p)
    if min_p is not None:
        logits = min_p_filter(logits, min_p)
    probs = torch.softmax(logits.float(), dim=-1)  # (B, V)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)  # (B,)


@dataclass(frozen=True)
class Hypothesis:
    tokens: tuple[int, ...]
    logprob: float
    score: float  # logprob / len^alpha


def beam_search(
    step_fn: Callable[[torch.Tensor], torch.Tensor],
    prompt: Sequence[int],
    *,
    beam_width: int,
    max_new_tokens: int,
    eos_id: int | None = None,
    alpha: float = 0.0,
    length_penalty: Literal["power", "gnmt"] = "power",
) -> list[Hypothesis]:
    """Beam search. step_fn(seqs (n, t) long) -> log-probs (n, V) of the next token. Returns hypotheses, best first.

    A hypothesis ends at eos (kept, eos included) or at max_new_tokens. Candidates with equal scores keep the order of
    `torch.topk` on the flattened (beam, token) grid.
    """
    alive: list[tuple[tuple[int, ...], float]] = [((), 0.0)]  # (generated tokens, summed log-prob)
    finished: list[Hypothesis] = []

    def finish(toks: tuple[int, ...], lp: float) -> None:
        n = max(len(toks), 1)
        norm = n**alpha if length_penalty == "power" else ((5 + n) / 6) ** alpha  # GNMT (Wu et al., 2016)
        finished.append(Hypothesis(toks, lp, lp / norm))

    for _ in range(max_new_tokens):
        if not alive:
            break
        seqs = torch.tensor([list(prompt) + list(t) for t, _ in alive], dtype=torch.long)  # (n, t)
        logp = step_fn(seqs).double()  # (n, V)
        total = torch.tensor([lp for _, lp in alive], dtype=torch.float64)[:, None] + logp  # (n, V)
        V = total.size(-1)
        n_cand = min(2 * beam_width, total.numel())
        best = torch.topk(total.flatten(), n_cand)
        new_alive: list[tuple[tuple[int, ...], float]] = []
        for val, flat in zip(best.values.tolist(), best.indices.tolist(), strict=True):
            if val == NEG_INF:
                break
            b, tok = divmod(flat, V)
            toks = (*alive[b][0], tok)
            if eos_id is not None and tok == eos_id:
                finish(toks, val)
            elif len(new_alive) < beam_width:
                new_alive.append((toks, val))
        alive = new_alive
    for toks, lp in alive:
        finish(toks, lp)
    return sorted(finished, key=lambda h: -h.score)


def beam_search_table(
    log_probs: np.ndarray,
    start: int,
    *,
    beam_width: int,
    max_new_tokens: int,
    eos: int,
    alpha: float = 0.0,
) -> list[tuple[list[int], float]]:
    """beam_search on a toy model given as a table: log_probs[t, last, next] (T, V, V) is the log-probability of the
    t-th generated token (0-based) given the previous one (the beam-search kata; the position keeps two different
    sequences from tying). Returns (generated tokens, score) of every finished hypothesis, best first."""
    table = torch.as_tensor(np.asarray(log_probs, dtype=np.float64))
    if table.shape[0] < max_new_tokens:
        raise ValueError(f"log_probs covers {table.shape[0]} positions, fewer than max_new_tokens={max_new_tokens}")
    hyps = beam_search(
        lambda seqs: table[seqs.shape[1] - 1, seqs[:, -1]],
        [start],
        beam_width=beam_width,
        max_new_tokens=max_new_tokens,
        eos_id=eos,
        alpha=alpha,
    )
    return [(list(h.tokens), h.score) for h in hyps]


def speculative_step(
    target: Callable[[list[int]], torch.Tensor],
    draft: Callable[[list[int]], torch.Tensor],
    prefix: Sequence[int],
    k: int,
    *,
    generator: torch.Generator | None = None,
) -> list[int]:
    """One round of speculative sampling (Leviathan et al., 2023; Chen et al., 2023). Returns 1..k+1 new tokens.

    target / draft map a token list to next-token probabilities (V,). The draft proposes k tokens; token i is kept
    with probability min(1, p_i(x) / q_i(x)); at the first rejection a replacement is drawn from
    norm(max(0, p_i - q_i)) and the round ends; if all k are kept, one bonus token comes from p_{k+1}. Every emitted
    token is then distributed exactly as the target model would sample it (M46): it is not an approximation.
    Expected tokens per round with acceptance rate a: (1 - a^(k+1)) / (1 - a).
    """
    ctx = list(prefix)
    drafted: list[int] = []
    qs: list[torch.Tensor] = []
    for _ in range(k):
        q = draft(ctx + drafted).double()
        drafted.append(int(torch.multinomial(q, 1, generator=generator)))
        qs.append(q)
    out: list[int] = []
    for i, x in enumerate(drafted):
        p = target(ctx + drafted[:i]).double()  # a real system scores all k + 1 positions in one target forward
        if float(torch.rand((), generator=generator, dtype=torch.float64)) < min(1.0, float(p[x] / qs[i][x])):
            out.append(x)
            continue
        residual = (p - qs[i]).clamp(min=0.0)
        out.append(int(torch.multinomial(residual / residual.sum(), 1, generator=generator)))
        return out
    p = target(ctx + drafted).double()
    out.append(int(torch.multinomial(p, 1, generator=generator)))
    return out


def verify_draft(
    p: torch.Tensor, q: torch.Tensor, draft: torch.Tensor, *, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The verification half of speculative sampling, batched (what a serving engine's rejection sampler does).

    p (B, k+1, V): target probabilities at the k drafted positions and the one after; q (B, k, V): the draft's;
    draft (B, k): the drafted tokens (drawn from q). Token i is accepted with probability min(1, p_i(x) / q_i(x));
    the accepted prefix ends at the first rejection. Returns (n_accepted (B,) in 0..k, next_token (B,)): next_token is
    drawn from norm(max(0, p_j - q_j)) at the first rejected position j, or from p_k (the bonus token) when all k
    were accepted. Every emitted token is then distributed exactly as the target's own sample (M46).
    """
    B, k, _ = q.shape
    if p.shape[:2] != (B, k + 1) or p.shape[2] != q.shape[2] or draft.shape != (B, k):
        raise ValueError(f"shapes p {tuple(p.shape)}, q {tuple(q.shape)}, draft {tuple(draft.shape)} do not fit")
    idx = draft.long().unsqueeze(-1)
    p_x = p[:, :k].gather(-1, idx).squeeze(-1)  # (B, k)
    q_x = q.gather(-1, idx).squeeze(-1)
    u = torch.rand(B, k, generator=generator, dtype=p.dtype)
    accept = u * q_x < p_x  # u < p/q without dividing (q_x > 0 for a drafted token)
    n_acc = accept.long().cumprod(-1).sum(-1)  # length of the accepted prefix
    rows = torch.arange(B)
    pos = n_acc.clamp(max=k - 1)
    residual = (p[rows, pos] - q[rows, pos]).clamp(min=0.0)
    residual = torch.where(residual.sum(-1, keepdim=True) > 0, residual, p[rows, pos])  # p == q: never rejected
    dist = torch.where((n_acc == k).unsqueeze(-1), p[:, k], residual)
    return n_acc, torch.multinomial(dist, 1, generator=generator).squeeze(-1)
