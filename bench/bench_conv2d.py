"""conv2d: our im2col (and the readable per-tap loop) vs torch.nn.functional.conv2d, CPU, one thread."""

import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of, report

from mldrill.ref.cnn import conv2d, conv2d_im2col


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    for n, c_in, c_out, hw, k, stride, groups in [(8, 16, 32, 32, 3, 1, 1), (8, 64, 64, 16, 3, 1, 1),
                                                  (8, 32, 32, 32, 3, 2, 1), (8, 32, 32, 32, 3, 1, 32)]:  # fmt: skip
        x = torch.randn(n, c_in, hw, hw)
        w = torch.randn(c_out, c_in // groups, k, k)
        kw = dict(stride=stride, padding=1, groups=groups)
        torch.testing.assert_close(conv2d_im2col(x, w, **kw), F.conv2d(x, w, **kw), atol=1e-3, rtol=1e-4)
        theirs = best_of(lambda x=x, w=w, kw=kw: F.conv2d(x, w, **kw))
        name = f"N{n} C{c_in}->{c_out} {hw}x{hw} k{k} s{stride} g{groups}"
        report(f"im2col  {name}", best_of(lambda x=x, w=w, kw=kw: conv2d_im2col(x, w, **kw)), theirs, "F.conv2d")
        report(f"taps    {name}", best_of(lambda x=x, w=w, kw=kw: conv2d(x, w, **kw), repeats=3), theirs, "F.conv2d")


if __name__ == "__main__":
    main()
