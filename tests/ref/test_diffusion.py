"""Diffusion against diffusers' schedulers and closed forms; a tiny 2-D model that learns its target distribution."""

import math

import numpy as np
import pytest
import torch
from diffusers import DDIMScheduler, DDPMScheduler

from mldrill.ref.diffusion import (
    alphas_cumprod,
    cfg,
    cfg_batched,
    convert_pred,
    cosine_betas,
    ddim_step,
    ddpm_posterior,
    ddpm_step,
    frechet_distance,
    linear_betas,
    log_snr,
    mask_corrupt,
    posterior_coefficients,
    q_sample,
    q_sample_posterior_mean,
    sample_ddpm,
    train_toy,
)

F32 = dict(rtol=2e-5, atol=2e-6)  # diffusers keeps its schedule in float32


@pytest.mark.parametrize(("ours", "theirs"), [(linear_betas, "linear"), (cosine_betas, "squaredcos_cap_v2")])
def test_schedules_match_diffusers(ours, theirs):
    sched = DDPMScheduler(num_train_timesteps=1000, beta_schedule=theirs)
    torch.testing.assert_close(ours(1000).float(), sched.betas, **F32)
    torch.testing.assert_close(alphas_cumprod(ours(1000)).float(), sched.alphas_cumprod, **F32)


def test_cosine_abar_is_f_over_f0_until_the_clip():
    T, s = 1000, 0.008
    abar = alphas_cumprod(cosine_betas(T))
    f = [math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2 for t in range(T + 1)]
    expected = torch.tensor([f[t + 1] / f[0] for t in range(T)], dtype=torch.float64)
    torch.testing.assert_close(abar[:-1], expected[:-1], rtol=1e-12, atol=1e-15)  # the last beta is clipped at 0.999
    assert cosine_betas(T)[-1].item() == 0.999
    assert (log_snr(abar).diff() < 0).all()  # the SNR falls monotonically


def test_q_sample_matches_add_noise_and_its_moments():
    sched = DDPMScheduler(num_train_timesteps=1000)
    abar = alphas_cumprod(linear_betas(1000))
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.randn(6, 3, generator=g), torch.randn(6, 3, generator=g)
    t = torch.tensor([0, 1, 10, 500, 998, 999])
    torch.testing.assert_close(q_sample(x0, t, abar, noise), sched.add_noise(x0, noise, t), **F32)
    # Moments: x0 fixed at 2, t = 300: mean sqrt(abar) * 2, variance 1 - abar; 5-sigma bounds.
    n = 100_000
    xt = q_sample(
        torch.full((n, 1), 2.0, dtype=torch.float64),
        torch.full((n,), 300),
        abar,
        torch.randn(n, 1, generator=g, dtype=torch.float64),
    )
    a = abar[300].item()
    assert abs(xt.mean().item() - 2 * math.sqrt(a)) < 5 * math.sqrt((1 - a) / n)
    assert xt.var().item() == pytest.approx(1 - a, rel=0.02)


