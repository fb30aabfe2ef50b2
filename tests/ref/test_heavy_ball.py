"""heavy_ball: the closed-form stability limit 2(1 + mu) against the companion matrix's spectral radius, and `run`
against torch.optim.SGD(momentum=mu) on the same quadratic."""

import numpy as np
import pytest
import torch

from mldrill.ref import heavy_ball as H


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9, 0.99])
def test_limit_matches_spectral_radius(mu):
    lim = H.stability_limit(mu)
    assert H.spectral_radius(lim * 0.999, 1.0, mu) < 1
    assert H.spectral_radius(lim * 1.001, 1.0, mu) > 1


@pytest.mark.parametrize(("lr", "mu"), [(0.1, 0.9), (0.37, 0.99), (3.9, 0.9)])
def test_run_matches_torch_sgd(lr, mu):
    lam = 1.0
    p = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=mu)
    theirs = [1.0]
    for _ in range(40):
        opt.zero_grad()
        (0.5 * lam * p**2).sum().backward()
        opt.step()
        theirs.append(p.item())
    np.testing.assert_allclose(H.run(lr, lam, mu, 40), theirs, rtol=1e-10, atol=1e-12)


def test_effective_lr_is_the_geometric_sum():
    assert H.effective_lr(0.1, 0.9) == pytest.approx(1.0)
    assert H.effective_lr(0.1, 0.99) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        H.stability_limit(1.0)
