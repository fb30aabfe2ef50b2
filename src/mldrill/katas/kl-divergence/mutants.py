"""Classic wrong KL divergences, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

def kl(p, q, *, base=None):
    p = np.asarray(p, dtype=float) / np.sum(p)
    q = np.asarray(q, dtype=float) / np.sum(q)
    nz = p > 0
    with np.errstate(divide="ignore"):
        d = float(np.sum(p[nz] * np.log(p[nz] / q[nz])))
    return d if base is None else d / np.log(base)
"""

GENERIC = "matches sum rel_entr(p, q)"
INF = "infinite where q = 0 < p"
UNITS = "normalizes its inputs and converts units"

MUTANTS = [
    mutant(
        "the reverse KL(Q || P)",
        "    nz = p > 0\n",
        "    p, q = q, p\n    nz = p > 0\n",
        "is not symmetric: the expectation is under p",
        GENERIC,
        # reversed, the zero of q becomes a zero of p and the infinite divergence comes out finite; an input that
        # hid this would need a zero in p too, which exposes 0 log 0 instead
        INF,
    ),
    mutant("0 log 0 taken literally", "nz = p > 0", "nz = p >= 0", "0 log 0 = 0"),
    mutant("q clipped away from 0", "np.log(p[nz] / q[nz])", "np.log(p[nz] / np.clip(q[nz], 1e-12, None))", INF),
    mutant(
        "inputs not normalized",
        "    p = np.asarray(p, dtype=float) / np.sum(p)\n    q = np.asarray(q, dtype=float) / np.sum(q)\n",
        "    p = np.asarray(p, dtype=float)\n    q = np.asarray(q, dtype=float)\n",
        UNITS,
    ),
    mutant("multiplies by log(base)", "d / np.log(base)", "d * np.log(base)", UNITS),
]
