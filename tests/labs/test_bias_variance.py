"""bias-variance/decomposition and /double-descent, on the lab's numbers at reduced trials."""

import numpy as np

from mldrill.labs.bias_variance import FEATURES, run


def test_decomposition_and_double_descent() -> None:
    n = run(trials=60, n_train=20, seed=0).numbers
    for b in n["bv"]:
        assert abs(b["bias2"] + b["variance"] - b["mse_vs_f"]) < 1e-9 * max(1.0, b["mse_vs_f"])  # exact identity
        total = b["bias2"] + b["variance"] + b["noise"]
        assert abs(b["expected_mse"] - total) < 0.15 * total  # Monte Carlo: 60 x 50 fresh targets
    bias = [b["bias2"] for b in n["bv"]]
    var = [b["variance"] for b in n["bv"]]
    assert bias[0] > 10 * bias[5] and var[9] > 10 * var[1]  # bias falls, variance rises with degree
    dd = np.asarray(n["double_descent"])
    peak = FEATURES[int(dd.argmax())]
    assert 30 <= peak <= 50  # the interpolation threshold p ~ n = 40
    assert dd[-1] < 0.5 * dd.max()  # and it falls again beyond it
