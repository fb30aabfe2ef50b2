"""batchnorm/train-vs-eval, batchnorm/momentum-convention, batchnorm/small-batch: the lab's numbers against closed
forms with 5-sigma bands (false failure < 1e-6 per check), and ref BatchNorm1d against torch.nn.BatchNorm1d."""

import math

import numpy as np
import pytest
import torch

from mldrill.labs.bn_train_eval import run
from mldrill.ref.norms import BatchNorm1d


def test_noise_gap_and_running_mean() -> None:
    mu, sigma, C, trials = 3.0, 2.0, 8, 400
    res = run(mu=mu, sigma=sigma, features=C, trials=trials, warmup=100, seed=1)
    n = res.numbers
    N = trials * C
    for B, s in zip(n["batch"], n["mean_std"], strict=True):
        # std of the batch mean = sigma / sqrt(B); the sample std of N draws has relative sd 1/sqrt(2(N - 1))
        assert abs(s / (sigma / math.sqrt(B)) - 1) < 5 / math.sqrt(2 * (N - 1)), (B, s)
    gap = np.array(n["gap"])
    assert np.all(np.diff(gap) < 0), gap  # the train/eval mismatch shrinks with every doubling of B
    slope = np.polyfit(np.log(n["batch"][2:]), np.log(gap[2:]), 1)[0]
    assert -0.6 < slope < -0.4, slope  # ... like 1/sqrt(B)
    assert gap[0] > 0.9 and gap[-1] < 0.1
    # B = 2: outputs are ±1 unless |x1 - x2| is within a few sqrt(eps); P(|d| < 0.045) < 0.013 for d ~ N(0, 8)
    assert n["b2_share_pm1"] > 0.97
    # running_mean from 0: E = mu (1 - (1 - m)^k); the EMA of batch means (B = 32, C channels averaged) has
    # sd sqrt(m / (2 - m)) sigma / sqrt(32 C) in the stationary regime
    for m in (0.1, 0.01):
        sd = math.sqrt(m / (2 - m)) * sigma / math.sqrt(32 * C)
        for k in (10, 50, 120):
            assert abs(n["trace"][str(m)][k - 1] - mu * (1 - (1 - m) ** k)) < 5 * sd, (m, k)
    assert 0.9**50 < 0.0052  # the card: weight left on the init after 50 batches at momentum 0.1


@pytest.mark.parametrize("momentum", [0.1, None])
def test_ref_batchnorm_matches_torch_in_both_modes(momentum: float | None) -> None:
    g = torch.Generator().manual_seed(0)
    ours, theirs = BatchNorm1d(5, momentum=momentum).double(), torch.nn.BatchNorm1d(5, momentum=momentum).double()
    for _ in range(7):
        x = 3 + 2 * torch.randn(4, 5, generator=g, dtype=torch.float64)
        with torch.no_grad():  # no_grad does not stop the running statistics: only eval() does
            torch.testing.assert_close(ours(x), theirs(x))
    torch.testing.assert_close(ours.running_mean, theirs.running_mean)
    torch.testing.assert_close(ours.running_var, theirs.running_var)
    assert not torch.equal(ours.running_mean, torch.zeros(5))
    ours.eval(), theirs.eval()
    x = torch.randn(3, 5, generator=g, dtype=torch.float64)
    before = ours.running_mean.clone()
    torch.testing.assert_close(ours(x), theirs(x))
    assert torch.equal(ours.running_mean, before)  # eval leaves the statistics alone


def test_train_output_depends_on_batchmates_eval_does_not() -> None:
    g = torch.Generator().manual_seed(1)
    bn = BatchNorm1d(3).double()
    probe = torch.randn(1, 3, generator=g, dtype=torch.float64)
    a = torch.cat([probe, torch.randn(7, 3, generator=g, dtype=torch.float64)])
    b = torch.cat([probe, 5 + torch.randn(7, 3, generator=g, dtype=torch.float64)])
    with torch.no_grad():
        assert not torch.allclose(bn(a)[0], bn(b)[0])
        bn.eval()
        torch.testing.assert_close(bn(a)[0], bn(b)[0], rtol=0, atol=0)
