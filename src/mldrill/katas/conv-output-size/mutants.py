"""Classic wrong convolution output sizes, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def conv_output_shape(size, kernel, *, stride=1, padding=0, dilation=1):
    span = dilation * (kernel - 1) + 1  # inputs covered by one dilated window
    return (size + 2 * padding - span) // stride + 1
"""

BASIC = "stride 1, no padding: size - K + 1"
STRIDE = "stride: floor, then + 1"
PADDING = "padding on both sides"
SAME = "'same' padding only keeps the size at stride 1 and odd K"
DILATION = "dilation widens the kernel to D (K - 1) + 1"

MUTANTS = [
    mutant("no + 1", "// stride + 1", "// stride", BASIC, STRIDE, PADDING, SAME, DILATION),  # every size is 1 short
    mutant("padding on one side", "size + 2 * padding", "size + padding", PADDING, STRIDE, SAME, DILATION),
    mutant("dilation ignored", "span = dilation * (kernel - 1) + 1", "span = kernel", DILATION),
    mutant("dilated span D * K", "span = dilation * (kernel - 1) + 1", "span = dilation * kernel", DILATION),
    mutant(
        "ceil instead of floor",
        "(size + 2 * padding - span) // stride + 1",
        "-(-(size + 2 * padding - span) // stride) + 1",
        STRIDE,
        DILATION,  # its stride-2 case may leave a remainder
    ),
]
