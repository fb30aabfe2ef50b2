"""The lab contract: declared parameters, a `LabResult`, the registry, the figure style, and the on-disk cache.

A lab is a module `mldrill.labs.<lab_id>` that defines

    TITLE, AREA (a SYLLABUS area id), TOPICS (topic ids), SETTLES (card ids whose claims its test asserts),
    PARAMS: dict[str, Param] (every keyword of `run`, with range and default), PREDICT: Predict | None,
    SECONDS: float (CPU seconds at defaults on one core: scripts/measure_labs.py), and run(**params) -> LabResult.

`run` is written to read as a script: compute with `mldrill.ref`, draw with `figure()`, return `LabResult`.
Parameters arrive from the CLI and the web as strings; `coerce` checks and converts them with errors that list the
range or the choices. Results are cached on disk under the user cache dir, keyed by lab id, parameters and the
code's hash, so a page shows a figure already drawn in a few milliseconds. The cache stays bounded: every write
drops entries of code that has changed (or of labs that are gone) and then the least recently used entries beyond
`CACHE_MAX_BYTES`; a hit refreshes its entry's mtime, which is what "recently used" means here.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import io
import json
import math
import pkgutil
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

# The app's palette (web/static/app.css): calm ink, one accent, and the good/warn/bad colours.
INK, MUTED, LINE = "#1d2129", "#6b7280", "#e5e7eb"
COLORS = ["#2563eb", "#b45309", "#15803d", "#b91c1c", "#7c3aed", "#0e7490", "#6b7280"]


class LabError(ValueError):
    """A lab or a parameter the user asked for does not exist or is out of range; the message says what would do."""


# ---------------------------------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Int:
    lo: int
    hi: int
    default: int
    help: str = ""
    kind: str = "int"

    def coerce(self, name: str, raw: Any) -> int:
        try:
            v = int(raw) if not isinstance(raw, str) else int(raw.strip())
        except (TypeError, ValueError):
            raise LabError(f"{name}: expected an integer in [{self.lo}, {self.hi}], got {raw!r}") from None
        if isinstance(raw, float) and raw != v:
            raise LabError(f"{name}: expected an integer in [{self.lo}, {self.hi}], got {raw!r}")
        if not self.lo <= v <= self.hi:
            raise LabError(f"{name}: {v} is out of range; expected an integer in [{self.lo}, {self.hi}]")
        return v


@dataclass(frozen=True)
class Float:
    lo: float
    hi: float
    default: float
    help: str = ""
    log: bool = False  # spans decades (learning rates, temperatures): typed, not slid
    step: float = 0.0  # the slider's step; 0 = a hundredth of the range
    kind: str = "float"

    @property
    def slider_step(self) -> float:
        return self.step or (self.hi - self.lo) / 100

    def coerce(self, name: str, raw: Any) -> float:
        try:
            v = float(raw.strip()) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            raise LabError(f"{name}: expected a number in [{self.lo}, {self.hi}], got {raw!r}") from None
        if not math.isfinite(v) or not self.lo <= v <= self.hi:
            raise LabError(f"{name}: {v} is out of range; expected a number in [{self.lo}, {self.hi}]")
        return v


@dataclass(frozen=True)
class Choice:
    choices: tuple[str, ...]
    default: str
    help: str = ""
    kind: str = "choice"

    def coerce(self, name: str, raw: Any) -> str:
        v = str(raw).strip()
        if v not in self.choices:
            raise LabError(f"{name}: {v!r} is not a choice; expected one of {', '.join(self.choices)}")
        return v


@dataclass(frozen=True)
class Bool:
    default: bool
    help: str = ""
    kind: str = "bool"

    def coerce(self, name: str, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        v = str(raw).strip().lower()
        if v in ("1", "true", "yes", "on"):
            return True
        if v in ("0", "false", "no", "off", ""):
            return False
        raise LabError(f"{name}: expected true or false, got {raw!r}")


Param = Int | Float | Choice | Bool


@dataclass(frozen=True)
class Predict:
    """A question the learner answers before the figure appears; `answer` is the index of the right choice."""

    question: str
    choices: tuple[str, ...]
    answer: int
    why: str = ""


# ---------------------------------------------------------------------------------------------------- results
@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Figure:
    svg: str
    alt: str
    table: Table
    title: str = ""
    png: bytes | None = field(default=None, repr=False, compare=False)  # only on a fresh run, for `mldrill lab --out`


@dataclass
class LabResult:
    figures: list[Figure]
    numbers: dict[str, Any]  # the plain data tests assert on (JSON-serialisable)
    text: str  # "what you should see", two or three sentences

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for f in out["figures"]:
            f.pop("png", None)
        return plain(out)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> LabResult:
        figs = [Figure(svg=f["svg"], alt=f["alt"], table=Table(**f["table"]), title=f["title"]) for f in d["figures"]]
        return cls(figures=figs, numbers=dict(d["numbers"]), text=d["text"])


def plain(x: Any) -> Any:
    """Numbers as Python floats and ints, arrays and tensors as lists, recursively (JSON-ready)."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    if hasattr(x, "detach"):  # a torch tensor
        x = x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        return float(x)
    return x


