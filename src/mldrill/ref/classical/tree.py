"""CART decision trees: classification (gini or entropy) and regression (squared error).

At each node, for every feature, sort the values and scan every cut between distinct neighbours; keep the cut with
the lowest size-weighted child impurity  (n_L/n) I(L) + (n_R/n) I(R),  i.e. the largest information gain
I(parent) - sum_c (n_c/n) I(c). Gini I = 1 - sum_k p_k^2; entropy I = -sum_k p_k log2 p_k; regression: variance.
The threshold is the midpoint of the two neighbouring values; samples with x <= threshold go left.

Traps: weight each child's impurity by its size (an unweighted mean prefers cutting off one pure sample); a node
stops splitting at max_depth, below min_samples_split, when a child would have fewer than min_samples_leaf samples,
or when it is pure. Like sklearn, a split is taken even when it does not lower the impurity (XOR needs that).
Ties between equally good cuts go to the first feature visited (index order, or the random order drawn when
max_features is set) and the leftmost cut; sklearn always visits features in a random order, so on exactly tied
data the two can pick different (equally good) cuts. sklearn casts X to float32: the tests use float32-exact data.
Tested against sklearn.tree.DecisionTreeClassifier/Regressor in tests/ref/classical/test_classical_tree.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np


def gini(counts: np.ndarray) -> np.ndarray:
    """Gini impurity of class counts (..., C)."""
    n = counts.sum(-1, keepdims=True)
    p = np.divide(counts, n, out=np.zeros_like(counts, dtype=np.float64), where=n > 0)
    return 1.0 - (p**2).sum(-1)


def entropy(counts: np.ndarray) -> np.ndarray:
    """Entropy in bits of class counts (..., C); 0 log 0 = 0."""
    n = counts.sum(-1, keepdims=True)
    p = np.divide(counts, n, out=np.zeros_like(counts, dtype=np.float64), where=n > 0)
    logp = np.log2(p, out=np.zeros_like(p), where=p > 0)
    return -(p * logp).sum(-1)


def information_gain(parent: np.ndarray, children: list[np.ndarray], *, criterion: str = "entropy") -> float:
    """I(parent) - sum_c (n_c / n) I(c) for class-count vectors."""
    imp = entropy if criterion == "entropy" else gini
    n = parent.sum()
    return float(imp(parent) - sum(c.sum() / n * imp(c) for c in children))


def _cut_scores(xs: np.ndarray, Ys: np.ndarray, criterion: str, min_leaf: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted child impurity (times n) for every cut position i (left = first i sorted samples); inf if invalid."""
    n = len(xs)
    pos = np.arange(1, n)  # (n-1,)
    left = np.cumsum(Ys, axis=0)[:-1]  # (n-1, C) or (n-1, 2) for regression [sum y, sum y^2]
    total = Ys.sum(0)
    right = total - left
    nl, nr = pos.astype(np.float64), (n - pos).astype(np.float64)
    if criterion == "squared_error":
        # n_L var_L + n_R var_R = sum y^2 - (S_L^2/n_L + S_R^2/n_R): minimize via the proxy, as sklearn does.
        score = -(left[:, 0] ** 2 / nl + right[:, 0] ** 2 / nr)
    else:
        imp = gini if criterion == "gini" else entropy
        score = nl * imp(left) + nr * imp(right)
    valid = (xs[1:] > xs[:-1] + 1e-7) & (nl >= min_leaf) & (nr >= min_leaf)
    return np.where(valid, score, np.inf), pos


def best_split(
    x: np.ndarray, y: np.ndarray, *, criterion: str = "gini", min_samples_leaf: int = 1
) -> tuple[float, float]:
    """Best threshold on one feature for class labels y -> (threshold, information gain); (nan, 0) if none."""
    order = np.argsort(x, kind="stable")
    _, yi = np.unique(y, return_inverse=True)
    Ys = np.eye(yi.max() + 1)[yi[order]]
    score, pos = _cut_scores(x[order], Ys, criterion, min_samples_leaf)
    if not np.isfinite(score).any():
        return float("nan"), 0.0
    i = int(np.argmin(score))
    xs = x[order]
    imp = gini if criterion == "gini" else entropy
    gain = float(imp(Ys.sum(0)) - score[i] / len(x))
    return float(xs[pos[i] - 1] / 2 + xs[pos[i]] / 2), gain


@dataclass
class _Tree:
    feature: list[int] = field(default_factory=list)
    threshold: list[float] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    right: list[int] = field(default_factory=list)
    value: list[np.ndarray] = field(default_factory=list)

    def add(self, value: np.ndarray) -> int:
        self.feature.append(-1)  # -1 marks a leaf until the node is split
        self.threshold.append(np.nan)
        self.left.append(-1)
        self.right.append(-1)
        self.value.append(value)
        return len(self.value) - 1


