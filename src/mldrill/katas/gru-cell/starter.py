import torch


def gru_cell(
    x: torch.Tensor,
    h: torch.Tensor,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b_ih: torch.Tensor | None,
    b_hh: torch.Tensor | None,
) -> torch.Tensor:
    """One nn.GRUCell step with gate order r, z, n. Returns h_next (B, H)."""
    raise NotImplementedError("write gru_cell here")
