"""Mixture of Experts: a router picks k of E expert MLPs per token; outputs are mixed by the router's weights.

    Mixtral routing   w = softmax(top_k(x W_r))          renormalized over the k chosen experts
    Switch routing    w = top_k(softmax(x W_r))          probabilities over all E experts, not renormalized
    aux loss          alpha * E * sum_i f_i P_i           f_i = share of routed slots, P_i = mean router prob
    z-loss            mean over tokens of logsumexp(x W_r)^2
    capacity          ceil(k * T / E * capacity_factor) slots per expert; the rest are dropped (ride the residual)

Traps:
- The two routings differ (M40): Switch does not renormalize, so a top-1 weight is below 1 and scales the output.
- f_i (a count) has no gradient; the balancing pressure flows through P_i. At a perfectly uniform router the loss
  equals alpha exactly, and routing collapse shows up as a larger value (M42).
- MoE saves compute, not memory: every expert's weights stay resident (M41). Mixtral 8x7B has about 46.7B
  parameters in total and about 12.9B active per token, because attention and embeddings are shared and only the
  FFNs are replicated (`moe_params`).
- Route in float32: small logit differences decide the top-k, and bf16 rounding flips them.

`MoE.forward` gathers each expert's tokens, runs the expert once on them and scatters the weighted outputs back;
`MoE.forward_loop` does the same one token at a time and is its oracle (tests/ref/test_moe.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


def route(logits: torch.Tensor, k: int, *, style: str = "mixtral") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Router logits (T, E) -> (weights (T, k), expert indices (T, k), full probabilities (T, E)).

    Exact ties in the logits are broken by torch.topk, whose order on equal values is unspecified; with real-valued
    router logits a tie has probability zero.
    """
    wide = logits.to(torch.promote_types(logits.dtype, torch.float32))  # at least fp32: bf16 flips close calls
    probs = torch.softmax(wide, dim=-1)  # (T, E)
    if style == "mixtral":
        top, idx = torch.topk(wide, k, dim=-1)  # (T, k)
        weights = torch.softmax(top, dim=-1)  # (T, k)
    elif style == "switch":
        weights, idx = torch.topk(probs, k, dim=-1)  # (T, k)
    else:
        raise ValueError(f"unknown routing style {style!r}: expected 'mixtral' or 'switch'")
    return weights.to(logits.dtype), idx, probs


class Expert(nn.Module):
    """One SwiGLU feed-forward expert, as in Mixtral: w2(silu(w1 x) * w3 x)."""

    def __init__(self, d: int, d_ff: int) -> None:
        super().__init__()
        self.w1 = nn.Linear(d, d_ff, bias=False)
        self.w3 = nn.Linear(d, d_ff, bias=False)
        self.w2 = nn.Linear(d_ff, d, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


@dataclass
class RouterOutput:
    weights: torch.Tensor  # (T, k)
    idx: torch.Tensor  # (T, k)
    probs: torch.Tensor  # (T, E)
    logits: torch.Tensor  # (T, E)


class MoE(nn.Module):
    """A sparse MoE feed-forward block over tokens x of shape (..., d)."""

    def __init__(self, d: int, E: int, k: int, d_ff: int | None = None, *, style: str = "mixtral") -> None:
        super().__init__()
        if not 1 <= k <= E:
            raise ValueError(f"need 1 <= k <= E, got k={k}, E={E}")
        self.E, self.k, self.style = E, k, style
        self.router = nn.Linear(d, E, bias=False)
        self.experts = nn.ModuleList(Expert(d, d_ff or 4 * d) for _ in range(E))

    def route(self, x: torch.Tensor) -> RouterOutput:
        logits = self.router(x.reshape(-1, x.shape[-1]))  # (T, E)
        weights, idx, probs = route(logits, self.k, style=self.style)
        return RouterOutput(weights, idx, probs, logits)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, RouterOutput]:
        flat = x.reshape(-1, x.shape[-1])  # (T, d)
        r = self.route(x)
        out = torch.zeros_like(flat)  # (T, d)
        for e, expert in enumerate(self.experts):
            token, slot = torch.nonzero(r.idx == e, as_tuple=True)  # tokens routed to e, and which of their k slots
            if token.numel() == 0:
                continue
            y = expert(flat[token])  # (n_e, d)
            out.index_add_(0, token, y * r.weights[token, slot, None])  # scatter back, weighted
        return out.reshape(x.shape), r

    def forward_loop(self, x: torch.Tensor) -> torch.Tensor:
        """The same computation one token and one chosen expert at a time (the oracle for `forward`)."""
        flat = x.reshape(-1, x.shape[-1])
        r = self.route(x)
        rows = []
        for t in range(flat.shape[0]):
            acc = torch.zeros_like(flat[t])
            for j in range(self.k):
                acc = acc + r.weights[t, j] * self.experts[int(r.idx[t, j])](flat[t])
            rows.append(acc)
        return torch.stack(rows).reshape(x.shape)

    def forward_dense(self, x: torch.Tensor) -> torch.Tensor:
        """Every expert on every token, mixed by softmax(router logits): what k = E with Mixtral routing computes."""
        flat = x.reshape(-1, x.shape[-1])
        probs = torch.softmax(self.router(flat), dim=-1)  # (T, E)
        ys = torch.stack([expert(flat) for expert in self.experts], dim=1)  # (T, E, d)
        return (probs[..., None] * ys).sum(1).reshape(x.shape)


