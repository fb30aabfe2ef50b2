"""Classic wrong n-gram perplexities, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
import math
from collections import Counter

def ngram_perplexity(train, test, *, n=2, k=1.0):
    vocab = {w for s in train for w in s} | {"<s>", "</s>", "<UNK>"}
    V = len(vocab)

    def pad(sent):
        return ["<s>"] * (n - 1) + [w if w in vocab else "<UNK>" for w in sent] + ["</s>"]

    grams, contexts = Counter(), Counter()
    for s in train:
        t = pad(s)
        for i in range(n - 1, len(t)):
            h = tuple(t[i - n + 1:i])
            grams[h + (t[i],)] += 1
            contexts[h] += 1

    def score(sent):
        t = pad(sent)
        lp = 0.0
        for i in range(n - 1, len(t)):
            h = tuple(t[i - n + 1:i])
            p = (grams[h + (t[i],)] + k) / (contexts[h] + k * V)
            lp += math.log(p) if p > 0 else -math.inf
        return lp, len(t) - (n - 1)

    scores = [score(s) for s in test]
    return math.exp(-sum(lp for lp, _ in scores) / sum(c for _, c in scores))
"""

GENERIC = "matches the add-k n-gram perplexity"
ADD_K = "add-k: (c(h, w) + k) / (c(h) + k |V|), with <s>, </s> and <UNK> in V"

MUTANTS = [
    mutant(
        "V without the special tokens",
        "V = len(vocab)",
        "V = len(vocab) - 3",
        ADD_K,
        GENERIC,
    ),
    mutant(
        "k added once in the denominator",
        "(contexts[h] + k * V)",
        "(contexts[h] + k)",
        ADD_K,
        GENERIC,
    ),
    mutant(
        "no </s>",
        ' + ["</s>"]',
        "",
        "every sentence ends with a predicted </s>",
        GENERIC,
        ADD_K,  # every perplexity counts the </s> terms: each check sees this one
        "perplexity pools all test tokens",
        "an n-gram context starts with n - 1 <s>",
    ),
    mutant(
        "mean of sentence perplexities",
        "    return math.exp(-sum(lp for lp, _ in scores) / sum(c for _, c in scores))",
        "    return sum(math.exp(-lp / c) for lp, c in scores) / len(scores)",
        "perplexity pools all test tokens",
        GENERIC,
    ),
    mutant(
        "a single <s>",
        '["<s>"] * (n - 1)',
        '["<s>"]',
        "an n-gram context starts with n - 1 <s>",
        GENERIC,
    ),
]
