"""The documented status rule (study/status.py), row by row."""

from __future__ import annotations

import pytest

from mldrill.study.status import status_from_ratings


@pytest.mark.parametrize(
    ("ratings", "status"),
    [
        ([], "unknown"),
        ([1], "unknown"),
        ([3, 3, 1], "unknown"),
        ([4], "fluent"),
        ([3], "shaky"),
        ([2], "shaky"),
        ([3, 3], "fluent"),
        ([3, 4], "fluent"),
        ([3, 2], "shaky"),
        ([1, 3, 3], "shaky"),  # an Again among the last three
        ([1, 3, 3, 3], "fluent"),
        ([4, 4, 2], "shaky"),
    ],
)
def test_status_rule(ratings: list[int], status: str) -> None:
    assert status_from_ratings(ratings) == status
