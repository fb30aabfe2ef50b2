"""BPE on taylorswift.txt at vocab 512, GPT-4 split pattern, against the named peers, in interleaved rounds:

- training: ours (incremental pair counts + a heap) vs minbpe's RegexTokenizer (../shared/bench-peers/minbpe, which
  recounts every pair after every merge) and our own recount-every-merge oracle `train_bpe_naive`;
- encoding (cold: our encoder starts with no pair table and no remembered words): ours vs minbpe's RegexTokenizer
  given the same merges, and vs tiktoken given the same ranks; all three must return identical ids.
Targets (issue #16): training >= 20x faster than minbpe; encoding >= 10x faster than minbpe and within 3x of tiktoken.
Skips with the reason when the peer or the data is absent.
"""

import sys
from pathlib import Path

import tiktoken

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import interleaved, ratio_line

from mldrill.ref.bpe import BPETokenizer, train_bpe_naive

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    data = SHARED / "bench-data" / "taylorswift.txt"
    peers = SHARED / "bench-peers"
    if not data.is_file():
        print(f"skipped: {data} not found")
        return
    if not (peers / "minbpe").is_dir():
        print(f"skipped: peer not found ({peers / 'minbpe'})")
        return
    sys.path.insert(0, str(peers))
    from minbpe import RegexTokenizer

    text = data.read_text(encoding="utf-8")
    print(f"{data.name}: {len(text):,} characters, vocab 512, GPT-4 split pattern")

    tok = BPETokenizer().train(text, 512)
    assert train_bpe_naive(text, 512) == tok.merges, "incremental and recount trainers disagree"
    train = interleaved(
        {"ours": lambda: BPETokenizer().train(text, 512), "minbpe": lambda: RegexTokenizer().train(text, 512)},
        rounds=2,
        warmup=False,  # minbpe takes ~40 s a run here; training has nothing to warm up but the imports, done above
    )
    print(ratio_line("train to vocab 512", train, "ours", "minbpe"))

    peer = RegexTokenizer()  # the same merges, so that all three encoders must agree id for id
    peer.merges = {pair: new_id for pair, new_id in tok.merges}
    peer.vocab = dict(tok.vocab)
    enc = tiktoken.Encoding("bench", pat_str=tok.pattern, mergeable_ranks=tok.mergeable_ranks(), special_tokens={})
    ids = tok.encode_ordinary(text)
    assert ids == enc.encode_ordinary(text) == peer.encode_ordinary(text), "encoders disagree"

    def ours_cold() -> None:
        tok._encoder = None  # the table of pairs that spell a token built again, and every distinct word
        # pre-tokenized and merged from its bytes, as on a text never seen
        tok.encode_ordinary(text)

    times = interleaved(
        {
            "ours": ours_cold,
            "minbpe": lambda: peer.encode_ordinary(text),
            "tiktoken": lambda: enc.encode_ordinary(text),
        },
        rounds=5,
    )
    print(ratio_line("encode (cold cache)", times, "ours", "minbpe"))
    print(ratio_line("encode (cold cache)", times, "ours", "tiktoken"))
    print(f"tokens: {len(ids):,} ({len(text.encode()) / len(ids):.2f} bytes/token)")


if __name__ == "__main__":
    main()
