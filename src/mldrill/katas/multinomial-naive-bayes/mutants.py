"""Classic wrong multinomial naive Bayes classifiers, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import numpy as np

class MultinomialNB:
    def __init__(self, *, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        self.classes_ = np.unique(y)
        counts = np.stack([X[y == c].sum(axis=0) for c in self.classes_])
        docs = np.array([(y == c).sum() for c in self.classes_], dtype=float)
        V = X.shape[1]
        total = counts.sum(axis=1, keepdims=True)
        self.feature_log_prob_ = np.log(counts + self.alpha) - np.log(total + self.alpha * V)
        self.class_log_prior_ = np.log(docs / docs.sum())
        return self

    def _jll(self, X):
        return np.asarray(X, dtype=float) @ self.feature_log_prob_.T + self.class_log_prior_

    def predict_log_proba(self, X):
        jll = self._jll(X)
        m = jll.max(axis=1, keepdims=True)
        return jll - (m + np.log(np.exp(jll - m).sum(axis=1, keepdims=True)))

    def predict(self, X):
        return self.classes_[np.argmax(self._jll(X), axis=1)]
"""

GENERIC = "matches sklearn's MultinomialNB"
ORDER = "columns follow the sorted class labels"
ALL_PROBA = (
    GENERIC,
    ORDER,
    "smoothing adds alpha for every vocabulary word to the denominator",
    "the class prior is part of the posterior",
    "the prior counts documents, not words",
    "long documents do not underflow",
    "predict_log_proba is normalized over the classes",
)

MUTANTS = [
    mutant(
        "alpha once in the denominator",
        "np.log(total + self.alpha * V)",
        "np.log(total + self.alpha)",
        "smoothing adds alpha for every vocabulary word to the denominator",
        GENERIC,
        "the class prior is part of the posterior",
        "the prior counts documents, not words",
        "predict_log_proba is normalized over the classes",
        ORDER,
        "predict returns the class labels",  # a wrong posterior can flip a prediction (1 seed in ~10)
    ),
    mutant(
        "no prior",
        "@ self.feature_log_prob_.T + self.class_log_prior_",
        "@ self.feature_log_prob_.T",
        "the class prior is part of the posterior",
        GENERIC,
        "smoothing adds alpha for every vocabulary word to the denominator",
        "predict_log_proba is normalized over the classes",
        ORDER,
        "predict returns the class labels",  # a wrong posterior can flip a prediction (1 seed in ~10)
    ),
    mutant(
        "prior from word counts",
        "docs = np.array([(y == c).sum() for c in self.classes_], dtype=float)",
        "docs = counts.sum(axis=1)",
        "the prior counts documents, not words",
    ),
    mutant(
        "normalizes probabilities instead of logs",
        "        m = jll.max(axis=1, keepdims=True)\n"
        "        return jll - (m + np.log(np.exp(jll - m).sum(axis=1, keepdims=True)))",
        "        p = np.exp(jll)\n        return np.log(p / p.sum(axis=1, keepdims=True))",
        "long documents do not underflow",
    ),
    mutant(
        "log-sum-exp without the max",
        "(m + np.log(np.exp(jll - m).sum(axis=1, keepdims=True)))",
        "np.log(np.exp(jll).sum(axis=1, keepdims=True))",
        "long documents do not underflow",
    ),
    mutant(
        "the joint log-likelihood returned as the posterior",
        "return jll - (m + np.log(np.exp(jll - m).sum(axis=1, keepdims=True)))",
        "return jll",
        "predict_log_proba is normalized over the classes",
        *ALL_PROBA,
    ),
    mutant(
        "column index instead of the label",
        "return self.classes_[np.argmax(self._jll(X), axis=1)]",
        "return np.argmax(self._jll(X), axis=1)",
        "predict returns the class labels",
        GENERIC,
        "the class prior is part of the posterior",
    ),
    mutant(
        "classes in order of first appearance",
        "self.classes_ = np.unique(y)",
        "self.classes_ = np.array(list(dict.fromkeys(y.tolist())))",
        ORDER,
        GENERIC,
        "smoothing adds alpha for every vocabulary word to the denominator",
        "the class prior is part of the posterior",
        "the prior counts documents, not words",
        "long documents do not underflow",
        "predict_log_proba is normalized over the classes",
        "predict returns the class labels",
    ),
]
