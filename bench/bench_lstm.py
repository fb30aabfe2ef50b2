"""LSTM layer: our unrolled LSTM (same weights) vs nn.LSTM, forward and forward+backward, CPU, one thread."""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of, report

from mldrill.ref.rnn import LSTM


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    for t, b, d, h, layers in [(64, 16, 64, 128, 1), (128, 32, 128, 256, 2)]:
        case(t, b, d, h, layers)


def case(t: int, b: int, d: int, h: int, layers: int) -> None:
    ref = torch.nn.LSTM(d, h, layers)
    ours = LSTM(d, h, layers)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(t, b, d)
    torch.testing.assert_close(ours(x)[0], ref(x)[0], atol=1e-5, rtol=1e-4)
    name = f"T{t} B{b} d{d} h{h} L{layers}"
    with torch.no_grad():
        report(f"forward  {name}", best_of(lambda: ours(x), repeats=5), best_of(lambda: ref(x), repeats=5), "nn.LSTM")
    report(
        f"fwd+bwd  {name}",
        best_of(lambda: ours(x)[0].sum().backward(), repeats=3),
        best_of(lambda: ref(x)[0].sum().backward(), repeats=3),
        "nn.LSTM",
    )


if __name__ == "__main__":
    main()
