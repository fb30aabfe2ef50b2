"""PPO's clipped surrogate and the DPO loss, as functions of the quantities the figures sweep.

PPO (Schulman et al., 2017): maximise min(rho A, clip(rho, 1 - eps, 1 + eps) A), rho = pi_theta / pi_old (the policy
that generated the batch, not the reference model). Pessimistic: the clip removes the incentive to move further in
the direction that already looks good, and never hides a move that made things worse.

DPO (Rafailov et al., 2023): L = -log sigmoid(beta [log pi(y_w)/pi_ref(y_w) - log pi(y_l)/pi_ref(y_l)]); the implicit
reward is beta log(pi / pi_ref). At pi = pi_ref the loss is log 2. The gradient weights each pair by
sigmoid(r_l - r_w), small once the pair is ranked correctly.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def ppo_clip_objective(ratio: torch.Tensor, advantage: float, *, eps: float = 0.2) -> torch.Tensor:
    """The per-sample surrogate to maximise (PPO-clip); minimise its negative in code."""
    return torch.minimum(ratio * advantage, ratio.clamp(1 - eps, 1 + eps) * advantage)


def dpo_loss(logratio_chosen: torch.Tensor, logratio_rejected: torch.Tensor, *, beta: float = 0.1) -> torch.Tensor:
    """-log sigmoid(beta (log pi/pi_ref (y_w) - log pi/pi_ref (y_l))), elementwise. logsigmoid keeps it finite."""
    return -F.logsigmoid(beta * (logratio_chosen - logratio_rejected))
