"""Alignment objectives: the reward model, PPO, GAE, the KL penalty, DPO, ORPO and GRPO.

    reward model (Bradley-Terry)   L = -log sigma(r_w - r_l)                     = ln 2 when r_w = r_l
    PPO clipped surrogate          L = -E[min(rho A, clip(rho, 1-eps, 1+eps) A)],  rho = pi / pi_old
    GAE                            delta_t = r_t + gamma V_{t+1} - V_t,   A_t = sum_l (gamma lam)^l delta_{t+l}
    KL-shaped reward               r - beta log(pi / pi_ref)        (k1; k3 = (q/p - 1) - log(q/p) is unbiased, >= 0)
    DPO                            L = -log sigma(beta [(log pi_w - log ref_w) - (log pi_l - log ref_l)])
    ORPO                           L = NLL_w - lam log sigma(log odds_w - log odds_l),  odds = p / (1 - p)
    GRPO                           A_i = (r_i - mean_G r) / std_G r  over the G completions of one prompt

Conventions and traps:
- Every loss here is minimized, so the PPO and GRPO objectives carry a minus sign.
- The PPO ratio is against pi_old (the policy that sampled), not the frozen reference; the reference enters only
  through the KL term.
- DPO and the reward model see *sequence* log-probs (summed over response tokens); ORPO uses the length-normalized
  (mean per token) log-prob so that p = exp(mean log-prob) is a probability in (0, 1).
- `sequence_logprobs`: a causal LM's logits at position t predict token t + 1, so logits[:, :-1] score labels[:, 1:];
  prompt and padding labels are -100 and contribute nothing; log_softmax, never log(softmax), which underflows.
- GRPO guards a group whose rewards are all equal: its advantages are 0, not 0/0.
- `kl_estimators` takes samples drawn from the policy: k1 = log pi - log ref is unbiased but can be negative per
  sample; k3 = (ref/pi - 1) - log(ref/pi) is unbiased and never negative (Schulman's note "Approximating KL").

`toy_rlhf` trains a softmax policy over a few "responses" against a fixed reward with a KL penalty to a reference.
The maximizer of E[r] - beta KL(pi || ref) is pi* proportional to ref * exp(r / beta), a closed form the test checks.
Tested against closed forms (tests/ref/test_alignment.py); TRL is not a dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


def bt_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> torch.Tensor:
    """Pairwise reward-model loss, mean over pairs. logsigmoid, never log(sigmoid): it stays finite for big gaps."""
    return -F.logsigmoid(r_chosen - r_rejected).mean()


def ppo_clip_loss(logp: torch.Tensor, logp_old: torch.Tensor, adv: torch.Tensor, *, eps: float = 0.2) -> torch.Tensor:
    """Clipped surrogate, negated. Outside the clip region on the side that would help, the gradient is zero."""
    ratio = torch.exp(logp - logp_old)
    unclipped = ratio * adv
    clipped = torch.clamp(ratio, 1.0 - eps, 1.0 + eps) * adv
    return -torch.minimum(unclipped, clipped).mean()


def gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    *,
    last_value: float | torch.Tensor = 0.0,
    gamma: float = 0.99,
    lam: float = 0.95,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized advantage estimates for one trajectory of length T; returns (advantages, returns).

    dones[t] = 1 when the episode ends after step t: then neither V(s_{t+1}) nor later deltas leak backwards.
    `last_value` bootstraps the state after the final step (0 if that step ended an episode).
    returns = advantages + values (the critic's regression target).
    """
    T = rewards.shape[0]
    adv = torch.zeros_like(rewards)
    next_value = torch.as_tensor(last_value, dtype=rewards.dtype)
    running = torch.zeros((), dtype=rewards.dtype)
    for t in reversed(range(T)):
        keep = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * keep - values[t]
        running = delta + gamma * lam * keep * running
        adv[t] = running
        next_value = values[t]
    return adv, adv + values


def kl_estimators(logp: torch.Tensor, logp_ref: torch.Tensor) -> dict[str, torch.Tensor]:
    """Per-sample estimators of KL(pi || ref) from tokens sampled from pi. Average them to estimate the KL."""
    log_ratio = logp_ref - logp  # log(ref / pi)
    return {
        "k1": -log_ratio,
        "k2": 0.5 * log_ratio**2,  # biased, low variance
        "k3": torch.expm1(log_ratio) - log_ratio,
    }


