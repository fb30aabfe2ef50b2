"""Every kata is valid, its reference solution passes its own checks, and its untouched starter fails them."""

from __future__ import annotations

import ast
import secrets

import pytest

from mldrill.catalog.katas import KATAS_DIR, get_katas, load_katas
from mldrill.grader.api import check
from mldrill.grader.inprocess import check_callable

KATAS = sorted(get_katas())


def test_kata_folders_are_valid() -> None:
    katas, problems = load_katas()
    assert problems == []
    assert sorted(katas) == sorted(p.name for p in KATAS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


@pytest.mark.parametrize("kata_id", KATAS)
def test_reference_solution_passes_whatever_the_seed(kata_id: str) -> None:
    kata = get_katas()[kata_id]
    for seed in (0, secrets.randbits(63)):  # a fixed seed and a fresh one (a failure names it: replay with it)
        v = check_callable(kata, kata.solution(), seed)
        assert v.status == "passed", (seed, [(c.name, c.message) for c in v.checks if not c.passed])


@pytest.mark.parametrize("kata_id", KATAS)
def test_starter_fails_and_has_the_exact_signature(kata_id: str) -> None:
    kata = get_katas()[kata_id]
    starter = kata.starter()
    top = ast.parse(starter).body
    fn = next(n for n in top if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == kata.spec.entry)
    if isinstance(fn, ast.ClassDef):  # a class kata: `signature` is its constructor's
        fn = next(n for n in fn.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    sig = ast.parse(kata.spec.signature + ": ...").body[0]
    assert isinstance(sig, ast.FunctionDef) and sig.name == fn.name
    assert ast.dump(fn.args) == ast.dump(sig.args) and ast.dump(fn.returns) == ast.dump(sig.returns)  # type: ignore[arg-type]
    v = check(kata_id, starter)
    assert v.status == "failed" and not any(c.passed for c in v.checks), v


def test_a_torch_kata_without_torch_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from mldrill.grader.api import KataUnavailable, check_kata
    from mldrill.grader.pool import Pool

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    kata = get_katas()["layer-norm"]
    assert kata.missing_requirement() == "this kata needs PyTorch: pip install 'mldrill[torch]'"
    with pytest.raises(KataUnavailable, match=r"mldrill\[torch\]"):
        check_kata(kata, kata.starter(), pool=Pool())
    assert get_katas()["stable-softmax"].missing_requirement() is None
