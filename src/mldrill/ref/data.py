"""Data pipeline pieces: scalers, leakage-free splits, SMOTE, ImageNet normalization, padding and bucketing, target
encoding, the hashing trick and median imputation with missingness indicators.

z-score (x - mu) / sigma (ddof 0);  min-max (x - min) / (max - min);  robust (x - median) / IQR
smoothed target encoding (sum y + m * prior) / (n + m), fitted out-of-fold (in-fold encoding leaks the target)
padding waste 1 - sum(len) / (B * max_len);  token-budget batches B * max_len <= max_tokens (padding counts)
ImageNet mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]

Traps: fit every transform on the training split only; never shuffle time series; correlated samples (same patient,
same user) must stay in one fold (group split); keep val/test at the real class balance (SMOTE only on the train
fold, and never on images/text/embeddings); pad labels with -100 so padding does not enter the loss.
Constant features: StandardScaler and RobustScaler leave them unscaled (scale 1), as sklearn does.
Tested against scikit-learn and torch (tests/ref/test_data.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import torch

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class StandardScaler:
    def fit(self, X: np.ndarray) -> StandardScaler:
        self.mean_ = X.mean(0)
        var = X.var(0)  # ddof = 0, like sklearn
        self.scale_ = np.where(var > 0, np.sqrt(var), 1.0)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) / self.scale_

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)


def standardize(X_train: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z-score both splits with the training split's statistics only (mean, ddof-0 std, constant columns scale 1)."""
    train, test = np.asarray(X_train, dtype=np.float64), np.asarray(X_test, dtype=np.float64)
    scaler = StandardScaler().fit(train)  # never on test, never on train + test
    return scaler.transform(train), scaler.transform(test)


class MinMaxScaler:
    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)):
        self.feature_range = feature_range

    def fit(self, X: np.ndarray) -> MinMaxScaler:
        self.data_min_, self.data_max_ = X.min(0), X.max(0)
        rng = self.data_max_ - self.data_min_
        lo, hi = self.feature_range
        self.scale_ = (hi - lo) / np.where(rng > 0, rng, 1.0)
        self.min_ = lo - self.data_min_ * self.scale_
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return X * self.scale_ + self.min_

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)


class RobustScaler:
    def __init__(self, quantile_range: tuple[float, float] = (25.0, 75.0)):
        self.quantile_range = quantile_range

    def fit(self, X: np.ndarray) -> RobustScaler:
        self.center_ = np.median(X, axis=0)
        q_lo, q_hi = np.percentile(X, self.quantile_range, axis=0)
        iqr = q_hi - q_lo
        self.scale_ = np.where(iqr > 0, iqr, 1.0)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.center_) / self.scale_

    def fit_transform(self, X: np.ndarray) -> np.ndarray:
        return self.fit(X).transform(X)


Split = tuple[np.ndarray, np.ndarray]


def time_series_split(n_samples: int, n_splits: int = 5, *, test_size: int | None = None, gap: int = 0) -> list[Split]:
    """Expanding-window splits (sklearn TimeSeriesSplit): train strictly before test, `gap` samples in between."""
    test_size = test_size or n_samples // (n_splits + 1)
    idx = np.arange(n_samples)
    starts = range(n_samples - n_splits * test_size, n_samples, test_size)
    return [(idx[: s - gap], idx[s : s + test_size]) for s in starts]


def group_kfold(groups: Sequence, n_splits: int = 5) -> list[Split]:
    """Whole groups go to one fold; the largest groups are placed first, each into the currently lightest fold
    (sklearn GroupKFold without shuffling, ties between equal-size groups broken the same way)."""
    uniq, group_idx = np.unique(np.asarray(groups), return_inverse=True)
    if n_splits > len(uniq):
        raise ValueError(f"n_splits={n_splits} is greater than the number of groups: {len(uniq)}")
    sizes = np.bincount(group_idx)
    order = np.argsort(sizes, kind="stable")[::-1]  # largest first; equal sizes: higher group index first
    fold_load = np.zeros(n_splits)
    group_fold = np.zeros(len(uniq), dtype=int)
    for g in order:
        f = int(np.argmin(fold_load))
        fold_load[f] += sizes[g]
        group_fold[g] = f
    sample_fold = group_fold[group_idx]
    all_idx = np.arange(len(group_idx))
    return [(all_idx[sample_fold != f], all_idx[sample_fold == f]) for f in range(n_splits)]


