"""The SSM lab's claim: recurrence, convolution and scan give one output (the ref functions: tests/ref/test_ssm.py)."""

from mldrill.labs.ssm_scan import run


def test_lab_outputs_agree() -> None:
    n = run(state=8, length=64, seed=0).numbers
    assert max(n["max_err"].values()) < 1e-10
    assert all(len(v) == 4 and min(v) > 0 for v in n["timing"].values())
