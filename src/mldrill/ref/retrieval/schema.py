"""NL2SQL schema pruning: keep the k tables, then the columns, most related to the question (two stages).

Stage 1 ranks tables by BM25 between the question and each table's text (name, description, column names);
stage 2 ranks the columns of the kept tables by BM25 against their own text (name and description). Identifiers are
split on '_' and camelCase so "order_date" matches "order date". Tested in tests/ref/retrieval/test_retrieval_schema.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mldrill.ref.retrieval.bm25 import BM25, simple_tokenize

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _tokens(text: str) -> list[str]:
    return simple_tokenize(_CAMEL.sub(" ", text).replace("_", " "))


def schema_topk(
    question: str,
    tables: Mapping[str, Mapping[str, str]],
    *,
    k: int = 3,
    k_columns: int = 5,
    descriptions: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """tables: {table: {column: column description}} -> {kept table: [kept columns]}, best tables first."""
    names = list(tables)
    descriptions = descriptions or {}
    docs = [_tokens(" ".join([t, descriptions.get(t, ""), *tables[t], *tables[t].values()])) for t in names]
    q = _tokens(question)
    ranked = BM25(docs).top_k(q, k)
    out: dict[str, list[str]] = {}
    for i, _ in ranked:
        t = names[i]
        cols: Sequence[str] = list(tables[t])
        col_bm25 = BM25([_tokens(f"{c} {tables[t][c]}") for c in cols])
        out[t] = [cols[j] for j, s in col_bm25.top_k(q, k_columns) if s > 0] or list(cols[:k_columns])
    return out