def switch_aux_loss(probs: torch.Tensor, idx: torch.Tensor, E: int, *, alpha: float = 0.01) -> torch.Tensor:
    """alpha * E * sum_i f_i P_i with f_i the share of the T*k routed slots that chose expert i."""
    f = torch.bincount(idx.reshape(-1), minlength=E).to(probs.dtype) / idx.numel()  # (E,), no gradient
    P = probs.mean(dim=0)  # (E,)
    return alpha * E * (f * P).sum()


def route_with_aux(
    logits: torch.Tensor, k: int, *, style: str = "mixtral", alpha: float = 0.01
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`route` and the Switch aux loss of its choices: (weights (T, k), indices (T, k), aux loss)."""
    weights, idx, probs = route(logits, k, style=style)
    return weights, idx, switch_aux_loss(probs, idx, logits.shape[-1], alpha=alpha).to(logits.dtype)


def router_z_loss(logits: torch.Tensor) -> torch.Tensor:
    """Mean squared log-partition of the router logits (T, E): keeps them small, which bf16 needs."""
    return torch.logsumexp(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=-1).pow(2).mean()


def switch_router_losses(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A top-1 (Switch) router's two auxiliary losses from its logits (T, E), unweighted: (E sum_i f_i P_i,
    mean_t logsumexp(logits_t)^2). f_i is the share of tokens whose argmax is expert i. The training loss adds them
    times their coefficients (alpha = 1e-2 in Switch Transformer, 1e-3 for the z-loss in ST-MoE)."""
    probs = torch.softmax(logits.to(torch.promote_types(logits.dtype, torch.float32)), dim=-1)  # (T, E)
    idx = probs.argmax(dim=-1)  # (T,): top-1 dispatch
    return switch_aux_loss(probs, idx, logits.shape[-1], alpha=1.0), router_z_loss(logits)


@dataclass
class Dispatch:
    capacity: int
    keep: torch.Tensor  # (T, k) bool: the slot got a place in its expert's buffer
    position: torch.Tensor  # (T, k) long: its position in that buffer (-1 when dropped)
    load: torch.Tensor  # (E,) slots asked of each expert
    dropped: int  # slots that found their expert full


def capacity(T: int, E: int, k: int, capacity_factor: float) -> int:
    return math.ceil(k * T / E * capacity_factor)


def dispatch(idx: torch.Tensor, E: int, *, capacity_factor: float = 1.25) -> Dispatch:
    """Assign routed slots (T, k) to fixed-size expert buffers; overflow is dropped.

    Priority: every token's first choice before any token's second choice (GShard's order), then token order.
    A dropped slot contributes nothing; its token keeps only the residual path (and its other choices).
    """
    T, k = idx.shape
    cap = capacity(T, E, k, capacity_factor)
    order = idx.t().reshape(-1)  # (k*T,): choice 0 of all tokens, then choice 1 ...
    onehot = F.one_hot(order, E)  # (k*T, E)
    pos = (torch.cumsum(onehot, dim=0) - 1)[torch.arange(order.numel()), order]  # (k*T,) place in its buffer
    pos = pos.reshape(k, T).t()  # (T, k)
    keep = pos < cap
    return Dispatch(cap, keep, torch.where(keep, pos, -1), onehot.sum(0), int((~keep).sum()))


def dispatch_positions(idx: torch.Tensor, E: int, *, capacity_factor: float = 1.25) -> tuple[int, torch.Tensor]:
    """(capacity, position (T, k)): each routed slot's place in its expert's buffer, -1 where it was dropped."""
    d = dispatch(idx, E, capacity_factor=capacity_factor)
    return d.capacity, d.position


def moe_params(
    *, d: int, d_ff: int, E: int, k: int, n_layer: int, vocab: int, n_head: int, n_kv_head: int,
    tied: bool = False,
) -> dict[str, int]:  # fmt: skip
    """Total and active parameters of a Mixtral-style decoder (SwiGLU experts, GQA attention, RMSNorm, no biases)."""
    hs = d // n_head
    attn = d * d + 2 * d * n_kv_head * hs + d * d  # q, k, v, o
    expert = 3 * d * d_ff  # w1, w3, w2
    router, norms = d * E, 2 * d
    embed = vocab * d * (1 if tied else 2)
    total = n_layer * (attn + E * expert + router + norms) + embed + d  # + the final norm
    active = n_layer * (attn + k * expert + router + norms) + embed + d
    return {"total": total, "active": active}


def all_to_all_bytes(T: int, d: int, k: int, *, bytes_per_value: int = 2) -> int:
    """Bytes an expert-parallel layer moves: each token's k copies go out (dispatch) and come back (combine)."""
    return 2 * T * k * d * bytes_per_value
