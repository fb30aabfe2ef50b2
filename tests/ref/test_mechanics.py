"""mechanics: stride arithmetic and the view rule vs torch, broadcasting vs torch.broadcast_shapes, M69 parameter
bookkeeping, state_dict round trips and prefixes, hooks, and the mode / autograd behaviours the syllabus lists."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from mldrill.ref import mechanics as M

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4)


@settings(max_examples=30, deadline=None)
@given(shape=shapes)
def test_contiguous_strides_and_offsets(shape):
    x = torch.arange(torch.Size(shape).numel()).reshape(shape)
    assert M.contiguous_strides(shape) == x.stride()
    idx = [s - 1 for s in shape]
    assert M.element_offset(idx, x.stride()) == x[tuple(idx)].item()


@settings(max_examples=30, deadline=None)
@given(shape=shapes, data=st.data())
def test_view_rule_matches_torch(shape, data):
    x = torch.arange(torch.Size(shape).numel()).reshape(shape)
    perm = data.draw(st.permutations(range(len(shape))))
    y = x.permute(*perm)
    if data.draw(st.booleans()) and y.shape[-1] > 1:
        y = y[..., ::2]
    n = y.numel()
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    a = data.draw(st.sampled_from(divisors))
    new_shape = data.draw(st.sampled_from([(n,), (a, n // a), (n // a, 1, a)]))
    ours = M.view_strides(tuple(y.shape), y.stride(), new_shape)
    assert M.is_contiguous(tuple(y.shape), y.stride()) == y.is_contiguous()
    try:
        ref = y.view(new_shape).stride()
    except RuntimeError:
        ref = None
    assert ours == ref
    torch.testing.assert_close(y.reshape(new_shape), y.contiguous().view(new_shape))  # reshape always works


def test_transpose_view_raises_but_reshape_works():
    x = torch.arange(6).reshape(2, 3)
    with pytest.raises(RuntimeError):
        x.t().view(-1)
    assert M.view_strides((3, 2), x.t().stride(), (6,)) is None
    assert x.t().reshape(-1).tolist() == [0, 3, 1, 4, 2, 5]
    e = torch.zeros(3, 1).expand(3, 4)
    assert e.stride() == (1, 0) and not M.is_contiguous((3, 4), (1, 0))


@settings(max_examples=30, deadline=None)
@given(a=st.lists(st.sampled_from([1, 2, 3]), max_size=4), b=st.lists(st.sampled_from([1, 2, 3]), max_size=4))
def test_broadcast_shape_matches_torch(a, b):
    try:
        ref = tuple(torch.broadcast_shapes(tuple(a), tuple(b)))
    except RuntimeError:
        with pytest.raises(ValueError, match="not broadcastable"):
            M.broadcast_shape(a, b)
        return
    assert M.broadcast_shape(a, b) == ref


def test_b1_plus_b_silently_becomes_bb():
    assert M.broadcast_shape((4, 1), (4,)) == (4, 4)
    pred, target = torch.randn(4, 1), torch.randn(4)
    assert (pred - target).shape == (4, 4)  # the classic silent bug in a regression loss


def test_m69_frozen_parameter_is_still_a_parameter():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2)  # 8 params
            self.scale = nn.Parameter(torch.ones(5), requires_grad=False)
            self.register_buffer("stat", torch.zeros(7))

    net = Net()
    assert sum(p.numel() for p in net.parameters()) == 13  # the frozen Parameter is counted
    assert "scale" in net.state_dict() and "stat" in net.state_dict()
    assert M.count_params(net) == 13 and M.count_trainable(net) == 8
    assert all(p.requires_grad for p in M.trainable_params(net))
    M.freeze(net.lin)
    assert M.count_trainable(net) == 0


def test_tied_weights_counted_once():
    emb = nn.Embedding(10, 4)
    head = nn.Linear(4, 10, bias=False)
    head.weight = emb.weight
    model = nn.ModuleDict({"wte": emb, "lm_head": head})
    assert M.count_params(model) == 40


def test_state_dict_roundtrip_and_strict_loading():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model(torch.randn(8, 3))
    fresh = M.save_load_roundtrip(model)
    for (k, a), (_, b) in zip(model.state_dict().items(), fresh.state_dict().items(), strict=True):
        assert torch.equal(a, b), k
    sd = {f"_orig_mod.module.{k}": v for k, v in model.state_dict().items()}
    with pytest.raises(RuntimeError, match="Missing key"):
        nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).load_state_dict(sd)
    nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).load_state_dict(M.strip_prefixes(sd), strict=True)


def test_non_persistent_buffers_are_not_saved():
    m = nn.Module()
    m.register_buffer("kept", torch.ones(1))
    m.register_buffer("scratch", torch.ones(1), persistent=False)
    assert list(m.state_dict()) == ["kept"]


def test_hook_stats_equal_manual_and_handles_remove():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    stats, remove = M.activation_stats_hooks(model)
    x = torch.randn(10, 3)
    model(x)
    h = model[0](x)
    assert stats["0"]["mean"] == pytest.approx(h.mean().item()) and stats["0"]["std"] == pytest.approx(h.std().item())
    remove()
    stats.clear()
    model(x)
    assert stats == {}


def test_eval_changes_behaviour_no_grad_changes_bookkeeping():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
    x = torch.randn(8, 4)
    model.eval()
    assert model(x).requires_grad  # eval() does not turn off autograd
    assert torch.equal(model(x), model(x))  # deterministic in eval
    model.train()
    before = model[1].running_mean.clone()
    with torch.no_grad():
        out = model(x)
    assert not out.requires_grad
    assert not torch.equal(model[1].running_mean, before)  # no_grad does not freeze BN statistics


def test_inplace_modification_of_saved_tensor_raises():
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()  # sigmoid saves its output for backward
    b.add_(1)  # bumps the version counter of the saved tensor
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()
    ok = a.sigmoid()
    ok = ok + 1  # out-of-place: a new tensor, the saved one is untouched
    ok.sum().backward()
    leaf = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf += 1


def test_detach_shares_storage_and_inference_mode_tensors():
    x = torch.ones(3, requires_grad=True)
    d = x.detach()
    d[0] = 5.0
    assert x[0].item() == 5.0 and not d.requires_grad
    with torch.inference_mode():
        t = torch.ones(2)
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        (t * w).sum().backward()


def test_backward_twice_accumulates_and_needs_retain_graph():
    w = torch.tensor(2.0, requires_grad=True)
    loss = w**3
    loss.backward(retain_graph=True)
    loss.backward()
    assert w.grad.item() == 2 * 12.0  # two backward calls sum their grads
    loss2 = w.exp()
    loss2.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss2.backward()
    opt = torch.optim.SGD([w], lr=0.1)
    opt.zero_grad(set_to_none=True)
    assert w.grad is None
