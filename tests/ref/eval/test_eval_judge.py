"""Position-swapped pairwise judging removes a purely positional preference."""

from mldrill.ref.eval.judge import consistency_rate, judge_pairwise


def always_first(a, b):
    return "first"


def longer(a, b):
    return "first" if len(a) > len(b) else "second" if len(b) > len(a) else "tie"


def test_position_bias_becomes_a_tie_and_real_preferences_survive():
    assert judge_pairwise("x", "yy", always_first) == "tie"
    assert judge_pairwise("short", "a longer answer", longer) == "B"
    assert judge_pairwise("a longer answer", "short", longer) == "A"
    pairs = [("a", "bb"), ("ccc", "d"), ("ee", "ff")]
    assert consistency_rate(pairs, always_first) == 0.0
    assert consistency_rate(pairs, longer) == 1.0
