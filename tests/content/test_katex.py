"""Every LaTeX string of the knowledge base renders with KaTeX, the same vendored version the web app serves.

Runs KaTeX under node; when node is absent the test is skipped and says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from mldrill.catalog import Catalog, load_catalog
from mldrill.render import math_spans

ROOT = Path(__file__).resolve().parents[2]
KATEX = ROOT / "src" / "mldrill" / "web" / "static" / "vendor" / "katex" / "katex.min.js"
CHECKER = Path(__file__).with_name("katex_check.js")
NODE = shutil.which("node")


def formulas(cat: Catalog) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for t in cat.topics.values():
        w = cat.where[t.id]
        texts = [("remember", t.remember), ("summary", t.summary)]
        out += [{"where": f"{w.file} formula '{f.name}'", "tex": f.tex, "display": True} for f in t.formulas]
        texts += [(f"formula '{f.name}' note", f.note) for f in t.formulas]
        for c in t.cards:
            texts += [(f"{c.id} {k}", getattr(c, k)) for k in ("question", "answer", "trap")]
        for where, text in texts:
            out += [{"where": f"{w.file} {where}", "tex": tex, "display": d} for tex, d in math_spans(text)]
    return out


def render(items: list[dict[str, object]]) -> dict[str, object]:
    assert NODE is not None
    proc = subprocess.run(
        [NODE, str(CHECKER), str(KATEX)], input=json.dumps(items), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.mark.skipif(NODE is None, reason="node not found: KaTeX rendering of the content was NOT checked")
def test_every_formula_renders_with_katex() -> None:
    items = formulas(load_catalog())
    result = render(items)
    assert result["version"] == (KATEX.parent / "VERSION").read_text().strip()
    failures = result["failures"]
    assert failures == [], "\n".join(f"{f['where']}: {f['tex']!r}: {f['error']}" for f in failures)  # type: ignore[index, union-attr]


@pytest.mark.skipif(NODE is None, reason="node not found: KaTeX rendering of the content was NOT checked")
def test_the_checker_catches_broken_latex() -> None:
    result = render(
        [{"where": "x", "tex": r"\frac{a}", "display": False}, {"where": "y", "tex": r"a^2", "display": True}]
    )
    assert [f["where"] for f in result["failures"]] == ["x"]  # type: ignore[index, union-attr]
