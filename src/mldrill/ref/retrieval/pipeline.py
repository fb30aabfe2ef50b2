"""A small retrieval pipeline over any list of (doc id, text): chunk -> index (BM25 + dense) -> fuse -> cite.

ingest: each document is split by markdown headings, then recursively to chunk_size characters with overlap; each
chunk is indexed with its heading path prepended (headings carry topic words). Retrieval: BM25 over tokens and cosine
similarity over `embed` vectors, each producing a ranking of the top `candidates` chunks, fused by reciprocal rank
fusion (or alpha-weighted min-max scores). Documents are ranked by their best chunk, so `documents(query)` answers
"which documents explain X" with document ids; `answer` returns an extractive answer whose citations are those ids,
and refuses when no chunk shares a single query term and the dense similarity is below `min_dense`.
`evaluate` scores the document ranking against labelled queries (recall@k, precision@k, MRR, nDCG@k, MAP):
retrieval is evaluated on its own, before any generator is blamed.

Without `embed`, retrieval is BM25 only. With the packaged MiniLM model: embed = dense.load_minilm_embedder().
Tested end to end on a labelled toy corpus in tests/ref/retrieval/test_retrieval_pipeline.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from mldrill.ref.metrics.retrieval import average_precision, ndcg_at_k, precision_at_k, recall_at_k, reciprocal_rank
from mldrill.ref.retrieval.bm25 import BM25, simple_tokenize
from mldrill.ref.retrieval.chunking import chunk_markdown, chunk_recursive
from mldrill.ref.retrieval.dense import DenseIndex, Embedder
from mldrill.ref.retrieval.hybrid import hybrid_scores, rrf


@dataclass
class Hit:
    doc_id: str
    chunk_id: str
    score: float
    text: str
    headings: list[str] = field(default_factory=list)


@dataclass
class Answer:
    query: str
    text: str
    citations: list[str]  # document ids, best first
    hits: list[Hit]


class RetrievalPipeline:
    def __init__(
        self,
        docs: Sequence[tuple[str, str]],
        *,
        embed: Embedder | None = None,
        chunk_size: int = 800,
        chunk_overlap: int = 100,
        fusion: Literal["rrf", "weighted"] = "rrf",
        alpha: float = 0.5,
        rrf_k: int = 60,
        candidates: int = 50,
        tokenize: Callable[[str], list[str]] = simple_tokenize,
        min_dense: float = 0.3,
        show_progress: bool = False,
    ) -> None:
        ids = [d for d, _ in docs]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        if not docs:
            raise ValueError("the pipeline needs at least one document")
        self.fusion, self.alpha, self.rrf_k, self.candidates = fusion, alpha, rrf_k, candidates
        self.tokenize, self.min_dense = tokenize, min_dense
        self.chunks: list[Hit] = []
        for doc_id, text in docs:
            for sec in chunk_markdown(text) or []:
                heads = list(sec.metadata.get("headings", []))  # type: ignore[call-overload]
                for j, piece in enumerate(
                    chunk_recursive(sec.text, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
                ):
                    cid = f"{doc_id}#{sec.start + piece.start}:{j}"
                    self.chunks.append(Hit(doc_id, cid, 0.0, piece.text, heads))
        index_texts = [" / ".join(c.headings) + "\n" + c.text for c in self.chunks]
        self.bm25 = BM25([self.tokenize(t) for t in index_texts])
        self.dense = (
            None
            if embed is None
            else DenseIndex(embed, show_progress=show_progress).add([c.chunk_id for c in self.chunks], index_texts)
        )

    def _chunk_scores(self, query: str) -> tuple[np.ndarray, np.ndarray | None]:
        bm = self.bm25.get_scores(self.tokenize(query))
        de = None if self.dense is None else self.dense.scores(query)
        return bm, de

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """Top-k chunks after fusion, best first."""
        bm, de = self._chunk_scores(query)
        if de is None:
            fused = bm
            order = np.argsort(-fused, kind="stable")
        elif self.fusion == "weighted":
            fused = hybrid_scores(bm, de, alpha=self.alpha)
            order = np.argsort(-fused, kind="stable")
        else:
            # BM25 ranks only chunks that match at least one query term: a zero score is not a match, and ranking
            # zero-score chunks (in index order) would hand them RRF credit they did not earn.
            bm_rank = [i for i in np.argsort(-bm, kind="stable")[: self.candidates] if bm[i] > 0]
            rankings = [bm_rank, list(np.argsort(-de, kind="stable")[: self.candidates])]
            fused_pairs = rrf(rankings, k=self.rrf_k)
            order = np.array([i for i, _ in fused_pairs])
            fused = np.zeros(len(self.chunks))
            fused[order] = [s for _, s in fused_pairs]
        return [
            Hit(c.doc_id, c.chunk_id, float(fused[i]), c.text, c.headings)
            for i in order[:k]
            for c in [self.chunks[int(i)]]
        ]

    def documents(self, query: str, k: int = 5) -> list[tuple[str, float]]:
        """Which documents explain the query: (doc id, best chunk score), best first."""
        best: dict[str, float] = {}
        for h in self.search(query, k=len(self.chunks)):
            best.setdefault(h.doc_id, h.score)  # hits arrive best-first: the first one per document is its best
        return list(best.items())[:k]

    def answer(self, query: str, k: int = 3) -> Answer:
        bm, de = self._chunk_scores(query)
        supported = bool(bm.max() > 0) or (de is not None and float(de.max()) >= self.min_dense)
        if not supported:
            return Answer(query, "No document in the corpus supports an answer to this question.", [], [])
        hits = self.search(query, k=k)
        citations = list(dict.fromkeys(h.doc_id for h in hits))
        body = "\n".join(f"- {h.text.strip().splitlines()[0][:200]} [{h.doc_id}]" for h in hits)
        return Answer(query, body, citations, hits)

    def evaluate(self, labelled: Mapping[str, set[str]], *, k: int = 3) -> dict[str, float]:
        """Document-level retrieval metrics averaged over labelled queries {query: relevant doc ids}."""
        rows = []
        for q, relevant in labelled.items():
            ranked = [d for d, _ in self.documents(q, k=len(self.chunks))]
            rows.append(
                [
                    recall_at_k(ranked, relevant, k),
                    precision_at_k(ranked, relevant, k),
                    reciprocal_rank(ranked, relevant),
                    ndcg_at_k(ranked, dict.fromkeys(relevant, 1.0), k),
                    average_precision(ranked, relevant),
                ]
            )
        m = np.mean(rows, axis=0)
        return {f"recall@{k}": m[0], f"precision@{k}": m[1], "mrr": m[2], f"ndcg@{k}": m[3], "map": m[4]}
