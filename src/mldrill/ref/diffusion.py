"""Denoising diffusion (DDPM, DDIM): schedules, the forward closed form, the epsilon loss, the reverse steps.

    abar_t = prod_{s <= t} (1 - beta_s)
    forward     x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps                      (any t in one step)
    loss        || eps - eps_theta(x_t, t) ||^2,   t ~ U{0..T-1} per example
    DDPM step   mu = (x_t - beta_t / sqrt(1 - abar_t) eps_theta) / sqrt(alpha_t),  var = beta~_t (posterior)
                beta~_t = (1 - abar_{t-1}) / (1 - abar_t) beta_t;  no noise is added on the last step (t = 0)
    DDIM step   x0^ = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
                x_prev = sqrt(abar_prev) x0^ + sqrt(1 - abar_prev - sigma^2) eps + sigma z   (eta = 0: deterministic)
    CFG         eps = eps_u + w (eps_c - eps_u)            (w = 0 unconditional, w = 1 conditional)
    v           v = sqrt(abar) eps - sqrt(1 - abar) x_0
    FID         ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))

Conventions: timesteps are 0-based like diffusers (t = 0 is the least noisy step, T - 1 the noisiest); the cosine
schedule is Nichol & Dhariwal's abar(t) = f(t)/f(0), f(t) = cos^2(((t/T + s)/(1 + s)) pi/2), s = 0.008, with each
beta clipped at 0.999 (M45). Guidance papers write the CFG weight as w or 1 + w: say which.
Tested against diffusers' DDPMScheduler / DDIMScheduler (clip_sample=False) and closed forms; `train_toy` fits a
2-D distribution on a CPU in seconds (tests/ref/test_diffusion.py).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from scipy.linalg import sqrtm
from torch import nn


def linear_betas(T: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    """DDPM's linear schedule (Ho et al. 2020 use T = 1000, 1e-4 to 0.02)."""
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def cosine_betas(T: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """Betas whose cumulative product follows f(t)/f(0); each beta_t = 1 - abar(t+1)/abar(t), clipped."""

    def f(t: float) -> float:
        return math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - f(i + 1) / f(i), max_beta) for i in range(T)]
    return torch.tensor(betas, dtype=torch.float64)


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    return torch.cumprod(1 - betas, dim=0)


def log_snr(abar: torch.Tensor) -> torch.Tensor:
    """log(abar / (1 - abar)): the signal-to-noise ratio in log space, falling with t."""
    return torch.log(abar) - torch.log1p(-abar)


