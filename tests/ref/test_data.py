"""data: scalers, splits, target encoding, hashing and imputation vs scikit-learn; padding vs torch pad_sequence;
SMOTE, stratification and bucketing by their defining properties."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import preprocessing as skp
from sklearn.feature_extraction import FeatureHasher
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GroupKFold, KFold, TimeSeriesSplit
from sklearn.preprocessing import TargetEncoder
from sklearn.utils import murmurhash3_32 as sk_murmur

from mldrill.ref import data as D


@pytest.mark.parametrize(
    "ours,ref",
    [(D.StandardScaler, skp.StandardScaler), (D.MinMaxScaler, skp.MinMaxScaler), (D.RobustScaler, skp.RobustScaler)],
)
def test_scalers_match_sklearn_and_fit_on_train_only(ours, ref):
    rng = np.random.default_rng(0)
    train = rng.standard_t(2, size=(40, 3)) * [1, 10, 100]
    train[:, 2] = 5.0  # a constant feature
    test = rng.normal(size=(10, 3)) * 50
    a, b = ours().fit(train), ref().fit(train)
    np.testing.assert_allclose(a.transform(test), b.transform(test), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.fit_transform(train), b.fit_transform(train), rtol=1e-12, atol=1e-12)
    leaky = ours().fit(np.vstack([train, test])).transform(test)
    assert not np.allclose(leaky, a.transform(test))  # fitting on all data changes the test features


def test_standardize_fits_on_train_only_like_sklearn():
    rng = np.random.default_rng(1)
    train = rng.normal(size=(6, 4)) * [1.0, 10.0, 0.1, 1.0] + [0.0, 5.0, -3.0, 0.0]
    train[:, 3] = 7.0  # constant in training: scale 1, as sklearn
    test = rng.normal(loc=20.0, size=(5, 4))
    sk = skp.StandardScaler().fit(train)
    z_train, z_test = D.standardize(train, test)
    np.testing.assert_allclose(z_train, sk.transform(train), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z_test, sk.transform(test), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z_test[:, 3], test[:, 3] - 7.0, rtol=1e-12, atol=1e-12)


def test_standard_scaler_uses_ddof_0():
    x = np.array([[1.0], [2.0], [3.0], [4.0]])
    assert D.StandardScaler().fit(x).scale_[0] == pytest.approx(np.std(x, ddof=0))


@pytest.mark.parametrize("n,k,gap,test_size", [(20, 4, 0, None), (23, 3, 2, None), (30, 5, 1, 3)])
def test_time_series_split_matches_sklearn(n, k, gap, test_size):
    ours = D.time_series_split(n, k, gap=gap, test_size=test_size)
    ref = list(TimeSeriesSplit(k, gap=gap, test_size=test_size).split(np.zeros(n)))
    assert len(ours) == len(ref)
    for (tr, te), (rtr, rte) in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(tr, rtr)
        np.testing.assert_array_equal(te, rte)
        assert tr.max() < te.min()  # never train on the future


@settings(max_examples=20, deadline=None)
@given(groups=st.lists(st.integers(0, 9), min_size=12, max_size=40).filter(lambda g: len(set(g)) >= 4))
def test_group_kfold_matches_sklearn(groups):
    ours = D.group_kfold(groups, 4)
    ref = list(GroupKFold(4).split(np.zeros(len(groups)), groups=groups))
    for (tr, te), (rtr, rte) in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(te, rte)
        np.testing.assert_array_equal(tr, rtr)
        assert not set(np.asarray(groups)[tr]) & set(np.asarray(groups)[te])


@settings(max_examples=20, deadline=None)
@given(y=st.lists(st.integers(0, 2), min_size=15, max_size=60), seed=st.none() | st.integers(0, 100))
def test_stratified_kfold_properties(y, seed):
    y = np.array(y)
    folds = D.stratified_kfold(y, 3, seed=seed)
    tests = np.concatenate([te for _, te in folds])
    np.testing.assert_array_equal(np.sort(tests), np.arange(len(y)))  # a partition
    for c in np.unique(y):
        counts = [int((y[te] == c).sum()) for _, te in folds]
        assert max(counts) - min(counts) <= 1  # proportions kept up to one sample per class


def test_smote_points_lie_on_neighbour_segments():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    new = D.smote(X, 50, k=3, rng=rng)
    d2 = ((X[:, None] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    nn3 = np.argsort(d2, 1)[:, :3]
    for p in new:
        ok = False
        for i in range(12):
            for j in nn3[i]:
                seg = X[j] - X[i]
                t = np.dot(p - X[i], seg) / np.dot(seg, seg)
                ok |= 0 <= t <= 1 and np.allclose(X[i] + t * seg, p, atol=1e-12)
        assert ok


def test_imagenet_normalize():
    img = torch.rand(2, 3, 4, 5)
    out = D.imagenet_normalize(img)
    torch.testing.assert_close(out[:, 1], (img[:, 1] - 0.456) / 0.224)
    u8 = (img * 255).round().to(torch.uint8)
    torch.testing.assert_close(D.imagenet_normalize(u8), D.imagenet_normalize(u8.float() / 255))


def test_pad_collate_matches_pad_sequence_and_masks_labels():
    seqs = [[5, 6, 7], [1], [2, 3]]
    out = D.pad_collate(seqs, pad_id=0)
    ref = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=0)
    torch.testing.assert_close(out["input_ids"], ref)
    torch.testing.assert_close(out["attention_mask"], torch.tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]))
    assert out["labels"][1].tolist() == [1, -100, -100]
    loss = torch.nn.functional.cross_entropy(torch.randn(3, 10, 3), out["labels"], reduction="sum")
    assert torch.isfinite(loss)


def test_bucketing_cuts_padding_waste():
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 200, size=256).tolist()
    random_batches = [list(range(i, i + 16)) for i in range(0, 256, 16)]
    buckets = D.bucket_by_length(lengths, 16, seed=0)
    assert sorted(i for b in buckets for i in b) == list(range(256))
    assert D.padding_waste(lengths, buckets) < 0.1 < D.padding_waste(lengths, random_batches)
    assert D.padding_waste([2, 4], [[0, 1]]) == pytest.approx(1 - 6 / 8)


def _fewest_batches_of_sorted(lengths: list[int], max_tokens: int) -> int:
    """Oracle: the fewest contiguous batches of the sorted lengths with rows * longest <= max_tokens (a DP)."""
    ls = sorted(lengths)
    best = [0] + [10**9] * len(ls)
    for end in range(1, len(ls) + 1):
        for start in range(end):
            if (end - start) * ls[end - 1] <= max_tokens:
                best[end] = min(best[end], best[start] + 1)
    return best[-1]


@pytest.mark.parametrize("seed", range(4))
def test_bucket_batches_cover_once_fit_the_budget_and_pad_like_pad_sequence(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 40, size=50).tolist()
    seqs = [rng.integers(0, 6, size=n).tolist() for n in lengths]  # small ids: many real tokens equal pad_id
    out = D.bucket_batches(seqs, max_tokens=96, pad_id=3)
    assert sorted(i for idx, _, _ in out for i in idx) == list(range(50))
    for idx, ids, mask in out:
        assert ids.size <= 96
        ref = torch.nn.utils.rnn.pad_sequence([torch.tensor(seqs[i]) for i in idx], batch_first=True, padding_value=3)
        np.testing.assert_array_equal(ids, ref.numpy())  # padded to the batch's own longest sequence
        np.testing.assert_array_equal(mask.sum(1), [lengths[i] for i in idx])
        assert all(mask[r, : lengths[i]].all() and not mask[r, lengths[i] :].any() for r, i in enumerate(idx))
    assert len(out) == _fewest_batches_of_sorted(lengths, 96)  # greedy is optimal on the sorted order


def test_bucket_batches_pad_far_less_than_arrival_order():
    lengths = [10, 100, 11, 98, 9, 99, 12, 101] * 4
    seqs = [[1] * n for n in lengths]
    out = D.bucket_batches(seqs, max_tokens=404, pad_id=0)
    padded = sum(ids.size for _, ids, _ in out) - sum(lengths)
    arrival = [list(range(i, i + 4)) for i in range(0, 32, 4)]  # 4 rows x 101 fit the same budget
    assert padded < 0.05 * D.padding_waste(lengths, arrival) * sum(4 * max(lengths[i] for i in b) for b in arrival)


@pytest.mark.parametrize("smooth", [1.0, 10.0])
def test_target_encode_oof_matches_sklearn(smooth):
    rng = np.random.default_rng(0)
    cats = rng.choice(np.array(["a", "b", "c", "d", "e"]), size=60)
    y = rng.normal(size=60) + (cats == "a") * 2
    folds = list(KFold(5).split(cats))
    ours = D.target_encode_oof(cats, y, folds, smooth=smooth)
    ref = TargetEncoder(target_type="continuous", smooth=smooth, cv=KFold(5)).fit_transform(cats[:, None], y)
    np.testing.assert_allclose(ours, ref[:, 0], rtol=1e-10)


def test_in_fold_target_encoding_leaks():
    rng = np.random.default_rng(1)
    cats = np.arange(40).astype(str)  # an ID column: every category unique
    y = rng.normal(size=40)
    in_fold = np.array([D._fit_target_encoding(cats, y, y.mean(), 0.0)[c] for c in cats])
    assert np.corrcoef(in_fold, y)[0, 1] > 0.99  # the encoding *is* the target
    oof = D.target_encode_oof(cats, y, list(KFold(5).split(cats)), smooth=0.0)
    assert abs(np.corrcoef(oof, y)[0, 1]) < 0.5


@settings(max_examples=30, deadline=None)
@given(s=st.text(max_size=20), seed=st.integers(0, 2**31 - 1))
def test_murmurhash_matches_sklearn(s, seed):
    assert D.murmurhash3_32(s, seed) == sk_murmur(s, seed)


def test_hash_feature_matches_feature_hasher():
    samples = [["cat", "dog", "cat"], ["unseen-category"], ["a", "b", "c", "d", "e", "f"]]
    ref = FeatureHasher(n_features=8, input_type="string").transform(samples).toarray()
    ours = np.stack([D.hash_feature(s, 8) for s in samples])
    np.testing.assert_array_equal(ours, ref)


def test_impute_median_with_indicator_matches_simple_imputer():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(20, 4))
    train[rng.random((20, 4)) < 0.2] = np.nan
    train[:, 3] = rng.normal(size=20)  # no missing values: no indicator column
    test = rng.normal(size=(6, 4))
    test[0, 0] = test[1, 3] = np.nan
    ref = SimpleImputer(strategy="median", add_indicator=True).fit(train)
    np.testing.assert_allclose(D.impute_median_with_indicator(train, test), ref.transform(test))


def test_batches_cover_everything_once():
    got = np.concatenate(list(D.batches(10, 3, seed=0)))
    assert sorted(got.tolist()) == list(range(10)) and got.tolist() != list(range(10))


def test_feature_selection_before_cv_leaks_on_noise_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2000))
    y = rng.integers(0, 2, size=100)  # labels independent of X: chance is 0.5
    leaky = D.cv_accuracy_with_selection(X, y, k_features=20, select_inside_cv=False)
    clean = D.cv_accuracy_with_selection(X, y, k_features=20, select_inside_cv=True)
    assert leaky > 0.8
    # binomial(100, 0.5): |acc - 0.5| > 0.165 has probability < 0.001
    assert abs(clean - 0.5) < 0.165


def test_pad_collate_matches_hf_data_collator_with_padding():
    from tokenizers import Tokenizer, models
    from transformers import DataCollatorWithPadding, PreTrainedTokenizerFast

    vocab = {"[PAD]": 0, "[UNK]": 1, "a": 2, "b": 3}
    tok = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel(vocab, unk_token="[UNK]")), pad_token="[PAD]"
    )
    seqs = [[2, 3, 2, 3], [3], [2, 2]]
    ref = DataCollatorWithPadding(tok, return_tensors="pt")([{"input_ids": s} for s in seqs])
    ours = D.pad_collate(seqs, pad_id=tok.pad_token_id, labels=False)
    assert set(ours) == set(ref)
    for k in ours:
        torch.testing.assert_close(ours[k], ref[k])


def test_min_max_scaling_breaks_on_heavy_tails():
    x = np.concatenate([np.linspace(0, 1, 99), [1000.0]])[:, None]
    mm = D.MinMaxScaler().fit_transform(x)[:99, 0]
    robust = D.RobustScaler().fit_transform(x)[:99, 0]
    assert np.ptp(mm) < 0.002  # one outlier squashes the bulk into 0.1% of the range
    assert np.ptp(robust) > 1.5  # median/IQR ignore it
