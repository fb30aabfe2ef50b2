"""Turn content text (markdown with $LaTeX$) into what a screen shows.

- `md_to_html`: markdown-it-py, then nh3 with an allow-list; math is lifted out before markdown so `_` and `*` in
  formulas survive, and handed back as \\( \\) / \\[ \\] spans for KaTeX or Anki's MathJax. Imported user text goes
  through the same path, so a planted `<script>` or `onerror=` never survives.
- `tex_to_text`: a readable Unicode rendering of LaTeX for a terminal (x², √d_k, Σ, α ...). Not a typesetter:
  unknown commands lose their backslash and keep their arguments, so nothing is silently dropped.
- `md_for_terminal`: markdown with its math replaced by `tex_to_text` and terminal control characters removed.
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from functools import cache
from typing import Any

_MATH = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)(.+?)(?<![\\\s])\$", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")  # keeps \t and \n; drops ESC sequences' lead bytes

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "sum": "Σ", "prod": "Π", "int": "∫", "infty": "∞", "partial": "∂", "nabla": "∇",
    "cdot": "·", "times": "×", "odot": "⊙", "otimes": "⊗", "oplus": "⊕", "circ": "∘", "pm": "±", "mp": "∓",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼",
    "propto": "∝", "equiv": "≡", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒",
    "iff": "⇔", "mapsto": "↦", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪",
    "cap": "∩", "forall": "∀", "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "ldots": "…",
    "cdots": "⋯", "dots": "…", "top": "ᵀ", "intercal": "ᵀ", "dagger": "†", "ell": "ℓ", "star": "⋆",
    "mid": "|", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "Vert": "‖", "langle": "⟨",
    "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "quad": "  ", "qquad": "    ",
    "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg", "sin": "sin",
    "cos": "cos", "tanh": "tanh", "det": "det", "lim": "lim", "sup": "sup", "inf": "inf", "Pr": "Pr",
    "mathbb{R}": "ℝ", "mathbb{E}": "𝔼", "mathbb{N}": "ℕ", "mathbb{Z}": "ℤ",
}  # fmt: skip
_SUP = str.maketrans("0123456789+-=()nijkTtx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱʲᵏᵀᵗˣ")
_SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP_OK = set("0123456789+-=()nijkTtx")
_SUB_OK = set("0123456789+-=()aeijklmnoprstuvx")
_ALREADY_SUP = set("ᵀ†⋆*′")


def _group(s: str, i: int) -> tuple[str, int]:
    """The argument starting at s[i]: a {braced group} or one character/command. Returns (text, next index)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1 : j], j + 1
            j += 1
        return s[i + 1 :], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        assert m is not None
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _script(arg: str, table: dict[int, int], ok: set[str], mark: str) -> str:
    text = tex_to_text(arg)
    if text and set(text) <= ok:
        return text.translate(table)
    if text and mark == "^" and set(text) <= _ALREADY_SUP:
        return text
    return f"{mark}({text})" if len(text) > 1 else f"{mark}{text}"


