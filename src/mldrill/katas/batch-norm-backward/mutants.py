"""Classic wrong BatchNorm backward passes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def batchnorm_backward(dout, cache):
    x_hat, gamma, rstd = cache
    g = dout * gamma
    dx = rstd * (g - g.mean(0, keepdim=True) - x_hat * (g * x_hat).mean(0, keepdim=True))
    return dx, (dout * x_hat).sum(0), dout.sum(0)
"""

GENERIC = "matches autograd through F.batch_norm"
PATHS = "dx includes the paths through the batch mean and variance"
SUMS = "dgamma and dbeta sum over the batch"

MUTANTS = [
    mutant(
        "frozen statistics (eval-mode dx)",
        "dx = rstd * (g - g.mean(0, keepdim=True) - x_hat * (g * x_hat).mean(0, keepdim=True))",
        "dx = rstd * g",
        PATHS,
        GENERIC,
    ),
    mutant(
        "no path through the variance",
        " - x_hat * (g * x_hat).mean(0, keepdim=True))",
        ")",
        PATHS,
        GENERIC,
    ),
    mutant("dgamma averaged", "(dout * x_hat).sum(0)", "(dout * x_hat).mean(0)", SUMS, GENERIC),
    mutant("dbeta averaged", "dout.sum(0)", "dout.mean(0)", SUMS, GENERIC),
    mutant(
        "gamma left out of g",
        "g = dout * gamma",
        "g = dout",
        GENERIC,
        PATHS,  # dx is wrong wherever gamma is not 1
    ),
    mutant(
        "means over the features",
        "g - g.mean(0, keepdim=True)",
        "g - g.mean(1, keepdim=True)",
        GENERIC,
        PATHS,
    ),
]
