"""Classic wrong BatchNorm modules, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
from torch import nn

class BatchNorm1d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        if self.training:
            mean, var = x.mean(0), x.var(0, unbiased=False)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean) / torch.sqrt(var + self.eps) * self.weight + self.bias
        if self.training:
            n, m = x.shape[0], self.momentum
            with torch.no_grad():
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))
        return y
"""

GENERIC = "matches nn.BatchNorm1d through training steps and eval"

MUTANTS = [
    mutant(
        "unbiased variance to normalise",
        "mean, var = x.mean(0), x.var(0, unbiased=False)",
        "mean, var = x.mean(0), x.var(0)",
        "training normalises with the biased batch variance",
        GENERIC,
        "running_var tracks the unbiased batch variance",  # var is already unbiased, then scaled again
    ),
    mutant(
        "biased variance in the running estimate",
        "m * var * n / (n - 1)",
        "m * var",
        "running_var tracks the unbiased batch variance",
        GENERIC,
    ),
    mutant(
        "momentum weights the old value",
        (
            "self.running_mean.mul_(1 - m).add_(m * mean)\n"
            "                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))"
        ),
        (
            "self.running_mean.mul_(m).add_((1 - m) * mean)\n"
            "                self.running_var.mul_(m).add_((1 - m) * var * n / (n - 1))"
        ),
        "momentum weights the new batch",
        GENERIC,
    ),
    mutant(
        "eval uses the batch statistics",
        "mean, var = self.running_mean, self.running_var",
        "mean, var = x.mean(0), x.var(0, unbiased=False)",
        "eval mode normalises with the running statistics",
        GENERIC,
    ),
    mutant(
        "running statistics updated in eval too",
        "        if self.training:\n            n, m",
        "        if True:\n            n, m",
        "eval mode does not update the running statistics",
        GENERIC,
    ),
    mutant(
        "running_var starts at zero",
        'self.register_buffer("running_var", torch.ones(num_features))',
        'self.register_buffer("running_var", torch.zeros(num_features))',
        "a fresh layer starts from running_mean = 0, running_var = 1",
        GENERIC,
    ),
]
