def gpt_param_count(
    vocab_size: int, block_size: int, n_layer: int, n_head: int, n_embd: int, *, bias: bool = True, tied: bool = True
) -> int:
    """Parameters of a GPT-2-style model with this config (a tied head counted once)."""
    raise NotImplementedError("write gpt_param_count here")
