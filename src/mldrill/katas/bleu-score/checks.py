"""Hidden checks for the bleu-score kata. Expected values: sacrebleu's corpus BLEU, variant pinned:
BLEU(tokenize='none', smooth_method='none', max_ngram_order=max_n), references passed as streams."""

from __future__ import annotations

from sacrebleu.metrics import BLEU

from mldrill.grader.checks import Call, Check, expect_scalar

TOL = {"atol": 1e-9, "rtol": 1e-9}


def _sacre(hyps: list[str], refs: list[list[str]], max_n: int) -> float:
    streams = [list(s) for s in zip(*refs, strict=True)]
    return float(BLEU(tokenize="none", smooth_method="none", max_ngram_order=max_n).corpus_score(hyps, streams).score)


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    pool: list[str] = []
    while len(pool) < 40:  # fresh distinct words every run
        w = "".join(rng.choice(letters, size=int(rng.integers(2, 7))))
        if w not in pool:
            pool.append(w)

    def fresh(k: int) -> list[str]:
        """k distinct words (no repeats, so clipping plays no part)."""
        return [str(w) for w in rng.choice(pool, size=k, replace=False)]

    def j(ws: list[str]) -> str:
        return " ".join(ws)

    def case(hyps: list[str], refs: list[list[str]], max_n: int = 4) -> tuple[Call, float]:
        return Call((hyps, refs), {"max_n": max_n}), _sacre(hyps, refs, max_n)

    def check(name: str, why: str, cases: list[tuple[Call, float]]) -> Check:
        return Check(name, why, [c for c, _ in cases], expect_scalar([e for _, e in cases], name="BLEU", **TOL))

    # -- random corpora: a small vocabulary (repeats), hypotheses edited from a reference, two references each
    def corpus(n_seg: int) -> tuple[list[str], list[list[str]]]:
        vocab = fresh(7)
        hyps, refs = [], []
        for _ in range(n_seg):
            ref = [str(w) for w in rng.choice(vocab, size=int(rng.integers(8, 17)))]
            hyp = list(ref)
            for _ in range(int(rng.integers(1, 4))):
                k = int(rng.integers(len(hyp)))
                op = int(rng.integers(3))
                if op == 0:
                    hyp[k] = str(rng.choice(vocab))
                elif op == 1 and len(hyp) > 5:
                    del hyp[k]
                else:
                    hyp.insert(k, str(rng.choice(vocab)))
            other = [str(w) for w in rng.choice(vocab, size=int(rng.integers(6, 17)))]
            hyps.append(j(hyp))
            refs.append([j(ref), j(other)])
        return hyps, refs

    random = [case(*corpus(5)), case(*corpus(3), max_n=2)]

    # -- clipping (unigrams only): "a" 4 times in the hypothesis, at most twice in one reference, 3 in all
    a, b, c, d, e, f, g, x, y = fresh(9)
    clip_h = [a, a, a, a, b, c]
    rng.shuffle(clip_h)
    clip = case([j(clip_h)], [[j([a, b, c, d, e, x]), j([a, a, b, f, g, y])]], max_n=1)  # c = r: BP = 1

    # -- the brevity penalty: every n-gram of the hypothesis is in the first reference (all p_n = 1)
    n_h = int(rng.integers(6, 11))
    words = fresh(n_h + 12)
    hyp, extra, filler = words[:n_h], words[n_h], words[n_h + 1 :]
    closest = case([j(hyp)], [[j([*hyp, extra]), j(filler[: n_h - 2])]])  # lengths c+1 and c-2: closest c+1
    tie = case([j(hyp)], [[j([*hyp, extra]), j(filler[: n_h - 1])]])  # c+1 and c-1: a tie, the shorter wins
    # a longer hypothesis: two references of length c-2 cover all its n-grams between them
    long_h = fresh(int(rng.integers(8, 13)))
    longer = case([j(long_h)], [[j(long_h[:-2]), j(long_h[2:])]])

    # -- the geometric mean: one segment, c = r, one word replaced in the middle (unequal precisions)
    gm_ref = fresh(int(rng.integers(9, 14)))
    gm_hyp = list(gm_ref)
    gm_hyp[len(gm_hyp) // 2] = str(next(w for w in pool if w not in gm_ref))
    geometric = case([j(gm_hyp)], [[j(gm_ref)]])

    # -- pooled statistics (unigrams): a short, half-right segment (its own BP < 1) and a long, right one
    pw = fresh(int(rng.integers(17, 20)))  # distinct words: clipping plays no part
    p_ref1, p_ref2 = pw[:6], pw[6:-5]
    p_hyp1 = [p_ref1[0], p_ref1[1], pw[-5], pw[-4]]
    p_hyp2 = [*p_ref2, *pw[-3:]]  # longer than its reference
    pooled = case([j(p_hyp1), j(p_hyp2)], [[j(p_ref1)], [j(p_ref2)]], max_n=1)

    # -- a zero precision: unigram and bigram matches, no trigram match
    z = fresh(12)
    zero = case([j([z[0], z[1], z[8], z[2], z[3], z[9], z[4], z[5]])], [[j(z[:8])]])

    return [
        check(
            "matches sacrebleu's corpus BLEU",
            "Clipped n-gram precisions summed over the corpus, their geometric mean, and the brevity penalty "
            "(sacrebleu, tokenize='none', no smoothing).",
            random,
        ),
        check(
            "counts are clipped by the single reference that has the most",
            "A hypothesis n-gram counts at most max_r count_r(g) times: not its own count (repeating 'the' would "
            "score), and not the sum over the references.",
            [clip],
        ),
        check(
            "the brevity penalty uses the closest reference length",
            "r is the length of the reference CLOSEST to the hypothesis (a tie goes to the shorter), not the "
            "shortest or the average reference.",
            [closest, tie],
        ),
        check(
            "no brevity penalty for a hypothesis longer than the reference",
            "BP = min(1, exp(1 - r/c)): it only punishes short hypotheses; without the min a long one scores "
            "above 100.",
            [longer],
        ),
        check(
            "the geometric mean of the n-gram precisions",
            "BLEU averages log p_n (a geometric mean): the arithmetic mean of the precisions is another metric.",
            [geometric],
        ),
        check(
            "corpus statistics are pooled, not averaged over sentences",
            "Corpus BLEU sums matches, n-gram counts and lengths over all segments and divides once; the mean of "
            "sentence BLEUs weights a 4-word sentence like a 40-word one.",
            [pooled],
        ),
        check(
            "an order with no match gives 0",
            "Without smoothing, p_n = 0 for some n makes log p_n = -inf and BLEU 0: skipping that order (or "
            "averaging only the non-zero ones) is a smoothing nobody asked for.",
            [zero],
        ),
    ]
