"""Hidden checks for the ngram-lm kata. Expected values: mldrill.ref.nlp.ngram.ngram_perplexity, which
tests/ref/nlp/test_nlp_ngram.py checks against nltk.lm's Laplace / Lidstone / MLE scores; words drawn per run."""

from __future__ import annotations

from mldrill.grader.checks import Call, Check, expect_scalar


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    words: list[str] = []
    while len(words) < 8:
        w = "".join(rng.choice(letters, size=int(rng.integers(2, 6))))
        if w not in words:
            words.append(w)
    vocab, oov = words[:6], words[6:]

    def sent(lo: int, hi: int, pool: list[str]) -> list[str]:
        return [str(w) for w in rng.choice(pool, size=int(rng.integers(lo, hi + 1)))]

    train = [sent(2, 7, vocab) for _ in range(10)]

    def check(name: str, why: str, cases: list[tuple[list, list, int, float]]) -> Check:
        calls = [Call((tr, te), {"n": n, "k": k}) for tr, te, n, k in cases]
        want = [solution(tr, te, n=n, k=k) for tr, te, n, k in cases]
        return Check(name, why, calls, expect_scalar(want, atol=0.0, rtol=1e-9, name="perplexity"))

    test = [sent(2, 6, vocab + oov) for _ in range(3)]
    random = [(train, test, 2, 1.0), (train, test, 3, float(rng.uniform(0.2, 0.8)))]
    add_k = [(train, [sent(6, 10, vocab + oov)], 2, float(rng.uniform(0.3, 2.0)))]  # one sentence: no pooling
    while True:  # two training sentences whose own perplexities differ (so pooling is visible)
        i, j = (int(x) for x in rng.choice(len(train), size=2, replace=False))
        if abs(solution(train, [train[i]], n=2, k=0.0) - solution(train, [train[j]], n=2, k=0.0)) > 0.05:
            break
    # MLE on training sentences (every n-gram seen): the vocabulary size plays no part
    one = [(train, [train[i]], 2, 0.0)]
    pooled = [(train, [train[i], train[j]], 2, 0.0)]
    trigram = [(train, [train[i]], 3, 0.0)]

    return [
        check(
            "matches the add-k n-gram perplexity",
            "Pad with n - 1 <s> and one </s>, count n-grams and contexts, add-k probabilities over |V| = training "
            "words + <s>, </s>, <UNK>, perplexity pooled over every predicted token.",
            random,
        ),
        check(
            "add-k: (c(h, w) + k) / (c(h) + k |V|), with <s>, </s> and <UNK> in V",
            "Adding k to each of the |V| possible next words adds k |V| to the denominator; |V| counts the special "
            "tokens too (M60: the number depends on that convention, so it must be the stated one).",
            add_k,
        ),
        check(
            "every sentence ends with a predicted </s>",
            "The model must predict where a sentence ends: each sentence contributes log P(</s> | h) and one more "
            "token to N. Without </s> the probabilities of all sentence lengths do not sum to 1.",
            one,
        ),
        check(
            "perplexity pools all test tokens",
            "Corpus perplexity is exp of the mean log-probability over all tokens of all sentences; the mean of "
            "per-sentence perplexities weights a short sentence like a long one.",
            pooled,
        ),
        check(
            "an n-gram context starts with n - 1 <s>",
            "For a trigram model the first word is predicted from (<s>, <s>): with a single <s> the first word is "
            "never predicted (and never counted).",
            trigram,
        ),
    ]
