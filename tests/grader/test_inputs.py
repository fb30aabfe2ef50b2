"""Hidden inputs are drawn fresh from a seed on every run, and a failed check shows its input, expected and actual.

A table of answers recorded on one run (the attack of class 8 in issue 12) is useless on the next: every call of
every check gets other inputs under another seed, so a submission can only pass by computing the answer.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import scipy.special

from mldrill.catalog.katas import get_katas
from mldrill.grader.api import check
from mldrill.grader.checks import describe_call, encode_call, show
from mldrill.grader.inprocess import check_callable
from mldrill.grader.wire import to_wire

KATAS = sorted(get_katas())
# The only inputs with nothing to vary: a call with the empty string (its answer is 0 for any solution), the
# ZeRO paper's own worked example (7.5B parameters on 64 GPUs) and GPT-2 small's published config, which those katas
# reproduce on purpose; their other checks draw their inputs.
CONSTANT_CALLS = {
    ("sliding-window", "the empty string and single characters (call 1)"),
    *(("zero-memory", f"reproduces the paper's 7.5B-parameter example (call {i})") for i in range(1, 5)),
    ("gpt-param-count", "GPT-2 small has 124,439,808 (call 1)"),
}
SEED_A, SEED_B, SEED_C = 20261204, 977, 31337


def _without_generator_seeds(x: Any) -> Any:
    """A call's encoded inputs, with the seeds of torch/NumPy generators blanked out.

    A sampling kata's draws depend on the generator, but a table keyed on the other inputs could still return
    recorded samples that pass a distribution test: so those other inputs must vary too.
    """
    if isinstance(x, dict):
        return {k: None if k in ("__np_rng__", "__torch_gen__") else _without_generator_seeds(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_without_generator_seeds(v) for v in x]
    return x


def _inputs(kata_id: str, seed: int) -> list[tuple[str, list[str]]]:
    checks = get_katas()[kata_id].build_checks(seed)
    return [
        (ch.name, [json.dumps(_without_generator_seeds(encode_call(c)), sort_keys=True) for c in ch.calls])
        for ch in checks
    ]


@pytest.mark.parametrize("kata_id", KATAS)
def test_a_seed_replays_its_inputs_and_another_seed_changes_every_call(kata_id: str) -> None:
    a, again = _inputs(kata_id, SEED_A), _inputs(kata_id, SEED_A)
    assert a == again  # replayable
    others = [_inputs(kata_id, s) for s in (SEED_B, SEED_C)]
    assert all([name for name, _ in o] == [name for name, _ in a] for o in others)
    # A call is fixed when all three seeds give it the same inputs (two may meet by chance on a tiny domain).
    repeated = [
        f"{name} (call {i + 1})"
        for k, (name, calls) in enumerate(a)
        for i, x in enumerate(calls)
        if all(o[k][1][i] == x for o in others) and (kata_id, f"{name} (call {i + 1})") not in CONSTANT_CALLS
    ]
    assert repeated == [], f"{kata_id}: these calls get the same inputs under every seed"


NAIVE = (
    "import numpy as np\ndef softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"
)


def test_a_planted_bug_shows_the_failing_input_expected_and_actual() -> None:
    """No max subtraction: the sandboxed verdict names the call, and its values match an independent recomputation."""
    v = check("stable-softmax", NAIVE, seed=SEED_A)
    assert v.status == "failed" and v.seed == SEED_A
    failed = {c.name: c for c in v.checks if not c.passed}
    big = failed["finite at logits of +-1000"]
    (call,) = next(ch for ch in get_katas()["stable-softmax"].build_checks(SEED_A) if ch.name == big.name).calls
    x = call.args[0]
    assert np.abs(x).max() > 800  # the hidden input really is the overflow case
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)
    assert big.call == 1 and big.input == describe_call(call) and f"{x[0, 0]:.10f}"[:8] in big.input
    assert big.expected == show(scipy.special.softmax(x, axis=-1))
    assert big.actual == show(naive) and "nan" in big.actual
    assert "output[0, 0] = nan" in big.message  # the first mismatching index stays in the message


def test_a_planted_bug_in_a_torch_kata_shows_its_case() -> None:
    """layer-norm with the unbiased variance fails "uses the biased variance" with F.layer_norm's output expected."""
    import torch
    import torch.nn.functional as F

    def unbiased(x: Any, weight: Any, bias: Any, eps: float = 1e-5) -> Any:
        mu = x.mean(-1, keepdim=True)
        return (x - mu) / torch.sqrt(x.var(-1, keepdim=True) + eps) * weight + bias

    kata = get_katas()["layer-norm"]
    v = check_callable(kata, unbiased, SEED_B)
    bad = next(c for c in v.checks if c.name == "uses the biased variance")
    assert not bad.passed and bad.call == 1
    (call,) = next(ch for ch in kata.build_checks(SEED_B) if ch.name == bad.name).calls
    x, w, b = (torch.from_numpy(t.array) for t in call.args)
    assert bad.input == describe_call(call) and bad.input.startswith("arg 1: tensor array(float64, shape")
    assert bad.expected == show(F.layer_norm(x, (x.shape[-1],), w, b, 1e-5).numpy())
    assert bad.actual == show(unbiased(x, w, b).numpy())