@cache
def tex_to_text(tex: str) -> str:
    s, out, i = tex.strip(), [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            assert m is not None
            name, i = m.group(1), i + len(m.group(0))
            if name == "mathbb":
                arg, i = _group(s, i)
                out.append(_SYMBOLS.get(f"mathbb{{{arg}}}", arg))
            elif name in ("frac", "dfrac", "tfrac"):
                num, i = _group(s, i)
                den, i = _group(s, i)
                n, d = tex_to_text(num), tex_to_text(den)
                n = n if re.fullmatch(r"[\w.·√]+", n) else f"({n})"
                d = d if re.fullmatch(r"[\w.·√]+", d) else f"({d})"
                out.append(f"{n}/{d}")
            elif name == "sqrt":
                arg, i = _group(s, i)
                t = tex_to_text(arg)
                out.append(f"√{t}" if re.fullmatch(r"\w+", t) else f"√({t})")
            elif name in ("left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr"):
                continue  # sizing only; the delimiter that follows is kept
            elif name in (",", ";", ":", " ", "!"):
                out.append(" " if name != "!" else "")
            elif name in ("{", "}", "%", "$", "#", "_", "&"):
                out.append(name)
            elif name == "\\":
                out.append("; ")
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in ("hat", "tilde", "bar", "vec", "dot"):
                arg, i = _group(s, i)
                accent = {"hat": "\u0302", "tilde": "\u0303", "bar": "\u0304", "vec": "\u20d7", "dot": "\u0307"}
                t = tex_to_text(arg)
                out.append(t + accent[name] if len(t) == 1 else f"{name}({t})")
            elif name in ("text", "mathrm", "mathbf", "mathit", "operatorname", "mathcal", "boldsymbol", "textbf"):
                arg, i = _group(s, i)
                out.append(tex_to_text(arg) if name != "text" else arg)
            else:
                out.append(name)  # unknown command: keep its name rather than lose meaning
        elif ch in "^_":
            arg, i = _group(s, i + 1)
            if ch == "^":
                out.append(_script(arg, _SUP, _SUP_OK, "^"))
            else:
                out.append(_script(arg, _SUB, _SUB_OK, "_"))
        elif ch in "{}" or ch == "&":
            i += 1
        else:
            out.append(ch)
            i += 1
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", "".join(out)).strip())  # TeX: a line break is a space


def math_spans(md: str) -> list[tuple[str, bool]]:
    """Every formula in a markdown text: (tex, is_display)."""
    return [(m.group(1), True) if m.group(1) is not None else (m.group(2), False) for m in _MATH.finditer(md)]


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text)


def md_for_terminal(md: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return f"\n\n    {tex_to_text(m.group(1))}\n\n"
        return tex_to_text(m.group(2))

    return _MATH.sub(repl, strip_control(md))


_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2", "h3", "h4",
    "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span", "div", "sup", "sub", "del",
}  # fmt: skip
# No <img>: an image in card text (imported decks are anyone's) would be fetched on every view, a tracking pixel or
# a relative URL that hits one of our own routes; the built-in content has none. Markdown images become their alt
# text (_image_as_text); raw HTML is never parsed as HTML (html=False) and nh3 drops any tag not listed here.
_ALLOWED_ATTRS = {"a": {"href", "title"}, "span": {"class"}, "div": {"class"}, "code": {"class"}}


def _image_as_text(renderer: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    alt = renderer.renderInlineAsText(tokens[idx].children or [], options, env)
    return (
        f'<span class="img-alt">[image: {html.escape(alt)}]</span>' if alt else '<span class="img-alt">[image]</span>'
    )


@cache
def _markdown() -> object:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.add_render_rule("image", _image_as_text)
    return md


def md_to_html(md: str) -> str:
    """Sanitized HTML; math comes back as <span class="math">\\(...\\)</span> (or div for display math).

    Formulas are swapped for placeholders while markdown runs, then put back. Each call draws a fresh random tag
    for its placeholders, so text that contains a placeholder-like string (it is anyone's text) is only text:
    it cannot point at a formula that does not exist, or at another one."""
    import nh3

    stash: list[str] = []
    tag = f"MLDRILLMATH{secrets.token_hex(8)}N"

    def lift(m: re.Match[str]) -> str:
        display = m.group(1) is not None
        tex = html.escape(m.group(1) if display else m.group(2))
        stash.append(
            f'<div class="math display">\\[{tex}\\]</div>' if display else f'<span class="math">\\({tex}\\)</span>'
        )
        return f"{tag}{len(stash) - 1}X"

    body = _markdown().render(_MATH.sub(lift, strip_control(md)))  # type: ignore[attr-defined]
    body = re.sub(rf"{tag}(\d+)X", lambda m: stash[int(m.group(1))], body)
    return nh3.clean(
        body,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
