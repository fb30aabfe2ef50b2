"""schedules: every schedule vs torch.optim.lr_scheduler / transformers for at least 20 steps."""

import pytest
import torch
from transformers import (
    get_cosine_schedule_with_warmup,
    get_cosine_with_min_lr_schedule_with_warmup,
    get_inverse_sqrt_schedule,
    get_linear_schedule_with_warmup,
)

from mldrill.ref import schedules as S


def _torch_lrs(make_sched, steps, lr=0.1, opt_cls=torch.optim.SGD, **opt_kw):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = opt_cls([p], lr=lr, **opt_kw)
    sched = make_sched(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def _check(ours, ref):
    assert len(ours) == len(ref) >= 20
    for t, (a, b) in enumerate(zip(ours, ref, strict=True)):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-15), f"step {t}: ours {a} vs ref {b}"


def test_step_lr():
    _check([S.step_lr(t, lr=0.1, step_size=7, gamma=0.5) for t in range(30)],
           _torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5), 30))  # fmt: skip


def test_multistep_lr():
    _check([S.multistep_lr(t, lr=0.1, milestones=[15, 5, 22], gamma=0.3) for t in range(30)],
           _torch_lrs(lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [5, 15, 22], 0.3), 30))  # fmt: skip


def test_exponential_lr():
    _check([S.exponential_lr(t, lr=0.1, gamma=0.9) for t in range(25)],
           _torch_lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9), 25))  # fmt: skip


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_lr(eta_min):
    _check([S.cosine_lr(t, lr=0.1, T_max=24, eta_min=eta_min) for t in range(25)],
           _torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 24, eta_min), 25))  # fmt: skip


def test_warmup_lr_vs_linear_lr_and_off_by_one_at_step_0():
    ours = [S.warmup_lr(t, warmup=10, peak=0.1) for t in range(25)]
    ref = _torch_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda s: min(1.0, s / 10)), 25)
    _check(ours, ref)
    assert ours[0] == 0.0  # the first update does nothing: count from 1 or accept a wasted step
    linear = _torch_lrs(lambda o: torch.optim.lr_scheduler.LinearLR(o, 0.1, 1.0, total_iters=10), 25)
    assert linear[0] == pytest.approx(0.01) and linear[10:] == pytest.approx(ours[10:])


@pytest.mark.parametrize("warmup", [0, 5])
def test_cosine_with_warmup_vs_hf(warmup):
    _check([S.cosine_with_warmup(t, peak=0.1, warmup=warmup, total=30) for t in range(31)],
           _torch_lrs(lambda o: get_cosine_schedule_with_warmup(o, warmup, 30), 31))  # fmt: skip
    _check(
        [S.cosine_with_warmup(t, peak=0.1, warmup=warmup, total=30, min_lr=0.01) for t in range(31)],
        _torch_lrs(lambda o: get_cosine_with_min_lr_schedule_with_warmup(o, warmup, 30, min_lr=0.01), 31),
    )


def test_linear_with_warmup_vs_hf():
    _check([S.linear_with_warmup(t, peak=0.1, warmup=4, total=24) for t in range(26)],
           _torch_lrs(lambda o: get_linear_schedule_with_warmup(o, 4, 24), 26))  # fmt: skip


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("total,pct", [(30, 0.3), (25, 0.25), (40, 0.5)])
def test_one_cycle_vs_torch(anneal, total, pct):
    ours = [S.one_cycle(t, max_lr=0.5, total_steps=total, pct_start=pct, anneal=anneal) for t in range(total)]
    ref = _torch_lrs(
        lambda o: torch.optim.lr_scheduler.OneCycleLR(
            o, max_lr=0.5, total_steps=total, pct_start=pct, anneal_strategy=anneal, cycle_momentum=False
        ),
        total,
    )
    _check(ours, ref)


@pytest.mark.parametrize("timescale", [None, 7])
def test_inverse_sqrt_vs_hf(timescale):
    _check([S.inverse_sqrt(t, lr=0.1, warmup=5, timescale=timescale) for t in range(30)],
           _torch_lrs(lambda o: get_inverse_sqrt_schedule(o, 5, timescale), 30))  # fmt: skip


def test_noam_closed_form():
    assert S.noam(4000, d_model=512, warmup=4000) == pytest.approx(512**-0.5 * 4000**-0.5, rel=1e-12)
    assert S.noam(4000, d_model=512, warmup=4000) == pytest.approx(6.98771242e-4, rel=1e-8)
    peak = max(range(1, 20000, 50), key=lambda s: S.noam(s, d_model=512, warmup=4000))
    assert abs(peak - 4000) <= 50
    assert S.noam(16000, d_model=512, warmup=4000) == pytest.approx(S.noam(4000, d_model=512, warmup=4000) / 2)


@pytest.mark.parametrize("T_0,T_mult,eta_min", [(5, 1, 0.0), (3, 2, 0.01)])
def test_cosine_warm_restarts(T_0, T_mult, eta_min):
    _check(
        [S.cosine_warm_restarts(t, lr=0.1, T_0=T_0, T_mult=T_mult, eta_min=eta_min) for t in range(30)],
        _torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(o, T_0, T_mult, eta_min), 30),
    )


@pytest.mark.parametrize("patience,cooldown,min_lr", [(2, 0, 0.0), (1, 2, 0.003), (0, 1, 0.0)])
def test_reduce_on_plateau_matches_torch(patience, cooldown, min_lr):
    curve = [1.0, 0.9, 0.9, 0.91, 0.9, 0.85, 0.86, 0.86, 0.87, 0.84, 0.84, 0.8404, 0.85, 0.9, 0.95, 0.7,
             0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78]  # fmt: skip
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    ref = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=patience, cooldown=cooldown,
                                                     min_lr=min_lr, threshold=1e-3)  # fmt: skip
    ours = S.ReduceOnPlateau(0.1, factor=0.5, patience=patience, cooldown=cooldown, min_lr=min_lr, threshold=1e-3)
    got, want = [], []
    for m in curve:
        ref.step(m)
        want.append(opt.param_groups[0]["lr"])
        got.append(ours.step(m))
    _check(got, want)
    assert min(want) < 0.1  # the curve does trigger reductions
