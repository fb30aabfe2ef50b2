"""training: clipping vs torch.nn.utils, accumulation = full batch, LossScaler vs torch.amp.GradScaler with injected
infs, bf16 autocast step, float facts vs torch.finfo, early stopping, EMA vs AveragedModel, probes."""

import math
from typing import cast

import pytest
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from mldrill.ref import training as T


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).double()


def _data(n=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 4, dtype=torch.float64, generator=g), torch.randint(0, 3, (n,), generator=g)


def _with_grads(seed=0, scale=10.0):
    m = _model(seed)
    x, y = _data()
    (nn.functional.cross_entropy(m(x), y) * scale).backward()
    return m


@pytest.mark.parametrize("max_norm", [0.01, 1.0, 1e6])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    a, b = _with_grads(), _with_grads()
    ours = T.clip_grad_norm(a.parameters(), max_norm, norm_type)
    ref = torch.nn.utils.clip_grad_norm_(b.parameters(), max_norm, norm_type)
    torch.testing.assert_close(ours.double(), ref.double(), rtol=1e-12, atol=0)  # the pre-clip norm
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-12, atol=0)


def test_clipping_by_norm_preserves_direction_by_value_does_not():
    a, b = _with_grads(), _with_grads()
    before = torch.cat([p.grad.flatten() for p in a.parameters()])
    T.clip_grad_norm(a.parameters(), 0.1)
    after = torch.cat([p.grad.flatten() for p in a.parameters()])
    assert float(after.norm()) == pytest.approx(0.1, rel=1e-4)
    assert float(nn.functional.cosine_similarity(before, after, dim=0)) == pytest.approx(1.0, abs=1e-12)
    T.clip_grad_value(b.parameters(), 0.01)
    clipped = torch.cat([p.grad.flatten() for p in b.parameters()])
    assert float(nn.functional.cosine_similarity(before, clipped, dim=0)) < 0.999
    c = _with_grads()
    torch.nn.utils.clip_grad_value_(c.parameters(), 0.01)
    torch.testing.assert_close(clipped, torch.cat([p.grad.flatten() for p in c.parameters()]))


@pytest.mark.parametrize("sizes", [[4, 4, 4], [5, 5, 2]])
def test_accumulation_equals_full_batch(sizes):
    x, y = _data(12)
    full, acc = _model(), _model()
    nn.functional.cross_entropy(full(x), y).backward()
    micro, i = [], 0
    for s in sizes:
        micro.append((x[i : i + s], y[i : i + s]))
        i += s
    loss = T.accumulate(acc, nn.functional.cross_entropy, micro)
    assert loss == pytest.approx(nn.functional.cross_entropy(full(x), y).item(), rel=1e-12)
    for p, q in zip(acc.parameters(), full.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-10, atol=1e-14)


def _lm_micro_batches(shapes, V=7, d=5, pad=0.3, seed=0):
    g = torch.Generator().manual_seed(seed)
    out = []
    for B, T_ in shapes:
        y = torch.randint(0, V, (B, T_), generator=g)
        y[torch.rand(B, T_, generator=g) < pad] = -100  # padding
        out.append((torch.randn(B, T_, d, dtype=torch.float64, generator=g), y))
    return out, torch.randn(V, d, dtype=torch.float64, generator=g)


@pytest.mark.parametrize("shapes", [[(2, 5), (2, 5)], [(3, 4), (1, 9), (2, 2)], [(1, 1), (4, 6)]])
def test_accumulated_lm_grads_equal_the_full_batch(shapes):
    micro, w = _lm_micro_batches(shapes)
    loss, grad = T.accumulated_lm_grads(w, micro)
    full_w = w.clone().requires_grad_()
    x = torch.cat([m[0].reshape(-1, w.shape[1]) for m in micro])  # every token of the batch, (N, d)
    y = torch.cat([m[1].reshape(-1) for m in micro])
    full = nn.functional.cross_entropy(x @ full_w.T, y, ignore_index=-100)  # mean over the real tokens
    full.backward()
    torch.testing.assert_close(loss, full.detach(), rtol=1e-12, atol=0.0)
    torch.testing.assert_close(grad, full_w.grad, rtol=1e-10, atol=1e-14)


