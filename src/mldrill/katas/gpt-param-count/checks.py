"""Hidden checks for the gpt-param-count kata. Expected values: mldrill.ref.gpt.gpt_param_count, which
tests/ref/test_gpt.py checks equal to the numel of a built GPT module for every bias / tied combination, and to
transformers' GPT2LMHeadModel (124,439,808 for GPT-2 small, 163,037,184 untied)."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, expect_equal


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def config(**fixed) -> dict:
        n_head = int(rng.choice([2, 3, 4, 6, 8]))
        cfg = {
            "vocab_size": int(rng.integers(50, 5000)),
            "block_size": int(rng.integers(8, 2048)),
            "n_layer": int(rng.integers(2, 13)),
            "n_head": n_head,
            "n_embd": n_head * int(rng.integers(4, 33)),
            "bias": bool(rng.integers(2)),
            "tied": bool(rng.integers(2)),
        }
        return {**cfg, **fixed}

    def check(name: str, why: str, cfgs: list[dict]) -> Check:
        calls = [Call(tuple(c[k] for k in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd")),
                      {"bias": c["bias"], "tied": c["tied"]}) for c in cfgs]  # fmt: skip
        return Check(name, why, calls, expect_equal([solution(*c.args, **c.kwargs) for c in calls]))

    gpt2 = {"vocab_size": 50257, "block_size": 1024, "n_layer": 12, "n_head": 12, "n_embd": 768}
    return [
        check(
            "matches the module's parameter count",
            "Embeddings, n_layer blocks of two LayerNorms + attention + MLP, ln_f, and the head when untied.",
            [config(), config(), config(bias=True, tied=False)],
        ),
        check(
            "GPT-2 small has 124,439,808",
            "wte 38,597,376 + wpe 786,432 + 12 blocks of 7,087,872 + ln_f 1,536, the head tied to wte.",
            [{**gpt2, "bias": True, "tied": True}],
        ),
        check(
            "a tied head adds nothing",
            "With weight tying lm_head.weight IS wte.weight: one tensor, counted once. Adding vocab_size * d for the "
            "head anyway is the classic 163M-for-GPT-2 slip.",
            [config(tied=True), config(tied=True)],
        ),
        check(
            "an untied head adds vocab_size x n_embd, without a bias",
            "Untied, lm_head is its own d x vocab_size matrix; it has no bias in GPT-2 or nanoGPT.",
            [config(tied=False, bias=True), config(tied=False, bias=False)],
        ),
        check(
            "learned positions: block_size x n_embd",
            "GPT-2's positions are a learned table wpe of block_size rows (sinusoidal ones would have no parameters).",
            [config(block_size=int(rng.integers(1000, 9000)))],
        ),
        check(
            "the MLP is d -> 4d -> d",
            "The MLP has two matrices, d x 4d and 4d x d: 8 d^2 weights, twice the attention's 4 d^2.",
            [config(), config(bias=False)],
        ),
        check(
            "n_head does not change the count",
            "Heads split the d columns of Q, K and V (head size d / n_head): c_attn is d x 3d whatever n_head. "
            "Counting a d x d matrix per head per projection multiplies attention by n_head.",
            [config(n_head=h, n_embd=h * 8) for h in (4, 12)],
        ),
        check(
            "the final LayerNorm ln_f",
            "Pre-LN GPTs normalise once more after the last block: ln_f adds 2 d (d without biases).",
            [config(n_layer=1), config(n_layer=1, bias=False)],
        ),
        check(
            "a LayerNorm has a weight and a bias: 2 d",
            "With bias=True each of the 2 n_layer + 1 LayerNorms holds a gain AND a shift vector of length d; "
            "counting only the gain leaves out (2 n_layer + 1) d.",
            [config(bias=True), config(bias=True, n_layer=int(rng.integers(20, 40)))],
        ),
        check(
            "bias=False drops every bias, LayerNorms' included",
            "Without biases a LayerNorm keeps only its weight (d) and each Linear only its matrix: 12 d^2 + 2 d per "
            "block.",
            [config(bias=False), config(bias=False, tied=False)],
        ),
    ]
