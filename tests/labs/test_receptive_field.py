"""conv-arithmetic/receptive-field, /two-3x3-vs-5x5 and /dilated-conv on the lab's numbers."""

from mldrill.labs.receptive_field import effective_field, run
from mldrill.ref.cnn import conv_params, receptive_field


def test_card_numbers_and_the_gradient_footprint() -> None:
    assert receptive_field([(7, 2), (3, 2), (3, 1)]) == 19
    n = run(depth=3, channels=256, seed=0).numbers
    assert n["rf"]["3×3"][:3] == [3, 5, 7] and n["rf"]["5×5"][0] == 5
    assert n["rf"]["3×3 dilated 1, 2, 4, …"][2] == 15
    assert n["params"]["3×3"][1] == 2 * 9 * 256**2 == 1_179_648 and n["params"]["5×5"][0] == 1_638_400
    assert 3 * conv_params(1, 1, 3, bias=False) == 27 and conv_params(1, 1, 7, bias=False) == 49
    eff = effective_field(4, seed=0)
    rows = (eff.sum(1) > 0).nonzero().flatten()
    assert int(rows.max() - rows.min() + 1) == receptive_field([(3, 1)] * 4) == 9  # autograd footprint = formula
    centre = eff.shape[0] // 2
    assert eff[centre, centre] == eff.max()  # concentrated at the centre
