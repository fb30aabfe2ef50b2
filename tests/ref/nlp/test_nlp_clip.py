"""CLIP symmetric contrastive loss: forward+backward vs a hand-written log-sum-exp form in float64."""

import torch

from mldrill.ref.nlp.clip import clip_logits, clip_loss
from oracles import check_against_torch


def _reference(img, txt, t):
    i = img / img.norm(dim=1, keepdim=True)
    x = txt / txt.norm(dim=1, keepdim=True)
    S = torch.minimum(t.exp(), torch.tensor(100.0, dtype=t.dtype)) * (i @ x.T)
    diag = S.diagonal()
    i2t = (torch.logsumexp(S, dim=1) - diag).mean()
    t2i = (torch.logsumexp(S, dim=0) - diag).mean()
    return (i2t + t2i) / 2


def test_matches_reference_forward_and_backward():
    check_against_torch(
        lambda a, b, t: clip_loss(a, b, t[0]), lambda a, b, t: _reference(a, b, t[0]), [(6, 4), (6, 4), (1,)]
    )


def test_symmetric_and_scale_invariant_inputs():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(5, 3, generator=g, dtype=torch.float64), torch.randn(5, 3, generator=g, dtype=torch.float64)
    t = torch.tensor(2.0, dtype=torch.float64)
    torch.testing.assert_close(clip_loss(a, b, t), clip_loss(b, a, t), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(clip_loss(3.0 * a, 0.5 * b, t), clip_loss(a, b, t), rtol=1e-12, atol=1e-12)


def test_logit_scale_is_clamped_at_100():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(4, 3, generator=g, dtype=torch.float64), torch.randn(4, 3, generator=g, dtype=torch.float64)
    big = clip_logits(a, b, torch.tensor(10.0, dtype=torch.float64))
    at_cap = clip_logits(a, b, torch.log(torch.tensor(100.0, dtype=torch.float64)))
    torch.testing.assert_close(big, at_cap, rtol=1e-12, atol=1e-12)
    assert big.abs().max() <= 100.0 + 1e-9
