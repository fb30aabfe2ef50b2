"""losses/infonce-temperature: small τ is the more uniform embedding, large τ clusters each class (Wang & Liu 2021),
measured with Wang & Isola's metrics on the lab's own training runs, per seed."""

import pytest

from mldrill.catalog import get_catalog
from mldrill.labs.infonce_temperature import run


@pytest.mark.parametrize(("dim", "uni_gap", "cos_gap"), [(4, 0.3, 0.15), (2, 0.15, 0.1)])
def test_small_tau_is_more_uniform_large_tau_clusters(dim: int, uni_gap: float, cos_gap: float) -> None:
    res = run(dim=dim, per_class=16, steps=150, seeds=2, seed=0)
    n = res.numbers
    small, large = str(n["tau"][0]), str(n["tau"][-1])
    assert float(small) == 0.05 and float(large) == 1.0
    for s, lg in zip(n["per_seed"][small], n["per_seed"][large], strict=True):
        assert s["uniformity"] < lg["uniformity"] - uni_gap, (s, lg)  # small tau spreads the points
        assert lg["class_cos"] > s["class_cos"] + cos_gap, (s, lg)  # large tau: same-class items cluster
        assert lg["alignment"] < s["alignment"]  # ... and positive pairs sit closer
    assert res.figures[0].svg.startswith("<svg")


def test_the_card_says_small_tau_is_more_uniform() -> None:
    card = get_catalog().cards["losses/infonce-temperature"]
    assert (
        "Small $\\tau$" in card.answer and "**more uniform**" in card.answer and "**locally clustered**" in card.answer
    )
