""" "Did you mean ...?" for an id that names nothing (a topic, kata or area typed by hand)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The ids closest to `word`, best first: difflib's ratio, then ids that contain the word (`attn` is far from
    `attention` by ratio, but `lora` is inside `lora-qlora`)."""
    pool = sorted(set(choices))
    found = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    low = word.lower()
    found += [c for c in pool if low and len(low) >= 3 and low in c.lower() and c not in found]
    return found[:n]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean a, b?)' or '' when nothing is close."""
    found = close_matches(word, choices)
    return f" (did you mean {', '.join(found)}?)" if found else ""
