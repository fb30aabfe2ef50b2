"""rnn: cells and layers vs torch.nn with copied weights (float64, forward + backward), packed sequences,
M19 parameter counts, forget-bias init, truncated BPTT and the gradient-through-time probe."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from mldrill.ref import rnn as R
from oracles import check_against_torch

D_IN, H = 3, 4


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_matches_torch(nonlinearity):
    cell = torch.nn.RNNCell(D_IN, H, nonlinearity=nonlinearity).double()
    names = [n for n, _ in cell.named_parameters()]

    def ref(x, h, *p):
        return torch.func.functional_call(cell, dict(zip(names, p, strict=True)), (x, h))

    check_against_torch(
        lambda x, h, *p: R.rnn_cell(x, h, *p, nonlinearity=nonlinearity),
        ref,
        [(2, D_IN), (2, H)] + [tuple(p.shape) for p in cell.parameters()],
    )


def _cell_check(ours, torch_cell_cls, n_state):
    cell = torch_cell_cls(D_IN, H).double()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(5, D_IN, dtype=torch.float64, generator=g)
    states = [torch.randn(5, H, dtype=torch.float64, generator=g) for _ in range(n_state)]
    params = [p.detach().clone().requires_grad_() for p in cell.parameters()]
    xs = [x.clone().requires_grad_()] + [s.clone().requires_grad_() for s in states]
    xr = [x.clone().requires_grad_()] + [s.clone().requires_grad_() for s in states]
    out = ours(*xs, *params)
    ref = cell(xr[0], tuple(xr[1:]) if n_state == 2 else xr[1])
    out, ref = (out, ref) if n_state == 1 else (torch.cat(out), torch.cat(ref))
    torch.testing.assert_close(out, ref, rtol=1e-12, atol=1e-12)
    up = torch.randn(ref.shape, dtype=torch.float64, generator=g)
    ga = torch.autograd.grad((out * up).sum(), xs + params)
    gb = torch.autograd.grad((ref * up).sum(), xr + list(cell.parameters()))
    for a, b in zip(ga, gb, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_lstm_cell_matches_torch_gate_order_ifgo():
    _cell_check(R.lstm_cell, torch.nn.LSTMCell, 2)


def test_gru_cell_matches_torch_gate_order_rzn():
    _cell_check(R.gru_cell, torch.nn.GRUCell, 1)


LAYERS = [(R.RNN, torch.nn.RNN), (R.LSTM, torch.nn.LSTM), (R.GRU, torch.nn.GRU)]


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("kind", range(3))
def test_layer_matches_torch(kind, num_layers, bidirectional):
    ours_cls, ref_cls = LAYERS[kind]
    ref = ref_cls(D_IN, H, num_layers, batch_first=True, bidirectional=bidirectional).double()
    ours = ours_cls(D_IN, H, num_layers, batch_first=True, bidirectional=bidirectional).double()
    ours.load_state_dict(ref.state_dict())  # same names, same shapes
    g = torch.Generator().manual_seed(kind)
    x = torch.randn(2, 5, D_IN, dtype=torch.float64, generator=g)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    out, hn = ours(x1)
    out_r, hn_r = ref(x2)
    torch.testing.assert_close(out, out_r, rtol=1e-10, atol=1e-12)
    hn, hn_r = (torch.cat(hn), torch.cat(hn_r)) if kind == 1 else (hn, hn_r)
    torch.testing.assert_close(hn, hn_r, rtol=1e-10, atol=1e-12)
    up = torch.randn(out.shape, dtype=torch.float64, generator=g)
    (out * up).sum().backward()
    (out_r * up).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad, rtol=1e-9, atol=1e-11)
    for (n, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-9, atol=1e-11, msg=lambda m, n=n: f"{n}: {m}")


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("kind", range(3))
def test_lengths_match_pack_padded_sequence(kind, bidirectional):
    ours_cls, ref_cls = LAYERS[kind]
    ref = ref_cls(D_IN, H, 2, bidirectional=bidirectional).double()
    ours = ours_cls(D_IN, H, 2, bidirectional=bidirectional).double()
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(6, 3, D_IN, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    lengths = torch.tensor([4, 6, 2])
    out, hn = ours(x, lengths=lengths)
    packed_out, hn_r = ref(pack_padded_sequence(x, lengths, enforce_sorted=False))
    out_r, _ = pad_packed_sequence(packed_out, total_length=6)
    torch.testing.assert_close(out, out_r, rtol=1e-10, atol=1e-12)
    hn, hn_r = (torch.cat(hn), torch.cat(hn_r)) if kind == 1 else (hn, hn_r)
    torch.testing.assert_close(hn, hn_r, rtol=1e-10, atol=1e-12)
    _, unmasked_hn = ours(x)
    unmasked_hn = torch.cat(unmasked_hn) if kind == 1 else unmasked_hn
    assert not torch.allclose(unmasked_hn, hn_r)  # without a mask, padding corrupts the final state


def test_bidirectional_output_shapes():
    m = R.LSTM(D_IN, H, 3, bidirectional=True)
    out, (hn, cn) = m(torch.randn(7, 2, D_IN))
    assert out.shape == (7, 2, 2 * H) and hn.shape == cn.shape == (6, 2, H)


@pytest.mark.parametrize("d_in,d_h,layers,bidir", [(256, 256, 1, False), (10, 20, 2, True), (7, 3, 3, False)])
def test_m19_lstm_params_match_nn_lstm(d_in, d_h, layers, bidir):
    ref = torch.nn.LSTM(d_in, d_h, layers, bidirectional=bidir)
    assert R.lstm_params(d_in, d_h, layers, bidirectional=bidir) == sum(p.numel() for p in ref.parameters())
    gru = torch.nn.GRU(d_in, d_h, layers, bidirectional=bidir)
    assert R.gru_params(d_in, d_h, layers, bidirectional=bidir) == sum(p.numel() for p in gru.parameters())
    ours = R.LSTM(d_in, d_h, layers, bidirectional=bidir)
    assert sum(p.numel() for p in ours.parameters()) == sum(p.numel() for p in ref.parameters())


def test_m19_numbers():
    assert R.lstm_params(256, 256) == 526_336
    assert R.lstm_params(256, 256, textbook=True) == 525_312


def test_init_forget_bias_sets_effective_bias():
    m = torch.nn.LSTM(D_IN, H, 2)
    R.init_forget_bias(m, 1.0)
    for layer in range(2):
        eff = getattr(m, f"bias_ih_l{layer}") + getattr(m, f"bias_hh_l{layer}")
        torch.testing.assert_close(eff[H : 2 * H], torch.ones(H))


def test_tbptt_full_window_equals_bptt_and_truncation_detaches():
    torch.manual_seed(0)
    x = torch.randn(8, 2, D_IN, dtype=torch.float64)
    y = torch.randn(8, 2, H, dtype=torch.float64)

    def loss_fn(out, tgt):
        return ((out - tgt) ** 2).mean()

    ref = R.GRU(D_IN, H).double()
    a, b = R.GRU(D_IN, H).double(), R.GRU(D_IN, H).double()
    a.load_state_dict(ref.state_dict())
    b.load_state_dict(ref.state_dict())
    R.tbptt(a, x, y, k=8, loss_fn=loss_fn, optimizer=torch.optim.SGD(a.parameters(), lr=0.1))
    opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    loss_fn(ref(x)[0], y).backward()
    opt.step()
    for p, q in zip(a.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    # with k = 4, the second window's loss sends no gradient into the first window's inputs
    xg = x.clone().requires_grad_()
    R.tbptt(b, xg, y, k=4, loss_fn=loss_fn, optimizer=torch.optim.SGD(b.parameters(), lr=0.0))
    c = R.GRU(D_IN, H).double()
    c.load_state_dict(b.state_dict())  # lr = 0: b is unchanged
    x1 = x[:4].clone().requires_grad_()
    loss_fn(c(x1)[0], y[:4]).backward()
    torch.testing.assert_close(xg.grad[:4], x1.grad)


def test_grad_norm_through_time_matches_jacobian_product():
    g = torch.Generator().manual_seed(0)
    w = torch.randn(H, H, dtype=torch.float64, generator=g) * 0.5
    xp = torch.randn(6, H, dtype=torch.float64, generator=g)
    h0 = torch.zeros(H, dtype=torch.float64)
    norms = R.grad_norm_through_time(w, xp, h0)
    hs = [h0]
    for t in range(6):
        hs.append(torch.tanh(xp[t] + w @ hs[-1]))
    jac = torch.eye(H, dtype=torch.float64)
    for t in reversed(range(6)):  # dh_T/dh_t = prod diag(1 - h^2) W
        assert norms[t + 1] == pytest.approx(float(jac.norm()), rel=1e-10)
        jac = jac @ torch.diag(1 - hs[t + 1] ** 2) @ w
    assert norms[0] == pytest.approx(float(jac.norm()), rel=1e-10)


def test_gradient_vanishes_or_explodes_with_spectral_radius():
    q, _ = torch.linalg.qr(torch.randn(H, H, dtype=torch.float64, generator=torch.Generator().manual_seed(1)))
    xp = torch.zeros(20, H, dtype=torch.float64)
    h0 = torch.zeros(H, dtype=torch.float64)
    for scale, check in [(0.5, lambda r: r < 1e-4), (1.0, lambda r: abs(r - 1) < 1e-9), (1.5, lambda r: r > 1e3)]:
        n = R.grad_norm_through_time(scale * q, xp, h0, nonlinearity="linear")
        assert check(n[0] / n[-1])


def test_variational_mask_constant_over_time():
    m = R.variational_mask(4, 100, 0.3, generator=torch.Generator().manual_seed(0))
    vals = m.unique()
    assert len(vals) == 2 and vals[0] == 0.0 and vals[1].item() == pytest.approx(1 / 0.7, rel=1e-6)
    x = torch.ones(10, 4, 100)
    dropped = x * m  # broadcast over T: the same units are off at every step
    assert torch.equal(dropped[0], dropped[9])


def test_sampling_prob_schedules():
    assert R.sampling_prob(0, "linear", k=1.0, c=0.01) == 1.0
    assert R.sampling_prob(200, "linear", k=1.0, c=0.01, eps=0.1) == 0.1
    assert R.sampling_prob(3, "exponential", k=0.9) == pytest.approx(0.729)
    assert R.sampling_prob(0, "inverse_sigmoid", k=10) == pytest.approx(10 / 11)
    assert R.sampling_prob(100, "inverse_sigmoid", k=10) == pytest.approx(10 / (10 + math.exp(10)))


@settings(max_examples=15, deadline=None)
@given(t=st.integers(1, 5), b=st.integers(1, 3), seed=st.integers(0, 100))
def test_lstm_random_shapes(t, b, seed):
    torch.manual_seed(seed)
    ref = torch.nn.LSTM(2, 3).double()
    ours = R.LSTM(2, 3).double()
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(t, b, 2, dtype=torch.float64)
    h0 = (torch.randn(1, b, 3, dtype=torch.float64), torch.randn(1, b, 3, dtype=torch.float64))
    torch.testing.assert_close(ours(x, h0)[0], ref(x, h0)[0], rtol=1e-10, atol=1e-12)


def test_forget_bias_one_carries_gradient_further():
    g = torch.Generator().manual_seed(0)
    cell = torch.nn.LSTMCell(D_IN, 8).double()
    x = torch.randn(30, 4, D_IN, dtype=torch.float64, generator=g)
    norms = {}
    for bias in (0.0, 1.0):
        R.init_forget_bias(cell, bias)
        p = [t.detach() for t in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
        norms[bias] = R.lstm_cell_grad_through_time(*p, x)
    # gradient reaching 25 steps back, relative to the last step
    assert norms[1.0][5] / norms[1.0][-1] > 10 * norms[0.0][5] / norms[0.0][-1]


def test_lstm_cell_grad_through_time_matches_finite_difference():
    g = torch.Generator().manual_seed(1)
    cell = torch.nn.LSTMCell(D_IN, H).double()
    p = [t.detach() for t in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]
    x = torch.randn(4, 1, D_IN, dtype=torch.float64, generator=g)
    norms = R.lstm_cell_grad_through_time(*p, x)
    # d sum(h_T) / d c_0 by central differences on the initial cell state
    eps, grad = 1e-6, torch.zeros(H, dtype=torch.float64)
    for j in range(H):
        outs = []
        for sgn in (1, -1):
            h, c = torch.zeros(1, H, dtype=torch.float64), torch.zeros(1, H, dtype=torch.float64)
            c[0, j] = sgn * eps
            for t in range(4):
                h, c = cell(x[t], (h, c))
            outs.append(h.sum().item())
        grad[j] = (outs[0] - outs[1]) / (2 * eps)
    assert norms[0] == pytest.approx(float(grad.norm()), rel=1e-6)


@pytest.mark.parametrize("padded", [False, True])
def test_bidirectional_wrapper_matches_nn_lstm(padded):
    ref = torch.nn.LSTM(D_IN, H, bidirectional=True).double()
    fwd, bwd = R.LSTM(D_IN, H).double(), R.LSTM(D_IN, H).double()
    sd = ref.state_dict()
    fwd.load_state_dict({k: v for k, v in sd.items() if not k.endswith("_reverse")})
    bwd.load_state_dict({k.removesuffix("_reverse"): v for k, v in sd.items() if k.endswith("_reverse")})
    x = torch.randn(5, 3, D_IN, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    lengths = torch.tensor([5, 2, 4]) if padded else None
    ours = R.Bidirectional(fwd, bwd)(x, lengths)
    if padded:
        out, _ = ref(pack_padded_sequence(x, lengths, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, total_length=5)
    else:
        out, _ = ref(x)
    assert ours.shape == (5, 3, 2 * H)
    torch.testing.assert_close(ours, out, rtol=1e-10, atol=1e-12)
