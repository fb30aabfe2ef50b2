"""Rendering: sanitized HTML (nothing executable survives), math kept intact, readable LaTeX in a terminal."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from mldrill.render import md_for_terminal, md_to_html, tex_to_text


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="x" onclick="alert(1)">x</a>',
        "<iframe src='https://example.com'></iframe>",
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_nothing_executable_survives(hostile: str) -> None:
    """Parse the output as a browser would: no script-bearing element, no event handler, no javascript: URL."""
    out = md_to_html(f"before {hostile} after")
    found: list[str] = []

    class Spy(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "iframe", "svg", "object", "embed"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                    found.append(f"{tag}[{name}={value}]")

    Spy().feed(out)
    assert found == [], out


def test_math_survives_markdown_intact() -> None:
    out = md_to_html(r"Use $a_i * b_i$ and $$\sum_{i} x_i^2$$ but not \$5.")
    assert r"\(a_i * b_i\)" in out and r"\[\sum_{i} x_i^2\]" in out
    assert "<em>" not in out  # the underscores and stars inside math are not emphasis


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\frac{QK^\top}{\sqrt{d_k}}", "QKᵀ/√dₖ"),
        (r"e^{z_i - m}", "e^(zᵢ - m)"),
        (r"\alpha \cdot T^2 \cdot \mathrm{KL}", "α · T² · KL"),
        (r"x \in \mathbb{R}^{d}", "x ∈ ℝ^d"),
        (r"\hat{y}", "ŷ"),
        (r"\unknowncommand{x}", "unknowncommandx"),
    ],
)
def test_tex_to_text(tex: str, text: str) -> None:
    assert tex_to_text(tex) == text


def test_terminal_text_loses_control_sequences() -> None:
    assert "\x1b" not in md_for_terminal("red \x1b[31m text $x^2$")
    assert "x²" in md_for_terminal("red \x1b[31m text $x^2$")
