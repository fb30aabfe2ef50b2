"""ConversationMemory stays under budget and retrieves a planted fact."""

from hypothesis import given, settings
from hypothesis import strategies as st

from mldrill.ref.memory import ConversationMemory

FILLER = "we talked about the weather and the train schedule again today"


def test_planted_fact_is_retrieved_after_eviction():
    mem = ConversationMemory(budget=60)
    mem.add("user", "My locker code is 4172. Please remember it.")
    for i in range(30):
        mem.add("user", f"{FILLER} number {i}")
        mem.add("assistant", "noted")
    assert not any("4172" in t for t in mem.recent)  # evicted long ago
    ctx = mem.context("what is my locker code")
    assert any("4172" in t for t in ctx)
    assert sum(len(t.split()) for t in ctx) <= 60


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet="abc xyz.", min_size=1, max_size=40), min_size=1, max_size=30), st.integers(20, 80))
def test_context_never_exceeds_budget(turns, budget):
    mem = ConversationMemory(budget=budget)
    for t in turns:
        mem.add("user", t)
        assert sum(len(p.split()) for p in mem.context("a b c")) <= budget
