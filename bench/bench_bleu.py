"""Corpus BLEU: ours vs sacrebleu.corpus_bleu(tokenize="none"), 2,000 generated segments with 2 references."""

import sys
import time
from pathlib import Path

import numpy as np
import sacrebleu

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.ref.metrics.bleu import corpus_bleu


def best_of(fn, repeats=3):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(300)]

    def sent():
        return " ".join(rng.choice(vocab, size=int(rng.integers(8, 30))))

    refs = [[sent() for _ in range(2000)] for _ in range(2)]
    hyps = [" ".join([*r.split()[: len(r.split()) - 1], "w7"]) for r in refs[0]]
    ours = corpus_bleu(hyps, refs).score
    theirs = sacrebleu.corpus_bleu(hyps, refs, tokenize="none").score
    t_ours = best_of(lambda: corpus_bleu(hyps, refs))
    t_ref = best_of(lambda: sacrebleu.corpus_bleu(hyps, refs, tokenize="none"))
    print(f"bleu: 2000 segments, 2 refs: ours {ours:.6f}, sacrebleu {theirs:.6f}")
    print(f"ours {t_ours * 1e3:9.1f} ms   sacrebleu {t_ref * 1e3:9.1f} ms   ours/sacrebleu {t_ours / t_ref:6.2f}x")


if __name__ == "__main__":
    main()
