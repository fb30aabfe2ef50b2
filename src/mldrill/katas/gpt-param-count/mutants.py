"""Classic wrong GPT parameter counts, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def gpt_param_count(vocab_size, block_size, n_layer, n_head, n_embd, *, bias=True, tied=True):
    d, b = n_embd, int(bias)
    ln = d + b * d
    attn = d * 3 * d + b * 3 * d + d * d + b * d
    mlp = d * 4 * d + b * 4 * d + 4 * d * d + b * d
    head = 0 if tied else vocab_size * d
    return vocab_size * d + block_size * d + n_layer * (2 * ln + attn + mlp) + ln + head
"""

GENERIC = "matches the module's parameter count"
GPT2 = "GPT-2 small has 124,439,808"

MUTANTS = [
    mutant(
        "a tied head counted twice",
        "head = 0 if tied else vocab_size * d",
        "head = vocab_size * d",
        "a tied head adds nothing",
        GENERIC,
        GPT2,
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "an untied head with a bias",
        "head = 0 if tied else vocab_size * d",
        "head = 0 if tied else vocab_size * d + vocab_size",
        "an untied head adds vocab_size x n_embd, without a bias",
        GENERIC,
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "no positional table",
        "return vocab_size * d + block_size * d + ",
        "return vocab_size * d + ",
        "learned positions: block_size x n_embd",
        GENERIC,
        GPT2,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "one MLP matrix",
        "mlp = d * 4 * d + b * 4 * d + 4 * d * d + b * d",
        "mlp = d * 4 * d + b * 4 * d",
        "the MLP is d -> 4d -> d",
        GENERIC,
        GPT2,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "learned positions: block_size x n_embd",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "a d x d matrix per head",
        "attn = d * 3 * d + b * 3 * d + d * d + b * d",
        "attn = n_head * d * 3 * d + b * 3 * d + d * d + b * d",
        "n_head does not change the count",
        GENERIC,
        GPT2,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "the final LayerNorm ln_f",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "no final LayerNorm",
        "n_layer * (2 * ln + attn + mlp) + ln + head",
        "n_layer * (2 * ln + attn + mlp) + head",
        "the final LayerNorm ln_f",
        GENERIC,
        GPT2,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "bias=False drops every bias, LayerNorms' included",
        "a LayerNorm has a weight and a bias: 2 d",
    ),
    mutant(
        "a LayerNorm counted as d (its bias forgotten)",
        "ln = d + b * d",
        "ln = d",
        "a LayerNorm has a weight and a bias: 2 d",
        GENERIC,
        GPT2,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
    ),
    mutant(
        "LayerNorm biases kept when bias=False",
        "ln = d + b * d",
        "ln = 2 * d",
        "bias=False drops every bias, LayerNorms' included",
        GENERIC,
        "a tied head adds nothing",
        "an untied head adds vocab_size x n_embd, without a bias",
        "learned positions: block_size x n_embd",
        "the MLP is d -> 4d -> d",
        "n_head does not change the count",
        "the final LayerNorm ln_f",
    ),
]
