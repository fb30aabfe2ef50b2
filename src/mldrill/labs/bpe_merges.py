"""BPE on mldrill's own text: bytes per token on held-out text vs the number of merges, and the same text in other
languages and scripts, which a tokenizer trained on English code and prose compresses far less."""

from __future__ import annotations

from pathlib import Path

from mldrill.labs._core import Int, LabResult, Predict, draw, figure, table
from mldrill.ref.bpe import BPETokenizer, token_stats

TITLE = "BPE: bytes per token vs merges"
AREA = "tokenization"
TOPICS = ["bpe-tokenizers"]
SETTLES = ["tokenizer-practice/multilingual-cost"]
SECONDS = 1.0
CONTENT = Path(__file__).resolve().parent.parent / "content"
PARAMS = {
    "max_merges": Int(16, 2000, default=512, help="largest number of merges trained"),
    "train_kb": Int(10, 400, default=120, help="kilobytes of card text to train on"),
}
PREDICT = Predict(
    question="A BPE tokenizer trained only on English text compresses English to ~3 bytes per token. Greek text "
    "with the same meaning:",
    choices=("about the same", "fewer bytes per token: Greek letters are 2 bytes", "close to 1-2 bytes per token"),
    answer=2,
    why="No merge was learned for Greek byte pairs, so each token is about one byte (or one character's two).",
)
SAMPLES = {
    "English": "The learning rate is capped by the sharpest direction of the loss surface.",
    "German": "Die Lernrate wird durch die steilste Richtung der Verlustfläche begrenzt.",
    "Greek": "Ο ρυθμός μάθησης περιορίζεται από την πιο απότομη κατεύθυνση της επιφάνειας απωλειών.",
    "Chinese": "学习率受损失曲面最陡方向的限制。",
}


def corpus(kb: int) -> tuple[str, str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CONTENT.rglob("*.yaml")))
    n = kb * 1024
    return text[:n], text[n : n + 20_000]  # train, held out


def run(max_merges: int = 512, train_kb: int = 120) -> LabResult:
    train, heldout = corpus(train_kb)
    tok = BPETokenizer().train(train, 256 + max_merges)
    merges = sorted({m for m in (0, 16, 64, 128, 256, 512, 1024, 2000, max_merges) if m <= max_merges})
    bpt = []
    for m in merges:
        sub = BPETokenizer().train(train, 256 + m) if m < max_merges else tok
        bpt.append(token_stats([heldout], sub.encode_ordinary)[0]["bytes_per_token"])
    langs = {k: token_stats([v], tok.encode_ordinary)[0] for k, v in SAMPLES.items()}
    fig, (a1, a2) = figure(2, width=7.4, height=3.5)
    a1.plot(merges, bpt, marker="o", ms=3)
    a1.set_xlabel("merges (vocabulary = 256 + merges)")
    a1.set_ylabel("held-out bytes per token")
    a1.set_title(f"Trained on {train_kb} KB of card text")
    a2.bar(list(langs), [v["bytes_per_token"] for v in langs.values()], color="#2563eb")
    a2.set_ylabel("bytes per token")
    a2.set_title(f"Same sentence, {max_merges} merges")
    a2.grid(axis="x", visible=False)
    rows = [[m, b] for m, b in zip(merges, bpt, strict=True)]
    alt = (
        f"Left: held-out bytes per token rise from 1.0 with no merges to {bpt[-1]:.2f} after {max_merges} merges, "
        f"with diminishing returns. Right: the same sentence costs "
        + ", ".join(f"{k} {v['bytes_per_token']:.2f}" for k, v in langs.items())
        + " bytes per token."
    )
    text = (
        "Each merge makes one frequent byte pair a single token, so compression rises quickly for the first merges "
        "and then slowly. A tokenizer is only efficient on text like its training data: other languages and scripts, "
        "never merged, fall back toward single bytes and cost several times more tokens."
    )
    fig_out = draw(fig, alt=alt, title="BPE compression", table=table(["merges", "bytes/token (held out)"], rows))
    return LabResult([fig_out], {"merges": merges, "bytes_per_token": bpt, "languages": langs}, text)
