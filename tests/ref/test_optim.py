"""optim: step functions and classes vs torch.optim for 25 steps (weight decay on and off); M12-M15 and the
Adam/AdamW traps as named tests."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref import optim as O

STEPS = 25


def _grad_fn(seed):
    """A fixed, non-trivial loss: random quadratic plus a quartic, so gradients change every step."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(4, 3, dtype=torch.float64, generator=g)

    def loss(w):
        return ((w - a) ** 2 * torch.arange(1, 4, dtype=torch.float64)).sum() + 0.1 * (w**4).sum()

    return loss


def _run(opt_cls, kwargs, seed=0, steps=STEPS):
    g = torch.Generator().manual_seed(seed + 100)
    w = torch.nn.Parameter(torch.randn(4, 3, dtype=torch.float64, generator=g))
    b = torch.nn.Parameter(torch.randn(3, dtype=torch.float64, generator=g))
    opt = opt_cls([w, b], **kwargs)
    loss_fn = _grad_fn(seed)
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        (loss_fn(w) + (b**2).sum()).backward()
        opt.step()
        traj.append(torch.cat([w.detach().flatten(), b.detach()]).clone())
    return torch.stack(traj)


CASES = [
    (O.SGD, torch.optim.SGD, dict(lr=0.05)),
    (O.SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9)),
    (O.SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9, dampening=0.3)),
    (O.SGD, torch.optim.SGD, dict(lr=0.02, momentum=0.9, nesterov=True)),
    (O.Adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (O.Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    (O.RMSprop, torch.optim.RMSprop, dict(lr=0.01)),
    (O.RMSprop, torch.optim.RMSprop, dict(lr=0.01, momentum=0.8, centered=True)),
    (O.Adam, torch.optim.Adam, dict(lr=0.05)),
    (O.Adam, torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6)),
    (O.AdamW, torch.optim.AdamW, dict(lr=0.05)),
    (O.AdamW, torch.optim.AdamW, dict(lr=0.05, betas=(0.9, 0.95))),
    (O.Adam, torch.optim.Adam, dict(lr=0.05, amsgrad=True)),
    (O.AdamW, torch.optim.AdamW, dict(lr=0.05, betas=(0.5, 0.9), amsgrad=True)),
]


@pytest.mark.parametrize("wd", [0.0, 0.1])
@pytest.mark.parametrize("i", range(len(CASES)))
def test_optimizer_matches_torch_step_by_step(i, wd):
    ours_cls, ref_cls, kw = CASES[i]
    kw = {**kw, "weight_decay": wd}
    ours, ref = _run(ours_cls, kw), _run(ref_cls, kw)
    for t in range(STEPS):
        torch.testing.assert_close(ours[t], ref[t], rtol=1e-10, atol=1e-12, msg=lambda m, t=t: f"step {t}: {m}")


def test_optimizer_works_with_torch_scheduler_and_state_dict():
    w = torch.nn.Parameter(torch.ones(3, dtype=torch.float64))
    opt = O.AdamW([w], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(5):
        opt.zero_grad()
        (w**2).sum().backward()
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.25)
    assert opt.state_dict()["state"][0]["step"] == 5


def test_step_function_without_class():
    p_ours = torch.tensor([1.0, -2.0], dtype=torch.float64)
    p_ref = torch.nn.Parameter(p_ours.clone())
    ref = torch.optim.SGD([p_ref], lr=0.1, momentum=0.9, nesterov=True)
    state: dict = {}
    for k in range(5):
        g = torch.tensor([0.5 * k, 1.0], dtype=torch.float64)
        O.sgd_step(p_ours, g, state, lr=0.1, momentum=0.9, nesterov=True)
        p_ref.grad = g.clone()
        ref.step()
    torch.testing.assert_close(p_ours, p_ref.detach(), rtol=1e-12, atol=0)


def test_m12_torch_momentum_has_no_one_minus_mu():
    p = torch.zeros(1, dtype=torch.float64)
    state: dict = {}
    for _ in range(500):
        before = p.clone()
        O.sgd_step(p, torch.ones(1, dtype=torch.float64), state, lr=0.1, momentum=0.9)
    assert (before - p).item() == pytest.approx(0.1 / (1 - 0.9), rel=1e-9)  # steady step = lr g / (1 - mu)


def test_m13_rmsprop_eps_outside_sqrt_and_alpha_099():
    g = torch.tensor([1e-6], dtype=torch.float64)
    p = torch.zeros(1, dtype=torch.float64)
    O.rmsprop_step(p, g, {}, lr=1.0, eps=1e-8)
    v = 0.01 * 1e-12
    assert p.item() == pytest.approx(-1e-6 / (math.sqrt(v) + 1e-8), rel=1e-12)
    assert p.item() != pytest.approx(-1e-6 / math.sqrt(v + 1e-8), rel=1e-3)
    assert torch.optim.RMSprop([torch.zeros(1, requires_grad=True)]).defaults["alpha"] == 0.99