def test_an_all_padding_micro_batch_adds_nothing():
    micro, w = _lm_micro_batches([(2, 3), (1, 4), (3, 2)])
    micro[1][1].fill_(-100)  # a micro-batch with no real token: its mean would be 0 / 0
    loss, grad = T.accumulated_lm_grads(w, micro)
    rest, _ = T.accumulated_lm_grads(w, [micro[0], micro[2]])
    full_w = w.clone().requires_grad_()
    x = torch.cat([m[0].reshape(-1, w.shape[1]) for m in micro])
    y = torch.cat([m[1].reshape(-1) for m in micro])
    nn.functional.cross_entropy(x @ full_w.T, y, ignore_index=-100).backward()
    assert torch.isfinite(grad).all() and loss.item() == pytest.approx(rest.item(), rel=1e-12)
    torch.testing.assert_close(grad, full_w.grad, rtol=1e-10, atol=1e-14)


def test_mean_per_micro_batch_over_k_is_wrong_for_uneven_token_counts():
    micro, w = _lm_micro_batches([(3, 4), (1, 9), (2, 2)])
    loss, _ = T.accumulated_lm_grads(w, micro)
    means = [nn.functional.cross_entropy((x @ w.T).flatten(0, 1), y.flatten(), ignore_index=-100) for x, y in micro]
    naive = sum(means) / len(micro)  # each micro-batch's mean, divided by k
    assert abs(float(naive) - float(loss)) > 1e-3


def test_forgetting_divide_by_k_scales_the_gradient():
    x, y = _data(12)
    m, full = _model(), _model()
    for k in range(3):
        nn.functional.cross_entropy(m(x[4 * k : 4 * k + 4]), y[4 * k : 4 * k + 4]).backward()  # no / k
    nn.functional.cross_entropy(full(x), y).backward()
    torch.testing.assert_close(m[0].weight.grad, 3 * full[0].weight.grad)


def test_loss_scaler_step_matches_grad_scaler_and_clip_grad_norm():
    """A trajectory with injected overflows: the same decisions, scales, trackers and optimizer grads as torch."""
    kw = dict(init_scale=2.0**10, growth_factor=2.0, backoff_factor=0.5, growth_interval=3)
    params = [nn.Parameter(torch.zeros(4)), nn.Parameter(torch.zeros(2, 3))]
    opt = torch.optim.SGD(params, lr=0.0)  # lr 0: the step is observed through the grads it was given
    scaler = torch.amp.GradScaler("cpu", **kw)
    scale, tracker = kw["init_scale"], 0
    g = torch.Generator().manual_seed(0)
    bad = {2: math.inf, 3: math.nan, 9: -math.inf}  # steps whose gradient overflows
    for step in range(14):
        loss_grads = [torch.randn(p.shape, generator=g) * (3.0 if step % 2 else 0.1) for p in params]
        if step in bad:
            loss_grads[1][0, 1] = bad[step]
        scaled = [gr * scale for gr in loss_grads]  # what backward of scale * loss produces
        for p, gr in zip(params, scaled, strict=True):
            p.grad = gr.clone()
        scaler.scale(torch.ones(()))  # creates the scale tensors on the first call
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
        seen = [cast(torch.Tensor, p.grad).clone() for p in params]  # every grad was set above
        scaler.step(opt)
        scaler.update()
        factors = {k: v for k, v in kw.items() if k != "init_scale"}
        out, scale, tracker = T.loss_scaler_step(scaled, scale, tracker, max_norm=1.0, **factors)
        assert (out is None) == (step in bad), step
        assert scale == scaler.get_scale() and tracker == int(scaler._growth_tracker), step
        if out is not None:
            for a, b in zip(out, seen, strict=True):
                torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7)
    assert scale == 2.0**10 * 0.5**3 * 2.0**2  # three backoffs, two growths (after steps 4-6 and 10-12)


def test_train_step_decreases_loss_and_zeroes_grads():
    m = _model()
    x, y = _data(32)
    opt = torch.optim.SGD(m.parameters(), lr=0.5)
    losses = [T.train_step(m, (x, y), nn.functional.cross_entropy, opt, clip=1.0)[0] for _ in range(30)]
    assert losses[-1] < 0.7 * losses[0]
    assert all(p.grad is None for p in m.parameters())


def test_loss_scaler_matches_grad_scaler_with_injected_infs():
    def run(scaler_kind):
        p = nn.Parameter(torch.ones(3))
        opt = torch.optim.SGD([p], lr=0.1)
        kw = dict(init_scale=2.0**4, growth_factor=2.0, backoff_factor=0.5, growth_interval=3)
        s = torch.amp.GradScaler("cpu", **kw) if scaler_kind == "torch" else T.LossScaler(**kw)
        scales, params = [], []
        for i in range(12):
            s.scale((p * torch.arange(1.0, 4.0)).sum()).backward()
            if i in (2, 3, 9):
                p.grad[1] = float("inf") if i != 3 else float("nan")
            s.step(opt)
            s.update()
            opt.zero_grad()
            scales.append(s.get_scale() if scaler_kind == "torch" else s.scale_value)
            params.append(p.detach().clone())
        return scales, params

    (s1, p1), (s2, p2) = run("torch"), run("ours")
    assert s1 == s2
    for a, b in zip(p1, p2, strict=True):
        torch.testing.assert_close(a, b)


