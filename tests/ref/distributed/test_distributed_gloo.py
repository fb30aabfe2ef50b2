"""Two real processes over gloo: DDP gradients = full-batch gradients; ZeRO-1/2/3 = unsharded Adam, step by step."""

import pytest
import torch
from torch import nn

from mldrill.ref.distributed.zero import _toy_problem, launch, train_toy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results():
    return launch(2, train_toy)


def test_ddp_gradients_equal_the_full_batch_gradient(results):
    model, x, y = _toy_problem(0)
    nn.functional.mse_loss(model(x), y).backward()
    full = torch.cat([p.grad.reshape(-1) for p in model.parameters()])
    for rank in results:
        torch.testing.assert_close(rank["ddp-grad"]["grad"], full, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_zero_equals_unsharded_adam(results, stage: int):
    model, x, y = _toy_problem(0)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    expected = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    for rank in results:
        torch.testing.assert_close(rank[f"zero{stage}"]["params"], expected, rtol=1e-10, atol=1e-12)


def test_each_stage_keeps_less_resident(results):
    kept = [sum(results[0][f"zero{s}"]["resident"].values()) for s in (1, 2, 3)]
    assert kept[0] > kept[1] > kept[2]
    n = results[0]["zero1"]["resident"]["params"]  # the padded parameter count
    assert results[0]["zero3"]["resident"] == {"params": n // 2, "grads": n // 2, "optimizer": 3 * n // 2}