def _at(abar: torch.Tensor, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """abar[t] per example, shaped to broadcast against x (B, ...)."""
    return abar[t].to(like.dtype).reshape(-1, *([1] * (like.dim() - 1)))


def q_sample(x0: torch.Tensor, t: torch.Tensor, abar: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """x_t in one step from x_0; t is a (B,) tensor of 0-based steps."""
    a = _at(abar, t, x0)
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def q_sample_posterior_mean(
    x0: torch.Tensor, t: torch.Tensor, betas: torch.Tensor, noise: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """x_t = q_sample(x0, t) and the mean of q(x_{t-1} | x_t, x0), per example (t (B,), 0-based).

    mean = sqrt(abar_{t-1}) beta_t / (1 - abar_t) x0 + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) x_t, with
    abar_{-1} = 1, so at t = 0 the mean is x0 itself.
    """
    abar = alphas_cumprod(betas)
    x_t = q_sample(x0, t, abar, noise)
    abar_prev = torch.cat([torch.ones(1, dtype=abar.dtype), abar[:-1]])  # abar_{t-1}; 1 before the first step
    a, a_prev, beta = _at(abar, t, x0), _at(abar_prev, t, x0), _at(betas, t, x0)
    mean = a_prev.sqrt() * beta / (1 - a) * x0 + (1 - beta).sqrt() * (1 - a_prev) / (1 - a) * x_t
    return x_t, mean


def posterior_coefficients(betas: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """q(x_{t-1} | x_t, x_0) = N(c0_t x_0 + ct_t x_t, beta~_t) for every step t of the schedule (each (T,)):

    c0 = sqrt(abar_{t-1}) beta_t / (1 - abar_t),  ct = sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t),
    beta~ = (1 - abar_{t-1}) / (1 - abar_t) beta_t,  with abar_{-1} = 1 (at t = 0: c0 = 1, ct = 0, beta~ = 0).
    Equal to the coefficients of diffusers' DDPMScheduler.step and its "fixed_small" variance (before its 1e-20 clamp).
    """
    abar = alphas_cumprod(betas)  # (T,)
    abar_prev = torch.cat([torch.ones(1, dtype=abar.dtype), abar[:-1]])  # (T,): abar_{t-1}; 1 before the first step
    c0 = abar_prev.sqrt() * betas / (1 - abar)
    ct = (1 - betas).sqrt() * (1 - abar_prev) / (1 - abar)
    return c0, ct, (1 - abar_prev) / (1 - abar) * betas


def eps_loss(model: nn.Module, x0: torch.Tensor, abar: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """The simple DDPM loss: a fresh t and eps per example, MSE between eps and the model's prediction."""
    t = torch.randint(0, len(abar), (x0.shape[0],), generator=generator)  # (B,)
    noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype)
    return ((model(q_sample(x0, t, abar, noise), t) - noise) ** 2).mean()


def ddpm_posterior(
    eps: torch.Tensor, t: int, x_t: torch.Tensor, betas: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and variance (beta~_t) of p(x_{t-1} | x_t) with the model's eps."""
    abar = alphas_cumprod(betas)
    abar_prev = abar[t - 1] if t > 0 else torch.ones((), dtype=abar.dtype)
    mean = (x_t - betas[t] / torch.sqrt(1 - abar[t]) * eps) / torch.sqrt(1 - betas[t])
    var = (1 - abar_prev) / (1 - abar[t]) * betas[t]
    return mean, var


def ddpm_step(
    eps: torch.Tensor, t: int, x_t: torch.Tensor, betas: torch.Tensor, noise: torch.Tensor | None
) -> torch.Tensor:
    """One ancestral sampling step x_t -> x_{t-1}; the final step (t = 0) returns the mean, with no noise."""
    mean, var = ddpm_posterior(eps, t, x_t, betas)
    if t == 0 or noise is None:
        return mean
    return mean + var.sqrt() * noise


def ddim_step(
    eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, abar: torch.Tensor, *, eta: float = 0.0,
    noise: torch.Tensor | None = None,
) -> torch.Tensor:  # fmt: skip
    """DDIM from step t to t_prev < t (t_prev = -1 means the clean end, abar = 1). eta = 0 is deterministic."""
    a_t = abar[t]
    a_prev = abar[t_prev] if t_prev >= 0 else torch.ones((), dtype=abar.dtype)
    x0 = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    sigma = eta * torch.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))
    x_prev = torch.sqrt(a_prev) * x0 + torch.sqrt(1 - a_prev - sigma**2) * eps
    if eta > 0 and noise is not None:
        x_prev = x_prev + sigma * noise
    return x_prev


def cfg(eps_uncond: torch.Tensor, eps_cond: torch.Tensor, w: float) -> torch.Tensor:
    """Classifier-free guidance, w-form: 0 = unconditional, 1 = conditional, > 1 pushes past the condition."""
    return eps_uncond + w * (eps_cond - eps_uncond)


def cfg_batched(eps_both: torch.Tensor, w: float, *, rescale: float = 0.0) -> torch.Tensor:
    """CFG from one batched model call on [unconditional; conditional] inputs, eps_both (2B, ...) -> (B, ...).

    rescale = phi > 0 applies guidance rescaling (Lin et al. 2024, sec. 3.4): the guided prediction is scaled to the
    conditional prediction's std, per example over all non-batch axes, and blended with the plain one by phi.
    """
    eps_uncond, eps_cond = eps_both.chunk(2, dim=0)  # (B, ...) each
    guided = cfg(eps_uncond, eps_cond, w)
    if rescale == 0.0:
        return guided
    axes = list(range(1, guided.dim()))
    scaled = guided * (eps_cond.std(dim=axes, keepdim=True) / guided.std(dim=axes, keepdim=True))
    return rescale * scaled + (1 - rescale) * guided


def convert_pred(pred: torch.Tensor, x_t: torch.Tensor, abar_t: torch.Tensor, src: str, dst: str) -> torch.Tensor:
    """Convert between eps, x0 and v predictions at one noise level (abar_t broadcastable to x_t)."""
    a, s = torch.sqrt(abar_t), torch.sqrt(1 - abar_t)
    if src == "eps":
        eps, x0 = pred, (x_t - s * pred) / a
    elif src == "x0":
        eps, x0 = (x_t - a * pred) / s, pred
    elif src == "v":  # x_t = a x0 + s eps and v = a eps - s x0, with a^2 + s^2 = 1
        eps, x0 = a * pred + s * x_t, a * x_t - s * pred
    else:
        raise ValueError(f"unknown prediction type {src!r}: expected eps, x0 or v")
    outputs = {"eps": eps, "x0": x0, "v": a * eps - s * x0}
    if dst not in outputs:
        raise ValueError(f"unknown prediction type {dst!r}: expected eps, x0 or v")
    return outputs[dst]


def frechet_distance(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """The Frechet (2-Wasserstein) distance squared between two Gaussians; the real part of sqrtm is kept."""
    covmean = sqrtm(cov1 @ cov2)
    if np.iscomplexobj(covmean):
        covmean = covmean.real  # rounding leaves tiny imaginary parts
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1 + cov2 - 2 * covmean))


def mask_corrupt(
    tokens: torch.Tensor, t: int, betas: torch.Tensor, mask_id: int, generator: torch.Generator
) -> torch.Tensor:
    """Absorbing-state discrete diffusion: by step t each token is [MASK] with probability 1 - prod(1 - beta_s)."""
    p_masked = 1 - torch.prod(1 - betas[: t + 1])
    hit = torch.rand(tokens.shape, generator=generator, dtype=torch.float64) < p_masked
    return torch.where(hit, torch.full_like(tokens, mask_id), tokens)


class TinyDenoiser(nn.Module):
    """eps_theta(x_t, t) for 2-D points: an MLP on the point and a sinusoidal embedding of t."""

    def __init__(self, T: int, width: int = 128, n_freq: int = 16) -> None:
        super().__init__()
        self.T = T
        self.freqs: torch.Tensor
        self.register_buffer("freqs", torch.exp(torch.linspace(0, math.log(1000), n_freq)), persistent=False)
        self.net = nn.Sequential(
            nn.Linear(2 + 2 * n_freq, width), nn.SiLU(), nn.Linear(width, width), nn.SiLU(), nn.Linear(width, 2)
        )

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        angle = (t.to(x.dtype) / self.T)[:, None] * self.freqs.to(x.dtype)  # (B, n_freq)
        return self.net(torch.cat([x, angle.sin(), angle.cos()], dim=-1))  # (B, 2)


def train_toy(
    data: torch.Tensor, *, T: int = 100, steps: int = 3000, batch: int = 256, lr: float = 2e-3, seed: int = 0
) -> tuple[TinyDenoiser, torch.Tensor, list[float]]:
    """Fit a TinyDenoiser to 2-D points with the eps loss and a cosine schedule; returns (model, betas, losses)."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    betas = cosine_betas(T)
    abar = alphas_cumprod(betas).float()
    model = TinyDenoiser(T)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    losses = []
    for _ in range(steps):
        x0 = data[torch.randint(0, len(data), (batch,), generator=g)]
        loss = eps_loss(model, x0, abar, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return model, betas, losses


@torch.no_grad()
def sample_ddpm(model: nn.Module, betas: torch.Tensor, n: int, generator: torch.Generator) -> torch.Tensor:
    """Ancestral sampling from pure noise through every step T-1 .. 0."""
    x = torch.randn(n, 2, generator=generator)
    b = betas.float()
    for t in reversed(range(len(betas))):
        eps = model(x, torch.full((n,), t))
        x = ddpm_step(eps, t, x, b, torch.randn(n, 2, generator=generator))
    return x
