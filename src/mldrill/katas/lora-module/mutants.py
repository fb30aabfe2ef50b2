"""Classic wrong LoRA modules, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import torch
from torch import nn

class LoRALinear(nn.Module):
    def __init__(self, weight, bias, *, r, alpha, generator=None):
        super().__init__()
        d_out, d_in = weight.shape
        self.weight = nn.Parameter(weight.clone(), requires_grad=False)
        self.bias = nn.Parameter(bias.clone(), requires_grad=False)
        bound = 1.0 / d_in ** 0.5
        a = torch.empty(r, d_in, dtype=weight.dtype).uniform_(-bound, bound, generator=generator)
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(torch.zeros(d_out, r, dtype=weight.dtype))
        self.scaling = alpha / r
        self.merged = False

    def forward(self, x):
        y = x @ self.weight.T + self.bias
        if not self.merged:
            y = y + (x @ self.lora_A.T) @ self.lora_B.T * self.scaling
        return y

    def _delta(self):
        return self.scaling * (self.lora_B @ self.lora_A)

    @torch.no_grad()
    def merge(self):
        if not self.merged:
            self.weight += self._delta()
            self.merged = True

    @torch.no_grad()
    def unmerge(self):
        if self.merged:
            self.weight -= self._delta()
            self.merged = False
"""

GENERIC = "matches x W^T + b + (alpha/r) x A^T B^T with trained factors"

MUTANTS = [
    mutant(
        "B initialised random",
        "torch.zeros(d_out, r, dtype=weight.dtype)",
        "torch.randn(d_out, r, dtype=weight.dtype, generator=generator)",
        "B starts at zero: at init the layer equals the base layer",
    ),
    mutant(
        "A and B both zero",
        "a = torch.empty(r, d_in, dtype=weight.dtype).uniform_(-bound, bound, generator=generator)",
        "a = torch.zeros(r, d_in, dtype=weight.dtype)",
        "A starts random in [-1/sqrt(d_in), 1/sqrt(d_in)]",
        "A is drawn with the given generator",  # a zero A is the same for every seed
    ),
    mutant(
        "A from a unit normal",
        ".uniform_(-bound, bound, generator=generator)",
        ".normal_(generator=generator)",
        "A starts random in [-1/sqrt(d_in), 1/sqrt(d_in)]",
    ),
    mutant(
        "A ignores the generator",
        ".uniform_(-bound, bound, generator=generator)",
        ".uniform_(-bound, bound)",
        "A is drawn with the given generator",
    ),
    mutant(
        "base weight left trainable",
        "self.weight = nn.Parameter(weight.clone(), requires_grad=False)",
        "self.weight = nn.Parameter(weight.clone())",
        "the base weight and bias are frozen; A and B train",
    ),
    mutant(
        "scale alpha instead of alpha / r",
        "self.scaling = alpha / r",
        "self.scaling = alpha",
        "the scale is alpha / r",
        GENERIC,
    ),
    mutant(
        "merge adds the transposed update",
        "self.scaling * (self.lora_B @ self.lora_A)",
        "self.scaling * (self.lora_A.T @ self.lora_B.T)",
        "merge() writes W + (alpha/r) B A into the (d_out, d_in) weight",
    ),
    mutant(
        "merge forgets the scale",
        "return self.scaling * (self.lora_B @ self.lora_A)",
        "return self.lora_B @ self.lora_A",
        "merge() writes W + (alpha/r) B A into the (d_out, d_in) weight",
    ),
    mutant(
        "merged forward adds the adapter again",
        "        if not self.merged:\n            y = y +",
        "        if True:\n            y = y +",
        "a merged layer does not add the adapter path again",
    ),
    mutant(
        "unmerge only clears the flag",
        "self.weight -= self._delta()",
        "pass",
        "unmerge() restores the base weight, once",
    ),
    mutant(
        "unmerge without the merged guard",
        "        if self.merged:\n            self.weight -=",
        "        if True:\n            self.weight -=",
        "unmerge() restores the base weight, once",
    ),
    mutant(
        "merge without the merged guard",
        "        if not self.merged:\n            self.weight +=",
        "        if True:\n            self.weight +=",
        "merging twice does not add the update twice",
    ),
]
