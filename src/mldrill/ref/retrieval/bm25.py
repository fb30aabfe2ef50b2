"""BM25 (Robertson et al.): Okapi as in rank_bm25, and the Lucene IDF variant, with a readable and a fast scorer.

score(q, D) = sum over query tokens t (repeats count again) of
              IDF(t) * f(t, D) (k1 + 1) / (f(t, D) + k1 (1 - b + b |D| / avgdl))
Okapi IDF (rank_bm25.BM25Okapi): ln((N - df + 0.5) / (df + 0.5)), negative when df > N/2; such IDFs are replaced by
epsilon * (mean IDF over the vocabulary), epsilon = 0.25. Lucene IDF: ln(1 + (N - df + 0.5) / (df + 0.5)), always > 0.
(Lucene >= 8 also drops the constant (k1 + 1) factor, which rescales all scores equally; we keep it in both.)

k1 controls term-frequency saturation (k1 = 0: presence only; large k1: nearly linear in f); b controls length
normalization (b = 0: none, b = 1: full). Trap (M48): the Okapi IDF is not always positive; a term in most
documents would *lower* a score without the floor. Tokenization is the caller's: pass token lists, and use the same
tokenizer for documents and queries. The fast path precomputes the sparse matrix of per-(term, doc) weights so a
query is one sparse-vector product; the readable loop is its oracle. Tested against rank_bm25 in
tests/ref/retrieval/test_retrieval_bm25.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import sparse

_WORD = re.compile(r"\w+")


def simple_tokenize(text: str) -> list[str]:
    """Lowercased runs of word characters: a reasonable default tokenizer for BM25 documents and queries."""
    return _WORD.findall(text.lower())


class BM25:
    def __init__(
        self,
        corpus: Sequence[Sequence[str]],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
        idf: Literal["okapi", "lucene"] = "okapi",
    ) -> None:
        if len(corpus) == 0:
            raise ValueError("BM25 needs at least one document")
        self.k1, self.b, self.epsilon, self.idf_kind = k1, b, epsilon, idf
        self.doc_freqs_ = [Counter(doc) for doc in corpus]
        self.doc_len_ = np.array([len(doc) for doc in corpus], dtype=np.float64)
        self.n_docs_ = len(corpus)
        self.avgdl_ = float(self.doc_len_.mean())
        df: Counter[str] = Counter()
        for freqs in self.doc_freqs_:
            df.update(freqs.keys())
        self.idf_ = self._idf(df)
        self._build_matrix()

    def _idf(self, df: Counter[str]) -> dict[str, float]:
        N = self.n_docs_
        if self.idf_kind == "lucene":
            return {t: math.log(1 + (N - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        raw = {t: math.log(N - n + 0.5) - math.log(n + 0.5) for t, n in df.items()}
        floor = self.epsilon * sum(raw.values()) / len(raw)  # epsilon * mean IDF, computed before flooring
        return {t: (floor if v < 0 else v) for t, v in raw.items()}

    def _build_matrix(self) -> None:
        self.vocab_ = {t: i for i, t in enumerate(self.idf_)}
        rows, cols, vals = [], [], []
        norm = self.k1 * (1 - self.b + self.b * self.doc_len_ / self.avgdl_)  # (N,)
        for d, freqs in enumerate(self.doc_freqs_):
            for t, f in freqs.items():
                rows.append(self.vocab_[t])
                cols.append(d)
                vals.append(self.idf_[t] * f * (self.k1 + 1) / (f + norm[d]))
        self._W = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.vocab_), self.n_docs_))  # (V, N)

    def get_scores_readable(self, query: Sequence[str]) -> np.ndarray:
        scores = np.zeros(self.n_docs_)
        for t in query:
            idf = self.idf_.get(t, 0.0)
            f = np.array([freqs.get(t, 0) for freqs in self.doc_freqs_], dtype=np.float64)
            denom = f + self.k1 * (1 - self.b + self.b * self.doc_len_ / self.avgdl_)
            # f = 0 contributes 0 (rank_bm25 computes 0/0 = nan there when k1 = 0).
            scores += idf * np.divide(f * (self.k1 + 1), denom, out=np.zeros_like(f), where=f > 0)
        return scores

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """Fast path: a query-term count vector times the precomputed (V, N) weight matrix."""
        counts = Counter(t for t in query if t in self.vocab_)
        if not counts:
            return np.zeros(self.n_docs_)
        idx = np.fromiter((self.vocab_[t] for t in counts), dtype=np.int64, count=len(counts))
        c = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        return np.asarray(c @ self._W[idx].toarray())  # (N,)

    def get_batch_scores(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """Scores of many queries at once -> (n_queries, N)."""
        Q = sparse.lil_matrix((len(queries), len(self.vocab_)))
        for i, q in enumerate(queries):
            for t, c in Counter(t for t in q if t in self.vocab_).items():
                Q[i, self.vocab_[t]] = c
        return np.asarray((Q.tocsr() @ self._W).toarray())

    def top_k(self, query: Sequence[str], k: int = 10) -> list[tuple[int, float]]:
        """(doc index, score), best first; ties keep the lower index first."""
        s = self.get_scores(query)
        order = np.argsort(-s, kind="stable")[:k]
        return [(int(i), float(s[i])) for i in order]
