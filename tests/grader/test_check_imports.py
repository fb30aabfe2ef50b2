"""A kata's hidden checks run wherever `mldrill kata check` runs: they may import only what the app installs (its
dependencies in pyproject.toml, torch for torch katas), never a test-only oracle such as transformers or diffusers."""

from __future__ import annotations

import ast
import sys

import pytest

from mldrill.catalog.katas import load_katas

APP = {"numpy", "scipy", "sklearn", "sacrebleu", "mldrill"}  # pyproject.toml [project] dependencies the checks use
KATAS, _ = load_katas()


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("kata_id", sorted(KATAS))
def test_checks_import_only_what_the_app_installs(kata_id: str) -> None:
    kata = KATAS[kata_id]
    allowed = APP | set(sys.stdlib_module_names) | ({"torch"} if kata.spec.framework == "torch" else set())
    extra = _imports((kata.folder / "checks.py").read_text(encoding="utf-8")) - allowed
    assert not extra, f"katas/{kata_id}/checks.py imports {sorted(extra)}, which `pip install mldrill` does not install"
