"""Classic wrong LSTM parameter counts, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def lstm_params(d_in, d_h, num_layers=1, *, bidirectional=False):
    dirs = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        inp = d_in if layer == 0 else d_h * dirs  # an upper layer reads every direction's output
        total += dirs * 4 * (inp * d_h + d_h * d_h + 2 * d_h)
    return total
"""

ONE = "one layer, two bias vectors (M19)"
STACKED = "stacked layers read d_h features"
BIDIR = "bidirectional doubles each layer and widens the next input to 2 d_h"

MUTANTS = [
    mutant("one bias vector", "+ 2 * d_h)", "+ d_h)", ONE, STACKED, BIDIR),  # every count is off
    mutant("upper layers read d_in", "d_in if layer == 0 else d_h * dirs", "d_in", STACKED, BIDIR),
    mutant("upper bidirectional layers read d_h", "else d_h * dirs", "else d_h", BIDIR),
    mutant("one direction counted", "total += dirs * 4 *", "total += 4 *", BIDIR),
    mutant("num_layers ignored", "range(num_layers)", "range(1)", STACKED, BIDIR),  # its 2- and 3-layer cases
]
