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


@pytest.mark.parametrize(
    "image",
    [
        "![pixel](http://tracker.example/p.gif)",
        "![pixel](https://tracker.example/p.gif)",
        "![rel](//tracker.example/p.gif)",
        "![export](/data/export.apkg)",
        "![export](data/backup.json)",
        "![inline](data:image/png;base64,iVBORw0KGgo=)",
        "![ref][r]\n\n[r]: http://tracker.example/p.gif",
        '<img src="http://tracker.example/p.gif">',
        '<img srcset="http://tracker.example/p.gif 1x">',
        '<picture><source srcset="http://tracker.example/p.gif"><img src="x"></picture>',
        '<p style="background: url(http://tracker.example/p.gif)">x</p>',
        '<div style="background-image:url(/data/export.apkg)">x</div>',
        '<svg><image href="http://tracker.example/p.gif"/></svg>',
        '<video poster="http://tracker.example/p.gif"></video>',
        '<link rel="stylesheet" href="http://tracker.example/s.css">',
        "[![nested](http://tracker.example/p.gif)](http://example.com)",
    ],
)
def test_no_image_or_other_fetch_survives(image: str) -> None:
    """Card text is anyone's (imported decks): nothing in it may make the browser fetch a URL when the card is shown
    (a tracking pixel; a relative URL that hits one of our routes on every view). Markdown images become text."""
    out = md_to_html(f"before {image} after")
    fetching: list[str] = []

    class Spy(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("img", "picture", "source", "image", "video", "audio", "link", "object", "embed", "iframe"):
                fetching.append(tag)
            fetching.extend(f"{tag}[{n}]" for n, _ in attrs if n in ("src", "srcset", "style", "poster", "background"))

    Spy().feed(out)
    assert fetching == [], out
    assert "before" in out and "after" in out


def test_markdown_images_become_their_alt_text() -> None:
    out = md_to_html("See ![the *attention* map](http://example.com/a.png) and ![](x.png).")
    assert '<span class="img-alt">[image: the attention map]</span>' in out
    assert '<span class="img-alt">[image]</span>' in out and "example.com" not in out


@pytest.mark.parametrize(
    "text",
    ["MLDRILLMATH0X", "MLDRILLMATH99X and $x$", "$a$ MLDRILLMATH1X $b$ MLDRILLMATH0X", "MLDRILLMATH-1X MLDRILLMATHX"],
)
def test_placeholder_look_alikes_are_plain_text(text: str) -> None:
    """The renderer hides formulas behind placeholders while markdown runs; text that looks like one must come out
    as itself, and must not pull in (or crash on) a formula that is not there."""
    out = md_to_html(text)
    for word in text.split():
        if word.startswith("MLDRILLMATH"):
            assert word in out
    assert out.count('class="math"') == text.count("$") // 2


def test_each_formula_comes_back_in_its_place() -> None:
    out = md_to_html("$a$ then $b$ then $$c$$ then $d$")
    assert [p for p in ("\\(a\\)", "\\(b\\)", "\\[c\\]", "\\(d\\)") if p in out] == [
        "\\(a\\)",
        "\\(b\\)",
        "\\[c\\]",
        "\\(d\\)",
    ]
    assert out.index("\\(a\\)") < out.index("\\(b\\)") < out.index("\\[c\\]") < out.index("\\(d\\)")


def test_a_display_formula_over_two_lines_stays_one_formula_in_the_terminal() -> None:
    # TeX reads a line break as a space; a continuation line that starts with "- " must not become a markdown bullet
    from rich.console import Console
    from rich.markdown import Markdown

    md = "Loss:\n\n$$L = -\\log \\sigma(a\n- b)$$\n\nafter"
    console = Console(record=True, width=80, color_system=None)
    console.print(Markdown(md_for_terminal(md)))
    text = console.export_text()
    assert "L = -log σ(a - b)" in text and "•" not in text
