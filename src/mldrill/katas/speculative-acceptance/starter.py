import torch


def verify_draft(
    p: torch.Tensor,
    q: torch.Tensor,
    draft: torch.Tensor,
    *,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Accept each draft with prob min(1, p/q) up to the first rejection; resample there from max(0, p - q), or draw
    a bonus token from p[:, k]. Returns (n_accepted (B,), next_token (B,))."""
    raise NotImplementedError("write verify_draft here")
