"""Second-stage retrieval helpers: reranking, multi-query retrieval with fusion, and a citation check.

rerank: score the first-stage candidates (e.g. top 50) with an expensive scorer (a cross-encoder in practice, any
callable here) and keep the top n; cost grows linearly with the candidate count, which is why the first stage stays
cheap. Ties keep the first-stage order (stable sort).
multi_query_retrieve: run each rewrite of the query (written by a model in practice; given here) and fuse the
rankings with RRF; rewrites can drift from what the user meant, so the original query is always included.
citation_check: each sentence of an answer that carries citations [id] must share enough content words with at
least one cited chunk; uncited sentences and citations of unknown ids are reported (refuse when nothing supports
an answer). A lexical proxy for faithfulness, not a semantic judge.
Tested in tests/ref/retrieval/test_retrieval_rerank.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from mldrill.ref.retrieval.hybrid import rrf


def rerank(
    query: str, candidates: Sequence[tuple[Hashable, str]], scorer: Callable[[str, str], float], *, n: int = 5
) -> list[tuple[Hashable, float]]:
    scored = [(cid, float(scorer(query, text))) for cid, text in candidates]
    return sorted(scored, key=lambda c: -c[1])[:n]  # sorted() is stable: ties keep first-stage order


def multi_query_retrieve(
    query: str, rewrites: Sequence[str], search: Callable[[str], Sequence[Hashable]], *, k: int = 60
) -> list[tuple[Hashable, float]]:
    queries = [query, *[r for r in rewrites if r != query]]
    return rrf([list(search(q)) for q in queries], k=k)


_WORD = re.compile(r"[a-z0-9]+")
_CITE = re.compile(r"\[([^\[\]]+)\]")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "it",
        "its",
        "this",
        "that",
        "for",
        "with",
        "as",
        "by",
        "at",
        "from",
    ]
)


@dataclass
class CitationReport:
    supported: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # cited, but no cited chunk shares enough words
    uncited: list[str] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unsupported or self.uncited or self.unknown_ids)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def citation_check(answer: str, chunks: Mapping[str, str], *, min_overlap: float = 0.5) -> CitationReport:
    """Check each sentence's citations against the chunk texts {id: text}."""
    report = CitationReport()
    for sentence in (s.strip() for s in re.split(r"(?<=[.!?])\s+", answer)):
        if not sentence:
            continue
        ids = [c.strip() for group in _CITE.findall(sentence) for c in group.split(",")]
        claim = _content_words(_CITE.sub(" ", sentence))
        if not ids:
            report.uncited.append(sentence)
            continue
        report.unknown_ids += [i for i in ids if i not in chunks]
        known = [chunks[i] for i in ids if i in chunks]
        best = max((len(claim & _content_words(t)) / max(len(claim), 1) for t in known), default=0.0)
        (report.supported if best >= min_overlap else report.unsupported).append(sentence)
    return report
