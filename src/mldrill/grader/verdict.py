"""What a check returns: a Verdict with one CheckResult per check."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "error", "timeout", "memory", "rejected"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str  # what went wrong: first mismatching index, expected vs got, max abs error, shapes
    explanation: str  # the trap this check guards, shown when it fails
    duration_s: float
    # For a failed check, the call that failed (1-based, None when the judge did not say) and capped reprs of its
    # input, the expected and the actual output ("" when unknown): enough to reproduce the failure by hand.
    call: int | None = None
    input: str = ""
    expected: str = ""
    actual: str = ""


@dataclass
class Verdict:
    kata_id: str
    status: Status
    checks: list[CheckResult] = field(default_factory=list)
    total_s: float = 0.0
    stdout_tail: str = ""
    message: str = ""  # for error / timeout / memory / rejected: what happened
    isolation: list[str] = field(default_factory=list)  # which protections were in force
    seed: int | None = None  # the hidden inputs were drawn from this seed: checking again with it replays the run

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
