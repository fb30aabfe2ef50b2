"""The checks are measured against the bugs candidates really write: every mutant of a kata's solution is killed by
the check whose explanation names that bug (and by no check blaming another bug), whatever the seed.

The suite runs three fixed seeds so that a test run is reproducible; MLDRILL_MUTANT_SEEDS=N adds N fresh ones (the
sweep to run after changing a kata's checks: a check that only works for some inputs shows up there)."""

from __future__ import annotations

import os
import secrets
from typing import Any

import pytest

from mldrill.catalog.katas import Kata, get_katas
from mldrill.grader.inprocess import check_callable

MIN_MUTANTS = 4
SEEDS = (0, 1, 2, *(secrets.randbits(63) for _ in range(int(os.environ.get("MLDRILL_MUTANT_SEEDS", "0")))))


def _entry(kata: Kata, source: str) -> Any:
    namespace: dict[str, Any] = {"__name__": "mutant"}
    exec(compile(source, f"{kata.id}-mutant.py", "exec"), namespace)  # our own code: the trusted side
    return namespace[kata.spec.entry]


WITH_MUTANTS = [k for k in sorted(get_katas()) if get_katas()[k].mutants()[1]]
CASES = [(k, i) for k in WITH_MUTANTS for i in range(len(get_katas()[k].mutants()[1]))]


def test_every_kata_has_a_mutant_suite() -> None:
    katas = get_katas()
    short = {k: len(katas[k].mutants()[1]) for k in katas if len(katas[k].mutants()[1]) < MIN_MUTANTS}
    assert not short, f"katas with fewer than {MIN_MUTANTS} classic-bug mutants (kata: count): {short}"


@pytest.mark.parametrize("kata_id", WITH_MUTANTS)
def test_the_unmutated_solution_passes(kata_id: str) -> None:
    kata = get_katas()[kata_id]
    for seed in SEEDS:
        v = check_callable(kata, _entry(kata, kata.mutants()[0]), seed)
        assert v.status == "passed", (seed, [(c.name, c.message) for c in v.checks if not c.passed])


@pytest.mark.parametrize(("kata_id", "index"), CASES, ids=[f"{k}-{i}" for k, i in CASES])
def test_each_mutant_is_killed_by_the_check_that_names_its_bug(kata_id: str, index: int) -> None:
    kata = get_katas()[kata_id]
    solution, mutants = kata.mutants()
    m = mutants[index]
    names = {c.name for c in kata.build_checks(0)}
    assert m.kills in names and set(m.also) <= names, f"{m.name}: unknown check names"
    fn = _entry(kata, m.apply(solution))
    for seed in SEEDS:
        v = check_callable(kata, fn, seed)
        failed = {c.name for c in v.checks if not c.passed}
        assert m.kills in failed, f"{m.name!r} (seed {seed}) not caught by {m.kills!r}; failed: {sorted(failed)}"
        blamed = failed - {m.kills, *m.also}
        assert not blamed, f"{m.name!r} (seed {seed}) is also blamed on {sorted(blamed)}"
