"""The MoE lab's claims: a router trained on the task alone collapses; the balancing loss spreads the load."""

from mldrill.labs.moe_load import run


def test_collapse_without_aux_and_balance_with_it() -> None:
    n = run(experts=8, aux_weight=0.05, steps=300, seed=0).numbers
    no_aux, with_aux = n["share"]["no aux loss"], n["share"]["aux loss α = 0.05"]
    assert max(no_aux) > 0.4 and sum(s == 0 for s in no_aux) >= 4  # collapsed onto a few experts
    assert max(with_aux) < 2 / 8 and min(with_aux) > 0.5 / 8
    assert n["dropped"]["aux loss α = 0.05"][3] < 0.1 < n["dropped"]["no aux loss"][3]  # capacity factor 1.25
    balanced, collapsed = n["aux"]["aux loss α = 0.05"][-1], n["aux"]["no aux loss"][-1]
    assert balanced < 1.05 < 2 < collapsed  # E·Σ f_i P_i: 1 at a uniform router, up to E when collapsed
