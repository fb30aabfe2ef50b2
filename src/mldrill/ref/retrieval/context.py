"""Context packing for RAG: fit the best retrieved chunks into a token budget, deduplicated, in a good order.

Greedy by score: drop exact duplicates (after normalizing case and whitespace), then take chunks best-first while the
running token count, separators included, stays within the budget; a chunk that does not fit is skipped (a smaller
one after it may still fit) and reported in `dropped`.
Order (M49, "lost in the middle", Liu et al. 2023): models use the start and the end of a long context best, the
middle worst. order="edges" puts the best chunk first, the second best last, the third second, and so on, so the
weakest chunks sit in the middle; order="score" keeps plain best-first order.
Trap: the budget is in the model's tokens; count with the model's tokenizer (count_tokens), not characters.
Tested in tests/ref/retrieval/test_retrieval_pipeline.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass
class PackedContext:
    text: str
    ids: list[str]  # included chunk ids, in context order
    dropped: list[str]  # chunks that did not fit or were duplicates
    n_tokens: int


def edges_order(items: list[str]) -> list[str]:
    """Best-first list -> best at the start, second best at the end, alternating inwards."""
    front: list[str] = []
    back: list[str] = []
    for i, x in enumerate(items):
        (front if i % 2 == 0 else back).append(x)
    return front + back[::-1]


def pack_context(
    chunks: Sequence[tuple[str, str, float]],
    *,
    budget: int,
    count_tokens: Callable[[str], int],
    order: Literal["edges", "score"] = "edges",
    separator: str = "\n\n",
) -> PackedContext:
    """chunks: (chunk id, text, score). Returns the packed context, never longer than `budget` tokens."""
    seen: set[str] = set()
    chosen: list[tuple[str, str]] = []
    dropped: list[str] = []
    sep_cost = count_tokens(separator)
    used = 0
    for cid, text, _ in sorted(chunks, key=lambda c: -c[2]):
        key = " ".join(text.lower().split())
        if key in seen:
            dropped.append(cid)
            continue
        cost = count_tokens(text) + (sep_cost if chosen else 0)
        if used + cost > budget:
            dropped.append(cid)
            continue
        seen.add(key)
        chosen.append((cid, text))
        used += cost
    ids = [c for c, _ in chosen]
    if order == "edges":
        ids = edges_order(ids)
    by_id = dict(chosen)
    text = separator.join(by_id[i] for i in ids)
    return PackedContext(text, ids, dropped, count_tokens(text) if text else 0)
