"""Weight quantization, fake quantization with the straight-through estimator, FP8 rounding, NF4, SmoothQuant, pruning.

- Symmetric absmax: s = max|w| / (2^(b-1) - 1), q = round(w / s) in [-(2^(b-1) - 1), 2^(b-1) - 1], w ~ q s, so the
  error per element is at most s / 2. One scale per tensor, per output channel (axis) or per group of `group_size`
  consecutive weights: finer scales track outliers better (per-channel error <= per-tensor error, elementwise bound).
- Fake quantization for QAT: forward x -> (clamp(round(x / s) + z, qmin, qmax) - z) s; backward: the straight-through
  estimator passes the gradient unchanged where round(x / s) + z lies in [qmin, qmax] and zeroes it outside.
- FP8: E4M3 (bias 7, 3 mantissa bits, max 448, no infinities) for weights/activations, E5M2 (bias 15, 2 mantissa
  bits, max 57344) for gradients; round to nearest even, saturate at the max.
- NF4 (Dettmers et al., 2023): 16 levels at normal quantiles, normalised to [-1, 1], with an exact 0; absmax per
  64-weight block. An fp32 constant per 64 weights costs 32/64 = 0.5 bit/param; double quantization (8-bit constants
  with an fp32 constant per 256 of them) costs 8/64 + 32/(64*256) ~ 0.127 (M34).
- SmoothQuant (Xiao et al., 2023): s_j = max|X_j|^alpha / max|W_j|^(1-alpha); (X diag(s)^-1)(diag(s) W) = X W
  exactly, while moving activation outliers into the weights.
- Pruning: unstructured magnitude pruning (the smallest |w| go to 0) and 2:4 semi-structured sparsity (keep the 2
  largest of every 4 consecutive weights; needs sparse tensor cores for a <= 2x speed-up).

- Toy GPTQ (column-by-column error compensation through the damped inverse Hessian) and AWQ (activation-aware
  per-channel scaling) both beat plain round-to-nearest on their calibration inputs.

Tested against torch.fake_quantize_per_channel_affine / _per_tensor_affine, torch.float8_e4m3fn / e5m2 casts, the
bitsandbytes NF4 table and torch.nn.utils.prune (tests/ref/test_quantization.py).
"""

from __future__ import annotations

import torch


