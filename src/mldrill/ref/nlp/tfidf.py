"""TF-IDF with scikit-learn's conventions (TfidfVectorizer defaults), and TF-IDF retrieval by cosine similarity.

tf(t, d) = raw count (or 1 + ln(count) with sublinear_tf=True, 0 stays 0);
idf(t) = ln((1 + n) / (1 + df(t))) + 1 with smooth_idf=True (as if one extra document contained every term once),
         ln(n / df(t)) + 1 with smooth_idf=False;
each row is then L2-normalized (norm='l2'; 'l1' or None also accepted).
Tokens: lowercase, then the regex (?u)\\b\\w\\w+\\b (words of 2+ word characters; single letters are dropped);
the vocabulary is sorted alphabetically, so column j is the j-th term in sorted order.

Trap (M59): "TF-IDF is tf * log(N / df)" is the textbook form; sklearn adds 1 to the idf (terms in every document are
not zeroed), smooths the counts, and normalizes rows, so numbers differ from hand calculations.
Tested against sklearn.feature_extraction.text.TfidfVectorizer in tests/ref/nlp/test_nlp_tfidf.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Literal

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    return _TOKEN.findall(text.lower() if lowercase else text)


class TfidfVectorizer:
    def __init__(
        self,
        *,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        norm: Literal["l2", "l1"] | None = "l2",
        lowercase: bool = True,
    ) -> None:
        self.smooth_idf, self.sublinear_tf, self.norm, self.lowercase = smooth_idf, sublinear_tf, norm, lowercase

    def _counts(self, docs: Sequence[str]) -> np.ndarray:
        C = np.zeros((len(docs), len(self.vocabulary_)))
        for i, doc in enumerate(docs):
            for term, c in Counter(tokenize(doc, lowercase=self.lowercase)).items():
                j = self.vocabulary_.get(term)
                if j is not None:  # unseen terms are ignored at transform time
                    C[i, j] = c
        return C  # (n_docs, V)

    def fit(self, docs: Sequence[str]) -> TfidfVectorizer:
        terms = sorted({t for d in docs for t in tokenize(d, lowercase=self.lowercase)})
        if not terms:
            raise ValueError("empty vocabulary: the documents contain no token of 2+ word characters")
        self.vocabulary_ = {t: j for j, t in enumerate(terms)}
        df = (self._counts(docs) > 0).sum(0)  # (V,)
        n = len(docs)
        self.idf_ = (np.log((1 + n) / (1 + df)) if self.smooth_idf else np.log(n / df)) + 1.0
        return self

    def transform(self, docs: Sequence[str]) -> np.ndarray:
        tf = self._counts(docs)
        if self.sublinear_tf:
            tf = np.where(tf > 0, 1.0 + np.log(np.where(tf > 0, tf, 1.0)), 0.0)
        X = tf * self.idf_  # (n_docs, V)
        if self.norm is not None:
            norms = np.linalg.norm(X, axis=1, keepdims=True) if self.norm == "l2" else np.abs(X).sum(1, keepdims=True)
            X = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
        return X

    def fit_transform(self, docs: Sequence[str]) -> np.ndarray:
        return self.fit(docs).transform(docs)

    def get_feature_names_out(self) -> list[str]:
        return sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)


def tfidf_search(docs: Sequence[str], query: str, *, k: int = 5) -> list[tuple[int, float]]:
    """Top-k (doc index, cosine similarity) for a query; rows are L2-normalized so cosine = dot product."""
    vec = TfidfVectorizer().fit(docs)
    D, q = vec.transform(docs), vec.transform([query])[0]
    scores = D @ q  # (n_docs,)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(int(i), float(scores[i])) for i in order]


def tfidf(
    docs: Sequence[str], *, smooth_idf: bool = True, norm: Literal["l2", "l1"] | None = "l2", sublinear_tf: bool = False
) -> tuple[np.ndarray, list[str]]:
    """Functional form -> (matrix (n_docs, V), vocabulary in column order)."""
    vec = TfidfVectorizer(smooth_idf=smooth_idf, norm=norm, sublinear_tf=sublinear_tf)
    return vec.fit_transform(docs), vec.get_feature_names_out()
