"""Classic wrong attention parameter counts, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def gqa_params(d, h, g, *, bias=False):
    d_h = d // h
    kv = g * d_h  # width of W_K and W_V
    weights = 2 * d * d + 2 * d * kv
    biases = 2 * d + 2 * kv if bias else 0
    return weights + biases
"""

MHA = "multi-head attention has 4 d^2 for any number of heads (M20)"
GQA = "GQA shrinks only K and V (M28)"
LLAMA = "a Llama-sized attention layer (Llama-3-8B: 41,943,040)"
BIASES = "biases"

MUTANTS = [
    mutant("every head a full-width projection", "d_h = d // h", "d_h = d", MHA, GQA, LLAMA, BIASES),
    mutant("K and V not shrunk", "kv = g * d_h", "kv = d", GQA, LLAMA, BIASES),  # every g < h case
    mutant("Q shrunk with K and V", "2 * d * d + 2 * d * kv", "d * d + 3 * d * kv", GQA, LLAMA, BIASES),
    mutant("K and V biases of width d", "2 * d + 2 * kv if bias", "4 * d if bias", BIASES),
    mutant("biases ignored", "biases = 2 * d + 2 * kv if bias else 0", "biases = 0", BIASES),
]
