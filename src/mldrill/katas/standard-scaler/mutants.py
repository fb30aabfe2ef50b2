"""Classic wrong standardizations, each caught by the check that names its bug."""

from mldrill.catalog.katas import Mutant, mutant

SOLUTION = """
import numpy as np

def standardize(X_train, X_test):
    X_train = np.asarray(X_train, dtype=float)
    X_test = np.asarray(X_test, dtype=float)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    scale = np.where(std > 0, std, 1.0)
    return (X_train - mean) / scale, (X_test - mean) / scale
"""

GENERIC = "matches sklearn's StandardScaler fitted on the training split"
TRAIN = "training statistics come from the training split only"
TEST = "the test split is transformed with the training statistics"
DDOF = "the standard deviation is the population one (ddof=0)"
CONST = "a constant column keeps a scale of 1"
AXIS = "one mean and one std per column"

MUTANTS = [
    mutant(
        "fitted on train + test",
        "    mean = X_train.mean(axis=0)\n    std = X_train.std(axis=0)",
        "    both = np.vstack([X_train, X_test])\n    mean = both.mean(axis=0)\n    std = both.std(axis=0)",
        TRAIN,
        GENERIC,
        TEST,
        DDOF,
        CONST,
        AXIS,
    ),
    mutant(
        "test split re-fitted on itself",
        "(X_test - mean) / scale",
        "(X_test - X_test.mean(axis=0)) / X_test.std(axis=0)",
        TEST,
        GENERIC,
        DDOF,
        CONST,
        AXIS,
    ),
    mutant(
        "sample std (ddof=1)",
        "std = X_train.std(axis=0)",
        "std = X_train.std(axis=0, ddof=1)",
        DDOF,
        GENERIC,
        TRAIN,
        TEST,
        CONST,
        AXIS,
    ),
    mutant(
        "no guard for a constant column",
        "scale = np.where(std > 0, std, 1.0)",
        "scale = std",
        CONST,
    ),
    mutant(
        "std + eps instead of a guard",
        "scale = np.where(std > 0, std, 1.0)",
        "scale = std + 1e-8",
        CONST,
        GENERIC,  # a relative error of 1e-8 / std on every feature
        TRAIN,
        TEST,
        DDOF,
        AXIS,
    ),
    Mutant(
        "one mean and std for the whole matrix",
        (
            ("mean = X_train.mean(axis=0)", "mean = X_train.mean()"),
            ("std = X_train.std(axis=0)", "std = X_train.std()"),
        ),
        AXIS,
        (GENERIC, TRAIN, TEST, DDOF, CONST),
    ),
]