def test_unscale_before_clipping():
    p = nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=1.0)
    s = T.LossScaler(init_scale=1024.0)
    s.scale((p * torch.tensor([3.0, 4.0])).sum()).backward()
    s.unscale_(opt)
    assert T.clip_grad_norm([p], 100.0).item() == pytest.approx(5.0)  # the true norm, not 5 * 1024
    with pytest.raises(RuntimeError, match="already been called"):
        s.unscale_(opt)
    assert s.step(opt)
    s.update()


def test_bf16_mixed_precision_step_keeps_fp32_master_weights():
    torch.manual_seed(0)
    m32 = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    mbf = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))
    mbf.load_state_dict(m32.state_dict())
    x, y = torch.randn(64, 16), torch.randint(0, 4, (64,))
    o32 = torch.optim.SGD(m32.parameters(), lr=0.1)
    obf = torch.optim.SGD(mbf.parameters(), lr=0.1)
    for _ in range(5):
        l32 = T.train_step(m32, (x, y), nn.functional.cross_entropy, o32)[0]
        lbf = T.mixed_precision_step(mbf, (x, y), nn.functional.cross_entropy, obf)
        assert lbf == pytest.approx(l32, rel=2e-2)  # bf16 has ~3 significant digits
    assert all(p.dtype == torch.float32 for p in mbf.parameters())
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert mbf(x).dtype == torch.bfloat16


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_float_facts_match_finfo(dtype):
    facts = T.float_facts(*T.FORMATS[dtype])
    fi = torch.finfo(dtype)
    assert facts["bits"] == fi.bits
    assert facts["max"] == fi.max and facts["tiny"] == fi.tiny and facts["eps"] == fi.eps
    assert facts["smallest_subnormal"] == fi.smallest_normal * fi.eps


def test_fp16_underflows_small_gradients_bf16_does_not():
    g = torch.logspace(-10, -2, 1000, dtype=torch.float32)
    assert T.underflow_fraction(g, torch.float16) > 0.1
    assert T.underflow_fraction(g, torch.bfloat16) == 0.0
    assert T.underflow_fraction(g * 2**16, torch.float16) == 0.0  # loss scaling rescues them
    assert T.float_facts(5, 10)["max"] == 65504.0


def test_early_stopping_stops_at_the_right_epoch_and_restores_best():
    m = nn.Linear(1, 1)
    es = T.EarlyStopping(patience=3, min_delta=0.01)
    curve = [1.0, 0.8, 0.6, 0.595, 0.7, 0.65, 0.9]
    stopped_at = None
    for epoch, v in enumerate(curve):
        with torch.no_grad():
            m.weight.fill_(float(epoch))
        if es.step(v, m):
            stopped_at = epoch
            break
    assert stopped_at == 5  # 0.595 is not better than 0.6 by min_delta; epochs 3, 4, 5 are bad
    assert es.best_epoch == 2 and m.weight.item() == 2.0  # best weights restored, not the last ones


def test_checkpointed_gives_identical_grads():
    m = _model()
    x, _ = _data()
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    m(x1).pow(2).sum().backward()
    g1 = [p.grad.clone() for p in m.parameters()]
    m.zero_grad()
    T.checkpointed(m)(x2).pow(2).sum().backward()
    for a, p in zip(g1, m.parameters(), strict=True):
        torch.testing.assert_close(a, p.grad, rtol=0, atol=0)
    torch.testing.assert_close(x1.grad, x2.grad, rtol=0, atol=0)


def test_overfit_one_batch_reaches_zero_and_catches_frozen_model():
    x, y = _data(8)
    m = _model()
    assert T.overfit_one_batch(m, (x, y), nn.functional.cross_entropy, steps=50, lr=0.1)[-1] < 0.01
    frozen = _model()
    for p in frozen[0].parameters():
        p.requires_grad_(False)
    for p in frozen[2].parameters():
        p.requires_grad_(False)
    frozen[2].bias.requires_grad_(True)  # only a bias can learn: the loss plateaus well above 0
    assert T.overfit_one_batch(frozen, (x, y), nn.functional.cross_entropy, steps=50, lr=0.1)[-1] > 0.3