class _BaseTree:
    criterion: str

    def __init__(
        self,
        *,
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: int | None = None,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.max_depth, self.min_samples_split, self.min_samples_leaf = max_depth, min_samples_split, min_samples_leaf
        self.max_features, self.random_state = max_features, random_state

    def _targets(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # abstract: the classifier and the regressor each supply theirs

    def _node_value(self, Ys: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # abstract, as _targets

    def _impurity(self, Ys: np.ndarray) -> float:
        tot = Ys.sum(0)
        if self.criterion == "squared_error":
            n = len(Ys)
            return float(tot[1] / n - (tot[0] / n) ** 2)
        return float((gini if self.criterion == "gini" else entropy)(tot))

    def _build(self, X: np.ndarray, Ys: np.ndarray) -> None:
        rng = np.random.default_rng(self.random_state)
        n, d = X.shape
        self.tree_ = t = _Tree()
        self.n_features_in_ = d
        importances = np.zeros(d)
        stack = [(np.arange(n), 0, -1, False)]  # (samples, depth, parent, is_left)
        while stack:
            idx, depth, parent, is_left = stack.pop()
            node = t.add(self._node_value(Ys[idx]))
            if parent >= 0:
                (t.left if is_left else t.right)[parent] = node
            imp = self._impurity(Ys[idx])
            if (
                (self.max_depth is not None and depth >= self.max_depth)
                or len(idx) < self.min_samples_split
                or len(idx) < 2 * self.min_samples_leaf
                or imp <= np.finfo(np.float64).eps
            ):
                continue
            feats = np.arange(d) if self.max_features is None else rng.permutation(d)[: self.max_features]
            best = (np.inf, -1, 0.0, np.empty(0, dtype=np.int64))
            for f in feats:
                order = idx[np.argsort(X[idx, f], kind="stable")]
                xs = X[order, f]
                score, pos = _cut_scores(xs, Ys[order], self.criterion, self.min_samples_leaf)
                i = int(np.argmin(score))
                if score[i] < best[0]:
                    thr = xs[pos[i] - 1] / 2 + xs[pos[i]] / 2
                    if thr == xs[pos[i]]:
                        thr = xs[pos[i] - 1]
                    best = (score[i], int(f), float(thr), order)
            if not np.isfinite(best[0]):
                continue  # no valid cut (constant features or min_samples_leaf): leaf
            _, f, thr, order = best
            t.feature[node], t.threshold[node] = f, thr
            go_left = X[order, f] <= thr
            li, ri = order[go_left], order[~go_left]
            importances[f] += len(idx) * imp - len(li) * self._impurity(Ys[li]) - len(ri) * self._impurity(Ys[ri])
            stack.append((ri, depth + 1, node, False))
            stack.append((li, depth + 1, node, True))  # popped first: left subtree built first
        s = importances.sum()
        self.feature_importances_ = importances / s if s > 0 else importances

    def fit(self, X: np.ndarray, y: np.ndarray) -> _BaseTree:
        X = np.asarray(X, dtype=np.float64)
        self._build(X, self._targets(y))
        return self

    def apply(self, X: np.ndarray) -> np.ndarray:
        """Index of the leaf each sample lands in."""
        X = np.asarray(X, dtype=np.float64)
        feat, thr = np.array(self.tree_.feature), np.array(self.tree_.threshold)
        left, right = np.array(self.tree_.left), np.array(self.tree_.right)
        node = np.zeros(len(X), dtype=np.int64)
        active = feat[node] >= 0
        while active.any():
            a = np.flatnonzero(active)
            goes_left = X[a, feat[node[a]]] <= thr[node[a]]
            node[a] = np.where(goes_left, left[node[a]], right[node[a]])
            active = feat[node] >= 0
        return node

    def get_depth(self) -> int:
        depth = {0: 0}
        for i, (lft, rgt) in enumerate(zip(self.tree_.left, self.tree_.right, strict=True)):
            if lft >= 0:
                depth[lft] = depth[rgt] = depth[i] + 1
        return max(depth.values())

    def get_n_leaves(self) -> int:
        return sum(f < 0 for f in self.tree_.feature)


class DecisionTreeClassifier(_BaseTree):
    def __init__(
        self,
        *,
        criterion: Literal["gini", "entropy"] = "gini",
        max_depth: int | None = None,
        min_samples_split: int = 2,
        min_samples_leaf: int = 1,
        max_features: int | None = None,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            random_state=random_state,
        )
        self.criterion = criterion

    def _targets(self, y: np.ndarray) -> np.ndarray:
        self.classes_, yi = np.unique(y, return_inverse=True)
        return np.eye(len(self.classes_))[yi]  # (n, C) one-hot

    def _node_value(self, Ys: np.ndarray) -> np.ndarray:
        c = Ys.sum(0)
        return c / c.sum()

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.stack(self.tree_.value)[self.apply(X)]

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class DecisionTreeRegressor(_BaseTree):
    criterion = "squared_error"

    def _targets(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        return np.stack([y, y**2], axis=1)  # (n, 2): cumulative sums give S and S2 per cut

    def _node_value(self, Ys: np.ndarray) -> np.ndarray:
        return np.array([Ys[:, 0].mean()])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.stack(self.tree_.value)[self.apply(X), 0]
