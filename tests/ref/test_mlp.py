"""mlp: hand-written backprop vs torch.autograd in float64, weights copied into an nn.Sequential."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.mlp import MLP


def _torch_copy(mlp):
    layers = []
    for i, (w, b) in enumerate(zip(mlp.W, mlp.b, strict=True)):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(mlp.W) - 1:
            layers.append(torch.nn.ReLU() if mlp.act == "relu" else torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=4).map(lambda s: [*s, 3]),
    n=st.integers(1, 6),
    act=st.sampled_from(["relu", "tanh"]),
    seed=st.integers(0, 100),
)
def test_gradients_match_autograd(sizes, n, act, seed):
    mlp = MLP(sizes, act=act, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, 3, size=n)
    loss, logits, cache = mlp.loss(x, y)
    dW, db = mlp.backward(logits, y, cache)
    model = _torch_copy(mlp)
    ref = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-10)
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(lins):
        np.testing.assert_allclose(dW[i], lin.weight.grad.numpy(), rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(db[i], lin.bias.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_training_matches_torch_sgd_and_learns():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4))
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
    mlp = MLP([4, 16, 3], seed=1)
    model = _torch_copy(mlp)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = mlp.fit(x, y, lr=0.5, steps=30)
    ref_losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        ref_losses.append(loss.item())
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-8)
    assert losses[-1] < 0.5 * losses[0]


def test_default_init_bound():
    mlp = MLP([100, 50], seed=0)
    assert np.abs(mlp.W[0]).max() <= 0.1 and np.abs(mlp.W[0]).max() > 0.09
    with pytest.raises(ValueError, match="act must be"):
        MLP([2, 2], act="gelu")