def kl_k1_k3(logp: torch.Tensor, logp_ref: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(k1, k3) per sample: the two unbiased estimators of KL(pi || ref), k3 the non-negative one."""
    est = kl_estimators(logp, logp_ref)
    return est["k1"], est["k3"]


def kl_penalty(logp: torch.Tensor, logp_ref: torch.Tensor, *, beta: float, estimator: str = "k1") -> torch.Tensor:
    """The per-token penalty beta * KL-estimate subtracted from the reward (RLHF's KL-shaped reward)."""
    return beta * kl_estimators(logp, logp_ref)[estimator]


def sequence_logprobs(logits: torch.Tensor, labels: torch.Tensor, *, ignore_index: int = -100) -> torch.Tensor:
    """(B, T, V), (B, T) -> (B,): sum of log p(labels[:, t+1] | tokens <= t) over labels != ignore_index."""
    logits, labels = logits[:, :-1], labels[:, 1:]  # (B, T-1, V), (B, T-1): position t predicts token t + 1
    if logits.dtype in (torch.float16, torch.bfloat16):
        logits = logits.float()  # accumulate in float32
    logp = torch.log_softmax(logits, dim=-1)  # (B, T-1, V), LogSumExp-stable
    keep = labels != ignore_index  # (B, T-1)
    safe = torch.where(keep, labels, torch.zeros_like(labels))  # gather cannot index -100
    token = torch.gather(logp, -1, safe.unsqueeze(-1)).squeeze(-1)  # (B, T-1)
    return (token * keep).sum(dim=-1)  # (B,)


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    *,
    beta: float = 0.1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """DPO on sequence log-probs; returns (loss, implicit chosen rewards, implicit rejected rewards).

    The implicit reward of a response is beta * (log pi - log ref); at pi = ref the loss is ln 2.
    """
    chosen_reward = beta * (policy_chosen - ref_chosen)
    rejected_reward = beta * (policy_rejected - ref_rejected)
    loss = -F.logsigmoid(chosen_reward - rejected_reward).mean()
    return loss, chosen_reward.detach(), rejected_reward.detach()


def log_odds(mean_logp: torch.Tensor) -> torch.Tensor:
    """log(p / (1 - p)) for p = exp(mean_logp) < 1; 1 - p = -expm1(mean_logp) stays exact near p = 1, where
    1 - exp(mean_logp) (or log1p(-exp(.))) rounds to 0 and gives an infinite log odds."""
    return mean_logp - torch.log(-torch.expm1(mean_logp))


def orpo_loss(
    nll_chosen: torch.Tensor, mean_logp_chosen: torch.Tensor, mean_logp_rejected: torch.Tensor, *, lam: float = 0.1
) -> torch.Tensor:
    """ORPO: the SFT loss on the chosen response plus an odds-ratio penalty; no reference model."""
    ratio_term = F.logsigmoid(log_odds(mean_logp_chosen) - log_odds(mean_logp_rejected))
    return nll_chosen.mean() - lam * ratio_term.mean()


def grpo_advantages(rewards: torch.Tensor, *, eps: float = 1e-8) -> torch.Tensor:
    """Group-normalized advantages for rewards of shape (P, G): P prompts, G completions each.

    Population std within each group; a group whose rewards are all equal gets advantage 0.
    """
    mean = rewards.mean(dim=-1, keepdim=True)  # (P, 1)
    std = rewards.std(dim=-1, unbiased=False, keepdim=True)  # (P, 1)
    centred = rewards - mean  # (P, G)
    return torch.where(std > eps, centred / std.clamp_min(eps), torch.zeros_like(centred))


def grpo_loss(
    logp: torch.Tensor,
    logp_old: torch.Tensor,
    logp_ref: torch.Tensor,
    adv: torch.Tensor,
    mask: torch.Tensor,
    *,
    eps: float = 0.2,
    beta: float = 0.04,
) -> torch.Tensor:
    """GRPO objective, negated. Token tensors are (N, T) for N completions; adv is (N,), mask (N, T) of 0/1.

    Per token: min(rho A, clip(rho) A) - beta * k3(pi || ref); averaged over each completion's tokens, then over
    completions (DeepSeekMath's 1/G sum_i 1/|o_i| sum_t).
    """
    ratio = torch.exp(logp - logp_old)  # (N, T)
    a = adv[:, None]  # (N, 1)
    surrogate = torch.minimum(ratio * a, torch.clamp(ratio, 1.0 - eps, 1.0 + eps) * a)  # (N, T)
    per_token = surrogate - beta * kl_estimators(logp, logp_ref)["k3"]  # (N, T)
    per_seq = (per_token * mask).sum(-1) / mask.sum(-1).clamp_min(1)  # (N,)
    return -per_seq.mean()


@dataclass
class ToyRLHF:
    """History of a toy RLHF run: expected reward and exact KL(pi || ref) after each step, and the final policy."""

    reward: list[float]
    kl: list[float]
    policy: torch.Tensor


def kl_regularized_optimum(ref: torch.Tensor, reward: torch.Tensor, beta: float) -> torch.Tensor:
    """argmax_pi E_pi[r] - beta KL(pi || ref) = ref * exp(r / beta), normalized."""
    return torch.softmax(torch.log(ref) + reward / beta, dim=-1)


def toy_rlhf(
    reward: torch.Tensor, ref: torch.Tensor, *, beta: float = 0.5, lr: float = 0.5, steps: int = 300, batch: int = 64,
    generator: torch.Generator | None = None,
) -> ToyRLHF:  # fmt: skip
    """REINFORCE with a KL-shaped reward on a softmax policy over len(reward) responses, started at the reference.

    Each step samples `batch` responses, scores r - beta * (log pi - log ref) per sample (the k1 penalty), and
    ascends the policy-gradient estimate with a mean baseline. Reports the exact expected reward and KL.
    """
    logits = torch.log(ref).clone().requires_grad_(True)
    opt = torch.optim.SGD([logits], lr=lr)
    rewards, kls = [], []
    for _ in range(steps):
        pi = torch.softmax(logits, -1)
        idx = torch.multinomial(pi.detach(), batch, replacement=True, generator=generator)  # (batch,)
        logp = torch.log_softmax(logits, -1)[idx]  # (batch,)
        shaped = reward[idx] - beta * (logp.detach() - torch.log(ref[idx]))  # (batch,)
        loss = -((shaped - shaped.mean()) * logp).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            p = torch.softmax(logits, -1)
            rewards.append(float((p * reward).sum()))
            kls.append(float((p * (torch.log(p) - torch.log(ref))).sum()))
    return ToyRLHF(rewards, kls, torch.softmax(logits.detach(), -1))