def stratified_kfold(y: Sequence, n_splits: int = 5, *, seed: int | None = None) -> list[Split]:
    """Each class is dealt round-robin over the folds (after an optional seeded shuffle), so every fold keeps the
    class proportions up to one sample per class. (sklearn's exact allocation differs; the property is the same.)"""
    labels = np.asarray(y)
    rng = np.random.default_rng(seed)
    fold = np.empty(len(labels), dtype=int)
    offset = 0
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if seed is not None:
            members = rng.permutation(members)
        fold[members] = (np.arange(len(members)) + offset) % n_splits  # continue where the last class stopped
        offset += len(members)
    all_idx = np.arange(len(labels))
    return [(all_idx[fold != f], all_idx[fold == f]) for f in range(n_splits)]


def smote(X_min: np.ndarray, n_new: int, *, k: int = 5, rng: np.random.Generator) -> np.ndarray:
    """SMOTE (Chawla et al., 2002): new points on segments between a minority sample and one of its k nearest
    minority neighbours. Apply to the training fold only."""
    d2 = ((X_min[:, None, :] - X_min[None, :, :]) ** 2).sum(-1)  # (n, n)
    np.fill_diagonal(d2, np.inf)
    nn_idx = np.argsort(d2, axis=1)[:, :k]  # (n, k)
    base = rng.integers(0, len(X_min), size=n_new)
    partner = nn_idx[base, rng.integers(0, min(k, len(X_min) - 1), size=n_new)]
    gap = rng.random((n_new, 1))
    return X_min[base] + gap * (X_min[partner] - X_min[base])  # (n_new, d)


def imagenet_normalize(img: torch.Tensor) -> torch.Tensor:
    """(..., 3, H, W) RGB in [0, 1] (uint8 in [0, 255] is divided by 255 first) -> standardized per channel."""
    x = img.float() / 255.0 if img.dtype == torch.uint8 else img
    mean = torch.tensor(IMAGENET_MEAN, dtype=x.dtype).reshape(3, 1, 1)
    std = torch.tensor(IMAGENET_STD, dtype=x.dtype).reshape(3, 1, 1)
    return (x - mean) / std