@pytest.mark.parametrize("t", [999, 500, 1, 0])
def test_ddpm_step_matches_diffusers_with_the_same_noise(t: int):
    sched = DDPMScheduler(num_train_timesteps=1000, clip_sample=False)
    betas = linear_betas(1000).float()
    g = torch.Generator().manual_seed(t)
    x_t, eps = torch.randn(4, 5, generator=g), torch.randn(4, 5, generator=g)
    theirs = sched.step(eps, t, x_t, generator=torch.Generator().manual_seed(7)).prev_sample
    noise = torch.randn(4, 5, generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(ddpm_step(eps, t, x_t, betas, noise), theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("schedule", [linear_betas, cosine_betas])
def test_posterior_coefficients_match_diffusers_step_in_float64(schedule):
    T = 50
    betas = schedule(T)
    sched = DDPMScheduler(num_train_timesteps=T, trained_betas=betas.tolist(), prediction_type="sample")
    sched.alphas_cumprod, sched.one = alphas_cumprod(betas), torch.tensor(1.0, dtype=torch.float64)  # float64 math
    c0, ct, var = posterior_coefficients(betas)
    one, zero = torch.ones(1, 1, dtype=torch.float64), torch.zeros(1, 1, dtype=torch.float64)  # (B, C)

    def step(x0: torch.Tensor, x_t: torch.Tensor, t: int) -> float:  # the mean plus sqrt(var) * the same noise
        return sched.step(x0, t, x_t, generator=torch.Generator().manual_seed(t)).prev_sample.item()

    for t in range(T):
        noise_part = step(zero, zero, t)
        assert step(one, zero, t) - noise_part == pytest.approx(c0[t].item(), rel=1e-12, abs=1e-15)
        assert step(zero, one, t) - noise_part == pytest.approx(ct[t].item(), rel=1e-12, abs=1e-15)
        assert max(var[t].item(), 1e-20) == pytest.approx(sched._get_variance(t).item(), rel=1e-12)  # diffusers clamps
    assert c0[0].item() == pytest.approx(1.0, rel=1e-12)  # t = 0: the mean is x_0 and there is no noise
    assert (ct[0].item(), var[0].item()) == (0.0, 0.0)


def test_posterior_mean_recovers_x_prev_from_the_true_noise_in_expectation():
    """With the true eps, the posterior mean equals E[x_{t-1} | x_t, x_0] from q's closed form."""
    betas = linear_betas(100)
    abar = alphas_cumprod(betas)
    g = torch.Generator().manual_seed(1)
    x0, eps = torch.randn(3, generator=g, dtype=torch.float64), torch.randn(3, generator=g, dtype=torch.float64)
    t = 40
    x_t = abar[t].sqrt() * x0 + (1 - abar[t]).sqrt() * eps
    mean, var = ddpm_posterior(eps, t, x_t, betas)
    # Ho et al. eq. 7: mu~ = sqrt(abar_{t-1}) beta_t/(1-abar_t) x0 + sqrt(alpha_t)(1-abar_{t-1})/(1-abar_t) x_t
    c0 = abar[t - 1].sqrt() * betas[t] / (1 - abar[t])
    ct = (1 - betas[t]).sqrt() * (1 - abar[t - 1]) / (1 - abar[t])
    torch.testing.assert_close(mean, c0 * x0 + ct * x_t)
    assert var.item() == pytest.approx(((1 - abar[t - 1]) / (1 - abar[t]) * betas[t]).item())


def test_q_sample_posterior_mean_matches_add_noise_and_the_eps_form_posterior():
    sched = DDPMScheduler(num_train_timesteps=1000)
    betas = linear_betas(1000)
    g = torch.Generator().manual_seed(2)
    x0, noise = (torch.randn(5, 2, 3, generator=g, dtype=torch.float64) for _ in range(2))
    t = torch.tensor([0, 1, 40, 500, 999])
    x_t, mean = q_sample_posterior_mean(x0, t, betas, noise)
    torch.testing.assert_close(x_t.float(), sched.add_noise(x0.float(), noise.float(), t), **F32)
    for i, ti in enumerate(t.tolist()):  # with the true noise, the eps-form posterior mean is the same quantity
        torch.testing.assert_close(mean[i], ddpm_posterior(noise[i], ti, x_t[i], betas)[0])
    torch.testing.assert_close(mean[0], x0[0])  # t = 0: abar_{-1} = 1, the mean is x0


@pytest.mark.parametrize("eta", [0.0, 0.7])
def test_ddim_step_matches_diffusers(eta: float):
    sched = DDIMScheduler(num_train_timesteps=1000, clip_sample=False, set_alpha_to_one=True)
    sched.set_timesteps(50)
    abar = alphas_cumprod(linear_betas(1000)).float()
    g = torch.Generator().manual_seed(3)
    x_t, eps, z = (torch.randn(4, 2, generator=g) for _ in range(3))
    for t in (int(sched.timesteps[0]), int(sched.timesteps[25]), int(sched.timesteps[-1])):
        t_prev = t - 1000 // 50
        theirs = sched.step(eps, t, x_t, eta=eta, variance_noise=z if eta else None).prev_sample
        torch.testing.assert_close(ddim_step(eps, t, t_prev, x_t, abar, eta=eta, noise=z), theirs, rtol=1e-4, atol=1e-5)


def test_ddim_with_the_true_noise_recovers_x0_exactly():
    abar = alphas_cumprod(linear_betas(1000))
    x0, eps = torch.tensor([0.3, -1.2], dtype=torch.float64), torch.tensor([1.0, 0.5], dtype=torch.float64)
    x_t = abar[700].sqrt() * x0 + (1 - abar[700]).sqrt() * eps
    torch.testing.assert_close(ddim_step(eps, 700, -1, x_t, abar), x0)


def test_cfg_endpoints():
    u, c = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0])
    assert torch.equal(cfg(u, c, 0.0), u) and torch.equal(cfg(u, c, 1.0), c)
    torch.testing.assert_close(cfg(u, c, 3.0), torch.tensor([7.0, -7.0]))