def _lookup_table_submission(seed: int) -> str:
    """What a submission that recorded one run's inputs and answers would look like: a table, else a wrong answer."""
    table: dict[str, tuple[str, list[int]]] = {}
    for ch in get_katas()["stable-softmax"].build_checks(seed):
        for c in ch.calls:
            x, axis = np.asarray(c.args[0], dtype=np.float64), c.kwargs.get("axis", -1)
            out = scipy.special.softmax(x, axis=axis)
            table[x.tobytes().hex() + f"/{axis}"] = (out.tobytes().hex(), list(out.shape))
    return (
        f"import numpy as np\nTABLE = {table!r}\n"
        "def softmax(x, axis=-1):\n"
        "    hit = TABLE.get(np.ascontiguousarray(x, dtype=np.float64).tobytes().hex() + f'/{axis}')\n"
        "    if hit is None:\n        return np.zeros_like(x)\n"
        "    return np.frombuffer(bytes.fromhex(hit[0])).reshape(hit[1])\n"
    )


def test_a_table_of_recorded_answers_passes_nothing_on_the_next_run() -> None:
    cheat = _lookup_table_submission(SEED_A)
    assert check("stable-softmax", cheat, seed=SEED_A).status == "passed"  # the attack works on a replayed run
    v = check("stable-softmax", cheat, seed=SEED_B)
    assert v.status == "failed" and not any(c.passed for c in v.checks), v
    fresh = check("stable-softmax", cheat)  # the default: a fresh seed
    assert fresh.seed not in (None, SEED_A) and fresh.status == "failed"


def test_a_kata_with_its_own_judge_shows_the_expected_value_too() -> None:
    """causal-mask judges with its own function: blocking the diagonal fails with the true mask shown."""
    import torch

    def diagonal_blocked(T: int, S: int | None = None) -> Any:
        s = T if S is None else S
        return torch.triu(torch.ones(T, s, dtype=torch.bool), diagonal=s - T)

    kata = get_katas()["causal-mask"]
    v = check_callable(kata, diagonal_blocked, SEED_C)
    bad = next(c for c in v.checks if c.name == "the diagonal is kept: token i sees itself")
    assert not bad.passed and bad.call is not None  # 1-based: the first call the blocked diagonal gets wrong
    (t,) = next(ch for ch in kata.build_checks(SEED_C) if ch.name == bad.name).calls[bad.call - 1].args
    assert bad.input == f"arg 1: {t}"
    truth = np.triu(np.ones((t, t), dtype=bool), k=1)  # True above the diagonal only
    assert bad.expected == show(truth) and bad.actual == show(truth | np.eye(t, dtype=bool))


def test_what_a_verdict_shows_is_capped() -> None:
    big = np.arange(1_000_000, dtype=np.float64).reshape(1000, 1000)
    text = show(big)
    assert (
        len(text) <= 2048 and text.startswith("array(float64, shape (1000, 1000))") and "9.99999e+05" in text
    )  # first and last values
    nested: list[Any] = []
    for _ in range(10_000):  # an honest deeply nested return
        nested = [nested]
    assert len(show(nested)) < 200
    assert len(show("x" * 100_000)) <= 2048
    from mldrill.grader.checks import Call, T

    call = Call((T(big), [big] * 50), {"k": 3})
    assert len(describe_call(call)) <= 2048 and describe_call(call).startswith("arg 1: tensor array(float64")


def _live_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """What a recording submission could key on: every input it receives, generators left out."""
    import torch

    def plain(x: Any) -> Any:
        if isinstance(x, torch.Tensor):
            return x.numpy()
        if isinstance(x, torch.Generator | np.random.Generator):
            return None
        if isinstance(x, tuple | list):
            return [plain(v) for v in x]
        return x

    return json.dumps(to_wire([plain(list(args)), {k: plain(v) for k, v in sorted(kwargs.items())}]))


@pytest.mark.parametrize(
    "kata_id",
    [
        "layer-norm",
        "top-k-top-p-sampling",
        "rope",
        "bpe-merge-step",
        "kv-cache-bytes",
        "topological-sort",
        "squad-em-f1",
        "min-window-substring",
    ],
)
def test_a_recorded_table_passes_a_replay_and_nothing_else(kata_id: str) -> None:
    """In-process, for several kinds of input: a table of one run's answers passes that run and no check of another.

    Left out: katas whose whole input is one small integer (causal-mask's T): there a table of every answer is the
    solution, and two runs may draw the same T; their inputs still vary (the test above).
    """
    kata = get_katas()[kata_id]
    reference = kata.solution()
    table: dict[str, Any] = {}

    def recorder(*args: Any, **kwargs: Any) -> Any:
        out = reference(*args, **kwargs)
        table[_live_key(args, kwargs)] = out
        return out

    assert check_callable(kata, recorder, SEED_A).status == "passed"

    def replay(*args: Any, **kwargs: Any) -> Any:
        return table.get(_live_key(args, kwargs), "not in the table")

    assert check_callable(kata, replay, SEED_A).status == "passed"  # the attack works on fixed inputs
    v = check_callable(kata, replay, SEED_B)
    assert v.status == "failed" and [c.name for c in v.checks if c.passed] == []
