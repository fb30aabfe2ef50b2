"""Classic wrong KV-cache sizes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def kv_cache_bytes(n_layer, n_kv_head, head_dim, seq_len, bytes_per_elem, batch=1):
    elements = 2 * n_layer * n_kv_head * head_dim * seq_len * batch  # 2: one K and one V per head and token
    return int(elements * bytes_per_elem)
"""

GENERIC = "equals the bytes of real K and V tensors"
LLAMA = "Llama-3-8B: 128 KiB per token, 1 GiB at 8k (M30)"
SCALE = "batch and precision scale linearly"

MUTANTS = [
    mutant("K only (no factor 2)", "elements = 2 * n_layer", "elements = n_layer", GENERIC, LLAMA, SCALE),
    mutant(
        "batch ignored",
        "* seq_len * batch",
        "* seq_len",
        SCALE,
        GENERIC,  # its second case has a batch of 2 to 5
    ),
    mutant(
        "bf16 assumed",
        "int(elements * bytes_per_elem)",
        "int(elements * 2)",
        SCALE,
        GENERIC,  # its second case is float32
    ),
    mutant(
        "one token too many",
        "* seq_len * batch",
        "* (seq_len + 1) * batch",
        GENERIC,
        LLAMA,  # every count is off
        SCALE,
    ),
]
