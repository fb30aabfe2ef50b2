"""Samplers vs HF logits processors, brute force, and chi-square tests.

Every chi-square test uses alpha = 0.001: each one fails by chance with probability 0.001 when the sampler is correct
(the generators are seeded, so a given run is deterministic; the rate applies to a change of seed).
"""

import itertools
import math

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from transformers import (
    MinPLogitsWarper,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from mldrill.ref.sampling import (
    apply_temperature,
    beam_search,
    beam_search_table,
    min_p_filter,
    repetition_penalty,
    sample,
    top_k_filter,
    top_p_filter,
    top_p_probs,
    verify_draft,
)

ALPHA = 0.001
DUMMY_IDS = torch.zeros(1, 1, dtype=torch.long)


def logits_strategy():
    return st.lists(st.floats(-8, 8, allow_nan=False), min_size=2, max_size=12).map(
        lambda xs: torch.tensor([xs], dtype=torch.float32)
    )


@settings(max_examples=30, deadline=None)
@given(logits=logits_strategy(), k=st.integers(1, 12))
def test_top_k_matches_hf(logits, k):
    assert torch.equal(top_k_filter(logits, k), TopKLogitsWarper(top_k=k)(DUMMY_IDS, logits.clone()))


def test_top_k_keeps_ties_at_the_kth_value():
    logits = torch.tensor([[3.0, 1.0, 1.0, 0.0]])
    assert torch.isfinite(top_k_filter(logits, 2)).tolist() == [[True, True, True, False]]


@settings(max_examples=30, deadline=None)
@given(logits=logits_strategy(), p=st.floats(0.05, 0.99))
def test_top_p_matches_hf(logits, p):
    probs = torch.softmax(logits.double(), -1)
    sorted_cum = torch.sort(probs, descending=True).values.cumsum(-1)
    # exactly-at-p boundaries are the M32 test below; HF breaks probability ties the other way (last index first)
    assume((sorted_cum - p).abs().min() > 1e-6 and logits.unique().numel() == logits.numel())
    assert torch.equal(top_p_filter(logits, p), TopPLogitsWarper(top_p=p)(DUMMY_IDS, logits.clone()))


@settings(max_examples=30, deadline=None)
@given(logits=logits_strategy(), p=st.floats(0.05, 0.99), t=st.floats(0.3, 3.0))
def test_top_p_probs_is_hf_warpers_renormalised(logits, p, t):
    logits = logits.double()
    probs = torch.softmax(logits / t, -1)
    sorted_cum = torch.sort(probs, descending=True).values.cumsum(-1)
    assume((sorted_cum - p).abs().min() > 1e-6 and logits.unique().numel() == logits.numel())
    warped = TopPLogitsWarper(top_p=p)(DUMMY_IDS, TemperatureLogitsWarper(t)(DUMMY_IDS, logits.clone()))
    want = torch.softmax(warped, -1)
    got = top_p_probs(logits, p, temperature=t)
    torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(got.sum(-1), torch.ones(got.shape[0], dtype=got.dtype))


def test_top_p_keeps_the_crossing_token_and_stops_at_exact_p_M32():
    logits = torch.log(torch.tensor([[0.125, 0.5, 0.25, 0.125]], dtype=torch.float64))
    # sorted: 0.5, 0.25, 0.125, 0.125 -> cumsum 0.5, 0.75, 0.875, 1.0 (exact in binary)
    assert torch.isfinite(top_p_filter(logits, 0.75)).tolist() == [[False, True, True, False]]  # exactly p: stop
    assert torch.isfinite(top_p_filter(logits, 0.7)).tolist() == [[False, True, True, False]]  # crossing kept
    assert torch.isfinite(top_p_filter(logits, 0.76)).tolist() == [[True, True, True, False]]  # ties by index
    assert torch.isfinite(top_p_filter(logits, 0.5)).tolist() == [[False, True, False, False]]
    assert torch.isfinite(top_p_filter(logits, 0.01)).tolist() == [[False, True, False, False]]  # never empty


def test_top_p_is_robust_to_float32_rounding_of_the_softmax():
    # 0.1 + 0.2 + 0.7 in float32 probabilities: the cumsum is done in float64 over the float64 softmax
    logits = torch.log(torch.tensor([[0.7, 0.2, 0.1]])).float()
    kept = torch.isfinite(top_p_filter(logits, 0.9)).tolist()
    assert kept == [[True, True, False]] or kept == [[True, True, True]]  # 0.9 is not exact in binary either way
    assert torch.isfinite(top_p_filter(logits, 0.85)).tolist() == [[True, True, False]]


@settings(max_examples=30, deadline=None)
@given(logits=logits_strategy(), m=st.floats(0.0, 1.0))
def test_min_p_matches_hf(logits, m):
    assert torch.equal(min_p_filter(logits, m), MinPLogitsWarper(min_p=m)(DUMMY_IDS, logits.clone()))


@settings(max_examples=30, deadline=None)
@given(logits=logits_strategy(), penalty=st.floats(0.5, 3.0), seed=st.integers(0, 1000))
def test_repetition_penalty_matches_hf(logits, penalty, seed):
    V = logits.size(-1)
    prev = torch.randint(0, V, (1, 5), generator=torch.Generator().manual_seed(seed))  # may repeat a token
    ref = RepetitionPenaltyLogitsProcessor(penalty=penalty)(prev, logits.clone())
    torch.testing.assert_close(repetition_penalty(logits, prev, penalty), ref)


def test_repetition_penalty_lowers_both_signs():
    out = repetition_penalty(torch.tensor([[2.0, -2.0, 1.0]]), torch.tensor([[0, 1]]), 2.0)
    assert out.tolist() == [[1.0, -4.0, 1.0]]


def test_temperature_keeps_ranking_and_zero_is_argmax():
    logits = torch.tensor([[0.3, 2.0, -1.0, 2.0]])
    for t in (0.1, 1.0, 5.0):
        assert torch.equal(apply_temperature(logits, t).argsort(), logits.argsort())
    assert torch.isfinite(apply_temperature(logits, 0.0)).tolist() == [[False, True, False, False]]
    assert sample(logits, temperature=0.0).item() == 1  # first index on ties
    with pytest.raises(ValueError):
        apply_temperature(logits, -1.0)


def chi_square_pvalue(draws: torch.Tensor, probs: torch.Tensor) -> float:
    support = probs > 0
    counts = torch.bincount(draws, minlength=probs.numel()).double()
    assert counts[~support].sum() == 0, "sampled a filtered-out token"
    n = counts.sum()
    return float(scipy.stats.chisquare(counts[support].numpy(), (probs[support] * n).numpy()).pvalue)


@pytest.mark.parametrize(
    "kw,expected",
    [
        ({"temperature": 1.0}, lambda z: torch.softmax(z, -1)),
        ({"temperature": 0.5}, lambda z: torch.softmax(z / 0.5, -1)),
        ({"top_k": 3}, lambda z: torch.softmax(z.masked_fill(z < z.topk(3).values[-1], -math.inf), -1)),
        ({"top_p": 0.8}, None),
        ({"min_p": 0.2}, None),
    ],
    ids=["plain", "temperature", "top_k", "top_p", "min_p"],
)
def test_sampler_frequencies_chi_square(kw, expected):
    z = torch.tensor([1.0, 0.5, 0.0, -0.3, -1.0, 2.0], dtype=torch.float64)
    if expected is not None:
        probs = expected(z)
    elif "top_p" in kw:  # hand-derived support: sorted probs until the mass reaches 0.8
        p = torch.softmax(z, -1)
        order = p.argsort(descending=True)
        n_keep = int((p[order].cumsum(0) < 0.8).sum()) + 1
        probs = torch.zeros_like(p)
        probs[order[:n_keep]] = p[order[:n_keep]] / p[order[:n_keep]].sum()
    else:
        p = torch.softmax(z, -1)
        probs = torch.where(p >= 0.2 * p.max(), p, 0.0)
        probs = probs / probs.sum()
    g = torch.Generator().manual_seed(1234)
    n = 20000
    draws = sample(z.float().expand(n, -1), generator=g, **kw)
    assert chi_square_pvalue(draws, probs) > ALPHA


def test_sampling_is_reproducible_from_the_generator():
    z = torch.randn(50, 10, generator=torch.Generator().manual_seed(0))
    a = sample(z, top_p=0.9, generator=torch.Generator().manual_seed(7))
    b = sample(z, top_p=0.9, generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b)


# ---- beam search


def toy_step_fn(V: int, seed: int):
    table = torch.randn(64, V, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)

    def step(seqs: torch.Tensor) -> torch.Tensor:  # next-token log-probs depend on the whole prefix
        key = (seqs * torch.arange(1, seqs.size(1) + 1) ** 2).sum(1) % 64
        return torch.log_softmax(table[key], -1)

    return step


def brute_force(step, prompt, V, L, eos, alpha):
    best = []
    for n in range(1, L + 1):
        for toks in itertools.product(range(V), repeat=n):
            if eos is not None and eos in toks[:-1]:
                continue
            if n < L and (eos is None or toks[-1] != eos):
                continue  # an unfinished hypothesis must reach the length limit
            lp = sum(float(step(torch.tensor([list(prompt) + list(toks[:i])]))[0, toks[i]]) for i in range(n))
            best.append((lp / n**alpha, toks))
    return max(best)


@pytest.mark.parametrize("eos,alpha", [(None, 0.0), (0, 0.0), (0, 1.0)])
def test_wide_beam_search_equals_brute_force(eos, alpha):
    V, L = 3, 3
    step = toy_step_fn(V, seed=3)
    hyps = beam_search(step, [1, 2], beam_width=V**L, max_new_tokens=L, eos_id=eos, alpha=alpha)
    score, toks = brute_force(step, [1, 2], V, L, eos, alpha)
    assert hyps[0].tokens == toks
    assert hyps[0].score == pytest.approx(score, rel=1e-12)


def test_beam_width_one_is_greedy():
    V, L = 5, 4
    step = toy_step_fn(V, seed=4)
    seq = [0]
    for _ in range(L):
        seq.append(int(step(torch.tensor([seq]))[0].argmax()))
    hyps = beam_search(step, [0], beam_width=1, max_new_tokens=L)
    assert list(hyps[0].tokens) == seq[1:]


def test_speculative_sampling_reproduces_the_target_distribution_M46():
    from mldrill.ref.sampling import speculative_step

    p = torch.tensor([0.5, 0.2, 0.15, 0.1, 0.05], dtype=torch.float64)
    q = torch.tensor([0.1, 0.4, 0.1, 0.2, 0.2], dtype=torch.float64)  # a poor draft
    g = torch.Generator().manual_seed(11)
    k, n = 3, 6000
    rounds = [speculative_step(lambda _: p, lambda _: q, [0], k, generator=g) for _ in range(n)]
    first = torch.tensor([r[0] for r in rounds])
    assert chi_square_pvalue(first, p) > ALPHA  # exact target distribution, not the draft's
    a = float(torch.minimum(p, q).sum())  # acceptance rate for context-free p, q
    lengths = torch.tensor([len(r) for r in rounds], dtype=torch.float64)
    expected = (1 - a ** (k + 1)) / (1 - a)
    z = (lengths.mean() - expected) / (lengths.std() / math.sqrt(n))
    assert abs(float(z)) < 3.29  # two-sided alpha = 0.001


def test_gnmt_length_penalty_changes_the_normaliser():
    V, L = 3, 3
    step = toy_step_fn(V, seed=3)
    power = beam_search(step, [1, 2], beam_width=27, max_new_tokens=L, eos_id=0, alpha=1.0)
    gnmt = beam_search(step, [1, 2], beam_width=27, max_new_tokens=L, eos_id=0, alpha=1.0, length_penalty="gnmt")
    h = next(x for x in gnmt if len(x.tokens) == 2)
    assert h.score == pytest.approx(h.logprob / ((5 + 2) / 6))
    assert {x.tokens for x in power} == {x.tokens for x in gnmt}  # same hypotheses, different ranking scores


def test_top_p_orders_by_logit_when_probabilities_round_equal():
    # found by hypothesis: these logits differ but their float64 probabilities are both exactly 0.5
    logits = torch.tensor([[-5.9704e-33, 0.0]])
    assert torch.isfinite(top_p_filter(logits, 0.25)).tolist() == [[False, True]]
    assert torch.equal(top_p_filter(logits, 0.25), TopPLogitsWarper(top_p=0.25)(DUMMY_IDS, logits.clone()))


def test_verify_draft_emits_target_distributed_tokens_M46():
    """Chi-square goodness of fit at p-value 1e-6 (false-failure rate 1e-6 per test; every expected count >= 400)."""
    from scipy.stats import binomtest, chisquare

    g = torch.Generator().manual_seed(0)
    B, V = 40_000, 5
    p0 = torch.tensor([0.4, 0.3, 0.1, 0.1, 0.1], dtype=torch.float64)
    q0 = torch.tensor([0.1, 0.1, 0.3, 0.3, 0.2], dtype=torch.float64)
    p2 = torch.tensor([0.05, 0.15, 0.2, 0.25, 0.35], dtype=torch.float64)
    p = torch.stack([p0, p0, p2]).expand(B, 3, V)
    q = torch.stack([q0, p0]).expand(B, 2, V)  # position 1: draft = target, always accepted
    draft = torch.stack([torch.multinomial(q0, B, replacement=True, generator=g),
                         torch.multinomial(p0, B, replacement=True, generator=g)], dim=1)  # fmt: skip
    n_acc, nxt = verify_draft(p, q, draft, generator=g)
    assert binomtest(int((n_acc >= 1).sum()), B, float(torch.minimum(p0, q0).sum())).pvalue > 1e-6
    first = torch.where(n_acc >= 1, draft[:, 0], nxt)
    assert chisquare(torch.bincount(first, minlength=V).numpy(), B * p0.numpy()).pvalue > 1e-6
    assert set(nxt[n_acc == 0].tolist()) <= {0, 1}  # residual max(0, p - q) lives on tokens 0 and 1
    bonus = nxt[n_acc == 2]
    assert (n_acc != 1).all()  # accepted at 0 means accepted at 1 too
    assert chisquare(torch.bincount(bonus, minlength=V).numpy(), len(bonus) * p2.numpy()).pvalue > 1e-6


def test_beam_search_table_with_a_full_beam_is_exhaustive_search():
    rng = np.random.default_rng(0)
    V, L, eos = 4, 3, 0
    table = np.log(rng.dirichlet(np.ones(V), size=(L, V)))  # (t, last, next)
    hyps = beam_search_table(table, 2, beam_width=V**L, max_new_tokens=L, eos=eos, alpha=0.8)
    brute = {}
    for n in range(1, L + 1):
        for toks in itertools.product(range(V), repeat=n):
            if eos in toks[:-1] or (n < L and toks[-1] != eos):
                continue  # ends at its first eos, or runs to the length limit
            lp = sum(table[t, a, b] for t, (a, b) in enumerate(zip((2, *toks[:-1]), toks, strict=True)))
            brute[toks] = lp / n**0.8
    assert len(hyps) == len(brute)
    for toks, score in hyps:
        assert abs(brute[tuple(toks)] - score) < 1e-12
    assert [h[1] for h in hyps] == sorted(brute.values(), reverse=True)


def test_top_p_of_one_keeps_every_token_even_when_the_mass_rounds_to_one_early():
    """The exclusive cumsum of [1, 2e-22] is [0, 1.0] in float64: a mass test alone would drop the second token."""
    logits = torch.tensor([[0.0, -50.0], [3.0, -745.0]], dtype=torch.float64)
    assert torch.isfinite(top_p_filter(logits, 1.0)).all()
    assert not torch.isfinite(top_p_filter(logits, 0.999)).all()  # below 1 the tail can go (its mass is < 1e-21)