def test_adam_without_bias_correction_differs():
    ref = _run(torch.optim.Adam, dict(lr=0.05))
    no_bc = _run(O.Adam, dict(lr=0.05, bias_correction=False))
    assert (ref[0] - no_bc[0]).abs().max() > 1e-3
    # first step with bias correction has magnitude ~lr for every coordinate: sign(g) * lr
    p = torch.zeros(3, dtype=torch.float64)
    O.adam_step(p, torch.tensor([1e-3, 5.0, -2.0], dtype=torch.float64), {}, lr=0.1)
    torch.testing.assert_close(p, torch.tensor([-0.1, -0.1, 0.1], dtype=torch.float64), rtol=1e-4, atol=0)


def test_m14_l2_differs_from_decoupled_decay_under_adam():
    l2 = _run(torch.optim.Adam, dict(lr=0.05, weight_decay=0.1))
    decoupled = _run(O.AdamW, dict(lr=0.05, weight_decay=0.1))
    assert (l2[-1] - decoupled[-1]).abs().max() > 1e-3
    # under plain SGD they coincide once the decay is scaled by the lr: p(1 - lr wd) - lr g = p - lr (g + wd p)
    p1, p2 = torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    g = torch.tensor([0.3, -0.2], dtype=torch.float64)
    O.sgd_step(p1, g, {}, lr=0.1, weight_decay=0.5)
    p2.mul_(1 - 0.1 * 0.5).add_(g, alpha=-0.1)
    torch.testing.assert_close(p1, p2, rtol=1e-15, atol=0)


def test_m14_adamw_decay_is_scaled_by_lr():
    p = torch.ones(2, dtype=torch.float64)
    O.adam_step(p, torch.zeros(2, dtype=torch.float64), {}, lr=0.01, weight_decay=0.5, decoupled=True)
    torch.testing.assert_close(p, torch.full((2,), 1 - 0.01 * 0.5, dtype=torch.float64))


def test_adagrad_effective_lr_goes_to_zero():
    p = torch.zeros(1, dtype=torch.float64)
    state: dict = {}
    steps = []
    for _ in range(200):
        before = p.clone()
        O.adagrad_step(p, torch.ones(1, dtype=torch.float64), state, lr=1.0)
        steps.append((p - before).abs().item())
    assert steps[-1] == pytest.approx(1 / math.sqrt(200), rel=1e-8)
    assert steps[-1] < steps[0] / 10


def test_lion_update_is_sign_times_lr_with_decoupled_decay():
    g = torch.Generator().manual_seed(0)
    p = torch.nn.Parameter(torch.randn(50, dtype=torch.float64, generator=g))
    opt = O.Lion([p], lr=1e-2, weight_decay=0.0)
    for _ in range(3):
        before = p.detach().clone()
        p.grad = torch.randn(50, dtype=torch.float64, generator=g)
        opt.step()
        torch.testing.assert_close((p.detach() - before).abs(), torch.full((50,), 1e-2, dtype=torch.float64))
    p2 = torch.ones(2, dtype=torch.float64)
    O.lion_step(p2, torch.zeros(2, dtype=torch.float64), {}, lr=0.1, weight_decay=0.5)
    torch.testing.assert_close(p2, torch.full((2,), 0.95, dtype=torch.float64))  # sign(0) = 0: decay only


def test_param_groups_exclude_biases_and_norms():
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4), torch.nn.Linear(4, 2))
    decay, no_decay = O.param_groups(model, 0.1)
    assert {id(p) for p in decay["params"]} == {id(model[0].weight), id(model[2].weight)}
    assert {id(p) for p in no_decay["params"]} == {
        id(model[0].bias),
        id(model[1].weight),
        id(model[1].bias),
        id(model[2].bias),
    }
    assert no_decay["weight_decay"] == 0.0
    torch.optim.AdamW(O.param_groups(model, 0.1))  # accepted by torch


def test_m15_optimizer_bytes_for_175b():
    assert O.optimizer_bytes(175e9, "adam-states") == pytest.approx(1.4e12)
    assert O.optimizer_bytes(175e9, "adam-mixed") == pytest.approx(2.8e12)
    with pytest.raises(ValueError, match="unknown scheme"):
        O.optimizer_bytes(1, "adafactor")


def test_m15_adam_state_really_is_8_bytes_per_param():
    p = torch.nn.Parameter(torch.zeros(1000))
    opt = torch.optim.Adam([p])
    p.grad = torch.ones(1000)
    opt.step()
    st_ = opt.state[p]
    nbytes = st_["exp_avg"].nbytes + st_["exp_avg_sq"].nbytes
    assert nbytes == O.optimizer_bytes(1000, "adam-states")


