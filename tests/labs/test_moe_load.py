"""The MoE lab's claims: a router trained on the task alone collapses; the balancing loss spreads the load."""

import math

from mldrill.labs.moe_load import CAPACITY_FACTORS, run


def test_collapse_without_aux_and_balance_with_it() -> None:
    """Cards aux-loss and routing-collapse-debug (a slight edge collapses the router without the loss; the loss reads
    α at balance, up to αE collapsed; here α = 1) and capacity (C = ceil(k·T/E·cf), overflow dropped)."""
    n = run(experts=8, aux_weight=0.05, steps=300, seed=0).numbers
    no_aux, with_aux = n["share"]["no aux loss"], n["share"]["aux loss α = 0.05"]
    assert max(no_aux) > 0.4 and sum(s == 0 for s in no_aux) >= 4  # collapsed onto a few experts
    assert max(with_aux) < 2 / 8 and min(with_aux) > 0.5 / 8
    assert n["dropped"]["aux loss α = 0.05"][3] < 0.1 < n["dropped"]["no aux loss"][3]  # capacity factor 1.25
    balanced, collapsed = n["aux"]["aux loss α = 0.05"][-1], n["aux"]["no aux loss"][-1]
    assert balanced < 1.05 < 2 < collapsed <= 8  # E·Σ f_i P_i: 1 at a uniform router, up to E when collapsed
    tokens, experts = 1024, 8  # top-1: each expert keeps at most C = ceil(T/E·cf) of its tokens, drops the rest
    for name, share in n["share"].items():
        for cf, dropped in zip(CAPACITY_FACTORS, n["dropped"][name], strict=True):
            cap = math.ceil(tokens / experts * cf)
            assert dropped == sum(max(0, round(s * tokens) - cap) for s in share) / tokens, (name, cf)
