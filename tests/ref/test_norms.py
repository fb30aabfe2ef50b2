"""norms: functional norms vs torch (forward + backward), BatchNorm module vs nn.BatchNorm step by step,
hand-written backward vs autograd; M9, M10 and the BN traps as named tests."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref import norms as N
from oracles import check_against_torch


@pytest.mark.parametrize("shape", [(3, 8), (2, 4, 6)])
def test_layer_norm_matches_torch(shape):
    c = shape[-1]
    check_against_torch(
        lambda x, w, b: N.layer_norm(x, w, b), lambda x, w, b: F.layer_norm(x, (c,), w, b), [shape, (c,), (c,)]
    )
    check_against_torch(lambda x: N.layer_norm(x, eps=1e-3), lambda x: F.layer_norm(x, (c,), eps=1e-3), [shape])


def test_m10_layer_norm_default_eps_is_1e_5():
    x = torch.randn(4, 3, dtype=torch.float64) * 1e-3  # small variance makes eps visible
    torch.testing.assert_close(N.layer_norm(x), F.layer_norm(x, (3,)), rtol=1e-12, atol=0)
    assert torch.nn.LayerNorm(3).eps == 1e-5
    assert not torch.allclose(N.layer_norm(x, eps=1e-6), F.layer_norm(x, (3,)), rtol=1e-4)


def test_layer_norm_same_in_train_and_eval():
    ln = N.LayerNorm(5).double()
    x = torch.randn(3, 5, dtype=torch.float64)
    out_train = ln.train()(x)
    torch.testing.assert_close(ln.eval()(x), out_train, rtol=0, atol=0)
    assert len(list(ln.buffers())) == 0  # no running stats


@pytest.mark.parametrize("eps", [None, 1e-6])
def test_rms_norm_matches_torch(eps):
    check_against_torch(lambda x, w: N.rms_norm(x, w, eps), lambda x, w: F.rms_norm(x, (6,), w, eps), [(2, 3, 6), (6,)])
    m = torch.nn.RMSNorm(6, eps=eps).double()
    x = torch.randn(4, 6, dtype=torch.float64)
    torch.testing.assert_close(N.RMSNorm(6, eps).double()(x), m(x), rtol=1e-12, atol=0)


def test_rms_norm_divides_by_rms_not_std():
    x = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64)
    torch.testing.assert_close(N.rms_norm(x, eps=0.0), x / (14 / 3) ** 0.5)
    assert not torch.allclose(N.rms_norm(x, eps=0.0), N.layer_norm(x, eps=0.0))


@pytest.mark.parametrize("groups", [1, 2, 6])
def test_group_norm_matches_torch(groups):
    check_against_torch(
        lambda x, w, b: N.group_norm(x, groups, w, b),
        lambda x, w, b: F.group_norm(x, groups, w, b),
        [(2, 6, 3, 4), (6,), (6,)],
    )


def test_group_norm_extremes_are_ln_and_in():
    x = torch.randn(2, 4, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(N.group_norm(x, 1), F.layer_norm(x, x.shape[1:]), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(N.group_norm(x, 4), F.instance_norm(x), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="divisible"):
        N.group_norm(x, 3)


def test_instance_norm_matches_torch():
    check_against_torch(
        lambda x, w, b: N.instance_norm(x, w, b),
        lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
        [(2, 3, 5, 4), (3,), (3,)],
    )


@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
@pytest.mark.parametrize("kind", ["1d", "1d-seq", "2d"])
def test_batchnorm_train_then_eval_matches_torch(momentum, kind):
    shape, ours_cls, ref_cls = {
        "1d": ((8, 3), N.BatchNorm1d, torch.nn.BatchNorm1d),
        "1d-seq": ((4, 3, 5), N.BatchNorm1d, torch.nn.BatchNorm1d),
        "2d": ((4, 3, 2, 3), N.BatchNorm2d, torch.nn.BatchNorm2d),
    }[kind]
    ours, ref = ours_cls(3, momentum=momentum).double(), ref_cls(3, momentum=momentum).double()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        ref.weight.uniform_(0.5, 1.5, generator=g)
        ref.bias.normal_(generator=g)
    ours.load_state_dict(ref.state_dict())
    for _ in range(5):
        x = torch.randn(shape, dtype=torch.float64, generator=g) * 3 + 1
        x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
        up = torch.randn(shape, dtype=torch.float64, generator=g)
        (ours(x1) * up).sum().backward()
        (ref(x2) * up).sum().backward()
        torch.testing.assert_close(x1.grad, x2.grad, rtol=1e-10, atol=1e-12)
    for name in ["running_mean", "running_var", "num_batches_tracked"]:
        torch.testing.assert_close(getattr(ours, name), getattr(ref, name), rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(ours.weight.grad, ref.weight.grad, rtol=1e-10, atol=1e-12)
    ours.eval()
    ref.eval()
    x = torch.randn(shape, dtype=torch.float64, generator=g)
    torch.testing.assert_close(ours(x), ref(x), rtol=1e-12, atol=1e-12)


def test_bn_in_eval_after_training_uses_running_stats():
    bn = N.BatchNorm1d(2).double()
    g = torch.Generator().manual_seed(1)
    for _ in range(50):
        bn(torch.randn(16, 2, dtype=torch.float64, generator=g) * 2 + 5)
    bn.eval()
    x = torch.full((1, 2), 5.0, dtype=torch.float64)  # batch of one is fine in eval
    expected = (x - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)
    torch.testing.assert_close(bn(x), expected)
    assert abs(bn(x)).max() < 0.5  # normalized by the learned statistics (mean ~5)
    bn.train()
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(x)  # train mode with batch size 1


def test_m9_bn_normalizes_with_biased_var_but_tracks_unbiased():
    x = torch.tensor([[1.0], [2.0], [4.0]], dtype=torch.float64)
    bn = N.BatchNorm1d(1, momentum=1.0, affine=False).double()
    out = bn(x)
    biased = x.var(unbiased=False)
    torch.testing.assert_close(out, (x - x.mean()) / torch.sqrt(biased + 1e-5))
    torch.testing.assert_close(bn.running_var, x.var(unbiased=True).reshape(1))


def test_bias_before_bn_is_redundant():
    g = torch.Generator().manual_seed(2)
    x = torch.randn(10, 4, dtype=torch.float64, generator=g)
    lin = torch.nn.Linear(4, 3).double()
    bn = N.BatchNorm1d(3).double()
    with_bias = bn(lin(x))
    without = bn(x @ lin.weight.T)
    torch.testing.assert_close(with_bias, without, rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 4), t=st.integers(1, 4), c=st.integers(2, 8), seed=st.integers(0, 1000))
def test_manual_layernorm_backward_vs_autograd(n, t, c, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, t, c, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.randn(c, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.randn(c, dtype=torch.float64, generator=g, requires_grad=True)
    out, cache = N.layernorm_forward(x.detach(), w.detach(), b.detach())
    ref = F.layer_norm(x, (c,), w, b)
    torch.testing.assert_close(out, ref.detach(), rtol=1e-10, atol=1e-12)
    dout = torch.randn(n, t, c, dtype=torch.float64, generator=g)
    grads = torch.autograd.grad((ref * dout).sum(), [x, w, b])
    for ours, theirs in zip(N.layernorm_backward(dout, cache), grads, strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-9, atol=1e-11)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 8), c=st.integers(1, 5), seed=st.integers(0, 1000))
def test_manual_batchnorm_backward_vs_autograd(n, c, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.randn(c, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.randn(c, dtype=torch.float64, generator=g, requires_grad=True)
    out, cache = N.batchnorm_forward(x.detach(), w.detach(), b.detach())
    ref = F.batch_norm(x, None, None, w, b, training=True)
    torch.testing.assert_close(out, ref.detach(), rtol=1e-10, atol=1e-12)
    dout = torch.randn(n, c, dtype=torch.float64, generator=g)
    grads = torch.autograd.grad((ref * dout).sum(), [x, w, b])
    for ours, theirs in zip(N.batchnorm_backward(dout, cache), grads, strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-8, atol=1e-10)


def test_manual_batchnorm_backward_4d_vs_autograd():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(3, 4, 2, 5, dtype=torch.float64, generator=g, requires_grad=True)
    w = torch.randn(4, dtype=torch.float64, generator=g, requires_grad=True)
    b = torch.randn(4, dtype=torch.float64, generator=g, requires_grad=True)
    out, cache = N.batchnorm_forward(x.detach(), w.detach(), b.detach())
    ref = F.batch_norm(x, None, None, w, b, training=True)
    torch.testing.assert_close(out, ref.detach(), rtol=1e-10, atol=1e-12)
    dout = torch.randn(x.shape, dtype=torch.float64, generator=g)
    grads = torch.autograd.grad((ref * dout).sum(), [x, w, b])
    for ours, theirs in zip(N.batchnorm_backward(dout, cache), grads, strict=True):
        torch.testing.assert_close(ours, theirs, rtol=1e-8, atol=1e-10)


def test_dropping_the_batch_statistic_terms_gives_the_wrong_gradient():
    g = torch.Generator().manual_seed(6)
    x = torch.randn(6, 3, dtype=torch.float64, generator=g, requires_grad=True)
    _, (xhat, gamma, rstd) = N.batchnorm_forward(x.detach(), torch.ones(3, dtype=torch.float64), torch.zeros(3))
    dout = torch.randn(6, 3, dtype=torch.float64, generator=g)
    (ref,) = torch.autograd.grad((F.batch_norm(x, None, None, training=True) * dout).sum(), [x])
    naive = dout * rstd  # treats mean and variance as constants (the eval-mode gradient)
    assert not torch.allclose(naive, ref)
    torch.testing.assert_close(N.batchnorm_backward(dout, (xhat, gamma, rstd))[0], ref)


def test_sync_batch_stats_equal_full_batch_and_differ_from_a_shard():
    g = torch.Generator().manual_seed(8)
    shards = [torch.randn(n, 3, 4, dtype=torch.float64, generator=g) + i for i, n in enumerate((2, 5, 3))]
    full = torch.cat(shards)
    mean, var = N.sync_batch_stats(shards)
    torch.testing.assert_close(mean, full.mean((0, 2)))
    torch.testing.assert_close(var, full.var((0, 2), unbiased=False))
    bn = torch.nn.BatchNorm1d(3, affine=False).double()
    torch.testing.assert_close(bn(full), (full - mean[:, None]) / torch.sqrt(var[:, None] + 1e-5))
    assert not torch.allclose(shards[0].mean((0, 2)), mean)  # per-GPU statistics are not the global ones