@settings(max_examples=20, deadline=None)
@given(w=st.just(0.0) | st.floats(1e-6, 10), u=st.just(0.0) | st.floats(1e-6, 10))
def test_lamb_trust_ratio_closed_form(w, u):
    r = O.lamb_trust_ratio(torch.tensor([w, 0.0], dtype=torch.float64), torch.tensor([0.0, u], dtype=torch.float64))
    if w == 0 or u == 0:
        assert r == 1.0
    else:
        assert r == pytest.approx(min(w / u, 10.0), rel=1e-6)


def test_scaled_lr():
    assert O.scaled_lr(0.1, 256, 1024) == pytest.approx(0.4)
    assert O.scaled_lr(0.1, 256, 1024, "sqrt") == pytest.approx(0.2)


def test_layerwise_lr_groups():
    layers = [torch.nn.Linear(2, 2) for _ in range(3)]
    groups = O.layerwise_lr_groups(layers, 1e-3, 0.1)
    assert [g["lr"] for g in groups] == pytest.approx([1e-5, 1e-4, 1e-3])
    opt = torch.optim.AdamW(groups)
    assert [g["lr"] for g in opt.param_groups] == pytest.approx([1e-5, 1e-4, 1e-3])


def test_lr_range_test_stays_below_2_over_lambda_max():
    lam = torch.tensor([100.0, 1.0, 0.1], dtype=torch.float64)

    def loss_and_grad(w):
        return float(0.5 * (lam * w * w).sum()), lam * w

    lr, lrs, finals = O.lr_range_test(loss_and_grad, torch.ones(3, dtype=torch.float64), lo=1e-4, hi=1.0, n=41)
    assert lr < 2 / lam.max().item()
    diverged = [lr_ for lr_, f in zip(lrs, finals, strict=True) if f == math.inf]
    assert diverged and min(diverged) > 2 / lam.max().item()  # SGD on a quadratic diverges past 2 / lambda_max


def test_m11_adam_second_moment_is_noisy_early():
    """Warmup is not only a post-LN fix: Adam's bias-corrected v_hat is a 1-sample estimate at step 1."""
    g = torch.Generator().manual_seed(0)
    grads = torch.randn(500, 2000, dtype=torch.float64, generator=g)  # 2000 params, unit-variance gradients
    state: dict = {}
    p = torch.zeros(2000, dtype=torch.float64)
    spread = {}
    for t in range(1, 501):
        O.adam_step(p, grads[t - 1], state, lr=0.0)
        if t in (1, 500):
            v_hat = state["exp_avg_sq"] / (1 - 0.999**t)
            spread[t] = float(v_hat.std() / v_hat.mean())
    assert spread[1] == pytest.approx(math.sqrt(2), rel=0.1)  # chi-square(1): relative std sqrt(2)
    assert spread[500] < 0.25 * spread[1]


@settings(max_examples=20, deadline=None)
@given(
    lr=st.floats(1e-3, 0.1),
    b1=st.floats(0.0, 0.95),
    b2=st.floats(0.9, 0.9999),
    wd=st.sampled_from([0.0, 0.01, 0.3]),
    decoupled=st.booleans(),
)
def test_adam_family_random_hyperparameters(lr, b1, b2, wd, decoupled):
    kw = dict(lr=lr, betas=(b1, b2), weight_decay=wd)
    ours_cls, ref_cls = (O.AdamW, torch.optim.AdamW) if decoupled else (O.Adam, torch.optim.Adam)
    torch.testing.assert_close(_run(ours_cls, kw, steps=20), _run(ref_cls, kw, steps=20), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("decoupled", [False, True])
def test_adam_update_with_explicit_state_matches_torch_for_25_steps(weight_decay: float, decoupled: bool) -> None:
    from mldrill.ref.optim import adam_update, adamw_update

    g = torch.Generator().manual_seed(1)
    p0 = torch.randn(4, 3, dtype=torch.float64, generator=g)
    ours, theirs = p0.clone(), torch.nn.Parameter(p0.clone())
    m, v = torch.zeros_like(p0), torch.zeros_like(p0)
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    opt = cls([theirs], lr=1e-2, weight_decay=weight_decay)
    for t in range(1, 26):
        grad = torch.randn(4, 3, dtype=torch.float64, generator=g)
        if decoupled:
            adamw_update(ours, grad, m, v, t, lr=1e-2, weight_decay=weight_decay)
        else:
            adam_update(ours, grad, m, v, t, lr=1e-2, weight_decay=weight_decay)
        theirs.grad = grad.clone()
        opt.step()
        torch.testing.assert_close(ours, theirs.detach(), rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(m, opt.state[theirs]["exp_avg"], rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(v, opt.state[theirs]["exp_avg_sq"], rtol=1e-12, atol=1e-14)
