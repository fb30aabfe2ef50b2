"""Hidden checks for the batch-norm-eval kata. Expected values: torch.nn.BatchNorm1d in float64 (the whole
train/eval sequence) and the closed forms of the batch statistics and of the running-average update (NumPy)."""

from __future__ import annotations

import numpy as np
import torch

from mldrill.grader.checks import Call, Check, Failure, Outcome, Step, T, compare_arrays

# The module's buffers may be float32, like nn.BatchNorm1d's: values that pass through them are compared at a
# float32 tolerance; a training-mode output (batch statistics only) at float64's.
F32 = {"atol": 1e-5, "rtol": 1e-5}
F64 = {"atol": 1e-9, "rtol": 1e-9}


def _fail(outcomes: list[Outcome]) -> Failure | None:
    for i, o in enumerate(outcomes):
        if o.error is not None:
            return Failure(f"call {i + 1}: raised {o.error}", i)
    return None


def _compare(i: int, got, want, name: str, tol: dict[str, float]) -> Failure | None:
    msg = compare_arrays(got, want, name=name, **tol)
    return None if msg is None else Failure(f"call {i + 1}: {msg}", i, want, got)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    C = int(rng.integers(3, 7))

    def batch(n: int) -> np.ndarray:
        return rng.normal(loc=rng.uniform(-3, 3, size=C), scale=rng.uniform(0.5, 3, size=C), size=(n, C))

    def fwd(x: np.ndarray) -> Step:
        return Step("forward", (T(x),))

    def new(momentum: float, *steps: Step, eps: float = 1e-5) -> Call:
        return Call((C,), {"eps": eps, "momentum": momentum}, steps)

    # -- the whole story against nn.BatchNorm1d
    g, b = rng.uniform(0.5, 2, size=C), rng.normal(size=C)
    xs = [batch(8), batch(5), batch(6)]
    story = new(
        0.1,
        Step("weight.data.copy_", (T(g),)),
        Step("bias.data.copy_", (T(b),)),
        fwd(xs[0]),
        fwd(xs[1]),
        Step("eval"),
        fwd(xs[2]),
        Step(".running_mean"),
        Step(".running_var"),
    )
    bn = torch.nn.BatchNorm1d(C, eps=1e-5, momentum=0.1, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(g))
        bn.bias.copy_(torch.from_numpy(b))
        want = [bn(torch.from_numpy(xs[0])).numpy(), bn(torch.from_numpy(xs[1])).numpy()]
        bn.eval()
        want.append(bn(torch.from_numpy(xs[2])).numpy())
        want += [bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()]

    def judge_story(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        v = outcomes[0].value
        got = [v[2], v[3], v[5], v[6], v[7]]
        names = ["train forward 1", "train forward 2", "eval forward", "running_mean", "running_var"]
        for name, gv, wv in zip(names, got, want, strict=True):
            if bad := _compare(0, gv, wv, name, F32):
                return bad
        return None

    # -- training output: biased variance
    xt = batch(4)  # small N: N / (N - 1) = 4/3
    mu, var_b = xt.mean(0), xt.var(0)
    y_train = (xt - mu) / np.sqrt(var_b + 1e-5)

    def judge_train(outcomes: list[Outcome]) -> str | Failure | None:
        return _fail(outcomes) or _compare(0, outcomes[0].value[0], y_train, "train forward", F64)

    # -- running_var: the unbiased variance (momentum 0.5 so that which side momentum weights does not matter here)
    xv = batch(3)
    var_u = xv.var(0, ddof=1)

    def judge_running_var(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        before, _, after = outcomes[0].value
        expected = 0.5 * np.asarray(before, dtype=np.float64) + 0.5 * var_u
        return _compare(0, after, expected, "running_var after one step (from its value before)", F32)

    # -- momentum: running_mean <- (1 - m) running_mean + m batch_mean, over two steps
    m = float(rng.uniform(0.15, 0.35))
    xm = [batch(6), batch(6)]

    def judge_momentum(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        v = outcomes[0].value
        for k in range(2):
            before, after = np.asarray(v[2 * k], dtype=np.float64), v[2 * k + 2]
            expected = (1 - m) * before + m * xm[k].mean(0)
            if bad := _compare(0, after, expected, f"running_mean after step {k + 1} (from its value before)", F32):
                return bad
        return None

    # -- eval output uses the running statistics (read from the module, so a wrong update is not blamed here)
    x_eval = [batch(1), batch(5)]
    ge, be = rng.uniform(0.5, 2, size=C), rng.normal(size=C)
    eval_calls = [
        new(
            0.1,
            Step("weight.data.copy_", (T(ge),)),
            Step("bias.data.copy_", (T(be),)),
            fwd(batch(7)),
            fwd(batch(7)),
            Step("eval"),
            Step(".running_mean"),
            Step(".running_var"),
            fwd(x),
        )
        for x in x_eval
    ]

    def judge_eval(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        for i, (o, x) in enumerate(zip(outcomes, x_eval, strict=True)):
            rm, rv = (np.asarray(a, dtype=np.float64) for a in o.value[5:7])
            expected = (x - rm) / np.sqrt(rv + 1e-5) * ge + be
            if bad := _compare(i, o.value[7], expected, "eval forward (with the module's running statistics)", F32):
                return bad
        return None

    # -- eval changes nothing
    frozen = new(
        0.1,
        fwd(batch(6)),
        Step("eval"),
        Step(".running_mean"),
        Step(".running_var"),
        fwd(batch(4)),
        fwd(batch(4)),
        Step(".running_mean"),
        Step(".running_var"),
    )

    def judge_frozen(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        v = outcomes[0].value
        for name, before, after in (("running_mean", v[2], v[6]), ("running_var", v[3], v[7])):
            if bad := _compare(0, after, before, f"{name} after two eval forwards (vs before them)", F64):
                return bad
        return None

    fresh = new(0.1, Step(".running_mean"), Step(".running_var"), Step(".weight"), Step(".bias"))
    zeros, ones = np.zeros(C), np.ones(C)

    def judge_fresh(outcomes: list[Outcome]) -> str | Failure | None:
        if bad := _fail(outcomes):
            return bad
        for name, got, want_ in zip(("running_mean", "running_var", "weight", "bias"), outcomes[0].value,
                                    (zeros, ones, ones, zeros), strict=True):  # fmt: skip
            if bad := _compare(0, got, want_, f"{name} of a fresh layer", F64):
                return bad
        return None

    return [
        Check(
            "matches nn.BatchNorm1d through training steps and eval",
            "Two training steps (batch statistics, running averages updated), then eval (running statistics), "
            "with a learned gamma and beta.",
            [story],
            judge_story,
        ),
        Check(
            "training normalises with the biased batch variance",
            "In training BatchNorm divides by sqrt(sigma^2 + eps) with the BIASED variance (1/N); torch.var's default "
            "is unbiased (1/(N-1)), which is wrong here and visible at small N.",
            [new(0.1, fwd(xt))],
            judge_train,
        ),
        Check(
            "running_var tracks the unbiased batch variance",
            "The running estimate used at eval time is fed the UNBIASED batch variance N/(N-1) sigma^2, not the "
            "biased one used to normalise (M9).",
            [new(0.5, Step(".running_var"), fwd(xv), Step(".running_var"))],
            judge_running_var,
        ),
        Check(
            "momentum weights the new batch",
            "PyTorch's convention: running = (1 - momentum) * running + momentum * batch. Swapping the two (as in an "
            "optimizer's momentum) makes the running statistics barely move.",
            [new(m, Step(".running_mean"), fwd(xm[0]), Step(".running_mean"), fwd(xm[1]), Step(".running_mean"))],
            judge_momentum,
        ),
        Check(
            "eval mode normalises with the running statistics",
            "After .eval() the layer must use running_mean and running_var, not the statistics of the eval batch: "
            "outputs would depend on the other examples in the batch, and a batch of one would be all beta.",
            eval_calls,
            judge_eval,
        ),
        Check(
            "eval mode does not update the running statistics",
            "Only training updates running_mean and running_var; evaluating on test data must not change the model.",
            [frozen],
            judge_frozen,
        ),
        Check(
            "a fresh layer starts from running_mean = 0, running_var = 1",
            "Buffers start at mean 0 and variance 1 (weight 1, bias 0): a running_var of 0 divides by sqrt(eps) "
            "in eval until enough batches have been seen.",
            [fresh],
            judge_fresh,
        ),
    ]
