"""Classic wrong GAEs, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def gae(rewards, values, dones, *, last_value=0.0, gamma=0.99, lam=0.95):
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
"""

GENERIC = "matches GAE on random rollouts with episode ends"
EPISODES = "nothing flows back across an episode end"

MUTANTS = [
    mutant(
        "decays by gamma only",
        "running = delta + gamma * lam * keep * running",
        "running = delta + gamma * keep * running",
        "lambda = 0 gives the one-step TD error",
        GENERIC,
    ),
    mutant(
        "decays by lambda only",
        "running = delta + gamma * lam * keep * running",
        "running = delta + lam * keep * running",
        "lambda = 1 gives the discounted return minus the value",
        GENERIC,
    ),
    mutant(
        "advantage carried across episodes",
        "running = delta + gamma * lam * keep * running",
        "running = delta + gamma * lam * running",
        EPISODES,
        GENERIC,
    ),
    mutant(
        "bootstraps across episodes",
        "delta = rewards[t] + gamma * next_value * keep - values[t]",
        "delta = rewards[t] + gamma * next_value - values[t]",
        EPISODES,
        GENERIC,
    ),
    mutant(
        "ignores last_value",
        "next_value = torch.as_tensor(last_value, dtype=rewards.dtype)",
        "next_value = torch.zeros((), dtype=rewards.dtype)",
        "bootstraps the final step from last_value",
        GENERIC,
        EPISODES,  # its last episode is unfinished too
    ),
    mutant(
        "returns are the advantages",
        "return adv, adv + values",
        "return adv, adv.clone()",
        "returns are advantages plus values",
        GENERIC,
    ),
]
