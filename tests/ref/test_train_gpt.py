"""The training loop on a tiny config: schedule, accumulation, clipping, bit-identical resume, loss goes down."""

import itertools
import math

import pytest
import torch

from mldrill.ref.gpt import GPT, GPTConfig
from mldrill.ref.train_gpt import (
    CharTokenizer,
    TrainConfig,
    clip_grad_norm,
    get_batch,
    get_lr,
    package_corpus,
    train,
    train_step,
    unigram_entropy,
)

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


def tiny(seed=0, vocab=None) -> GPT:
    cfg = GPTConfig(block_size=16, vocab_size=vocab or len(set(TEXT)), n_layer=1, n_head=2, n_embd=16, bias=False)
    return GPT(cfg, generator=torch.Generator().manual_seed(seed))


def data():
    tok = CharTokenizer(TEXT)
    d = tok.encode(TEXT)
    return d[:1500], d[1500:]


def test_lr_schedule_closed_form():
    kw = {"max_lr": 1.0, "min_lr": 0.1, "warmup_iters": 10, "lr_decay_iters": 110}
    assert get_lr(0, **kw) == pytest.approx(0.1)
    assert get_lr(9, **kw) == pytest.approx(1.0)
    assert get_lr(10, **kw) == pytest.approx(1.0)
    assert get_lr(60, **kw) == pytest.approx(0.55)  # half-way through the cosine: the mean of max and min
    assert get_lr(110, **kw) == get_lr(500, **kw) == 0.1
    lrs = [get_lr(i, **kw) for i in range(10, 111)]
    assert all(a >= b for a, b in itertools.pairwise(lrs))


def test_lr_cosine_matches_torch_scheduler():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100, eta_min=0.1)
    for it in range(100):
        assert get_lr(it, max_lr=1.0, min_lr=0.1, warmup_iters=0, lr_decay_iters=100) == pytest.approx(
            opt.param_groups[0]["lr"], rel=1e-9
        )
        opt.step()
        sched.step()


def test_clip_grad_norm_matches_torch():
    g = torch.Generator().manual_seed(0)
    a = [torch.nn.Parameter(torch.randn(3, 4, dtype=torch.float64, generator=g)) for _ in range(3)]
    b = [torch.nn.Parameter(x.detach().clone()) for x in a]
    for x, y in zip(a, b, strict=True):
        x.grad = torch.randn(x.shape, dtype=torch.float64, generator=g) * 5
        y.grad = x.grad.clone()
    n1 = clip_grad_norm(a, 1.0)
    n2 = torch.nn.utils.clip_grad_norm_(b, 1.0)
    assert n1 == pytest.approx(float(n2), rel=1e-12)
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x.grad, y.grad, rtol=1e-12, atol=1e-14)


def test_gradient_accumulation_equals_the_big_batch():
    train_data, _ = data()
    x, y = get_batch(train_data, 16, 8, torch.Generator().manual_seed(1))
    m1, m2 = tiny().double(), tiny().double()
    o1 = torch.optim.SGD(m1.parameters(), lr=0.1)
    o2 = torch.optim.SGD(m2.parameters(), lr=0.1)
    l1 = train_step(m1, o1, [(x[:4], y[:4]), (x[4:], y[4:])], lr=0.1, grad_clip=0.0)
    l2 = train_step(m2, o2, [(x, y)], lr=0.1, grad_clip=0.0)
    assert l1 == pytest.approx(l2, rel=1e-12)
    for p1, p2 in zip(m1.parameters(), m2.parameters(), strict=True):
        torch.testing.assert_close(p1, p2, rtol=1e-10, atol=1e-12)


def test_resume_from_checkpoint_is_bit_identical(tmp_path):
    train_data, val_data = data()
    cfg = TrainConfig(max_iters=8, batch_size=4, grad_accum=2, warmup_iters=2, eval_iters=2)
    straight = tiny(seed=3)
    r1 = train(straight, train_data, val_data, cfg)
    part = tiny(seed=3)
    train(part, train_data, val_data, cfg, checkpoint=tmp_path / "ck.pt", stop_at=5)
    resumed = tiny(seed=99)  # different init: everything must come from the checkpoint
    r2 = train(resumed, train_data, val_data, cfg, checkpoint=tmp_path / "ck.pt", resume=True)
    assert r2.iters == 8 and len(r2.train_losses) == 3
    assert r2.train_losses == r1.train_losses[5:]
    for a, b in zip(straight.parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b)


def test_loss_starts_near_ln_v_and_falls_below_unigram_entropy():
    train_data, val_data = data()
    model = tiny(seed=1)
    cfg = TrainConfig(max_iters=60, batch_size=8, learning_rate=1e-2, warmup_iters=5, eval_iters=4)
    res = train(model, train_data, val_data, cfg)
    V = len(set(TEXT))
    assert res.train_losses[0] == pytest.approx(math.log(V), rel=0.05)
    assert res.val_loss < 0.8 * unigram_entropy(val_data)


def test_unigram_entropy_closed_form():
    assert unigram_entropy(torch.tensor([0, 1, 2, 3])) == pytest.approx(math.log(4))
    assert unigram_entropy(torch.tensor([5, 5, 5])) == pytest.approx(0.0)


def test_package_corpus_reads_only_the_package():
    text = package_corpus()
    assert "def package_corpus" in text  # this very module is part of it
    assert len(text) > 50_000
    tok = CharTokenizer(text)
    assert tok.decode(tok.encode("def x")) == "def x"
