"""Classic wrong GRPO advantages, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch

def grpo_advantages(rewards, *, eps=1e-8):
    mean = rewards.mean(dim=-1, keepdim=True)
    std = rewards.std(dim=-1, unbiased=False, keepdim=True)
    centred = rewards - mean
    return torch.where(std > eps, centred / std.clamp_min(eps), torch.zeros_like(centred))
"""

GENERIC = "matches the group-normalized advantages on random rewards"
GROUPS = "normalizes within each prompt's group"

MUTANTS = [
    mutant(
        "sample std",
        "rewards.std(dim=-1, unbiased=False, keepdim=True)",
        "rewards.std(dim=-1, keepdim=True)",
        "divides by the population std",
        GENERIC,
    ),
    mutant(
        "one baseline for the whole batch",
        "mean = rewards.mean(dim=-1, keepdim=True)",
        "mean = rewards.mean()",
        GROUPS,
        GENERIC,
        "a group with equal rewards gets zero advantages",  # the groups there have different constants
    ),
    mutant(
        "reduces over the prompts axis",
        "mean = rewards.mean(dim=-1, keepdim=True)\n    std = rewards.std(dim=-1, unbiased=False, keepdim=True)",
        "mean = rewards.mean(dim=0, keepdim=True)\n    std = rewards.std(dim=0, unbiased=False, keepdim=True)",
        GROUPS,
        GENERIC,
        "divides by the population std",  # with one prompt, the std over prompts is 0: all advantages 0
        "a group with equal rewards gets zero advantages",
    ),
    mutant(
        "no guard for a constant group",
        "return torch.where(std > eps, centred / std.clamp_min(eps), torch.zeros_like(centred))",
        "return centred / std",
        "a group with equal rewards gets zero advantages",
        GENERIC,  # its 0/1 batch may hold an all-correct or all-wrong group
    ),
    mutant(
        "centred but not scaled",
        "centred / std.clamp_min(eps), torch.zeros_like(centred)",
        "centred, torch.zeros_like(centred)",
        "divides by the population std",
        GENERIC,
    ),
]
