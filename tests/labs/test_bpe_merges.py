"""BPE compression grows with merges, with diminishing returns; unseen scripts compress worse; round trip holds."""

from itertools import pairwise

from mldrill.labs.bpe_merges import SAMPLES, corpus, run
from mldrill.ref.bpe import BPETokenizer


def test_compression_curve_and_languages() -> None:
    n = run(max_merges=128, train_kb=20).numbers
    bpt = n["bytes_per_token"]
    assert bpt[0] == 1.0 and all(b2 > b1 for b1, b2 in pairwise(bpt))
    gains = [b2 - b1 for b1, b2 in pairwise(bpt)]
    per_merge = [g / (m2 - m1) for g, (m1, m2) in zip(gains, pairwise(n["merges"]), strict=True)]
    assert per_merge[0] > per_merge[-1]  # diminishing returns
    langs = n["languages"]
    assert langs["English"]["bytes_per_token"] > 1.5 * langs["Greek"]["bytes_per_token"]
    # Card multilingual-cost: scripts the merges never saw fall back to one token per UTF-8 byte (2 per Greek
    # letter, 3 per CJK character), so the same sentence costs several times the English token count.
    for lang in ("Greek", "Chinese"):
        assert langs[lang]["tokens"] == len(SAMPLES[lang].encode("utf-8")), lang
    assert langs["Greek"]["tokens"] >= 3 * langs["English"]["tokens"]
    train, _ = corpus(20)
    tok = BPETokenizer().train(train, 256 + 64)
    for s in SAMPLES.values():
        assert tok.decode(tok.encode_ordinary(s)) == s
