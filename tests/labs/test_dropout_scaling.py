"""dropout/inverted-dropout and dropout/scale-once: the lab's means and variances against the closed forms, with
5-sigma bands (false failure < 1e-6 per check)."""

import math

from mldrill.labs.dropout_scaling import run


def test_expectation_variance_and_the_scale_once_factor() -> None:
    n = 50_000
    res = run(samples=n, seed=3)
    num = res.numbers
    for i, p in enumerate(num["p"]):
        q = 1 - p
        if p == 0:
            assert num["train_var"]["inverted"][i] == 0 and num["train_mean"]["inverted"][i] == 1
            continue
        # E[m x / q] = x: the mean of n draws has relative sd sqrt(p / (q n)) per unit
        assert abs(num["train_mean"]["inverted"][i] - 1) < 5 * math.sqrt(p / (q * n)), p
        assert abs(num["train_mean"]["mask only"][i] - q) < 5 * math.sqrt(p * q / n), p
        # Var(m x / q) = x^2 p / q; the sample variance's relative sd comes from the kurtosis of a Bernoulli
        kurt = 3 + (1 - 6 * p * q) / (p * q)
        band = 5 * math.sqrt((kurt - (n - 3) / (n - 1)) / n)  # exact Var(s^2) / sigma^4
        assert abs(num["train_var"]["inverted"][i] / (p / q) - 1) < band, p
        assert abs(num["train_var"]["mask only"][i] / (p * q) - 1) < band, p
        # eval / train scale: 1 for the two correct schemes; 1/q without any rescale, q when rescaled twice (M16)
        tol = 5 * math.sqrt(p / (q * n))
        r = num["ratio"]
        assert abs(r["inverted (PyTorch)"][i] - 1) < tol and abs(r["original 2014: ×(1 − p) at eval"][i] - 1) < tol
        assert abs(r["bug: no rescale anywhere"][i] * q - 1) < tol
        assert abs(r["bug: rescaled twice"][i] / q - 1) < tol
    half = num["p"].index(0.5)
    assert abs(num["ratio"]["bug: rescaled twice"][half] - 0.5) < 0.01  # the card: "would halve every activation"
    assert res.figures[0].svg.startswith("<svg")