@pytest.mark.parametrize("phi", [0.0, 0.7, 1.0])
def test_cfg_batched_matches_diffusers_rescale_noise_cfg(phi: float):
    from diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion import rescale_noise_cfg

    g = torch.Generator().manual_seed(3)
    both = torch.randn(6, 2, 4, 4, generator=g, dtype=torch.float64)
    u, c = both[:3], both[3:]
    theirs = rescale_noise_cfg(u + 7.5 * (c - u), c, guidance_rescale=phi)
    torch.testing.assert_close(cfg_batched(both, 7.5, rescale=phi), theirs)


@pytest.mark.parametrize("src", ["eps", "x0", "v"])
def test_parameterizations_round_trip(src: str):
    g = torch.Generator().manual_seed(4)
    x0, eps = torch.randn(5, generator=g, dtype=torch.float64), torch.randn(5, generator=g, dtype=torch.float64)
    a = torch.tensor(0.37, dtype=torch.float64)
    x_t = a.sqrt() * x0 + (1 - a).sqrt() * eps
    truth = {"eps": eps, "x0": x0, "v": a.sqrt() * eps - (1 - a).sqrt() * x0}
    for dst in ("eps", "x0", "v"):
        torch.testing.assert_close(convert_pred(truth[src], x_t, a, src, dst), truth[dst])
    with pytest.raises(ValueError, match="prediction type"):
        convert_pred(eps, x_t, a, "score", "eps")


def test_frechet_distance_closed_forms():
    # 1-D: (mu1 - mu2)^2 + (s1 - s2)^2
    assert frechet_distance(np.array([1.0]), np.array([[4.0]]), np.array([-2.0]), np.array([[1.0]])) == pytest.approx(
        9 + 1
    )
    # commuting (diagonal) covariances: sum of (sqrt(a) - sqrt(b))^2
    a, b = np.diag([1.0, 9.0, 0.25]), np.diag([4.0, 1.0, 0.25])
    assert frechet_distance(np.zeros(3), a, np.zeros(3), b) == pytest.approx(1 + 4 + 0)
    rng = np.random.default_rng(0)
    m = rng.normal(size=(4, 4))
    cov = m @ m.T + np.eye(4)
    assert frechet_distance(np.ones(4), cov, np.ones(4), cov) == pytest.approx(0.0, abs=1e-7)


def test_mask_corrupt_rate():
    betas = torch.full((10,), 0.1, dtype=torch.float64)
    tokens = torch.arange(200_000) % 50
    out = mask_corrupt(tokens, 4, betas, mask_id=-1, generator=torch.Generator().manual_seed(0))
    p = 1 - 0.9**5
    rate = (out == -1).double().mean().item()
    assert abs(rate - p) < 5 * math.sqrt(p * (1 - p) / 200_000)  # 5 sigma: false failure < 1e-6
    assert torch.equal(out[out != -1], tokens[out != -1])


def _four_modes(n: int, g: torch.Generator) -> torch.Tensor:
    centres = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    return centres[torch.randint(0, 4, (n,), generator=g)] + 0.15 * torch.randn(n, 2, generator=g)


def _energy_distance(x: torch.Tensor, y: torch.Tensor) -> float:
    return (2 * torch.cdist(x, y).mean() - torch.cdist(x, x).mean() - torch.cdist(y, y).mean()).item()


@pytest.mark.slow
def test_a_tiny_model_learns_a_four_mode_distribution():
    g = torch.Generator().manual_seed(0)
    model, betas, losses = train_toy(_four_modes(4096, g), T=50, steps=1500, seed=0)
    assert np.mean(losses[-100:]) < np.mean(losses[:100])
    samples = sample_ddpm(model, betas, 400, torch.Generator().manual_seed(1))
    target = _four_modes(400, torch.Generator().manual_seed(2))
    # Two-sample permutation test on the energy distance, 200 permutations: p <= 0.01 means "different".
    observed = _energy_distance(samples, target)
    pooled = torch.cat([samples, target])
    perm_g = torch.Generator().manual_seed(3)
    null = []
    for _ in range(200):
        idx = torch.randperm(800, generator=perm_g)
        null.append(_energy_distance(pooled[idx[:400]], pooled[idx[400:]]))
    p_value = (1 + sum(v >= observed for v in null)) / 201
    assert p_value > 0.01, f"samples differ from the target (energy distance {observed:.4f}, p = {p_value:.3f})"
    # ...and the test has power: plain Gaussian noise with the same mean and covariance is rejected.
    gauss = torch.randn(400, 2, generator=torch.Generator().manual_seed(4)) * target.std(0)
    null_g = [
        _energy_distance(*(torch.cat([gauss, target])[torch.randperm(800, generator=perm_g)].split(400)))
        for _ in range(200)
    ]
    assert (1 + sum(v >= _energy_distance(gauss, target) for v in null_g)) / 201 <= 0.01
