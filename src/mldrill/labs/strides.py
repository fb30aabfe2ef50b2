"""Storage and strides: where each element of a tensor lives before and after `transpose` and `contiguous()`, and
which views are possible. Every stride and offset comes from mldrill.ref.mechanics (checked against torch)."""

from __future__ import annotations

import numpy as np

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.mechanics import contiguous_strides, element_offset, is_contiguous, view_strides

TITLE = "Strides: transpose moves no data, contiguous() does"
AREA = "pytorch-mechanics"
TOPICS = ["tensors-autograd"]
SETTLES = ["tensors-autograd/strides-number", "tensors-autograd/view-vs-reshape"]
SECONDS = 0.2
PARAMS = {
    "rows": Int(2, 8, default=3, help="rows of the 2-D tensor"),
    "cols": Int(2, 8, default=4, help="columns"),
}
PREDICT = Predict(
    question="x has shape (2, 3, 4), contiguous. After x.transpose(0, 2), what are the strides?",
    choices=("(6, 2, 1): transpose copies", "(1, 4, 12): the strides swap", "(12, 4, 1): unchanged"),
    answer=1,
    why="transpose swaps sizes and strides and touches no memory; only .contiguous() copies into (6, 2, 1).",
)


def offsets(shape: tuple[int, int], strides: tuple[int, ...]) -> np.ndarray:
    return np.array([[element_offset((i, j), strides) for j in range(shape[1])] for i in range(shape[0])])


def run(rows: int = 3, cols: int = 4) -> LabResult:
    base = contiguous_strides((rows, cols))
    t_shape, t_strides = (cols, rows), (base[1], base[0])
    views = {
        "x": ((rows, cols), base),
        "x.t()": (t_shape, t_strides),
        "x.t().contiguous()": (t_shape, contiguous_strides(t_shape)),
    }
    fig, axes = figure(3, width=7.8, height=3.0)
    for ax, (name, (shape, strides)) in zip(axes, views.items(), strict=True):
        off = offsets(shape, strides)
        ax.imshow(off, cmap="Blues", vmin=-rows * cols * 0.3, vmax=rows * cols)
        for (i, j), v in np.ndenumerate(off):
            ax.text(j, i, str(v), ha="center", va="center", fontsize=9, color="#1d2129")
        ax.set_title(f"{name}\nshape {shape}, strides {strides}", fontsize=9.5)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    rows_t = []
    for name, (shape, strides) in views.items():
        flat = view_strides(shape, strides, (rows * cols,))
        rows_t.append(
            [name, str(shape), str(strides), is_contiguous(shape, strides), "fails" if flat is None else str(flat)]
        )
    alt = (
        f"Three grids giving each element's storage offset: x ({rows}×{cols}, strides {base}) reads 0, 1, 2, … row by "
        f"row; x.t() shows the same offsets transposed (strides {t_strides}), so its rows jump through memory; "
        f"x.t().contiguous() is a new buffer read in order again."
    )
    text = (
        "A tensor is storage plus (shape, strides): element [i, j] lives at i·s₀ + j·s₁. transpose only swaps the "
        "strides, so the same memory is read in a different order and the result is not contiguous; view(-1) "
        "then has no single stride to use and fails, while reshape and contiguous() copy into a fresh buffer."
    )
    cols_t = ["tensor", "shape", "strides", "contiguous", "view(-1) strides"]
    fig_out = draw(fig, alt=alt, title="Storage offsets", table=table(cols_t, rows_t))
    card = {
        "strides_234": contiguous_strides((2, 3, 4)),
        "offset_123": element_offset((1, 2, 3), contiguous_strides((2, 3, 4))),
        "transposed": tuple(reversed(contiguous_strides((2, 3, 4)))),
        "after_contiguous": contiguous_strides((4, 3, 2)),
    }
    return LabResult([fig_out], {"views": {k: [list(s), list(st)] for k, (s, st) in views.items()}, "card": card,
                                 "table": rows_t}, text)  # fmt: skip
