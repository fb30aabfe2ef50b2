"""LayerNorm: our layer_norm (autograd) and the hand-written forward/backward pair vs F.layer_norm, CPU, one thread."""

import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best_of, report

from mldrill.ref.norms import layer_norm, layernorm_backward, layernorm_forward


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    for b, t, c in [(8, 128, 768), (4, 1024, 1024)]:
        case(b, t, c)


def case(b: int, t: int, c: int) -> None:
    x = torch.randn(b, t, c)
    w, bias = torch.randn(c), torch.randn(c)
    torch.testing.assert_close(layer_norm(x, w, bias), F.layer_norm(x, (c,), w, bias), atol=1e-5, rtol=1e-4)
    name = f"B{b} T{t} C{c}"
    theirs = best_of(lambda x=x, w=w, bias=bias, c=c: F.layer_norm(x, (c,), w, bias))
    report(
        f"forward        {name}",
        best_of(lambda x=x, w=w, bias=bias: layer_norm(x, w, bias)),
        theirs,
        "F.layer_norm",
    )
    dout = torch.randn(b, t, c)
    xr = x.clone().requires_grad_()
    wr, br = w.clone().requires_grad_(), bias.clone().requires_grad_()

    def torch_fb() -> None:
        torch.autograd.grad((F.layer_norm(xr, (c,), wr, br) * dout).sum(), [xr, wr, br])

    def manual_fb() -> None:
        _, cache = layernorm_forward(x, w, bias)
        layernorm_backward(dout, cache)

    report(f"manual fwd+bwd {name}", best_of(manual_fb), best_of(torch_fb), "F.layer_norm+autograd")


if __name__ == "__main__":
    main()