def test_expected_init_loss():
    for c, v in [(2, 0.693), (10, 2.303), (100, 4.605), (1000, 6.908)]:
        assert T.expected_init_loss(c) == pytest.approx(v, abs=5e-4)
    torch.manual_seed(0)
    m = nn.Linear(32, 10)
    nn.init.normal_(m.weight, std=1e-3)
    nn.init.zeros_(m.bias)
    loss = nn.functional.cross_entropy(m(torch.randn(256, 32)), torch.randint(0, 10, (256,)))
    assert loss.item() == pytest.approx(T.expected_init_loss(10), abs=0.01)


def test_assert_finite_names_the_tensor():
    T.assert_finite({"w": torch.ones(3)}, "step 1")
    with pytest.raises(FloatingPointError, match=r"step 7: grad has 1 non-finite values, first at index \[1\]"):
        T.assert_finite({"grad": torch.tensor([0.0, float("nan"), 1.0])}, "step 7")


def test_z_loss():
    z = torch.randn(4, 5, dtype=torch.float64)
    torch.testing.assert_close(T.z_loss(z, 0.1), 0.1 * (torch.logsumexp(z, -1) ** 2).mean())


def test_ema_matches_averaged_model():
    m = _model()
    ours = _model()
    ours.load_state_dict(m.state_dict())
    ref = AveragedModel(m, multi_avg_fn=get_ema_multi_avg_fn(0.9))
    ref.update_parameters(m)  # AveragedModel's first update copies (W_0^EMA = W_0); ours starts as a copy
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    x, y = _data()
    for _ in range(5):
        T.train_step(m, (x, y), nn.functional.cross_entropy, opt)
        T.ema_update(ours, m, 0.9)
        ref.update_parameters(m)
    for p, q in zip(ours.parameters(), ref.module.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-12, atol=1e-14)


def test_ema_copies_bn_buffers():
    m, e = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    m(torch.randn(8, 3) + 4)
    T.ema_update(e, m, 0.99)
    torch.testing.assert_close(e.running_mean, m.running_mean)


def test_set_determinism_reproduces_trajectory():
    def run():
        T.set_determinism(123)
        m = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.Linear(4, 1))
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        return [
            T.train_step(m, (torch.randn(8, 4), torch.randn(8, 1)), nn.functional.mse_loss, opt)[0] for _ in range(5)
        ]

    assert run() == run()


def test_layer_stats_hooks_equal_manual():
    m = _model()
    x, _ = _data()
    stats = T.layer_stats(m, x)
    h1 = m[0](x)
    h2 = m[2](torch.relu(h1))
    assert [s["name"] for s in stats] == ["0", "2"]
    assert stats[0]["std"] == pytest.approx(h1.std().item()) and stats[1]["mean"] == pytest.approx(h2.mean().item())
    assert not m[0]._forward_hooks  # hooks removed


def test_activation_std_decays_with_xavier_relu_but_not_he():
    def profile(init):
        torch.manual_seed(0)
        layers = []
        for _ in range(20):
            lin = nn.Linear(128, 128, bias=False)
            init(lin.weight)
            layers += [lin, nn.ReLU()]
        return [s["std"] for s in T.layer_stats(nn.Sequential(*layers), torch.randn(256, 128))]

    xavier = profile(nn.init.xavier_normal_)
    he = profile(lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"))
    assert xavier[-1] < 0.01 * xavier[0]  # halves in variance per layer: 2^-19 in variance
    assert 0.3 < he[-1] / he[0] < 3


def test_grad_norms_vanish_in_deep_sigmoid_net():
    torch.manual_seed(0)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    m = nn.Sequential(*layers, nn.Linear(16, 1))
    norms = T.grad_norms_per_layer(m, torch.randn(32, 16), torch.randn(32, 1), nn.functional.mse_loss)
    assert norms["0.weight"] < 1e-3 * norms["18.weight"]


def test_dead_fraction_finds_known_dead_units():
    lin = nn.Linear(4, 10)
    with torch.no_grad():
        lin.bias[:3] = -100.0  # three units can never fire
        lin.bias[3:] = 100.0
    model = nn.Sequential(lin, nn.ReLU())
    batches = [torch.randn(16, 4) for _ in range(3)]
    assert T.dead_fraction(model, batches) == {"1": pytest.approx(0.3)}
    sparse = nn.Sequential(nn.Linear(4, 10), nn.ReLU())  # per-example zeros are not death
    assert T.dead_fraction(sparse, batches)["1"] < 0.3


def test_successive_halving_rungs():
    best, rungs = T.successive_halving(list(range(27)), lambda c, b: abs(c - 13) + 1 / b, eta=3)
    assert rungs == [27, 9, 3, 1] and best == 13


def test_random_search_log_scale():
    cfgs = T.random_search({"lr": (1e-5, 1e-1, "log"), "dropout": (0.0, 0.5, "linear")}, 400, seed=0)
    lrs = [c["lr"] for c in cfgs]
    assert all(1e-5 <= v <= 1e-1 for v in lrs)
    assert len({c["dropout"] for c in cfgs}) == 400  # every trial a new value (a grid would repeat)
    decades = [sum(10**-k <= v < 10 ** (-k + 1) for v in lrs) for k in range(5, 1, -1)]
    assert min(decades) > 60  # log-uniform: ~100 per decade, a linear draw would put ~90% in the top decade
    with pytest.raises(ValueError, match="scale"):
        T.random_search({"x": (0, 1, "cubic")}, 1, seed=0)


def test_input_independent_baseline_detects_useful_input():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 5, generator=g)
    y = (x[:, 0] > 0).long()

    def fit_eval(xx, yy):
        torch.manual_seed(0)
        m = nn.Linear(5, 2)
        opt = torch.optim.Adam(m.parameters(), lr=0.1)
        for _ in range(50):
            opt.zero_grad()
            nn.functional.cross_entropy(m(xx), yy).backward()
            opt.step()
        return float((m(xx).argmax(-1) == yy).float().mean())

    scores = T.input_independent_baseline(fit_eval, x, y)
    assert scores["real"] > 0.9 and scores["zeroed"] < 0.65


