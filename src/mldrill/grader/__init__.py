"""The sandboxed autograder: run a kata submission against hidden checks and return a Verdict."""

from mldrill.grader.verdict import CheckResult, Verdict

__all__ = ["CheckResult", "Verdict", "check"]


def check(kata_id: str, source: str) -> Verdict:
    from mldrill.grader.api import check as _check

    return _check(kata_id, source)
