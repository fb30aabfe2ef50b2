"""BLEU, chrF and ROUGE-L as a reference sentence is edited step by step: word swaps, a paraphrase, a reordering,
a truncation. The n-gram metrics punish a faithful paraphrase more than a meaning-breaking one-word change."""

from __future__ import annotations

from mldrill.labs._core import Choice, LabResult, Predict, draw, figure, table
from mldrill.ref.metrics.bleu import sentence_bleu
from mldrill.ref.metrics.chrf import corpus_chrf
from mldrill.ref.metrics.rouge import rouge_l

TITLE = "BLEU, chrF and ROUGE-L on edited sentences"
AREA = "nlp-embeddings-metrics"
TOPICS = ["text-gen-metrics"]
SETTLES = ["text-gen-metrics/rouge-vs-faithfulness", "nlp-tasks-eval/chrf-learned-metrics"]
SECONDS = 0.2
REFERENCES = {
    "attention": "the model divides the attention scores by the square root of the head size before the softmax",
    "optimizer": "adam keeps a running average of the gradient and of its square for every parameter",
}
EDITS = {
    "attention": [
        ("identical", "the model divides the attention scores by the square root of the head size before the softmax"),
        (
            "one word dropped",
            "the model divides the attention scores by the square root of the head size before softmax",
        ),
        (
            "meaning flipped",
            "the model multiplies the attention scores by the square root of the head size before the softmax",
        ),
        (
            "synonyms",
            "the network scales the attention logits by the square root of the head dimension before the softmax",
        ),
        ("paraphrase", "before applying softmax, attention logits get scaled down by one over root d_k"),
        ("reordered", "before the softmax the attention scores are divided by the square root of the head size"),
        ("truncated", "the model divides the attention scores"),
        ("unrelated", "gradient clipping caps the global norm of all gradients"),
    ],
    "optimizer": [
        ("identical", "adam keeps a running average of the gradient and of its square for every parameter"),
        ("one word dropped", "adam keeps a running average of the gradient and of its square for every"),
        ("meaning flipped", "adam keeps a running average of the gradient and of its square for no parameter"),
        ("synonyms", "adam maintains a moving average of the gradient and of its square for each weight"),
        ("paraphrase", "for each weight, adam tracks exponential means of g and g squared"),
        ("reordered", "for every parameter adam keeps a running average of the gradient and of its square"),
        ("truncated", "adam keeps a running average"),
        ("unrelated", "dropout zeroes activations at random during training"),
    ],
}
PARAMS = {"sentence": Choice(tuple(REFERENCES), default="attention", help="which reference sentence to edit")}
PREDICT = Predict(
    question="Which scores higher BLEU against the reference: a one-word edit that flips the meaning, or a faithful "
    "paraphrase in other words?",
    choices=("the paraphrase", "the meaning-flipping edit", "they tie"),
    answer=1,
    why="BLEU counts shared n-grams; one changed word leaves almost all of them, a paraphrase shares few.",
)


def run(sentence: str = "attention") -> LabResult:
    ref = REFERENCES[sentence]
    scores: dict[str, dict[str, float]] = {}
    for name, hyp in EDITS[sentence]:
        scores[name] = {
            "BLEU": sentence_bleu(hyp, [ref]).score,
            "chrF": corpus_chrf([hyp], [[ref]]),
            "ROUGE-L F1": 100 * rouge_l(ref, hyp).fmeasure,
        }
    names = list(scores)
    fig, ax = figure(height=3.8)
    width = 0.27
    for i, metric in enumerate(("BLEU", "chrF", "ROUGE-L F1")):
        ax.bar([j + (i - 1) * width for j in range(len(names))], [scores[n][metric] for n in names], width=width,
               label=metric)  # fmt: skip
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8.5)
    ax.set_ylabel("score (0-100)")
    ax.set_title(f"Edits of: “{ref[:48]}…”", fontsize=9.5)
    ax.legend(fontsize=8.5)
    ax.grid(axis="x", visible=False)
    rows = [[n, hyp, *(scores[n][m] for m in ("BLEU", "chrF", "ROUGE-L F1"))] for n, hyp in EDITS[sentence]]
    alt = (
        "Grouped bars of BLEU, chrF and ROUGE-L for eight edits of one sentence: "
        + "; ".join(f"{n} BLEU {s['BLEU']:.0f}" for n, s in scores.items())
        + "."
    )
    text = (
        "Surface-overlap metrics reward shared words and n-grams, not meaning: a one-word edit that inverts the claim "
        "keeps a high score, while a faithful paraphrase scores low. chrF's character n-grams forgive morphology a "
        "little; ROUGE-L's longest common subsequence tolerates reordering better than BLEU's 4-grams."
    )
    fig_out = draw(
        fig,
        alt=alt,
        title="Text metrics vs edits",
        table=table(["edit", "hypothesis", "BLEU", "chrF", "ROUGE-L"], rows),
    )
    return LabResult([fig_out], {"scores": scores}, text)