def test_amp_fp16_step_matches_torch_grad_scaler_recipe():
    torch.manual_seed(0)
    a = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    b = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    b.load_state_dict(a.state_dict())
    x, y = torch.randn(32, 8), torch.randint(0, 3, (32,))
    oa, ob = torch.optim.SGD(a.parameters(), lr=0.1), torch.optim.SGD(b.parameters(), lr=0.1)
    ours = T.LossScaler(init_scale=2.0**20, growth_interval=2)
    ref = torch.amp.GradScaler("cpu", init_scale=2.0**20, growth_interval=2)
    for step in range(6):
        T.amp_train_step(a, (x, y), nn.functional.cross_entropy, oa, ours, clip=0.5)
        with torch.autocast("cpu", dtype=torch.float16):
            out = b(x)
        ref.scale(nn.functional.cross_entropy(out.float(), y)).backward()
        ref.unscale_(ob)
        torch.nn.utils.clip_grad_norm_(b.parameters(), 0.5)
        ref.step(ob)
        ref.update()
        ob.zero_grad()
        assert ours.scale_value == ref.get_scale(), f"step {step}"
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-7)


def test_accumulation_differs_from_full_batch_with_batchnorm():
    torch.manual_seed(0)
    bn_model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)).double()
    twin = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)).double()
    twin.load_state_dict(bn_model.state_dict())
    x, y = _data(12)
    nn.functional.cross_entropy(bn_model(x), y).backward()
    T.accumulate(twin, nn.functional.cross_entropy, [(x[:6], y[:6]), (x[6:], y[6:])])
    # BN normalizes each micro-batch with its own statistics, so the gradients are not the full-batch ones
    assert not torch.allclose(bn_model[0].weight.grad, twin[0].weight.grad, rtol=1e-3)


def test_clipping_never_helps_vanishing_gradients():
    tiny = nn.Parameter(torch.ones(3))
    tiny.grad = torch.full((3,), 1e-9)
    T.clip_grad_norm([tiny], 1.0)
    torch.testing.assert_close(tiny.grad, torch.full((3,), 1e-9))  # clipping only ever shrinks


def test_clip_grad_norm_tensors_matches_torch_and_keeps_direction() -> None:
    from mldrill.ref.training import clip_grad_norm_tensors

    g = torch.Generator().manual_seed(3)
    grads = [torch.randn(s, dtype=torch.float64, generator=g) * 4 for s in ((3, 4), (5,), (2, 2, 2))]
    params = [torch.nn.Parameter(torch.zeros_like(x)) for x in grads]
    for p, x in zip(params, grads, strict=True):
        p.grad = x.clone()
    before = [x.clone() for x in grads]
    total = clip_grad_norm_tensors(grads, 1.0)
    expected = torch.nn.utils.clip_grad_norm_(params, 1.0)
    torch.testing.assert_close(total, expected, rtol=1e-12, atol=0)
    for x, p, b in zip(grads, params, before, strict=True):
        torch.testing.assert_close(x, p.grad, rtol=1e-12, atol=1e-15)
        assert torch.allclose(x / x.norm(), b / b.norm())  # one common factor: direction preserved
