"""Classic wrong ZOH discretizations, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np
from scipy.linalg import expm

def zoh(A, B, dt):
    N, M = B.shape
    block = np.zeros((N + M, N + M))
    block[:N, :N] = A
    block[:N, N:] = B
    e = expm(block * dt)
    A_bar = e[:N, :N]
    B_bar = e[:N, N:]
    return A_bar, B_bar
"""

GENERIC = "matches scipy's ZOH on random systems"
MATRIX = "A_bar is the matrix exponential"
SINGULAR = "works for a singular A"

MUTANTS = [
    mutant("elementwise exp", "A_bar = e[:N, :N]", "A_bar = np.exp(dt * A)", MATRIX, GENERIC, SINGULAR),
    mutant("Euler for A", "A_bar = e[:N, :N]", "A_bar = np.eye(N) + dt * A", MATRIX, GENERIC, SINGULAR),
    mutant(
        "Euler for B",
        "B_bar = e[:N, N:]",
        "B_bar = dt * B",
        "B_bar integrates the held input over the step",
        GENERIC,
        SINGULAR,
    ),
    mutant(
        "through the inverse of A",
        "B_bar = e[:N, N:]",
        "B_bar = np.linalg.inv(A) @ (A_bar - np.eye(N)) @ B",
        SINGULAR,
    ),
    mutant(
        "integral of the exponential without dt",
        "e = expm(block * dt)",
        "e = expm(block)",
        MATRIX,
        GENERIC,
        "B_bar integrates the held input over the step",
        SINGULAR,
    ),
]
