import torch


def selective_scan(
    u: torch.Tensor, delta: torch.Tensor, A: torch.Tensor, B: torch.Tensor, C: torch.Tensor, D: torch.Tensor
) -> torch.Tensor:
    """Mamba's selective SSM: u, delta (Bsz, L, d); A (d, N); B, C (Bsz, L, N); D (d,) -> y (Bsz, L, d)."""
    raise NotImplementedError("write selective_scan here")
