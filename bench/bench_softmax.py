"""softmax: our NumPy softmax and torch twin vs torch.softmax, CPU, one thread."""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of, report

from mldrill.ref.numerics import softmax, softmax_torch


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    for rows, cols in [(1024, 1024), (64, 50257), (4096, 128)]:
        x = torch.randn(rows, cols)
        xn = x.numpy()
        torch.testing.assert_close(softmax_torch(x), torch.softmax(x, -1), atol=1e-6, rtol=1e-5)
        theirs = best_of(lambda x=x: torch.softmax(x, -1))
        report(f"torch twin  {rows}x{cols}", best_of(lambda x=x: softmax_torch(x)), theirs, "torch.softmax")
        report(f"numpy       {rows}x{cols}", best_of(lambda xn=xn: softmax(xn)), theirs, "torch.softmax")


if __name__ == "__main__":
    main()
