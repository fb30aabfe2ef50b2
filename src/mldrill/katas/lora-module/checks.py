"""Hidden checks for the lora-module kata. Expected values: the closed form x W^T + b + (alpha / r) x A^T B^T in
float64 NumPy; init and merge properties checked on the module's own parameters (read through dotted steps)."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Failure, Outcome, Step, T, TorchGen, compare_arrays

ATOL = 1e-10  # float64 throughout


def _ok(outcomes: list[Outcome]) -> Failure | None:
    for i, o in enumerate(outcomes):
        if o.error is not None:
            return Failure(f"call {i + 1}: raised {o.error}", i)
    return None


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def layer(d_in: int, d_out: int):
        return rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)

    def seed() -> TorchGen:
        return TorchGen(int(rng.integers(2**31)))

    def load(a: np.ndarray, b: np.ndarray) -> tuple[Step, Step]:
        return Step("lora_A.data.copy_", (T(a),)), Step("lora_B.data.copy_", (T(b),))

    def full(x, w, bias, a, b, s):
        return x @ w.T + bias + s * (x @ a.T) @ b.T

    def trained(w, bias, r: int, alpha: float, x: np.ndarray, *tail: Step):
        """A call that loads drawn factors A, B, runs forward(x) and then `tail`; and its expected forward."""
        d_out, d_in = w.shape
        a, b = rng.normal(size=(r, d_in)), rng.normal(size=(d_out, r))
        c = Call(
            (T(w), T(bias)),
            {"r": r, "alpha": alpha, "generator": seed()},
            (*load(a, b), Step("forward", (T(x),)), *tail),
        )
        return c, (a, b), full(x, w, bias, a, b, alpha / r)

    def forward_judge(expected: list[np.ndarray], at: int = 2):
        def judge(outcomes: list[Outcome]) -> str | Failure | None:
            if bad := _ok(outcomes):
                return bad
            for i, (o, e) in enumerate(zip(outcomes, expected, strict=True)):
                if msg := compare_arrays(o.value[at], e, atol=ATOL, rtol=1e-9, name="forward(x)"):
                    return Failure(f"call {i + 1}: {msg}", i, e, o.value[at])
            return None

        return judge

    # -- the forward pass with trained factors, alpha != r
    w1, b1 = layer(5, 4)
    w2, b2 = layer(6, 3)
    g1 = trained(w1, b1, 3, float(rng.uniform(4, 16)), rng.normal(size=(7, 5)))
    g2 = trained(w2, b2, 2, float(rng.uniform(4, 16)), rng.normal(size=(2, 3, 6)))  # (..., d_in)

    # -- init
    w0, b0 = layer(16, 5)
    x0 = rng.normal(size=(6, 16))
    init = Call(
        (T(w0), T(b0)), {"r": 4, "alpha": 8.0, "generator": seed()}, (Step("forward", (T(x0),)), Step(".lora_B"))
    )
    base0 = x0 @ w0.T + b0

    def judge_init(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        y, bmat = outcomes[0].value
        if msg := compare_arrays(bmat, np.zeros((5, 4)), atol=0.0, rtol=0.0, name="lora_B"):
            return Failure(msg, 0, np.zeros((5, 4)), bmat)
        if msg := compare_arrays(y, base0, atol=1e-12, rtol=1e-12, name="forward(x) at init"):
            return Failure(msg, 0, base0, y)
        return None

    r_a, d_a = 16, int(rng.integers(64, 97))
    bound = 1.0 / np.sqrt(d_a)
    wa, ba = layer(d_a, 3)
    s_a = seed()
    a_calls = [Call((T(wa), T(ba)), {"r": r_a, "alpha": 8.0, "generator": g}, (Step(".lora_A"),)) for g in (s_a, s_a)]
    a_calls.append(
        Call((T(wa), T(ba)), {"r": r_a, "alpha": 8.0, "generator": TorchGen(s_a.seed + 1)}, (Step(".lora_A"),))
    )

    def judge_a_random(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes[:1]):
            return bad
        a = np.asarray(outcomes[0].value[0], dtype=np.float64)
        if a.shape != (r_a, d_a):
            return Failure(f"lora_A has shape {a.shape}, expected (r, d_in) = {(r_a, d_a)}", 0)
        if np.count_nonzero(a) < a.size // 2:
            return Failure(f"lora_A is (mostly) zero: {a.size - np.count_nonzero(a)} of {a.size} entries are 0", 0)
        if np.abs(a).max() > bound:
            return Failure(f"max |lora_A| = {np.abs(a).max():.4g} exceeds 1/sqrt(d_in) = {bound:.4g}", 0)
        # U(-c, c) has variance c^2/3. With n >= 1024 draws, Hoeffding gives |mean(a^2) - c^2/3| < 0.2 c^2 and
        # mean(a)^2 < 0.05 c^2 except with probability < 2e-11, so the sample std lies in [0.5, 1.25] c/sqrt(3):
        # the band fails only for another distribution (false-failure rate < 1e-10).
        std = float(a.std())
        if not 0.5 * bound / np.sqrt(3) <= std <= 1.25 * bound / np.sqrt(3):
            return Failure(
                f"std of lora_A is {std:.4g}; U(-1/sqrt(d_in), 1/sqrt(d_in)) has {bound / np.sqrt(3):.4g}", 0
            )
        return None

    def judge_generator(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        a1, a2, a3 = (np.asarray(o.value[0], dtype=np.float64) for o in outcomes)
        if a1.shape != a2.shape or not np.array_equal(a1, a2):
            return Failure("call 2: the same generator seed gave a different lora_A (draw A with `generator`)", 1)
        if a1.shape == a3.shape and np.array_equal(a1, a3):
            return Failure("call 3: a different generator seed gave the same lora_A", 2)
        return None

    frozen = Call(
        (T(w0), T(b0)),
        {"r": 2, "alpha": 2.0, "generator": seed()},
        tuple(Step(f".{p}.requires_grad") for p in ("weight", "bias", "lora_A", "lora_B")),
    )

    def judge_frozen(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        got = [bool(v) for v in outcomes[0].value]
        want = [False, False, True, True]
        if got != want:
            return Failure("requires_grad of (weight, bias, lora_A, lora_B) is " + str(got), 0, want, got)
        return None

    # -- the scale
    ws, bs = layer(6, 4)
    scale = trained(ws, bs, 4, float(rng.uniform(12, 24)), rng.normal(size=(5, 6)))

    # -- merge / unmerge: square weights (a transposed update runs) and r = 1 (a wrong alpha/r is invisible here:
    # it has its own check), alpha != 1 (a merge that forgets the scale is not)
    d = int(rng.integers(5, 9))
    wm, bm = layer(d, d)
    xm = rng.normal(size=(4, d))
    alpha_m = float(rng.uniform(3, 6))
    merge_c, (am, bmf), _ = trained(wm, bm, 1, alpha_m, xm, Step("merge"), Step(".weight"))
    merged_w = wm + alpha_m * bmf @ am
    wn, bn = layer(d + 2, d)  # non-square too
    merge_n, (an, bnf), _ = trained(wn, bn, 1, alpha_m, rng.normal(size=(3, d + 2)), Step("merge"), Step(".weight"))
    merged_n = wn + alpha_m * bnf @ an

    def judge_merge(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        for i, e in enumerate((merged_w, merged_n)):
            if msg := compare_arrays(outcomes[i].value[4], e, atol=ATOL, rtol=1e-9, name="weight after merge()"):
                return Failure(f"call {i + 1}: {msg}", i, e, outcomes[i].value[4])
        return None

    again_c, _, _ = trained(
        wm, bm, 1, alpha_m, xm, Step("merge"), Step("forward", (T(xm),)), Step(".weight"), Step(".bias")
    )

    def judge_again(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        after, weight, bias = outcomes[0].value[4:]
        plain = xm @ np.asarray(weight, dtype=np.float64).T + np.asarray(bias, dtype=np.float64)
        if msg := compare_arrays(after, plain, atol=ATOL, rtol=1e-9, name="forward(x) after merge()"):
            return Failure(msg + " -- not x W^T + b with the merged weight", 0, plain, after)
        return None

    unmerge_c, _, unmerge_y = trained(
        wm,
        bm,
        1,
        alpha_m,
        xm,
        Step("merge"),
        Step("unmerge"),
        Step("unmerge"),
        Step(".weight"),
        Step("forward", (T(xm),)),
    )

    def judge_unmerge(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        v = outcomes[0].value
        if msg := compare_arrays(v[6], wm, atol=ATOL, rtol=1e-9, name="weight after merge(), unmerge(), unmerge()"):
            return Failure(msg, 0, wm, v[6])
        if msg := compare_arrays(v[7], unmerge_y, atol=ATOL, rtol=1e-9, name="forward(x) after unmerge()"):
            return Failure(msg, 0, unmerge_y, v[7])
        return None

    twice_c, _, _ = trained(wm, bm, 1, alpha_m, xm, Step("merge"), Step(".weight"), Step("merge"), Step(".weight"))

    def judge_twice(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _ok(outcomes):
            return bad
        v = outcomes[0].value
        if msg := compare_arrays(v[6], v[4], atol=ATOL, rtol=1e-9, name="weight after a second merge()"):
            return Failure(msg + " (compared with the weight after the first merge)", 0, v[4], v[6])
        return None

    return [
        Check(
            "matches x W^T + b + (alpha/r) x A^T B^T with trained factors",
            "The adapted layer adds the scaled low-rank path to the frozen base: "
            "y = x W^T + b + (alpha/r) (x A^T) B^T, for any leading batch dimensions.",
            [g1[0], g2[0]],
            forward_judge([g1[2], g2[2]]),
        ),
        Check(
            "B starts at zero: at init the layer equals the base layer",
            "LoRA initialises B = 0 so that fine-tuning starts exactly from the pretrained model; a random B adds "
            "noise to every output before the first step.",
            [init],
            judge_init,
        ),
        Check(
            "A starts random in [-1/sqrt(d_in), 1/sqrt(d_in)]",
            "A must be random (not zero): with A = 0 and B = 0 both gradients are zero forever and the adapter never "
            "learns. Its scale is Kaiming-uniform's 1/sqrt(d_in), not a unit normal.",
            a_calls[:1],
            judge_a_random,
        ),
        Check(
            "A is drawn with the given generator",
            "Draw A with `generator` (uniform_(..., generator=generator)): the global RNG makes runs irreproducible.",
            a_calls,
            judge_generator,
        ),
        Check(
            "the base weight and bias are frozen; A and B train",
            "The pretrained weight and bias must not receive gradients (requires_grad=False): only lora_A and "
            "lora_B are trainable, which is the whole memory saving of LoRA.",
            [frozen],
            judge_frozen,
        ),
        Check(
            "the scale is alpha / r",
            "The low-rank path is scaled by alpha / r, not by alpha (or r / alpha): the scale keeps the update's size "
            "steady when r changes.",
            [scale[0]],
            forward_judge([scale[2]]),
        ),
        Check(
            "merge() writes W + (alpha/r) B A into the (d_out, d_in) weight",
            "Merging adds the scaled update Delta W = (alpha/r) B A, shaped (d_out, d_in) like W: A^T B^T is its "
            "transpose (it even runs when W is square), and forgetting alpha/r changes the model.",
            [merge_c, merge_n],
            judge_merge,
        ),
        Check(
            "a merged layer does not add the adapter path again",
            "After merge() the update lives in W: forward must then be just x W^T + b, "
            "not W x plus B A x a second time.",
            [again_c],
            judge_again,
        ),
        Check(
            "unmerge() restores the base weight, once",
            "unmerge() subtracts exactly what merge() added and clears the merged state; a second unmerge() must not "
            "subtract it again.",
            [unmerge_c],
            judge_unmerge,
        ),
        Check(
            "merging twice does not add the update twice",
            "merge() on a layer that is already merged must do nothing (keep a merged flag): "
            "otherwise W gets B A twice.",
            [twice_c],
            judge_twice,
        ),
    ]
