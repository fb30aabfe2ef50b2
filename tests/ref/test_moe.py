"""MoE: scatter/gather = a loop, k = E = the dense mixture, the two routings, aux loss, capacity, Mixtral's counts."""

import math

import pytest
import torch

from mldrill.ref.moe import (
    MoE,
    all_to_all_bytes,
    capacity,
    dispatch,
    dispatch_positions,
    moe_params,
    route,
    route_with_aux,
    router_z_loss,
    switch_aux_loss,
    switch_router_losses,
)

D = torch.float64


def make(d=6, E=4, k=2, style="mixtral", seed=0) -> MoE:
    torch.manual_seed(seed)
    return MoE(d, E, k, d_ff=10, style=style).double()


@pytest.mark.parametrize("style", ["mixtral", "switch"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_gather_scatter_equals_the_token_loop(style: str, k: int):
    moe = make(k=k, style=style)
    x = torch.randn(2, 5, 6, dtype=D, requires_grad=True)
    y, _ = moe(x)
    y_loop = moe.forward_loop(x)
    torch.testing.assert_close(y, y_loop, rtol=1e-12, atol=1e-12)
    up = torch.randn_like(y)
    g1 = torch.autograd.grad((y * up).sum(), [x, *moe.parameters()], allow_unused=True)
    g2 = torch.autograd.grad((y_loop * up).sum(), [x, *moe.parameters()], allow_unused=True)
    for a, b in zip(g1, g2, strict=True):
        if a is None or b is None:
            assert a is None and b is None
        else:
            torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_mixtral_with_k_equal_E_is_the_dense_softmax_mixture():
    moe = make(E=4, k=4)
    x = torch.randn(7, 6, dtype=D)
    torch.testing.assert_close(moe(x)[0], moe.forward_dense(x), rtol=1e-12, atol=1e-12)


def test_switch_does_not_renormalize_and_mixtral_does():
    logits = torch.tensor([[2.0, 1.0, 0.0, -1.0]], dtype=D)
    p = [math.exp(v) for v in (2.0, 1.0, 0.0, -1.0)]
    w_mix, idx_mix, _ = route(logits, 2, style="mixtral")
    assert idx_mix.tolist() == [[0, 1]]
    assert w_mix[0].tolist() == pytest.approx([p[0] / (p[0] + p[1]), p[1] / (p[0] + p[1])])
    w_sw, idx_sw, _ = route(logits, 1, style="switch")
    assert idx_sw.tolist() == [[0]]
    assert w_sw.item() == pytest.approx(p[0] / sum(p))  # below 1: the expert's output is scaled down
    with pytest.raises(ValueError, match="routing style"):
        route(logits, 1, style="gshard")


def test_aux_loss_is_alpha_at_balance_and_grows_with_skew():
    E, T, alpha = 4, 8, 0.01
    uniform = torch.full((T, E), 1 / E, dtype=D)
    balanced = torch.arange(T).remainder(E)[:, None]
    assert switch_aux_loss(uniform, balanced, E, alpha=alpha).item() == pytest.approx(alpha)
    collapsed_probs = torch.tensor([[0.7, 0.1, 0.1, 0.1]] * T, dtype=D)
    collapsed_idx = torch.zeros(T, 1, dtype=torch.long)
    # f = (1, 0, 0, 0), P = (0.7, 0.1, 0.1, 0.1): alpha * 4 * 0.7
    assert switch_aux_loss(collapsed_probs, collapsed_idx, E, alpha=alpha).item() == pytest.approx(alpha * 4 * 0.7)


@pytest.mark.parametrize("style", ["mixtral", "switch"])
def test_route_with_aux_matches_a_per_token_loop(style: str):
    g = torch.Generator().manual_seed(4)
    T, E, k, alpha = 9, 5, 2, 0.03
    logits = torch.randn(T, E, dtype=D, generator=g)
    weights, idx, aux = route_with_aux(logits, k, style=style, alpha=alpha)
    counts, mean_p = [0] * E, [0.0] * E
    for t in range(T):
        row = logits[t].tolist()
        order = sorted(range(E), key=lambda e: -row[e])[:k]
        z = sum(math.exp(v) for v in row)
        p = [math.exp(v) / z for v in row]
        chosen = [p[e] for e in order]
        want = [c / sum(chosen) for c in chosen] if style == "mixtral" else chosen
        assert idx[t].tolist() == order
        assert weights[t].tolist() == pytest.approx(want, rel=1e-12)
        for e in order:
            counts[e] += 1
        mean_p = [m + q / T for m, q in zip(mean_p, p, strict=True)]
    expected = alpha * E * sum(c / (T * k) * m for c, m in zip(counts, mean_p, strict=True))
    assert aux.item() == pytest.approx(expected, rel=1e-12)


def test_aux_loss_gradient_flows_through_the_probabilities_only():
    logits = torch.randn(6, 3, dtype=D, requires_grad=True)
    _, idx, probs = route(logits, 1, style="switch")
    loss = switch_aux_loss(probs, idx, 3)
    (g,) = torch.autograd.grad(loss, logits)
    f = torch.bincount(idx.reshape(-1), minlength=3).to(D) / 6
    # d/dlogits of alpha*E*sum_i f_i mean_t p_ti, with f held constant: the softmax Jacobian applied to alpha*E*f/T
    p = torch.softmax(logits.detach(), -1)
    upstream = (0.01 * 3 * f / 6).expand(6, 3)
    expected = p * (upstream - (p * upstream).sum(-1, keepdim=True))
    torch.testing.assert_close(g, expected)


def test_z_loss_closed_form():
    logits = torch.tensor([[0.0, 0.0], [math.log(3.0), 0.0]], dtype=D)
    expected = (math.log(2.0) ** 2 + math.log(4.0) ** 2) / 2
    assert router_z_loss(logits).item() == pytest.approx(expected)


@pytest.mark.parametrize(("T", "E", "scale"), [(16, 4, 1.0), (37, 8, 3.0), (5, 2, 0.1)])
def test_switch_router_losses_match_transformers(T, E, scale):
    from transformers.models.switch_transformers.modeling_switch_transformers import (
        load_balancing_loss_func,
        router_z_loss_func,
    )

    logits = scale * torch.randn(T, E, dtype=D, generator=torch.Generator().manual_seed(T))
    aux, z = switch_router_losses(logits)
    probs = torch.softmax(logits, -1)
    hf_aux = load_balancing_loss_func(probs[None], probs.argmax(-1)[None])  # one group of T tokens
    torch.testing.assert_close(aux, hf_aux.to(D), rtol=1e-6, atol=0.0)  # HF's expert mask is float32
    torch.testing.assert_close(z, router_z_loss_func(logits[None]), rtol=1e-12, atol=0.0)


def test_switch_router_losses_at_a_uniform_router_and_at_huge_logits():
    flat = torch.arange(6, dtype=D)[:, None].expand(6, 4)  # each token's logits equal: P uniform
    aux, z = switch_router_losses(flat)
    assert aux.item() == pytest.approx(1.0)  # E * sum_i f_i / E, whatever f is
    assert z.item() == pytest.approx(sum((t + math.log(4)) ** 2 for t in range(6)) / 6)
    aux, z = switch_router_losses(torch.tensor([[1000.0, 0.0], [0.0, 1000.0]], dtype=D))
    assert torch.isfinite(aux) and z.item() == pytest.approx(1000.0**2)


def _dispatch_by_hand(idx: list[list[int]], E: int, cap: int) -> tuple[list[list[bool]], int]:
    used = [0] * E
    keep = [[False] * len(idx[0]) for _ in idx]
    for j in range(len(idx[0])):
        for t, choices in enumerate(idx):
            e = choices[j]
            if used[e] < cap:
                keep[t][j] = True
                used[e] += 1
    return keep, sum(not v for row in keep for v in row)


@pytest.mark.parametrize("cf", [0.5, 1.0, 1.25, 2.0])
def test_dispatch_matches_a_hand_count(cf: float):
    g = torch.Generator().manual_seed(3)
    T, E, k = 13, 4, 2
    logits = torch.randn(T, E, generator=g) + torch.tensor([1.5, 0.0, 0.0, -1.0])  # skewed towards expert 0
    idx = torch.topk(logits, k, dim=-1).indices
    d = dispatch(idx, E, capacity_factor=cf)
    assert d.capacity == math.ceil(k * T / E * cf)
    keep, dropped = _dispatch_by_hand(idx.tolist(), E, d.capacity)
    assert d.keep.tolist() == keep and d.dropped == dropped
    assert d.load.tolist() == torch.bincount(idx.reshape(-1), minlength=E).tolist()
    assert (d.position[d.keep] < d.capacity).all() and (d.position[~d.keep] == -1).all()


def test_dispatch_positions_count_each_buffer_in_priority_order():
    g = torch.Generator().manual_seed(6)
    T, E, k = 11, 3, 2
    idx = torch.stack([torch.randperm(E, generator=g)[:k] for _ in range(T)])  # (T, k), distinct per token
    cap, pos = dispatch_positions(idx, E, capacity_factor=0.8)
    assert cap == math.ceil(k * T / E * 0.8)
    used, want = [0] * E, [[-1] * k for _ in range(T)]
    for j in range(k):  # every token's first choice, then every token's second
        for t in range(T):
            e = int(idx[t, j])
            if used[e] < cap:
                want[t][j] = used[e]
                used[e] += 1
    assert pos.tolist() == want


def test_capacity_scales_with_k():
    assert capacity(T=1024, E=8, k=1, capacity_factor=1.0) == 128
    assert capacity(T=1024, E=8, k=2, capacity_factor=1.25) == 320


def test_mixtral_8x7b_counts():
    # Mixtral 8x7B's published config: d 4096, 32 layers, d_ff 14336, 8 experts, top-2, 32 heads, 8 KV heads,
    # vocab 32000, untied embeddings (Jiang et al. 2024, Table 1).
    n = moe_params(d=4096, d_ff=14336, E=8, k=2, n_layer=32, vocab=32000, n_head=32, n_kv_head=8)
    assert n["total"] / 1e9 == pytest.approx(46.7, abs=0.05)
    assert n["active"] / 1e9 == pytest.approx(12.9, abs=0.05)


def test_moe_params_counts_a_real_module():
    """The formula against parameters actually instantiated: one layer's MoE block plus a GQA attention's shapes."""
    d, d_ff, E, k = 16, 24, 4, 2
    moe = MoE(d, E, k, d_ff=d_ff)
    block = sum(p.numel() for p in moe.parameters())
    n = moe_params(d=d, d_ff=d_ff, E=E, k=k, n_layer=1, vocab=10, n_head=4, n_kv_head=2)
    hs = d // 4
    attn = d * d + 2 * d * 2 * hs + d * d
    assert n["total"] == block + attn + 2 * d + 2 * 10 * d + d
    assert n["total"] - n["active"] == (E - k) * 3 * d * d_ff


def test_all_to_all_bytes():
    assert all_to_all_bytes(T=4096, d=4096, k=2, bytes_per_value=2) == 2 * 4096 * 2 * 4096 * 2
