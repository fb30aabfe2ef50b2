"""TF-IDF vs sklearn's TfidfVectorizer, each convention pinned (M59)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

from mldrill.ref.nlp.tfidf import TfidfVectorizer, tfidf_search

DOCS = [
    "The cat sat on the mat.",
    "A dog sat on the log; the dog barked.",
    "Cats and dogs: the eternal debate!",
    "Attention is all you need, said the transformer paper.",
    "the the the cat",
]


@pytest.mark.parametrize("smooth_idf", [True, False])
@pytest.mark.parametrize("sublinear_tf", [True, False])
@pytest.mark.parametrize("norm", ["l2", "l1", None])
def test_matches_sklearn(smooth_idf, sublinear_tf, norm):
    kw = {"smooth_idf": smooth_idf, "sublinear_tf": sublinear_tf, "norm": norm}
    ours, sk = TfidfVectorizer(**kw), SkTfidf(**kw)
    assert_allclose(ours.fit_transform(DOCS), sk.fit_transform(DOCS).toarray(), rtol=1e-12, atol=1e-15)
    assert ours.get_feature_names_out() == list(sk.get_feature_names_out())
    assert_allclose(ours.idf_, sk.idf_, rtol=1e-14)
    new = ["a cat and a transformer", "nothing known here zzz"]
    assert_allclose(ours.transform(new), sk.transform(new).toarray(), rtol=1e-12, atol=1e-15)


def test_m59_library_tfidf_is_not_textbook_tf_log_n_over_df():
    """M59: sklearn's idf is ln((1+n)/(1+df)) + 1 and rows are L2-normalized, not tf * log(N/df)."""
    vec = TfidfVectorizer().fit(DOCS)
    n = len(DOCS)
    df_the = sum("the" in d.lower().split() or "the" in d.lower() for d in DOCS)
    assert_allclose(vec.idf_[vec.vocabulary_["the"]], np.log((1 + n) / (1 + df_the)) + 1, rtol=1e-14)
    assert vec.idf_[vec.vocabulary_["the"]] > 0  # textbook log(N/df) would give exactly 0 for a term in every doc
    assert_allclose(np.linalg.norm(vec.transform(DOCS), axis=1), 1.0, rtol=1e-14)


def test_search_ranks_by_cosine_like_sklearn():
    q = "dog barked on the log"
    sk = SkTfidf().fit(DOCS)
    ref = (sk.transform(DOCS) @ sk.transform([q]).T).toarray().ravel()
    hits = tfidf_search(DOCS, q, k=3)
    assert [i for i, _ in hits] == list(np.argsort(-ref, kind="stable")[:3])
    assert_allclose([s for _, s in hits], np.sort(ref)[::-1][:3], rtol=1e-12)


def test_empty_vocabulary_is_a_clear_error():
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfVectorizer().fit(["a b c", "!"])