def rounded(x: Any, digits: int = 4) -> Any:
    """A table cell: floats to `digits` significant digits, everything else unchanged."""
    if isinstance(x, float | np.floating):
        return float(f"{float(x):.{digits}g}")
    return plain(x)


# ---------------------------------------------------------------------------------------------------- figures
_STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.size": 10.5,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlecolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": LINE,
    "grid.linewidth": 0.8,
    "axes.prop_cycle": None,  # set below (cycler import kept local)
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "legend.frameon": False,
    "legend.fontsize": 9.5,
    "lines.linewidth": 1.8,
    "svg.fonttype": "none",  # text stays text: small, selectable, and in the page's font
    "svg.hashsalt": "mldrill",  # deterministic ids, so the same run gives the same bytes
    "figure.facecolor": "white",
}


def figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.4, height: float = 3.6) -> tuple[Any, Any]:
    """A matplotlib Figure (no pyplot: nothing global, garbage-collected) in the app's style, and its axes."""
    import matplotlib

    matplotlib.use("Agg")
    from cycler import cycler
    from matplotlib.figure import Figure as MplFigure

    style = {**_STYLE, "axes.prop_cycle": cycler(color=COLORS)}
    # matplotlib's stubs type rc_context's argument narrower than the dict of rcParams it accepts
    with matplotlib.rc_context(style):  # type: ignore[arg-type]
        fig = MplFigure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True)
    fig._mldrill_style = style  # type: ignore[attr-defined]  # savefig reads rcParams: re-enter the style there
    return fig, axes


def render(fig: Any, *, alt: str, table: Table, title: str = "", png: bool = False) -> Figure:
    """The figure as an inline SVG (responsive, with its alt text as aria-label), and optionally a PNG."""
    import matplotlib

    with matplotlib.rc_context(getattr(fig, "_mldrill_style", _STYLE)):
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        png_bytes = None
        if png:
            b = io.BytesIO()
            fig.savefig(b, format="png", dpi=150, metadata={"Software": None})
            png_bytes = b.getvalue()
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    label = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}" class="lab-figure"', 1)
    return Figure(svg=svg, alt=alt, table=table, title=title, png=png_bytes)


# Set by `run_lab(..., png=True)`; read by `render` calls inside a lab's run (labs call `draw`, not `render`).
_WANT_PNG: list[bool] = [False]


def draw(fig: Any, *, alt: str, table: Table, title: str = "") -> Figure:
    """What a lab calls: `render` with the PNG when the caller (the CLI) asked for one."""
    return render(fig, alt=alt, table=table, title=title, png=_WANT_PNG[0])