def pad_collate(seqs: Sequence[Sequence[int]], *, pad_id: int, labels: bool = True,
                label_pad: int = -100) -> dict[str, torch.Tensor]:  # fmt: skip
    """Pad a batch to its own longest sequence (dynamic padding): input_ids, attention_mask (1 = real token),
    and labels = input_ids with padding replaced by -100 so the loss skips it."""
    t_max = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), t_max), pad_id, dtype=torch.long)  # (B, T)
    mask = torch.zeros((len(seqs), t_max), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(list(s), dtype=torch.long)
        mask[i, : len(s)] = 1
    out = {"input_ids": ids, "attention_mask": mask}
    if labels:
        out["labels"] = ids.masked_fill(mask == 0, label_pad)
    return out


def padding_waste(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> float:
    """Fraction of padded positions when each batch (indices into lengths) is padded to its own max length."""
    real = sum(lengths[i] for b in batches for i in b)
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    return 1 - real / padded


def bucket_by_length(lengths: Sequence[int], batch_size: int, *, seed: int | None = None) -> list[list[int]]:
    """Sort indices by length, cut into batches of similar lengths, then shuffle the batch order (seeded)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if seed is not None:
        perm = np.random.default_rng(seed).permutation(len(batches))
        batches = [batches[i] for i in perm]
    return batches


def bucket_batches(seqs: Sequence[Sequence[int]], *, max_tokens: int,
                   pad_id: int = 0) -> list[tuple[list[int], np.ndarray, np.ndarray]]:  # fmt: skip
    """Token-budget bucketing: sort by length (stable), fill each batch while (rows + 1) * its longest sequence fits
    in max_tokens (padding counts: that is what the GPU computes), then pad each batch to its own longest sequence.
    Returns (indices, input_ids (b, T_b), attention_mask (b, T_b)) per batch; the mask is built from the lengths,
    never from ids != pad_id (a real token may equal pad_id). A sequence longer than max_tokens gets its own batch."""
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # ascending: the newcomer is the longest
    groups: list[list[int]] = [[]]
    for i in order:
        if groups[-1] and (len(groups[-1]) + 1) * len(seqs[i]) > max_tokens:
            groups.append([])
        groups[-1].append(i)
    out = []
    for g in (g for g in groups if g):
        width = max(len(seqs[i]) for i in g)
        ids = np.full((len(g), width), pad_id, dtype=np.int64)  # (b, T_b)
        mask = np.zeros((len(g), width), dtype=np.int64)  # (b, T_b)
        for r, i in enumerate(g):
            ids[r, : len(seqs[i])] = seqs[i]
            mask[r, : len(seqs[i])] = 1
        out.append((g, ids, mask))
    return out


def target_encode_oof(cats: Sequence, y: np.ndarray, folds: Sequence[Split], *, smooth: float = 10.0) -> np.ndarray:
    """Out-of-fold smoothed mean encoding: each sample's code comes from a fit on the other folds only.
    Categories unseen in a fit fall back to that fit's prior (the train-fold mean)."""
    c_arr = np.asarray(cats)
    out = np.zeros(len(c_arr))
    for train, test in folds:
        prior = y[train].mean()
        enc = _fit_target_encoding(c_arr[train], y[train], prior, smooth)
        out[test] = [enc.get(c, prior) for c in c_arr[test]]
    return out


def _fit_target_encoding(cats: np.ndarray, y: np.ndarray, prior: float, smooth: float) -> dict:
    return {c: (y[cats == c].sum() + smooth * prior) / ((cats == c).sum() + smooth) for c in np.unique(cats)}


def murmurhash3_32(data: bytes | str, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit (Appleby), returned as a signed int like sklearn.utils.murmurhash3_32."""
    key = data.encode("utf-8") if isinstance(data, str) else data
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF

    def rotl(x: int, r: int) -> int:
        return ((x << r) | (x >> (32 - r))) & mask

    h = seed & mask
    n_blocks = len(key) // 4
    for i in range(n_blocks):
        k = int.from_bytes(key[4 * i : 4 * i + 4], "little")
        k = rotl((k * c1) & mask, 15) * c2 & mask
        h = (rotl(h ^ k, 13) * 5 + 0xE6546B64) & mask
    tail = key[4 * n_blocks :]
    if tail:
        k = int.from_bytes(tail, "little")
        h ^= rotl((k * c1) & mask, 15) * c2 & mask
    h ^= len(key)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - (1 << 32) if h >= (1 << 31) else h


def hash_feature(tokens: Sequence[str], n_features: int, *, alternate_sign: bool = True) -> np.ndarray:
    """The hashing trick (sklearn FeatureHasher, input_type='string'): column = |h| mod n, value = sign(h) (so that
    collisions cancel in expectation). Unseen categories need no vocabulary and cannot crash."""
    row = np.zeros(n_features)
    for t in tokens:
        h = murmurhash3_32(t)
        idx = (2147483647 - (n_features - 1)) % n_features if h == -(2**31) else abs(h) % n_features
        row[idx] += (1.0 if h >= 0 else -1.0) if alternate_sign else 1.0
    return row


def impute_median_with_indicator(X_train: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Fill NaNs with the *training* medians and append one 0/1 column per feature that had missing values in
    training (sklearn SimpleImputer(strategy='median', add_indicator=True))."""
    medians = np.nanmedian(X_train, axis=0)
    missing_cols = np.flatnonzero(np.isnan(X_train).any(0))
    filled = np.where(np.isnan(X), medians, X)
    return np.hstack([filled, np.isnan(X[:, missing_cols]).astype(float)])


def batches(n: int, batch_size: int, *, seed: int | None = None) -> Iterator[np.ndarray]:
    """Index batches over n samples, shuffled with a seeded generator when seed is given; the last may be short."""
    order = np.random.default_rng(seed).permutation(n) if seed is not None else np.arange(n)
    for i in range(0, n, batch_size):
        yield order[i : i + batch_size]


def _top_k_by_correlation(X: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    xc, yc = X - X.mean(0), y - y.mean()
    corr = np.abs(xc.T @ yc) / (np.linalg.norm(xc, axis=0) * np.linalg.norm(yc) + 1e-12)  # (d,)
    return np.argsort(corr)[-k:]


def cv_accuracy_with_selection(X: np.ndarray, y: np.ndarray, *, k_features: int, n_splits: int = 5,
                               select_inside_cv: bool = True) -> float:  # fmt: skip
    """Cross-validated accuracy of 'pick the k features most correlated with y, then nearest centroid'.

    With select_inside_cv=False the selection sees every label, test folds included: on pure-noise labels this
    scores far above chance, the leakage the data-pipeline figure shows. Inside CV it stays at chance."""
    n = len(y)
    fold = np.arange(n) % n_splits
    chosen_all = _top_k_by_correlation(X, y, k_features)
    correct = 0
    for f in range(n_splits):
        tr, te = fold != f, fold == f
        cols = _top_k_by_correlation(X[tr], y[tr], k_features) if select_inside_cv else chosen_all
        centroids = np.stack([X[tr][y[tr] == c][:, cols].mean(0) for c in (0, 1)])  # (2, k)
        d = ((X[te][:, cols][:, None, :] - centroids[None]) ** 2).sum(-1)  # (n_te, 2)
        correct += int((d.argmin(1) == y[te]).sum())
    return correct / n
