"""Classic wrong mutual-information tables, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def _h(p):
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())

def information_table(joint, *, base=None):
    P = np.asarray(joint, dtype=np.float64)
    px, py = P.sum(axis=1), P.sum(axis=0)
    hx, hy, hxy = _h(px), _h(py), _h(P.ravel())
    mi = hx + hy - hxy
    unit = 1.0 if base is None else np.log(base)
    return mi / unit, hx / unit, hy / unit, hxy / unit
"""

GENERIC = "matches sklearn and scipy on random tables"

MUTANTS = [
    mutant(
        "0 log 0 is NaN",
        "    p = p[p > 0]\n    return float(-(p * np.log(p)).sum())",
        "    with np.errstate(divide='ignore', invalid='ignore'):\n        return float(-(p * np.log(p)).sum())",
        "empty cells count as 0 (0 log 0 = 0)",
        "X determines Y: I = H(Y)",
    ),
    mutant(
        "marginals on swapped axes",
        "px, py = P.sum(axis=1), P.sum(axis=0)",
        "px, py = P.sum(axis=0), P.sum(axis=1)",
        "rows index X, columns index Y",
        GENERIC,
        "empty cells count as 0 (0 log 0 = 0)",
        "X determines Y: I = H(Y)",
        "base 2 gives bits, for every quantity",
    ),
    mutant(
        "log-ratio weighted by p(x) p(y)",
        "    mi = hx + hy - hxy",
        "    Q = np.outer(px, py)\n    nz = P > 0\n    mi = float((Q[nz] * np.log(P[nz] / Q[nz])).sum())",
        "X determines Y: I = H(Y)",
        GENERIC,
        "empty cells count as 0 (0 log 0 = 0)",
        "I is never negative: H(X) + H(Y) - H(X, Y)",
        "base 2 gives bits, for every quantity",
    ),
    mutant(
        "joint entropy as if independent",
        "hxy = _h(px), _h(py), _h(P.ravel())",
        "hxy = _h(px), _h(py), _h(px) + _h(py)",
        "X determines Y: I = H(Y)",
        GENERIC,
        "empty cells count as 0 (0 log 0 = 0)",
        "I is never negative: H(X) + H(Y) - H(X, Y)",
        "base 2 gives bits, for every quantity",
    ),
    mutant(
        "the joint entropy added",
        "mi = hx + hy - hxy",
        "mi = hxy - hx - hy",
        "I is never negative: H(X) + H(Y) - H(X, Y)",
        GENERIC,
        "empty cells count as 0 (0 log 0 = 0)",
        "X determines Y: I = H(Y)",
        "base 2 gives bits, for every quantity",
    ),
    mutant(
        "only I converted to the base",
        "return mi / unit, hx / unit, hy / unit, hxy / unit",
        "return mi / unit, hx, hy, hxy",
        "base 2 gives bits, for every quantity",
    ),
    mutant(
        "I = H(X) - H(Y | X): the conditional of the wrong variable",
        "mi = hx + hy - hxy",
        "mi = hx - (hxy - hx)",
        "X determines Y: I = H(Y)",
        GENERIC,
        "empty cells count as 0 (0 log 0 = 0)",
        "I is never negative: H(X) + H(Y) - H(X, Y)",
        "base 2 gives bits, for every quantity",
    ),
]
