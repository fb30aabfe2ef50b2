"""CLIP's symmetric contrastive loss (Radford et al., 2021), in PyTorch.

S = exp(t) * normalize(I) normalize(T)^T (B x B), the matching pairs on the diagonal;
loss = 1/2 [CE(S, arange(B)) + CE(S^T, arange(B))]  (image->text and text->image InfoNCE).
t is the learnable log-temperature (logit_scale); exp(t) is clamped at 100 as in CLIP to keep training stable.
Traps: L2-normalize the embeddings first (otherwise the logits scale with the norms); the loss is symmetric in the
two modalities; larger batches give more negatives per positive. Tested against a hand-written log-sum-exp form in
float64, forward and backward, in tests/ref/nlp/test_nlp_clip.py.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def clip_logits(
    img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor, *, max_scale: float = 100.0
) -> torch.Tensor:
    img = F.normalize(img, dim=-1)  # (B, C)
    txt = F.normalize(txt, dim=-1)  # (B, C)
    scale = logit_scale.exp().clamp(max=max_scale)
    return scale * img @ txt.T  # (B, B)


def clip_loss(
    img: torch.Tensor, txt: torch.Tensor, logit_scale: torch.Tensor, *, max_scale: float = 100.0
) -> torch.Tensor:
    S = clip_logits(img, txt, logit_scale, max_scale=max_scale)  # (B, B)
    labels = torch.arange(S.shape[0], device=S.device)
    return 0.5 * (F.cross_entropy(S, labels) + F.cross_entropy(S.T, labels))
