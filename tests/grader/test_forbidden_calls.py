"""Every name a kata forbids is blocked in the submission's process, under each spelling a submission could use.

Class 8 of issue 12: `torch.layer_norm` passed where only `F.layer_norm` was forbidden. Each kata now lists every
public alias (and the aten op) of the library functions that would do the whole kata; this proves each is replaced
by a blocker (in a fresh interpreter, as in the worker) and, through the real sandbox, that using one is `rejected`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mldrill.catalog.katas import get_katas
from mldrill.grader.api import check

FORBIDDING = sorted(k for k, kata in get_katas().items() if kata.spec.forbidden_calls)

PROBE = r"""
import importlib, json, sys
import numpy, torch, torch.nn.functional
from mldrill.grader import policy

names = json.loads(sys.argv[1])
policy.forbid_calls(names)

def by_attributes(name):  # as a submission types it: torch.nn.functional.layer_norm
    parts = name.split(".")
    obj = importlib.import_module(parts[0])
    for p in parts[1:]:
        obj = getattr(obj, p)
    return obj

def by_import(name):  # as `from torch.optim.adam import adam` finds it
    parts = name.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:cut]) in sys.modules:
            obj = importlib.import_module(".".join(parts[:cut]))
            break
    for p in parts[cut:]:
        obj = getattr(obj, p)
    return obj

open_doors = []
for name in names:
    for how in (by_attributes, by_import):
        try:
            fn = how(name)
        except AttributeError:
            continue  # that spelling does not reach it (e.g. torch.optim.adam is the function, not the module)
        try:
            fn()
        except policy.SandboxViolation:
            continue
        except BaseException as e:
            open_doors.append(f"{name} ({how.__name__}): {type(e).__name__}")
            continue
        open_doors.append(f"{name} ({how.__name__}): ran")
print(json.dumps(open_doors))
"""


def test_every_forbidden_name_is_blocked_under_every_spelling() -> None:
    names = sorted({n for k in FORBIDDING for n in get_katas()[k].spec.forbidden_calls})
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(names)], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def _uses(entry: str, alias: str) -> str:
    top = alias.split(".")[0]
    return f"import {top}\ndef {entry}(*args, **kwargs):\n    return {alias}(*args, **kwargs)\n"


# One alias per kata, none of them the name first listed before issue 12, and every alias of layer-norm.
SAMPLES = [
    ("layer-norm", a)
    for a in (
        "torch.nn.functional.layer_norm",
        "torch.layer_norm",
        "torch.native_layer_norm",
        "torch.ops.aten.layer_norm",
        "torch.ops.aten.native_layer_norm",
        "torch.nn.LayerNorm",
    )
] + [
    ("adam", "torch.optim._functional.adam"),
    ("adamw", "torch._fused_adamw_"),
    ("batch-norm", "torch.batch_norm"),
    ("batch-norm-eval", "torch.nn.modules.batchnorm.BatchNorm1d"),
    ("batch-norm-backward", "torch.autograd.grad"),
    ("bce-with-logits", "torch.binary_cross_entropy_with_logits"),
    ("binary-search-bounds", "numpy.searchsorted"),
    ("binary-search-upper-bound", "numpy.searchsorted"),
    ("causal-mask", "torch.nn.Transformer.generate_square_subsequent_mask"),
    ("clip-grad-norm", "torch.nn.utils.clip_grad.clip_grad_norm_"),
    ("conv2d", "torch.convolution"),
    ("gelu", "torch._C._nn.gelu"),
    ("group-norm", "torch.group_norm"),
    ("grouped-query-attention", "torch._C._nn.scaled_dot_product_attention"),
    ("gru-cell", "torch._VF.gru_cell"),
    ("inverted-dropout", "torch.native_dropout"),
    ("kd-loss", "torch.kl_div"),
    ("label-smoothed-cross-entropy", "torch.special.log_softmax"),
    ("linear-attention", "torch.ops.aten.scaled_dot_product_attention"),
    ("log-softmax-cross-entropy", "torch._C._nn.cross_entropy_loss"),
    ("lstm-cell", "torch.lstm_cell"),
    ("multi-head-attention", "torch.ops.aten._scaled_dot_product_attention_math"),
    ("prefix-attention", "torch.nn.MultiheadAttention"),
    ("rms-norm", "torch.rms_norm"),
    ("smooth-l1-huber", "torch._C._nn.huber_loss"),
    ("triplet-loss", "torch.triplet_margin_loss"),
    ("warmup-cosine", "torch.optim.lr_scheduler.OneCycleLR"),
    ("lstm-param-count", "torch.nn.modules.LSTM"),
    ("attention-param-count", "torch.nn.MultiheadAttention"),
    ("optimizer-memory", "torch.optim.AdamW"),
    ("associative-scan", "torch.cumprod"),
    ("dynamic-loss-scaler", "torch.amp.GradScaler"),
    ("maxpool2d", "torch.nn.functional.max_pool2d"),
]


def test_every_kata_with_forbidden_calls_has_a_sample() -> None:
    assert sorted({k for k, _ in SAMPLES}) == FORBIDDING
    assert all(a in get_katas()[k].spec.forbidden_calls for k, a in SAMPLES)


@pytest.mark.parametrize(("kata_id", "alias"), SAMPLES)
def test_calling_an_alias_is_rejected(kata_id: str, alias: str) -> None:
    kata = get_katas()[kata_id]
    v = check(kata_id, _uses(kata.spec.entry, alias))
    assert v.status == "rejected" and f"{alias} is not allowed" in v.message, (v.status, v.message)


def test_a_tensor_method_alias_is_rejected() -> None:
    cheat = "def cross_entropy(logits, y, *a, **k):\n    return -logits.log_softmax(-1).gather(1, y[:, None]).mean()\n"
    v = check("log-softmax-cross-entropy", cheat)
    assert v.status == "rejected" and "torch.Tensor.log_softmax is not allowed" in v.message


@pytest.mark.parametrize("kata_id", ["top-k-top-p-sampling", "repetition-penalty", "warmup-cosine"])
def test_the_library_that_has_the_kata_cannot_be_imported(kata_id: str) -> None:
    """transformers ships a repetition-penalty processor, top-k/top-p warpers and the warmup-cosine schedule."""
    source = f"import transformers\ndef {get_katas()[kata_id].spec.entry}(*args, **kwargs):\n    return None\n"
    v = check(kata_id, source)
    assert v.status == "rejected" and "module transformers" in v.message, (v.status, v.message)


@pytest.mark.parametrize(
    ("kata_id", "source"),
    [
        (
            "stable-softmax",
            "import scipy.special\ndef softmax(x, axis=-1):\n    return scipy.special.softmax(x, axis)\n",
        ),
        ("stable-softmax", "from scipy.special import softmax as s\ndef softmax(x, axis=-1):\n    return s(x, axis)\n"),
        ("stable-softmax", "import torch\ndef softmax(x, axis=-1):\n    return torch.softmax(torch.tensor(x), axis)\n"),
        ("log-softmax", "from scipy.special import log_softmax\n"),
        ("online-softmax", "import scipy.special as s\ndef online_softmax(chunks):\n    return s.softmax(chunks[0])\n"),
    ],
)
def test_a_numpy_kata_cannot_reach_the_oracles(kata_id: str, source: str) -> None:
    """In a NumPy kata torch and scipy (which have every softmax) are forbidden modules, not single functions."""
    v = check(kata_id, source)
    assert v.status == "rejected" and "import is not allowed" in v.message, (v.status, v.message)
