"""Group-3 card claims that need a CUDA device or a package only present on the GPU image (torchvision, timm).

Each test skips with its reason where the device or the package is missing (CI has neither), and was run on an
H200 before merging. Every test is a few milliseconds of GPU work.
"""

from __future__ import annotations

import warnings

import pytest
import torch
import torch.nn.functional as F
from cardtext import contains

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@cuda
def test_autocast_runs_matmuls_in_16_bit_and_reductions_in_fp32():
    torch.manual_seed(0)
    lin = torch.nn.Linear(16, 16).cuda()
    x = torch.randn(8, 16, device="cuda")
    y = torch.zeros(8, dtype=torch.long, device="cuda")
    wrong = []
    for dt in (torch.float16, torch.bfloat16):
        with torch.autocast("cuda", dtype=dt):
            h = lin(x)
            low = {"linear": h, "matmul": h @ h.T}
            high = {
                "softmax": torch.softmax(h, -1),
                "log_softmax": torch.log_softmax(h, -1),
                "exp": torch.exp(h),
                "log": torch.log(h.abs() + 1),
                "sum": h.sum(),
                "layer_norm": F.layer_norm(h, (16,)),
                "cross_entropy": F.cross_entropy(h, y),
            }
        wrong += [f"{dt} {k}: {v.dtype}" for k, v in low.items() if v.dtype != dt]
        wrong += [f"{dt} {k}: {v.dtype}" for k, v in high.items() if v.dtype != torch.float32]
    assert lin.weight.dtype == torch.float32  # parameters stay fp32 (master weights)
    assert not wrong, wrong
    contains("mixed-precision/autocast-policy", "The parameters stay fp32.")


@cuda
def test_grad_scaler_skips_the_step_and_halves_the_scale_on_inf():
    lin = torch.nn.Linear(4, 1).cuda()
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cuda")
    before = lin.weight.detach().clone()
    loss = lin(torch.full((2, 4), float("inf"), device="cuda")).sum()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    assert torch.equal(lin.weight.detach(), before)  # the step was skipped
    assert scaler.get_scale() == 2.0**15  # 65,536 * backoff 0.5
    contains("mixed-precision/dynamic-loss-scaling", "**skip** the optimizer step")


@cuda
def test_deterministic_index_add_on_cuda_repeats_bit_for_bit():
    torch.use_deterministic_algorithms(True)
    try:
        torch.manual_seed(0)
        idx = torch.randint(0, 10, (100_000,), device="cuda")
        src = torch.randn(100_000, 32, device="cuda")
        a = torch.zeros(10, 32, device="cuda").index_add_(0, idx, src)
        b = torch.zeros(10, 32, device="cuda").index_add_(0, idx, src)
        assert torch.equal(a, b)
    finally:
        torch.use_deterministic_algorithms(False)
    contains("training-sanity-checks/reproducibility", "`index_add_` on CUDA pick a deterministic")


@cuda
def test_sync_debug_mode_flags_item_nonzero_and_mask_indexing():
    x = torch.randn(1000, device="cuda")
    torch.cuda.set_sync_debug_mode("warn")
    try:
        flagged = {}
        for name, fn in {"item": lambda: x.sum().item(), "nonzero": x.nonzero, "mask": lambda: x[x > 0]}.items():
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                fn()
            flagged[name] = any("synchroniz" in str(m.message) for m in w)
    finally:
        torch.cuda.set_sync_debug_mode(0)
    assert all(flagged.values()), flagged
    contains("tensors-autograd/item-sync", "`nonzero()`, boolean-mask indexing `x[mask]`")


@cuda
def test_pack_padded_sequence_rejects_cuda_lengths():
    from torch.nn.utils.rnn import pack_padded_sequence

    x = torch.randn(3, 5, 2, device="cuda")
    lengths = torch.tensor([5, 3, 2], device="cuda")
    with pytest.raises(RuntimeError):
        pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)  # CPU lengths work
    contains("sequence-batching/pack-padded", "a CUDA tensor raises an error")


def test_torchvision_resnet18_count_and_classifier():
    models = pytest.importorskip("torchvision.models")
    m = models.resnet18()
    assert sum(p.numel() for p in m.parameters()) == 11_689_512
    assert tuple(m.fc.weight.shape) == (1000, 512)
    contains("cnn-architectures/pooling-gap", "ResNet-18's classifier is $512\\cdot1000 + 1000$")
    contains("cnn-architectures/resnet-basic-block", "**11,689,512**")


def test_timm_folds_rgb_stem_weights_by_summing():
    manipulate = pytest.importorskip("timm.models._manipulate")
    torch.manual_seed(0)
    w = torch.randn(64, 3, 7, 7)
    w1 = manipulate.adapt_input_conv(1, w.clone())
    assert torch.allclose(w1, w.sum(dim=1, keepdim=True))
    gray = torch.randn(1, 1, 32, 32)
    assert torch.allclose(F.conv2d(gray, w1), F.conv2d(gray.repeat(1, 3, 1, 1), w), atol=1e-4)
    w5 = manipulate.adapt_input_conv(5, w.clone())
    assert torch.allclose(w5[:, :3], w * 3 / 5)  # more channels: repeated, scaled by 3/C
    contains("cnn-architectures/grayscale-pretrained", "timm does this when you request `in_chans=1`")
