"""Conversation memory for a fixed context budget: recent turns verbatim, older turns summarised and retrievable.

A model's context window is finite, so a long chat keeps (1) the most recent turns verbatim, (2) a rolling extractive
summary of evicted turns (their first sentence, oldest dropped first when it outgrows its share), and (3) an archive
of evicted turns scored against the current query by word overlap, so that an old fact can come back when it is
relevant. The context built for a query never exceeds the token budget. Token counts are whitespace words unless a
tokenizer's `count` is given. A toy of what production systems do with embeddings and LLM-written summaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import regex

_WORD = regex.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


@dataclass
class ConversationMemory:
    budget: int  # tokens for summary + retrieved + recent
    summary_share: float = 0.25
    retrieve_k: int = 2
    count: Callable[[str], int] = field(default=lambda s: len(s.split()))
    recent: list[str] = field(default_factory=list)
    archive: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def add(self, role: str, text: str) -> None:
        self.recent.append(f"{role}: {text}")
        while len(self.recent) > 1 and sum(map(self.count, self.recent)) > self.budget // 2:
            old = self.recent.pop(0)
            self.archive.append(old)
            self.summary.append(old.split(". ")[0][:200])
            while self.summary and sum(map(self.count, self.summary)) > self.budget * self.summary_share:
                self.summary.pop(0)

    def context(self, query: str) -> list[str]:
        """summary lines, then the archived turns that best overlap the query, then the recent turns; within budget."""
        q = _words(query)
        scored = sorted(self.archive, key=lambda t: -len(q & _words(t)))
        retrieved = [t for t in scored[: self.retrieve_k] if q & _words(t)]
        parts = [*(f"summary: {s}" for s in self.summary), *retrieved, *self.recent]
        while parts and sum(map(self.count, parts)) > self.budget:
            parts.pop(0)  # the oldest summary lines go first
        return parts
