"""RNN, LSTM and GRU cells and unrolled (multi-layer, bidirectional, length-masked) layers in PyTorch's layout.

RNN   h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
LSTM  i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh (gate order i, f, g, o);  i, f, o = sigma(.), g = tanh(.)
      c' = f * c + i * g;  h' = o * tanh(c')     (Hochreiter & Schmidhuber, 1997; forget gate: Gers et al., 2000)
GRU   r, z, n chunks (order r, z, n): r = sigma(.), z = sigma(.), n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
      h' = (1 - z) * n + z * h                  (Cho et al., 2014; torch's variant: r multiplies W_hn h + b_hn)
BPTT  dh_T/dh_t = prod_k diag(tanh'(a_k)) W_hh: it vanishes or explodes with the top singular value of W_hh.
      The LSTM's additive cell path (dc'/dc = f) carries gradient across time; it mitigates vanishing, not cures it.
Params: torch keeps two bias vectors: 4 (d_in d_h + d_h^2 + 2 d_h) per LSTM layer and direction, not the textbook
      4 ((d_in + d_h) d_h + d_h) (M19); an upper layer's input is d_h, or 2 d_h when bidirectional.

Parameter names (weight_ih_l0, bias_hh_l1_reverse, ...) match nn.RNN / nn.LSTM / nn.GRU, so state dicts copy across.
Traps: padded steps must not update the state (pass `lengths`); the reverse direction starts at each sequence's own
last valid step; resampling a recurrent dropout mask every step destroys memory (`variational_mask`).
Tested against nn.RNNCell / LSTMCell / GRUCell / RNN / LSTM / GRU and pack_padded_sequence (tests/ref/test_rnn.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

Tensor = torch.Tensor


def _input_proj(x: Tensor, w_ih: Tensor, b_ih: Tensor | None) -> Tensor:
    """x W_ih^T + b_ih; a layer computes it for all T steps in one matmul, outside the recurrence."""
    gi = x @ w_ih.T  # (..., k*H)
    return gi if b_ih is None else gi + b_ih


def _hidden_proj(h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    gh = h @ w_hh.T  # (B, k*H)
    return gh if b_hh is None else gh + b_hh


def _rnn_from_proj(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None, nonlinearity: str) -> Tensor:
    a = gi + _hidden_proj(h, w_hh, b_hh)  # (B, H)
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


def _lstm_from_proj(gi: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    gates = gi + _hidden_proj(h, w_hh, b_hh)  # (B, 4H)
    i, f, g, o = gates.chunk(4, dim=-1)  # 4 x (B, H), torch's order
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new


def _gru_from_proj(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    gh = _hidden_proj(h, w_hh, b_hh)  # (B, 3H)
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)  # r gates (W_hn h + b_hn), bias included
    return (1 - z) * n + z * h


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None,
             nonlinearity: str = "tanh") -> Tensor:  # fmt: skip
    return _rnn_from_proj(_input_proj(x, w_ih, b_ih), h, w_hh, b_hh, nonlinearity)


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
              b_hh: Tensor | None) -> tuple[Tensor, Tensor]:  # fmt: skip
    return _lstm_from_proj(_input_proj(x, w_ih, b_ih), h, c, w_hh, b_hh)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor:
    return _gru_from_proj(_input_proj(x, w_ih, b_ih), h, w_hh, b_hh)


GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}


class _Recurrent(nn.Module):
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, *, bias: bool = True,
                 batch_first: bool = False, bidirectional: bool = False, nonlinearity: str = "tanh"):  # fmt: skip
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.bidirectional, self.nonlinearity = (
            bias,
            batch_first,
            bidirectional,
            nonlinearity,
        )
        n_dir, k = 2 if bidirectional else 1, GATES[self.mode]
        bound = 1 / math.sqrt(hidden_size)  # torch: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))
        for layer in range(num_layers):
            d_in = input_size if layer == 0 else hidden_size * n_dir
            for suffix in ["", "_reverse"][:n_dir]:
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (k * hidden_size, d_in),
                    "weight_hh": (k * hidden_size, hidden_size),
                }
                if bias:
                    shapes |= {"bias_ih": (k * hidden_size,), "bias_hh": (k * hidden_size,)}
                for name, shape in shapes.items():
                    p = nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
                    self.register_parameter(f"{name}_l{layer}{suffix}", p)

    def _params(self, layer: int, suffix: str) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
        def get(n: str) -> Tensor | None:
            return getattr(self, f"{n}_l{layer}{suffix}", None)

        w_ih, w_hh = get("weight_ih"), get("weight_hh")
        assert w_ih is not None and w_hh is not None
        return w_ih, w_hh, get("bias_ih"), get("bias_hh")

    def _step(self, gi: Tensor, state: tuple[Tensor, ...], w_hh: Tensor, b_hh: Tensor | None) -> tuple[Tensor, ...]:
        if self.mode == "LSTM":
            return _lstm_from_proj(gi, state[0], state[1], w_hh, b_hh)
        if self.mode == "GRU":
            return (_gru_from_proj(gi, state[0], w_hh, b_hh),)
        return (_rnn_from_proj(gi, state[0], w_hh, b_hh, self.nonlinearity),)

    def _run(
        self,
        x: Tensor,
        state: tuple[Tensor, ...],
        p: tuple[Tensor, Tensor, Tensor | None, Tensor | None],
        mask: Tensor | None,
    ) -> tuple[Tensor, tuple[Tensor, ...]]:
        """One direction over (T, B, C); state is frozen wherever mask[t] is False (padding)."""
        w_ih, w_hh, b_ih, b_hh = p
        gi = _input_proj(x, w_ih, b_ih)  # (T, B, k*H): every input projection in one matmul
        outs = []
        for t in range(x.shape[0]):
            new = self._step(gi[t], state, w_hh, b_hh)
            if mask is None:
                state = new
                outs.append(state[0])
            else:
                m = mask[t][:, None]  # (B, 1)
                state = tuple(torch.where(m, n, s) for n, s in zip(new, state, strict=True))
                outs.append(torch.where(m, state[0], torch.zeros_like(state[0])))
        return torch.stack(outs), state  # (T, B, H)

    def forward(
        self, x: Tensor, hx: Tensor | tuple[Tensor, Tensor] | None = None, lengths: Tensor | None = None
    ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
        """x (T, B, C) or (B, T, C) if batch_first. Returns output (T, B, D*H) and h_n (L*D, B, H) [, c_n]."""
        if self.batch_first:
            x = x.transpose(0, 1)  # (T, B, C)
        t_len, b = x.shape[:2]
        n_dir = 2 if self.bidirectional else 1
        padded = lengths is not None
        lengths = torch.full((b,), t_len) if lengths is None else lengths.cpu()
        mask = torch.arange(t_len)[:, None] < lengths[None, :]  # (T, B)
        # reverse each sequence within its own length: index t -> len - 1 - t for valid steps (an involution)
        t_idx = torch.arange(t_len)[:, None].expand(t_len, b)
        rev_idx = torch.where(mask, lengths[None, :] - 1 - t_idx, t_idx)  # (T, B)
        step_mask = mask if padded else None  # without padding every step updates: skip the masking work
        zeros = x.new_zeros(self.num_layers * n_dir, b, self.hidden_size)
        if hx is None:
            h0, c0 = zeros, zeros
        elif isinstance(hx, tuple):
            h0, c0 = hx
        else:
            h0, c0 = hx, zeros
        h_n, c_n, inp = [], [], x
        for layer in range(self.num_layers):
            dir_outs = []
            for d, suffix in enumerate(["", "_reverse"][:n_dir]):
                k = layer * n_dir + d
                state = (h0[k], c0[k]) if self.mode == "LSTM" else (h0[k],)
                seq = inp if d == 0 else _gather_time(inp, rev_idx)
                out, final = self._run(seq, state, self._params(layer, suffix), step_mask)
                dir_outs.append(out if d == 0 else _gather_time(out, rev_idx))
                h_n.append(final[0])
                if self.mode == "LSTM":
                    c_n.append(final[1])
            inp = torch.cat(dir_outs, dim=-1)  # (T, B, D*H)
        out = inp.transpose(0, 1) if self.batch_first else inp
        hn = torch.stack(h_n)  # (L*D, B, H)
        return (out, (hn, torch.stack(c_n))) if self.mode == "LSTM" else (out, hn)


def _gather_time(x: Tensor, idx: Tensor) -> Tensor:
    return x.gather(0, idx[..., None].expand(-1, -1, x.shape[-1]))  # (T, B, C)


class RNN(_Recurrent):
    mode = "RNN"


class LSTM(_Recurrent):
    mode = "LSTM"


class GRU(_Recurrent):
    mode = "GRU"


class Bidirectional(nn.Module):
    """Wrap two one-directional layers: the backward one reads each sequence reversed *within its own length*,
    and its outputs are flipped back so that position t holds both directions' state at t. (T, B, C) -> (T, B, 2H).
    Not usable for generation or streaming: every output depends on the future."""

    def __init__(self, forward_layer: nn.Module, backward_layer: nn.Module):
        super().__init__()
        self.fwd, self.bwd = forward_layer, backward_layer

    def forward(self, x: Tensor, lengths: Tensor | None = None) -> Tensor:
        t_len, b = x.shape[:2]
        lens = torch.full((b,), t_len) if lengths is None else lengths.cpu()
        t_idx = torch.arange(t_len)[:, None].expand(t_len, b)
        valid = t_idx < lens[None, :]  # (T, B)
        rev_idx = torch.where(valid, lens[None, :] - 1 - t_idx, t_idx)  # (T, B)
        out_f = self.fwd(x, lengths=lengths)[0]  # (T, B, H)
        out_b = _gather_time(self.bwd(_gather_time(x, rev_idx), lengths=lengths)[0], rev_idx)  # (T, B, H)
        return torch.cat([out_f, out_b], dim=-1)  # (T, B, 2H)


def lstm_params(
    d_in: int, d_h: int, num_layers: int = 1, *, bidirectional: bool = False, textbook: bool = False
) -> int:
    """nn.LSTM parameter count (two biases); textbook=True counts one bias. 256/256/1 layer: 526,336 vs 525,312."""
    n_dir = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        inp = d_in if layer == 0 else d_h * n_dir
        n_bias = 1 if textbook else 2
        total += n_dir * 4 * (inp * d_h + d_h * d_h + n_bias * d_h)
    return total


def gru_params(d_in: int, d_h: int, num_layers: int = 1, *, bidirectional: bool = False) -> int:
    return lstm_params(d_in, d_h, num_layers, bidirectional=bidirectional) * 3 // 4


def init_forget_bias(lstm: nn.Module, value: float = 1.0) -> None:
    """Set the *effective* forget-gate bias to `value`: b_ih[H:2H] = value and b_hh[H:2H] = 0 (setting both to value
    would double it)."""
    h = int(lstm.hidden_size)  # type: ignore[arg-type]
    with torch.no_grad():
        for name, p in lstm.named_parameters():
            if name.startswith("bias_ih"):
                p[h : 2 * h] = value
            elif name.startswith("bias_hh"):
                p[h : 2 * h] = 0.0


def tbptt(
    model: nn.Module,
    x: Tensor,
    y: Tensor,
    *,
    k: int,
    loss_fn: Callable[[Tensor, Tensor], Tensor],
    optimizer: torch.optim.Optimizer,
) -> list[float]:
    """Truncated BPTT over x (T, B, C): forward k steps, backward, step, then detach the carried state."""
    state: Tensor | tuple[Tensor, ...] | None = None
    losses = []
    for s in range(0, x.shape[0], k):
        optimizer.zero_grad()
        out, state = model(x[s : s + k], state)
        loss = loss_fn(out, y[s : s + k])
        loss.backward()
        optimizer.step()
        state = tuple(t.detach() for t in state) if isinstance(state, tuple) else state.detach()
        losses.append(loss.item())
    return losses


def grad_norm_through_time(w_hh: Tensor, x_proj: Tensor, h0: Tensor, *, nonlinearity: str = "tanh") -> list[float]:
    """Frobenius norms of dh_T/dh_t for t = 0..T of h_t = act(x_proj[t] + W_hh h_{t-1}) (x_proj: (T, H))."""
    hs = [h0.detach().clone().requires_grad_()]
    act = torch.tanh if nonlinearity == "tanh" else (lambda a: a)
    for t in range(x_proj.shape[0]):
        hs.append(act(x_proj[t] + w_hh @ hs[-1]))
        hs[-1].retain_grad()
    norms_sq = [0.0] * len(hs)
    for j in range(h0.shape[0]):  # one backward pass per output unit: builds the Jacobians row by row
        grads = torch.autograd.grad(hs[-1][j], hs, retain_graph=True, allow_unused=True)
        for t, g in enumerate(grads):
            norms_sq[t] += 0.0 if g is None else float((g**2).sum())
    return [math.sqrt(v) for v in norms_sq]


def variational_mask(batch: int, dim: int, p: float, *, generator: torch.Generator | None = None) -> Tensor:
    """One inverted-dropout mask per sequence (B, dim), reused at every time step (Gal & Ghahramani, 2016)."""
    keep = (torch.rand(batch, dim, generator=generator) >= p).float()
    return keep / (1 - p)


def sampling_prob(step: int, kind: str = "inverse_sigmoid", *, k: float = 10.0, c: float = 0.01,
                  eps: float = 0.0) -> float:  # fmt: skip
    """Scheduled sampling (Bengio et al., 2015): probability of feeding the ground truth at training step i."""
    if kind == "linear":
        return max(eps, k - c * step)
    if kind == "exponential":
        return k**step
    if kind == "inverse_sigmoid":
        return k / (k + math.exp(step / k))
    raise ValueError(f"kind must be 'linear', 'exponential' or 'inverse_sigmoid', got {kind!r}")


def lstm_cell_grad_through_time(w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor, x: Tensor) -> list[float]:
    """||d sum(h_T) / d c_t|| for t = 0..T of an LSTM over x (T, B, C) from zero state: how much of the final
    output's gradient reaches the cell state t steps back. A forget bias of +1 keeps f ~ 0.73 and the path alive."""
    b, h = x.shape[1], w_hh.shape[1]
    hs, cs = torch.zeros(b, h, dtype=x.dtype), torch.zeros(b, h, dtype=x.dtype, requires_grad=True)
    cells = [cs]
    for t in range(x.shape[0]):
        hs, c_new = lstm_cell(x[t], hs, cells[-1], w_ih, w_hh, b_ih, b_hh)
        cells.append(c_new)
    grads = torch.autograd.grad(hs.sum(), cells)
    return [float(g.norm()) for g in grads]
