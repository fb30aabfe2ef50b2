"""Classic wrong KV caches, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import torch

class KVCache:
    def __init__(self, *, n_layer, batch_size, n_kv_head, head_dim, max_len):
        shape = (batch_size, n_kv_head, max_len, head_dim)
        self.k = [torch.zeros(shape) for _ in range(n_layer)]
        self.v = [torch.zeros(shape) for _ in range(n_layer)]
        self.length = 0

    def update(self, layer, k, v):
        L, t = self.length, k.shape[2]
        self.k[layer][:, :, L : L + t] = k
        self.v[layer][:, :, L : L + t] = v
        return self.k[layer][:, :, : L + t], self.v[layer][:, :, : L + t]

    def advance(self, T):
        self.length += T
"""

PREFILL = "prefill stores the whole prompt"
DECODE = "decode steps append along the time axis"
LAYERS = "layers share positions; advance once per forward"
ATTN = "the newest query over the cache equals the full causal forward"

WRITE = """        self.k[layer][:, :, L : L + t] = k
        self.v[layer][:, :, L : L + t] = v
        return self.k[layer][:, :, : L + t], self.v[layer][:, :, : L + t]"""

MUTANTS = [
    Mutant(
        "length advanced inside update",
        (
            (WRITE, WRITE.replace("        return", "        self.length += t\n        return")),
            ("        self.length += T", "        pass"),
        ),
        LAYERS,
        (ATTN,),
    ),
    mutant(
        "one buffer shared by every layer",
        "        self.k = [torch.zeros(shape) for _ in range(n_layer)]\n"
        "        self.v = [torch.zeros(shape) for _ in range(n_layer)]",
        "        self.k = [torch.zeros(shape)] * n_layer\n        self.v = [torch.zeros(shape)] * n_layer",
        LAYERS,
        ATTN,
    ),
    mutant(
        "decode tokens concatenated on the head axis",
        WRITE,
        """        if L == 0:
            self.k[layer], self.v[layer] = k, v
        else:
            self.k[layer] = torch.cat([self.k[layer], k], dim=1)
            self.v[layer] = torch.cat([self.v[layer], v], dim=1)
        return self.k[layer], self.v[layer]""",
        DECODE,
        LAYERS,
        ATTN,
    ),
    mutant(
        "new tokens written at position 0",
        "        self.k[layer][:, :, L : L + t] = k\n        self.v[layer][:, :, L : L + t] = v",
        "        self.k[layer][:, :, :t] = k\n        self.v[layer][:, :, :t] = v",
        DECODE,
        LAYERS,
        ATTN,
    ),
    mutant(
        "returns only the new tokens",
        "        return self.k[layer][:, :, : L + t], self.v[layer][:, :, : L + t]",
        "        return k, v",
        DECODE,
        LAYERS,
        ATTN,
    ),
    mutant(
        "returns the whole max_len buffer",
        "        return self.k[layer][:, :, : L + t], self.v[layer][:, :, : L + t]",
        "        return self.k[layer], self.v[layer]",
        PREFILL,
        # the unfilled tail (zeros) is returned at every step before the buffer is full, in every check
        DECODE,
        LAYERS,
        ATTN,
    ),
    mutant(
        "advance adds one token, whatever T",
        "        self.length += T",
        "        self.length += 1",
        PREFILL,
        # every check starts with a prefill of several tokens
        DECODE,
        LAYERS,
        ATTN,
    ),
]
