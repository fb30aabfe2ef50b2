"""The syllabus's function names (functional forms and aliases) behave like the estimators they wrap."""

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans as SkKMeans
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf
from sklearn.metrics import average_precision_score

from mldrill.ref.classical.gmm import gmm_em
from mldrill.ref.classical.kmeans import kmeans, kmeans_pp_init
from mldrill.ref.classical.svm import linear_svm_sgd, poly_kernel, polynomial_kernel
from mldrill.ref.eval.stats import mcnemar, mcnemar_exact
from mldrill.ref.metrics.classification import pr_auc
from mldrill.ref.metrics.text import squad_em_f1
from mldrill.ref.nlp.glove import glove_loss, glove_loss_grads
from mldrill.ref.nlp.ngram import BigramLM
from mldrill.ref.nlp.tfidf import tfidf
from mldrill.ref.retrieval.dense import cosine_topk, dense_topk
from mldrill.ref.retrieval.schema import schema_topk


def test_functional_kmeans_matches_sklearn_from_the_same_init():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)) + 4 * rng.integers(0, 3, size=(200, 1))
    init = kmeans_pp_init(X, 3, rng=1)
    assert init.shape == (3, 2) and all(any((x == X).all(1)) for x in init)  # seeds are data points
    c, labels, inertia = kmeans(X, 3, init=init, iters=100)
    sk = SkKMeans(3, init=init, n_init=1, tol=0.0).fit(X)
    assert_allclose(c, sk.cluster_centers_, rtol=1e-9)
    assert_array_equal(labels, sk.labels_)
    assert_allclose(inertia, sk.inertia_, rtol=1e-9)


def test_gmm_em_runs_all_iterations_with_monotone_likelihood():
    X = np.random.default_rng(1).normal(size=(120, 2))
    g = gmm_em(X, 2, iters=10)
    assert len(g.lower_bounds_) == 10 and (np.diff(g.lower_bounds_) >= -1e-10).all()


def test_small_aliases():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(3, 2))
    assert_allclose(poly_kernel(A, A), polynomial_kernel(A, A), rtol=0)
    X, y = rng.normal(size=(40, 2)), np.repeat([0, 1], 20)
    X[y == 1] += 3
    assert (linear_svm_sgd(X, y, 1.0).predict(X) == y).mean() > 0.95
    a, b = rng.random(30) < 0.7, rng.random(30) < 0.5
    assert mcnemar(a, b) == mcnemar_exact(a, b)
    yy, s = np.r_[0, 1, rng.integers(0, 2, 20)], rng.random(22)
    assert_allclose(pr_auc(yy, s), average_precision_score(yy, s), rtol=1e-12)
    assert squad_em_f1("The cat", ["cat"]) == (1.0, 1.0)
    Q, D = rng.normal(size=(2, 3)), rng.normal(size=(5, 3))
    assert_array_equal(dense_topk(Q, D, 2)[1], cosine_topk(Q, D, 2)[1])
    W, Wt, bb, bt = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), np.zeros(3), np.zeros(3)
    Xc = np.abs(rng.normal(size=(3, 3)))
    assert glove_loss(W, Wt, bb, bt, Xc) == glove_loss_grads(W, Wt, bb, bt, Xc)[0]


def test_bigram_mle_and_tfidf_function():
    lm = BigramLM([["a", "b"], ["a", "c"]])
    assert lm.prob("b", ["a"]) == 0.5 and lm.prob("a", ["<s>"]) == 1.0
    docs = ["the cat", "the dog barked", "cat and dog"]
    M, vocab = tfidf(docs)
    sk = SkTfidf().fit(docs)
    assert vocab == list(sk.get_feature_names_out())
    assert_allclose(M, sk.transform(docs).toarray(), rtol=1e-12)


def test_schema_topk_prunes_tables_then_columns():
    tables = {
        "orders": {"order_id": "primary key", "order_date": "when the order was placed", "customer_id": "buyer"},
        "customers": {"customer_id": "primary key", "full_name": "customer name", "signupDate": "date joined"},
        "products": {"product_id": "primary key", "price": "unit price in euros"},
    }
    out = schema_topk("How many orders were placed per order date?", tables, k=1, k_columns=1)
    assert out == {"orders": ["order_date"]}
    both = schema_topk("customer name for each order", tables, k=2)
    assert set(both) == {"orders", "customers"} and "full_name" in both["customers"]