# ---------------------------------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Lab:
    id: str
    title: str
    area: str
    topics: tuple[str, ...]
    settles: tuple[str, ...]
    params: dict[str, Param]
    predict: Predict | None
    seconds: float
    module: ModuleType

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}

    def run(self, **params: Any) -> LabResult:
        return self.module.run(**params)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "area": self.area,
            "topics": list(self.topics),
            "settles": list(self.settles),
            "seconds": self.seconds,
            "params": {
                k: {"help": p.help, **{a: plain(getattr(p, a)) for a in _fields(p)}} for k, p in self.params.items()
            },
            "predict": asdict(self.predict) if self.predict else None,
        }


def _fields(p: Param) -> list[str]:
    return [a for a in ("kind", "lo", "hi", "choices", "default", "log", "help") if hasattr(p, a)]


@cache
def lab_ids() -> tuple[str, ...]:
    """Every lab's id, without importing any lab (cheap: the validator and the catalog use it)."""
    import mldrill.labs as pkg

    return tuple(sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")))


@cache
def get_lab(lab_id: str) -> Lab:
    if lab_id not in lab_ids():
        close = [i for i in lab_ids() if lab_id.lower().replace("-", "_") in i]
        hint = f"did you mean: {', '.join(close)}?" if close else f"the labs are: {', '.join(lab_ids())}"
        raise LabError(f"no lab '{lab_id}' ({hint})")
    m = importlib.import_module(f"mldrill.labs.{lab_id}")
    return Lab(
        id=lab_id,
        title=m.TITLE,
        area=m.AREA,
        topics=tuple(m.TOPICS),
        settles=tuple(m.SETTLES),
        params=dict(m.PARAMS),
        predict=getattr(m, "PREDICT", None),
        seconds=float(m.SECONDS),
        module=m,
    )


def all_labs() -> list[Lab]:
    return [get_lab(i) for i in lab_ids()]


@dataclass(frozen=True)
class LabInfo:
    id: str
    title: str
    area: str
    topics: tuple[str, ...]
    seconds: float


@cache
def lab_infos() -> tuple[LabInfo, ...]:
    """Title, area, topics and seconds of every lab, read from the modules' source (a list page imports nothing)."""
    import ast

    import mldrill.labs as pkg

    out = []
    for lab_id in lab_ids():
        tree = ast.parse((Path(pkg.__path__[0]) / f"{lab_id}.py").read_text(encoding="utf-8"))
        consts: dict[str, Any] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("TITLE", "AREA", "TOPICS", "SECONDS"):
                consts[target.id] = ast.literal_eval(value)
        out.append(LabInfo(lab_id, consts["TITLE"], consts["AREA"], tuple(consts["TOPICS"]), float(consts["SECONDS"])))
    return tuple(out)


def coerce(lab: Lab, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults overridden by `raw` (strings from a form or the command line), each checked; unknown names fail."""
    unknown = sorted(set(raw) - set(lab.params))
    if unknown:
        raise LabError(f"lab '{lab.id}' has no parameter {', '.join(unknown)}; its parameters: {', '.join(lab.params)}")
    return {k: (p.coerce(k, raw[k]) if k in raw else p.default) for k, p in lab.params.items()}


# ---------------------------------------------------------------------------------------------------- running, caching
@cache
def code_version(lab_id: str) -> str:
    """A hash of the lab's source and this framework's: a changed lab never serves a stale cached figure."""
    import mldrill

    h = hashlib.sha256(getattr(mldrill, "__version__", "").encode())
    for mod in (f"mldrill.labs.{lab_id}", __name__):
        spec = importlib.util.find_spec(mod)
        if spec and spec.origin:
            h.update(Path(spec.origin).read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("mldrill", appauthor=False) / "labs"


def cache_path(lab: Lab, params: Mapping[str, Any]) -> Path:
    """Defaults live under a name that needs no import of the lab (the topic page reads them); other runs by hash.
    Both names carry the code version, so pruning can tell a stale entry from its name alone."""
    if dict(params) == lab.defaults:
        return defaults_path(lab.id)
    code = code_version(lab.id)
    key = json.dumps({"lab": lab.id, "params": plain(dict(params)), "code": code}, sort_keys=True)
    return cache_dir() / f"{lab.id}-{code}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"


def defaults_path(lab_id: str) -> Path:
    return cache_dir() / f"{lab_id}-defaults-{code_version(lab_id)}.json"


def _read(path: Path) -> LabResult | None:
    try:
        result = LabResult.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        path.touch()  # a hit counts as a use: least-recently-used pruning goes by mtime
    return result


CACHE_MAX_BYTES = 64 * 2**20  # about 300 lab results at the usual 50-300 KB of SVG each
_ENTRY = re.compile(r"^(?P<lab>[a-z0-9_]+)-(?:defaults-)?(?P<code>[0-9a-f]{16})(?:-[0-9a-f]{20})?\.json$")


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    files: int
    bytes: int
    stale: int  # entries of changed code, of labs that no longer exist, or in an old name format


def _entries() -> list[tuple[Path, int, float, bool]]:
    """(path, size, mtime, stale) of every cache entry; temporary files of a write in progress are left alone."""
    out = []
    try:
        paths = [p for p in cache_dir().iterdir() if p.suffix == ".json" and not p.name.startswith(".")]
    except OSError:
        return []
    ids = set(lab_ids())
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        m = _ENTRY.match(p.name)
        stale = m is None or m["lab"] not in ids or m["code"] != code_version(m["lab"])
        out.append((p, st.st_size, st.st_mtime, stale))
    return out


def cache_info() -> CacheInfo:
    entries = _entries()
    return CacheInfo(cache_dir(), len(entries), sum(e[1] for e in entries), sum(e[3] for e in entries))


def prune_cache(max_bytes: int | None = None) -> int:
    """Delete stale entries, then the least recently used until the rest fits in max_bytes; returns files removed."""
    limit = CACHE_MAX_BYTES if max_bytes is None else max_bytes
    removed, kept, total = 0, [], 0
    for path, size, mtime, stale in _entries():
        if stale:
            removed += _unlink(path)
        else:
            kept.append((mtime, path.name, path, size))
            total += size
    for _, _, path, size in sorted(kept):  # oldest first (name breaks mtime ties, for a stable order)
        if total <= limit:
            break
        removed += _unlink(path)
        total -= size
    return removed


def clear_cache() -> int:
    return sum(_unlink(path) for path, *_ in _entries())


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def cached(lab: Lab, params: Mapping[str, Any]) -> LabResult | None:
    """The cached result of these (already coerced) parameters, or None."""
    return _read(cache_path(lab, params))


def cached_defaults(lab_id: str) -> LabResult | None:
    """The cached result at defaults without importing the lab (None when it has not been drawn yet)."""
    return _read(defaults_path(lab_id)) if lab_id in lab_ids() else None


def run_lab(lab: Lab, params: Mapping[str, Any], *, png: bool = False, use_cache: bool = True) -> LabResult:
    """Run the lab (or read its cached result); a fresh result is written to the cache atomically."""
    if use_cache and not png:
        hit = cached(lab, params)
        if hit is not None:
            return hit
    _WANT_PNG[0] = png
    try:
        result = lab.run(**params)
    finally:
        _WANT_PNG[0] = False
    try:
        from mldrill.store.backup import write_atomic

        write_atomic(cache_path(lab, params), json.dumps(result.to_json()))
        prune_cache()
    except OSError:
        pass  # a read-only cache dir costs only speed
    return result


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], digits: int = 4) -> Table:
    return Table(list(columns), [[rounded(v, digits) for v in r] for r in rows])


def seeded(seed: int) -> np.random.Generator:
    """Seed torch's global generator too (labs that build nn.Modules draw their init from it)."""
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass
    return np.random.default_rng(seed)


RunFn = Callable[..., LabResult]
