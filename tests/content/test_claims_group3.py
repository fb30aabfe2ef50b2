"""Claims in the group-3 cards (training-loop-debugging, classical-ml, pytorch-mechanics, nlp-embeddings-metrics,
rnn-lstm-gru, cnn, rag-retrieval, data-pipeline, eval-safety, coding-patterns) settled by running the code.

Each test runs torch / numpy / scikit-learn on a small case and asserts the behaviour a card states, so a card that
drifts from what the library or the maths does fails here. The card text is read from the YAML only to pin the
sentence that makes the claim (cardtext.contains); the numbers are computed here, never read from the card.
Every test runs in well under a second on a CPU.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from cardtext import contains
from torch import nn

# ---------------------------------------------------------------- training-loop-debugging


def _updates(opt_cls, grads, clip, **kw):
    w = torch.zeros(grads[0].numel(), requires_grad=True)
    opt = opt_cls([w], **kw)
    out = []
    for g in grads:
        w.grad = g.clone()
        if clip:
            torch.nn.utils.clip_grad_norm_([w], 1.0)
        before = w.detach().clone()
        opt.step()
        out.append((w.detach() - before).norm().item())
    return torch.tensor(out)


def test_clipping_caps_the_gradient_not_the_adam_step():
    # gradients with norms between 5 and 20, clipped to 1 on every step
    g = torch.Generator().manual_seed(0)
    grads = [torch.randn(100, generator=g) * float(torch.empty(1).uniform_(0.5, 2.0, generator=g)) for _ in range(50)]
    assert min(x.norm().item() for x in grads) > 1.0  # clipping is active on every step
    sgd = _updates(torch.optim.SGD, grads, True, lr=1e-3) / _updates(torch.optim.SGD, grads, False, lr=1e-3)
    adam = _updates(torch.optim.Adam, grads, True, lr=1e-3) / _updates(torch.optim.Adam, grads, False, lr=1e-3)
    assert sgd.max() < 0.25  # SGD: the step shrinks with the gradient
    assert abs(adam[0].item() - 1) < 1e-5  # Adam's first step is ±lr per coordinate either way
    assert adam.min().item() > 0.75 and adam.max().item() < 1.35  # and later steps barely move
    contains("gradient-clipping/clip-every-step", "clipping caps the gradient, not the update")


def test_clip_grad_norm_spreads_nan():
    a, b = torch.zeros(3, requires_grad=True), torch.zeros(2, requires_grad=True)
    a.grad = torch.tensor([1.0, float("nan"), 2.0])
    b.grad = torch.tensor([3.0, 4.0])
    total = torch.nn.utils.clip_grad_norm_([a, b], 1.0)
    assert torch.isnan(total) and torch.isnan(a.grad).all() and torch.isnan(b.grad).all()
    contains("gradient-clipping/clipping-limits", "clipping writes NaN into every gradient")


def test_grad_scaler_defaults_and_double_unscale():
    m = nn.Linear(3, 1)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.get_scale() == 2.0**16
    assert (scaler.get_growth_factor(), scaler.get_backoff_factor(), scaler.get_growth_interval()) == (2.0, 0.5, 2000)
    scaler.scale(m(torch.ones(2, 3)).sum()).backward()
    assert torch.allclose(m.bias.grad, torch.tensor([2.0 * 2**16]))  # grads carry the scale
    scaler.unscale_(opt)
    assert torch.allclose(m.bias.grad, torch.tensor([2.0]))
    try:
        scaler.unscale_(opt)
        raise AssertionError("a second unscale_ must raise")
    except RuntimeError:
        pass
    contains("mixed-precision/dynamic-loss-scaling", "`growth_interval=2000`")


def test_16_bit_rounding_facts():
    one = torch.tensor(1.0, dtype=torch.bfloat16)
    assert (one + 1e-3).item() == 1.0  # the update is lost in bf16
    assert (torch.tensor(256.0, dtype=torch.bfloat16) + 1).item() == 256.0
    assert (torch.tensor(1.0, dtype=torch.float32) + 1e-3).item() != 1.0  # fp32 master weights keep it
    assert torch.tensor(1e-8, dtype=torch.float16).item() == 0.0  # below half the smallest subnormal
    scaled = torch.tensor(1e-8 * 65536, dtype=torch.float16)
    assert scaled.item() >= torch.finfo(torch.float16).tiny  # a normal fp16 number after loss scaling
    contains("mixed-precision/master-weights", "which rounds back to **1.0**")
    contains("mixed-precision/fp16-gradient-underflow", "**exactly 0**")


class _NumpyRngDataset(torch.utils.data.Dataset):
    def __init__(self):
        self.rng = np.random.default_rng(0)

    def __len__(self):
        return 16

    def __getitem__(self, i):
        return float(self.rng.integers(0, 1_000_000))


def test_dataloader_workers_share_a_copied_generator():
    batches = [b.tolist() for b in torch.utils.data.DataLoader(_NumpyRngDataset(), batch_size=4, num_workers=2)]
    assert batches[0] == batches[1] and batches[2] == batches[3]  # workers 0 and 1 replay the same draws
    assert batches[0] != batches[2] and len(set(batches[0])) == 4  # not within a batch
    contains("training-sanity-checks/dataloader-worker-rng", "Each worker builds whole batches")


def _saved_bytes(fn):
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return total, out


def test_checkpointing_cuts_activations_not_parameters():
    from torch.utils.checkpoint import checkpoint

    torch.manual_seed(0)
    blocks = nn.ModuleList(nn.Sequential(nn.Linear(64, 256), nn.GELU(), nn.Linear(256, 64)) for _ in range(6))
    x = torch.randn(32, 64)

    def plain():
        h = x
        for b in blocks:
            h = h + b(h)
        return h.square().mean()

    def ckpt():
        h = x
        for b in blocks:
            h = h + checkpoint(b, h, use_reentrant=False)
        return h.square().mean()

    n_params = sum(p.numel() for p in blocks.parameters())
    full, loss_a = _saved_bytes(plain)
    less, loss_b = _saved_bytes(ckpt)
    assert less < full / 2  # activations saved for backward shrink
    g_a = torch.autograd.grad(loss_a, list(blocks.parameters()))
    g_b = torch.autograd.grad(loss_b, list(blocks.parameters()))
    assert all(torch.allclose(p, q, atol=1e-6) for p, q in zip(g_a, g_b, strict=True))  # same gradients
    assert sum(p.numel() for p in blocks.parameters()) == n_params  # nothing about the weights changed
    contains("mixed-precision/activation-checkpointing", "Gradients are identical to the non-checkpointed run.")


# ---------------------------------------------------------------- classical-ml


def test_bias_variance_decomposes_for_log_loss_with_the_geometric_mean():
    # Bregman case: E_D[CE(p, q_D)] = H(p) + KL(p || q_bar) + E_D[KL(q_bar || q_D)], q_bar ∝ exp(E_D log q_D)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5))
    q = rng.dirichlet(np.ones(5) * 3, size=200)  # one predicted distribution per training set

    def kl(a, b):
        return float(np.sum(a * (np.log(a) - np.log(b))))

    expected_ce = float(np.mean(-(np.log(q) @ p)))
    q_bar = np.exp(np.log(q).mean(axis=0))
    q_bar /= q_bar.sum()
    noise = float(-(p * np.log(p)).sum())
    bias = kl(p, q_bar)
    variance = float(np.mean([kl(q_bar, qd) for qd in q]))
    assert abs(expected_ce - (noise + bias + variance)) < 1e-12
    # the arithmetic mean is NOT the right centroid: the same sum with it does not add up
    q_am = q.mean(axis=0)
    assert abs(expected_ce - (noise + kl(p, q_am) + np.mean([kl(q_am, qd) for qd in q]))) > 1e-3
    contains("bias-variance/decomposition", "noise + bias² + variance")


def test_distant_points_drag_the_least_squares_threshold():
    from sklearn.linear_model import LinearRegression, LogisticRegression

    x = np.r_[np.linspace(0, 1, 20), np.linspace(2, 3, 20)][:, None]
    y = np.r_[np.zeros(20), np.ones(20)]
    far_x, far_y = np.r_[x, np.full((10, 1), 30.0)], np.r_[y, np.ones(10)]

    def cut(m):
        return (
            float((0.5 - m.intercept_) / m.coef_[0]) if m.coef_.ndim == 1 else float(-m.intercept_[0] / m.coef_[0, 0])
        )

    assert abs(cut(LinearRegression().fit(x, y)) - 1.5) < 1e-9
    moved = cut(LinearRegression().fit(far_x, far_y))
    assert moved > 2.3  # the 0.5 crossing now sits inside the positive class
    assert ((LinearRegression().fit(far_x, far_y).predict(x) > 0.5) != y).sum() > 0
    assert abs(cut(LogisticRegression(C=100).fit(far_x, far_y)) - 1.5) < 0.05  # logistic loss ignores them
    contains("logistic-regression/linear-regression-as-classifier", "the cut is at 1.5", "it moves past 2.3")


def test_bernoulli_mle_and_beta_map_by_brute_force():
    theta = np.linspace(1e-6, 1 - 1e-6, 2_000_001)
    k, n, a, b = 7, 10, 2, 2
    loglik = k * np.log(theta) + (n - k) * np.log1p(-theta)
    logpost = loglik + (a - 1) * np.log(theta) + (b - 1) * np.log1p(-theta)
    assert abs(theta[np.argmax(loglik)] - 0.7) < 1e-5
    assert abs(theta[np.argmax(logpost)] - 8 / 12) < 1e-5
    # posterior mean of Beta(k + a, n - k + b) by numerical integration
    w = np.exp(logpost - logpost.max())
    assert abs((theta * w).sum() / w.sum() - 9 / 14) < 1e-5
    contains("mle-map-bayes/bernoulli-mle-derivation", "MLE 0.7, MAP $8/12 \\approx 0.667$", "$9/14 \\approx 0.643$")


def test_add_one_smoothing_is_the_dirichlet_1_posterior_mean():
    from sklearn.naive_bayes import MultinomialNB

    X = np.array([[3, 0, 1], [2, 0, 0], [0, 4, 1]])
    y = np.array([0, 0, 1])
    nb = MultinomialNB().fit(X, y)  # default alpha = 1
    counts = X[y == 0].sum(axis=0)
    # posterior mean of a Dirichlet(1, 1, 1) prior updated with the class-0 counts
    post_mean = (counts + 1) / (counts.sum() + 3)
    assert np.allclose(np.exp(nb.feature_log_prob_[0]), post_mean)
    contains("mle-map-bayes/naive-bayes-smoothing", "posterior mean under a uniform")


# ---------------------------------------------------------------- pytorch-mechanics


def test_inference_tensors_fail_only_where_autograd_must_save_them():
    with torch.inference_mode():
        t = torch.ones(3)
    w = torch.ones(3, requires_grad=True)
    (w + t).sum().backward()  # add saves nothing: works
    try:
        (w * t).sum().backward()  # mul must save t for w's gradient
        raise AssertionError("multiplying by an inference tensor under autograd must raise")
    except RuntimeError as e:
        assert "Inference tensors cannot be saved for backward" in str(e)
    contains("tensors-autograd/detach-nograd-inference", "multiplying by it raises")


def test_inplace_relu_after_sigmoid_fails_but_after_gelu_runs():
    x = torch.randn(5, requires_grad=True)
    F.relu(F.gelu(x), inplace=True).sum().backward()  # GELU saved its input, not its output
    try:
        F.relu(torch.sigmoid(x), inplace=True).sum().backward()  # sigmoid saved its output
        raise AssertionError("in-place ReLU after sigmoid must trip the version check")
    except RuntimeError as e:
        assert "modified by an inplace operation" in str(e)
    contains("tensors-autograd/inplace-autograd", "right after an op that saved its output (such as")


def _saved_shapes(fn):
    shapes = []

    def pack(t):
        shapes.append(tuple(t.shape))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return shapes


def test_frozen_layers_above_trainable_ones_still_save_some_activations():
    torch.manual_seed(0)
    x = torch.randn(64, 32, requires_grad=True)  # stands for the output of trainable layers below
    top = nn.Sequential(nn.Linear(32, 128), nn.GELU(), nn.Linear(128, 32))
    trainable = _saved_shapes(lambda: top(x))
    top.requires_grad_(False)
    frozen = _saved_shapes(lambda: top(x))
    acts = [(64, 32), (64, 128)]
    assert sum(s in acts for s in trainable) == 3  # both matmul inputs and GELU's input
    assert sum(s in acts for s in frozen) == 1  # only GELU's input: frozen matmuls skip theirs
    top(x).sum().backward()
    assert x.grad is not None and all(p.grad is None for p in top.parameters())
    contains("module-bookkeeping/freezing-memory", "activation memory drops only partly")


def test_broadcast_outer_difference_learns_the_mean():
    pred = torch.zeros(4, 1, requires_grad=True)
    y = torch.tensor([1.0, 2.0, 3.0, 6.0])
    assert (pred - y).shape == (4, 4)
    opt = torch.optim.SGD([pred], lr=0.5)
    for _ in range(200):
        opt.zero_grad()
        ((pred - y) ** 2).mean().backward()
        opt.step()
    assert torch.allclose(pred.detach().squeeze(), torch.full((4,), y.mean().item()), atol=1e-5)
    contains("tensors-autograd/broadcasting-bug", "both stretch to **(B, B)**")


# ---------------------------------------------------------------- rnn-lstm-gru


def _grad_by_lag(module, steps=100, d_in=16):
    torch.manual_seed(0)
    x = torch.randn(steps, 1, d_in, requires_grad=True)
    out, _ = module(x)
    out[-1].sum().backward()
    g = x.grad.norm(dim=(1, 2))
    return lambda lag: (g[steps - 1 - lag] / g[steps - 1]).item()


def test_gradient_vs_time_lag_vanilla_rnn_vs_lstm():
    torch.manual_seed(0)
    rnn = nn.RNN(16, 64)  # PyTorch default init, tanh
    lstm = nn.LSTM(16, 64)
    with torch.no_grad():  # forget bias 1: gate order i, f, g, o
        lstm.bias_ih_l0[64:128].fill_(1.0)
        lstm.bias_hh_l0[64:128].zero_()
    rnn_ratio, lstm_ratio = _grad_by_lag(rnn)(40), _grad_by_lag(lstm)(40)
    assert rnn_ratio < 1e-8  # about ten orders of magnitude within 40 steps
    assert lstm_ratio > 1e-4  # about three
    contains("rnn-gradients/ignores-early-context", "about ten orders of magnitude within 40")


def test_default_rnn_init_spectral_radius():
    torch.manual_seed(0)
    radii = [torch.linalg.eigvals(nn.RNN(8, 512).weight_hh_l0.detach()).abs().max().item() for _ in range(3)]
    assert all(abs(r - 1 / 3**0.5) < 0.05 for r in radii)  # circular law: sqrt(n * a^2 / 3) with a = 1/sqrt(n)
    contains("sequence-batching/rnn-init", "$1/\\sqrt{3} \\approx 0.58$")


def test_lstm_gate_order_forget_block_is_second():
    torch.manual_seed(0)
    cell = nn.LSTMCell(3, 2)
    x, h, c = torch.randn(1, 3), torch.randn(1, 2), torch.randn(1, 2)
    with torch.no_grad():
        z = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
        i, f, g, o = z.chunk(4, dim=1)
        c_ref = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_ref = torch.sigmoid(o) * torch.tanh(c_ref)
        h_new, c_new = cell(x, (h, c))
    assert torch.allclose(h_new, h_ref, atol=1e-6) and torch.allclose(c_new, c_ref, atol=1e-6)
    contains("lstm-gru/lstm-equations", "**i, f, g, o**")


# ---------------------------------------------------------------- cnn


def test_conv_is_cross_correlation_and_its_input_gradient_is_a_transposed_conv():
    x = torch.tensor([[[1.0, 2.0, 3.0]]])
    w = torch.tensor([[[1.0, 0.0, -1.0]]])
    assert F.conv1d(x, w).item() == -2.0  # no kernel flip
    assert F.conv1d(x, w.flip(-1)).item() == 2.0  # the flipped kernel is the true convolution
    torch.manual_seed(0)
    xi = torch.randn(2, 3, 9, 9, requires_grad=True)
    wk = torch.randn(5, 3, 3, 3)
    g = torch.randn(2, 5, 7, 7)
    (gx,) = torch.autograd.grad(F.conv2d(xi, wk), xi, g)
    assert torch.allclose(gx, F.conv_transpose2d(g, wk), atol=1e-5)
    contains("conv-arithmetic/conv-backward", "`F.conv_transpose2d(g, w)` equals the input")


# ---------------------------------------------------------------- eval-safety


def _fid(a, b):
    from scipy.linalg import sqrtm

    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    cross = sqrtm(s_a @ s_b).real
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2 * cross))


def test_fid_is_biased_upward_at_small_sample_sizes():
    rng = np.random.default_rng(0)
    d = 32
    # two independent samples of the SAME distribution: the true FID is 0
    small = np.mean([_fid(rng.normal(size=(200, d)), rng.normal(size=(200, d))) for _ in range(5)])
    large = np.mean([_fid(rng.normal(size=(5000, d)), rng.normal(size=(5000, d))) for _ in range(5)])
    assert small > 5 * large > 0
    contains("calibration-metrics/generative-multimodal-eval", "biased upward at small sample sizes")


def test_inception_score_ranges_from_one_to_the_class_count():
    def inception_score(p_yx):
        p_y = p_yx.mean(axis=0)
        return float(np.exp(np.mean(np.sum(p_yx * (np.log(p_yx) - np.log(p_y)), axis=1))))

    k = 10
    assert abs(inception_score(np.full((50, k), 1 / k)) - 1) < 1e-12  # uninformative classifier
    confident = np.full((50, k), 1e-12)
    confident[np.arange(50), np.arange(50) % k] = 1.0
    confident /= confident.sum(axis=1, keepdims=True)
    assert abs(inception_score(confident) - k) < 1e-6  # confident and uniform over classes
    # a generator that emits one class only (collapse) scores 1 however sharp its images are
    collapsed = np.tile(confident[:1], (50, 1))
    assert abs(inception_score(collapsed) - 1) < 1e-9
    contains(
        "calibration-metrics/generative-multimodal-eval",
        "it ranges\nfrom 1 to the number of classes".replace("\n", " "),
    )


# ---------------------------------------------------------------- coding-patterns


def test_binary_search_on_answer_from_one_reports_an_impossible_capacity():
    def ship(w, d, lo):
        def feasible(c):  # the card's greedy check, verbatim in logic
            days, load = 1, 0
            for x in w:
                if load + x > c:
                    days, load = days + 1, 0
                load += x
            return days <= d

        hi = sum(w)
        while lo < hi:
            mid = (lo + hi) // 2
            if feasible(mid):
                hi = mid
            else:
                lo = mid + 1
        return lo

    assert ship([10], 2, lo=1) == 1  # nonsense: no capacity below 10 can carry the package
    assert ship([10], 2, lo=10) == 10
    contains("pattern-selection/binary-search-on-answer", "Bounds: the capacity must be at least the heaviest")


def test_bfs_gives_fewest_edges_dfs_does_not_and_their_memory_differs():
    from collections import deque
    from graphlib import TopologicalSorter

    # 0-1-2-3-4 chain plus a shortcut 0-4: DFS that follows 1 first reaches 4 after 4 edges, BFS after 1
    adj = {0: [1, 4], 1: [0, 2], 2: [1, 3], 3: [2, 4], 4: [3, 0]}
    dist, q = {0: 0}, deque([0])
    while q:
        u = q.popleft()
        for v in adj[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                q.append(v)
    depth = {0: 0}

    def dfs(u):
        for v in adj[u]:  # neighbours in listed order: 1 before 4
            if v not in depth:
                depth[v] = depth[u] + 1  # length of the DFS-tree path that first reaches v
                dfs(v)

    dfs(0)
    assert dist[4] == 1 and depth[4] == 4

    # memory on a complete binary tree of 2**12 - 1 nodes: BFS frontier ~ n/2, DFS stack ~ depth
    n = 2**12 - 1
    q, peak_q = deque([0]), 1
    while q:
        u = q.popleft()
        q.extend(c for c in (2 * u + 1, 2 * u + 2) if c < n)
        peak_q = max(peak_q, len(q))
    stack, peak_s = [(0, 0)], 1
    while stack:
        u, d = stack.pop()
        stack.extend((c, d + 1) for c in (2 * u + 1, 2 * u + 2) if c < n)
        peak_s = max(peak_s, len(stack))
    assert peak_q >= (n + 1) // 2 - 1 and peak_s <= 2 * 12

    # reverse DFS finish order is a topological order of a DAG
    dag = {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}
    finished, seen = [], set()

    def visit(u):
        seen.add(u)
        for v in dag[u]:
            if v not in seen:
                visit(v)
        finished.append(u)

    for u in dag:
        if u not in seen:
            visit(u)
    order = finished[::-1]
    assert all(order.index(u) < order.index(v) for u in dag for v in dag[u])
    assert set(TopologicalSorter({v: {u for u in dag if v in dag[u]} for v in dag}).static_order()) == set(order)
    contains("graph-dp-heap-patterns/bfs-vs-dfs", "the reverse of the finish order is a **topological order**")


# ---------------------------------------------------------------- library defaults quoted by nlp / rag cards


def test_sacrebleu_defaults_and_chrf_plus_plus():
    import pytest

    sacrebleu = pytest.importorskip("sacrebleu")
    from sacrebleu.metrics import BLEU, CHRF

    bleu = BLEU()
    bleu.corpus_score(["a b c"], [["a b c"]])
    sig = bleu.get_signature().format()
    assert "tok:13a" in sig and "smooth:exp" in sig
    assert CHRF().char_order == 6 and CHRF().beta == 2 and CHRF().word_order == 0
    assert CHRF(word_order=2).word_order == 2  # chrF++ adds word unigrams and bigrams
    assert sacrebleu.sentence_bleu("a b", ["a b c d"]).score >= 0  # sentence-level BLEU is smoothed ('exp')
    contains("nlp-tasks-eval/chrf-learned-metrics", "chrF++ adds word unigrams and bigrams")


def test_rank_bm25_floors_negative_idf_at_epsilon_times_mean():
    import pytest

    rank_bm25 = pytest.importorskip("rank_bm25")
    corpus = [["a", w] for w in "bcdefghi"] + [["b", "j"], ["k"]]  # N = 10, "a" in 8 documents
    bm = rank_bm25.BM25Okapi(corpus)
    raw = np.log((10 - 8 + 0.5) / (8 + 0.5))
    assert abs(raw - (-1.224)) < 1e-3  # the Robertson-Sparck Jones IDF is negative
    assert abs(bm.idf["a"] - 0.25 * bm.average_idf) < 1e-12 and bm.idf["a"] > 0
    assert (bm.k1, bm.b, bm.epsilon) == (1.5, 0.75, 0.25)
    contains("lexical-dense-retrieval/bm25-negative-idf", "$\\varepsilon = 0.25$ by default")


def test_raised_recursion_limit_runs_a_deep_pure_python_dfs_on_this_cpython():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.setrecursionlimit(10**6)\n"
        "adj = [[i + 1] if i < 99_999 else [] for i in range(100_000)]\n"
        "seen = [False] * 100_000\n"
        "def dfs(u):\n"
        "    seen[u] = True\n"
        "    for v in adj[u]:\n"
        "        if not seen[v]:\n"
        "            dfs(v)\n"
        "dfs(0)\n"
        "print(sum(seen))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # the project needs Python >= 3.11, where pure-Python calls no longer use the C stack
    assert out.returncode == 0 and out.stdout.strip() == "100000"
    contains("pattern-selection/dfs-recursion-limit", "since 3.11 pure-Python calls no longer do")


def test_forgetting_zero_grad_drops_then_diverges_for_sgd_and_adam():
    torch.manual_seed(0)
    x = torch.randn(512, 10)
    y = x @ torch.randn(10, 1) + 0.1 * torch.randn(512, 1)

    def run(opt_cls, zero):
        torch.manual_seed(1)
        w = torch.zeros(10, 1, requires_grad=True)
        opt = opt_cls([w], lr=0.05)
        losses = []
        for _ in range(300):
            idx = torch.randint(0, 512, (32,))
            if zero:
                opt.zero_grad()
            ((x[idx] @ w - y[idx]) ** 2).mean().backward()
            opt.step()
            losses.append(((x @ w - y) ** 2).mean().item())
        return losses

    for opt_cls in (torch.optim.SGD, torch.optim.Adam):
        good, bad = run(opt_cls, True), run(opt_cls, False)
        assert bad[2] < bad[0]  # the first steps still help
        assert bad[-1] > 10 * min(bad) and bad[-1] > 100 * good[-1]  # then it drifts away instead of settling
    contains("training-step/zero-grad-placement", "the loss drops, then drifts")