def quantize(
    w: torch.Tensor, *, bits: int = 8, axis: int | None = None, group_size: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric absmax quantization -> (integer codes as int32, scales broadcastable to w's grouped shape)."""
    qmax = 2 ** (bits - 1) - 1
    x = w
    if group_size is not None:
        if w.size(-1) % group_size:
            raise ValueError(f"last dim {w.size(-1)} is not a multiple of group_size={group_size}")
        x = w.reshape(*w.shape[:-1], w.size(-1) // group_size, group_size)  # (..., n_groups, group)
        amax = x.abs().amax(dim=-1, keepdim=True)
    elif axis is not None:
        dims = [d for d in range(w.dim()) if d != axis % w.dim()]
        amax = w.abs().amax(dim=dims, keepdim=True)
    else:
        amax = w.abs().max()
    scale = amax.clamp(min=1e-12) / qmax
    return torch.round(x / scale).clamp(-qmax, qmax).to(torch.int32), scale


def dequantize(q: torch.Tensor, scale: torch.Tensor, shape: torch.Size | None = None) -> torch.Tensor:
    w = q.to(scale.dtype) * scale
    return w.reshape(shape) if shape is not None else w


class _FakeQuantSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, qmin, qmax):
        inv_scale = torch.tensor(scale, dtype=x.dtype).reciprocal()  # torch multiplies by 1/s: same ties
        q = torch.round(x * inv_scale) + zero_point
        ctx.save_for_backward((q >= qmin) & (q <= qmax))
        return (q.clamp(qmin, qmax) - zero_point) * scale

    @staticmethod
    def backward(ctx, grad):
        (inside,) = ctx.saved_tensors
        return grad * inside, None, None, None, None  # straight-through inside the range, 0 outside


def fake_quant(x: torch.Tensor, scale: float, zero_point: int, qmin: int, qmax: int) -> torch.Tensor:
    return _FakeQuantSTE.apply(x, scale, zero_point, qmin, qmax)


FP8 = {"e4m3": (7, 3, 448.0), "e5m2": (15, 2, 57344.0)}  # bias, mantissa bits, max finite


def fp8_round(x: torch.Tensor, fmt: str = "e4m3") -> torch.Tensor:
    """Round float32/64 values to the nearest FP8 value (ties to even), saturating at the largest finite value."""
    bias, mbits, fmax = FP8[fmt]
    a = x.abs().double()
    e = torch.floor(torch.log2(a.clamp(min=1e-300))).clamp(min=1 - bias)  # subnormals share the minimum exponent
    step = torch.exp2(e - mbits)  # spacing of representable values in this binade
    r = torch.round(a / step) * step  # torch.round: half to even
    return (torch.sign(x.double()) * r.clamp(max=fmax)).to(x.dtype)


def nf4_codebook(offset: float = 0.9677083) -> torch.Tensor:
    """The 16 NF4 levels: 8 positive and 7 negative normal quantiles plus an exact zero, scaled into [-1, 1]."""
    pos = torch.special.ndtri(torch.linspace(offset, 0.5, 9, dtype=torch.float64))[:-1]  # normal quantiles
    neg = -torch.special.ndtri(torch.linspace(offset, 0.5, 8, dtype=torch.float64))[:-1]
    v = torch.sort(torch.cat([pos, torch.zeros(1, dtype=torch.float64), neg])).values
    return v / v.abs().max()


def quantize_nf4(w: torch.Tensor, block: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-block absmax, then the nearest NF4 level: returns (4-bit codes 0..15, absmax per block)."""
    x = w.reshape(-1, block)  # (n_blocks, block)
    absmax = x.abs().amax(dim=1, keepdim=True).clamp(min=1e-12)
    codes = ((x / absmax).unsqueeze(-1) - nf4_codebook().to(w.dtype)).abs().argmin(-1)  # (n_blocks, block)
    return codes, absmax


def dequantize_nf4(codes: torch.Tensor, absmax: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    return (nf4_codebook().to(absmax.dtype)[codes] * absmax).reshape(shape)


def quant_constant_bits(block: int = 64, *, double_quant: bool = False, dq_block: int = 256) -> float:
    """Extra bits per parameter spent on the per-block scales."""
    return 8 / block + 32 / (block * dq_block) if double_quant else 32 / block


def smooth(x: torch.Tensor, w: torch.Tensor, alpha: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """x (N, C_in), w (C_in, C_out): returns (x / s, s * w) with the same product."""
    s = x.abs().amax(0).pow(alpha) / w.abs().amax(1).pow(1 - alpha)  # (C_in,)
    return x / s, s[:, None] * w


def magnitude_prune(w: torch.Tensor, amount: float) -> torch.Tensor:
    """Mask (1 keep, 0 prune) removing the round(amount * n) smallest |w| (ties: lowest flat index first)."""
    k = round(amount * w.numel())
    mask = torch.ones_like(w)
    if k:
        idx = torch.topk(w.abs().flatten(), k, largest=False).indices
        mask.view(-1)[idx] = 0
    return mask


def two_four_mask(w: torch.Tensor) -> torch.Tensor:
    """Keep the 2 largest |w| in every group of 4 consecutive weights along the last dim."""
    if w.size(-1) % 4:
        raise ValueError(f"last dim {w.size(-1)} must be a multiple of 4")
    g = w.abs().reshape(*w.shape[:-1], -1, 4)  # (..., n/4, 4)
    top = g.topk(2, dim=-1).indices
    return torch.zeros_like(g).scatter(-1, top, 1.0).reshape(w.shape)


def qlora_weight_bytes(n_params: float, *, block: int = 64, double_quant: bool = True) -> tuple[float, float]:
    """(4-bit weight bytes, quantization-constant bytes) of an NF4 base model (M47: 70B -> ~35 GB + ~1.1 GB)."""
    return n_params * 0.5, n_params * quant_constant_bits(block, double_quant=double_quant) / 8


def _rtn(w: torch.Tensor, scale: torch.Tensor, qmax: int) -> torch.Tensor:
    return torch.round(w / scale).clamp(-qmax, qmax) * scale


def gptq_quantize(w: torch.Tensor, x: torch.Tensor, *, bits: int = 4, damp: float = 0.01) -> torch.Tensor:
    """Toy GPTQ (Frantar et al., 2023) for w (out, in) on calibration inputs x (N, in); returns dequantized weights.

    Quantize one input column at a time on a fixed per-row absmax grid and push its error onto the columns not yet
    quantized, weighted by the inverse Hessian H = 2 X^T X / N (damped by `damp` * mean diag), so X W^T changes as
    little as possible. No blocking or lazy batching: the readable form of the algorithm.
    """
    qmax = 2 ** (bits - 1) - 1
    W = w.clone().double()
    scale = W.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / qmax  # (out, 1) fixed grid
    H = 2 * x.double().T @ x.double() / x.size(0)  # (in, in)
    H += damp * H.diagonal().mean() * torch.eye(H.size(0), dtype=H.dtype)
    Hinv = torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)  # (in, in)
    Q = torch.zeros_like(W)
    for i in range(W.size(1)):
        q = _rtn(W[:, i : i + 1], scale, qmax)  # (out, 1)
        Q[:, i : i + 1] = q
        err = (W[:, i : i + 1] - q) / Hinv[i, i]
        W[:, i:] -= err @ Hinv[i : i + 1, i:]  # compensate on the remaining columns
    return Q.to(w.dtype)


def awq_scale_search(
    w: torch.Tensor, x: torch.Tensor, *, bits: int = 4, grid: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
) -> tuple[float, torch.Tensor]:
    """Toy AWQ (Lin et al., 2024): scale input channels by s = mean|x_j|^a before per-row RTN, divide after; pick
    the a with the smallest output error on x. a = 0 is plain RTN, so the result is never worse on x.
    Returns (best a, dequantized effective weights (out, in))."""
    qmax = 2 ** (bits - 1) - 1
    ref = x @ w.T
    act = x.abs().mean(0).clamp(min=1e-8)  # (in,) salient channels have large activations
    best: tuple[float, float, torch.Tensor] | None = None
    for a in grid:
        s = act**a  # (in,)
        ws = w * s  # (out, in)
        scale = ws.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / qmax
        wq = _rtn(ws, scale, qmax) / s
        err = float(((x @ wq.T) - ref).pow(2).mean())
        if best is None or err < best[1]:
            best = (a, err, wq)
    assert best is not None
    return best[0], best[2]
