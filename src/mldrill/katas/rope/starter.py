import torch


def apply_rope(x: torch.Tensor, pos: torch.Tensor, *, base: float = 10000.0, style: str = "half") -> torch.Tensor:
    """Rotate x (B, nh, T, hs) at integer positions pos (T,); style 'half' (NeoX/Llama) or 'interleaved' (GPT-J)."""
    raise NotImplementedError("write apply_rope here")
