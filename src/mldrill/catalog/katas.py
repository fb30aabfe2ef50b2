"""Katas: folders under src/mldrill/katas/<id>/ holding kata.yaml, starter.py, checks.py and mutants.py.

kata.yaml fields: id, title, topic (a catalog topic id), level, framework (numpy | torch), entry (the function the
user writes), signature, statement (markdown + LaTeX), hints (in order), solution (a `mldrill.ref` dotted path),
limits (wall_s, cpu_s, memory_mb), forbidden_modules (beyond the framework default), forbidden_calls (library
functions that would do the whole kata, under every name a submission can reach them by: torch.layer_norm as well as
torch.nn.functional.layer_norm, torch.nn.LayerNorm, torch._VF.layer_norm, torch.ops.aten.layer_norm; calling one is a
violation). checks.py defines `checks(solution, rng)`: see mldrill.grader.checks.

mutants.py measures the checks: SOLUTION is a correct submission, and MUTANTS the classic wrong versions of it that
candidates write (wrong axis, missing keepdims, off-by-one, mask polarity, biased variance ...), each with the check
that must catch it. tests/grader/test_mutants.py runs them all; the kata page shows how many bugs the checks catch.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mldrill.catalog.loader import Problem, schema_problems
from mldrill.catalog.schema import Level, LinkId, RefPath, Text
from mldrill.catalog.yamlfile import YamlError, read_yaml

KATAS_DIR = Path(__file__).resolve().parent.parent / "katas"
# What a kata may not import unless it says otherwise: the oracles (and torch in a NumPy kata).
DEFAULT_FORBIDDEN = {"numpy": ["torch", "scipy", "sklearn", "jax"], "torch": ["scipy", "sklearn", "jax"]}


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    wall_s: float = Field(default=10.0, gt=0, le=120)
    cpu_s: int = Field(default=10, gt=0, le=120)
    memory_mb: int = Field(default=512, ge=64, le=8192)


def source_checkout() -> Path | None:
    """The repository root when mldrill runs from a source checkout (src/mldrill beside a pyproject.toml naming
    mldrill: an editable install or PYTHONPATH=src), else None (an installed wheel)."""
    root = Path(__file__).resolve().parents[3]
    project = root / "pyproject.toml"
    try:
        return root if project.is_file() and 'name = "mldrill"' in project.read_text(encoding="utf-8") else None
    except OSError:
        return None


def torch_install_hint() -> str:
    """The command that adds PyTorch: from a checkout, the editable install's extra; otherwise the package's."""
    return (
        "pip install -e '.[torch]' (in the mldrill checkout)" if source_checkout() else "pip install 'mldrill[torch]'"
    )


class KataSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: LinkId
    title: Text
    topic: Text
    level: Level
    framework: Literal["numpy", "torch"]
    entry: Text
    signature: Text
    statement: Text
    hints: list[Text] = Field(default_factory=list)
    solution: RefPath
    limits: Limits = Limits()
    forbidden_modules: list[Text] = Field(default_factory=list)
    forbidden_calls: list[Text] = Field(default_factory=list)  # e.g. torch.nn.functional.layer_norm


@dataclass(frozen=True)
class Mutant:
    """A classic bug: SOLUTION with each `old` text replaced by `new`; `kills` names the check whose explanation
    describes this bug and must fail; `also` lists other checks that may fail with it (generic ones, usually)."""

    name: str
    replace: tuple[tuple[str, str], ...]
    kills: str
    also: tuple[str, ...] = ()

    def apply(self, solution: str) -> str:
        source = solution
        for old, new in self.replace:
            if source.count(old) != 1:
                raise ValueError(
                    f"mutant {self.name!r}: {old!r} occurs {source.count(old)} times in SOLUTION, not once"
                )
            source = source.replace(old, new)
        return source


def mutant(name: str, old: str, new: str, kills: str, *also: str) -> Mutant:
    """The common case: one replacement."""
    return Mutant(name, ((old, new),), kills, tuple(also))


@dataclass(frozen=True)
class Kata:
    spec: KataSpec
    folder: Path

    @property
    def id(self) -> str:
        return self.spec.id

    def starter(self) -> str:
        return (self.folder / "starter.py").read_text(encoding="utf-8")

    def missing_requirement(self) -> str | None:
        """Why this kata cannot run here (torch katas need PyTorch, an optional extra), or None."""
        import importlib.util

        if self.spec.framework == "torch" and importlib.util.find_spec("torch") is None:
            return f"this kata needs PyTorch: {torch_install_hint()}"
        return None

    def forbidden(self) -> list[str]:
        return sorted(set(DEFAULT_FORBIDDEN[self.spec.framework]) | set(self.spec.forbidden_modules))

    def solution(self) -> Any:
        from mldrill.catalog.validate import resolve_ref

        return resolve_ref(self.spec.solution)

    def mutants(self) -> tuple[str, list[Mutant]]:
        """(SOLUTION, MUTANTS) from mutants.py; ("", []) for a kata that has none yet."""
        path = self.folder / "mutants.py"
        if not path.is_file():
            return "", []
        spec = importlib.util.spec_from_file_location(f"mldrill_kata_mutants_{self.id.replace('-', '_')}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.SOLUTION, list(module.MUTANTS)

    @functools.cached_property
    def kill_count(self) -> int:
        """How many classic bugs the checks are shown to catch (the mutants, all killed: a test enforces it). Counted
        once per kata: it runs mutants.py, and the kata list shows 122 of them."""
        return len(self.mutants()[1])

    def build_checks(self, seed: int) -> list[Any]:
        """Import this kata's checks.py (trusted code) and build its checks against the reference solution.

        The hidden inputs are drawn from np.random.default_rng(seed): the same seed gives the same checks.
        """
        import numpy as np

        path = self.folder / "checks.py"
        spec = importlib.util.spec_from_file_location(f"mldrill_kata_checks_{self.id.replace('-', '_')}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        make: Callable[[Any, Any], list[Any]] = module.checks
        return make(self.solution(), np.random.default_rng(seed))


def load_katas(root: Path = KATAS_DIR) -> tuple[dict[str, Kata], list[Problem]]:
    katas: dict[str, Kata] = {}
    problems: list[Problem] = []
    if not root.exists():
        return katas, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        path = folder / "kata.yaml"
        rel = f"katas/{folder.name}/kata.yaml"
        for needed in ("kata.yaml", "starter.py", "checks.py"):
            if not (folder / needed).is_file():
                problems.append(Problem(f"katas/{folder.name}", 1, f"missing {needed}"))
        if not path.is_file():
            continue
        try:
            doc = read_yaml(path)
            spec = KataSpec.model_validate(doc.data)
        except YamlError as e:
            problems.append(Problem(rel, e.line, e.message))
            continue
        except ValidationError as e:
            problems.extend(schema_problems(e, doc, rel, prefix=()))
            continue
        if spec.id != folder.name:
            problems.append(Problem(rel, doc.line_of(["id"]), f"kata id '{spec.id}' must equal its folder name"))
        katas[spec.id] = Kata(spec, folder)
    return katas, problems


@cache
def get_katas() -> dict[str, Kata]:
    return load_katas()[0]
