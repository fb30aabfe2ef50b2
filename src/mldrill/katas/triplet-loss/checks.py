"""Hidden checks for the triplet-loss kata. Expected values: a NumPy loop over the anchors (every positive and
negative distance, argmax / argmin), float64; inputs drawn so that no two candidate distances tie."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, T, expect_parts


def _mine(emb: np.ndarray, labels: np.ndarray, margin: float):
    n = len(labels)
    d = np.sqrt(((emb[:, None, :] - emb[None, :, :]) ** 2).sum(-1))
    pos = np.array([max((j for j in range(n) if j != a and labels[j] == labels[a]), key=lambda j: d[a, j])
                    for a in range(n)])  # fmt: skip
    neg = np.array([min((j for j in range(n) if labels[j] != labels[a]), key=lambda j: d[a, j]) for a in range(n)])
    rows = np.arange(n)
    loss = np.maximum(d[rows, pos] - d[rows, neg] + margin, 0).mean()
    return loss, pos, neg, d


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def labels_for(k: int, per: int) -> np.ndarray:
        lab = np.repeat(rng.choice(100, size=k, replace=False), per)
        return lab[rng.permutation(len(lab))]

    def clustered(k: int, per: int, spread: float, dim: int = 3):
        lab = labels_for(k, per)
        centres = {int(c): rng.normal(scale=4.0, size=dim) for c in np.unique(lab)}
        emb = np.stack([centres[int(c)] for c in lab]) + rng.normal(scale=spread, size=(len(lab), dim))
        return emb, lab

    def call(emb: np.ndarray, lab: np.ndarray, margin: float) -> Call:
        return Call((T(emb), T(lab.astype(np.int64))), {"margin": margin})

    def expect(cases, part: str):
        keep = {"loss": 0, "pos": 1, "neg": 2, "all": None}[part]
        want = []
        for emb, lab, m in cases:
            parts = list(_mine(emb, lab, m)[:3])
            want.append(parts if keep is None else [p if i == keep else None for i, p in enumerate(parts)])
        return expect_parts(want, ("loss", "pos_idx", "neg_idx"), atol=1e-9, rtol=1e-9)

    def check(name: str, why: str, cases, part: str) -> Check:
        return Check(name, why, [call(*c) for c in cases], expect(cases, part))

    # random batches, margins that leave some anchors active
    random = [(*clustered(4, 3, 2.0), 1.0), (*clustered(3, 4, 1.5, dim=5), 2.0)]

    # positives: classes of four, so the farthest and the nearest positive differ
    far_pos = [(*clustered(3, 4, 2.5), 0.5)]

    # negatives: two points per class spread widely, so every anchor's nearest other point is another class's
    # (an anchor's own class cannot be mistaken for a negative here) and negatives differ in distance
    while True:
        emb, lab = rng.normal(scale=3.0, size=(8, 2)), labels_for(4, 2)
        d = np.sqrt(((emb[:, None] - emb[None]) ** 2).sum(-1)) + np.diag(np.full(8, np.inf))
        if all(lab[int(np.argmin(d[a]))] != lab[a] for a in range(8)):
            break
    near_neg = [(emb, lab, 0.5)]

    # other-class only: tight clusters, where an anchor's nearest point is its own class's
    own_class = [(*clustered(3, 3, 0.3), 0.5)]

    # easy: tight, distant clusters; every anchor is beyond the margin (loss 0)
    def active(emb: np.ndarray, lab: np.ndarray, m: float) -> np.ndarray:
        _, pos, neg, d = _mine(emb, lab, m)
        rows = np.arange(len(lab))
        return d[rows, pos] - d[rows, neg] + m > 0

    while True:
        easy_case = (*clustered(3, 3, 0.05), 0.2)
        if not active(*easy_case).any():
            break
    easy = [easy_case]
    while True:  # some anchors active, some not (the mean is over all anchors)
        half_case = (*clustered(4, 2, 1.2), 1.0)
        if 0 < active(*half_case).sum() < len(half_case[1]) - 1:
            break
    half = [half_case]

    return [
        check(
            "matches the batch-hard triplet loss and its pairs",
            "For each anchor: the farthest same-label example, the nearest other-label example, "
            "max(0, d_pos - d_neg + margin), averaged over all anchors.",
            random,
            "all",
        ),
        check(
            "the hardest positive is the FARTHEST same-label example",
            "Batch-hard mining pairs each anchor with its hardest positive: the same-label example farthest from it "
            "(the nearest one is the easiest). The anchor itself is not a positive.",
            far_pos,
            "pos",
        ),
        check(
            "the hardest negative is the NEAREST other-label example",
            "The hardest negative is the other-label example closest to the anchor: the farthest one is the "
            "easiest and usually gives no loss at all.",
            near_neg,
            "neg",
        ),
        check(
            "negatives come from other labels only",
            "Mask the negatives with labels[i] != labels[j] (mask polarity): taking the nearest example of any label "
            "picks a same-label neighbour as the 'negative' in tight clusters.",
            own_class,
            "neg",
        ),
        check(
            "easy triplets contribute exactly 0",
            "max(0, d_pos - d_neg + margin): without the hinge, anchors already beyond the margin give negative "
            "terms that reward pushing easy negatives even farther.",
            easy,
            "loss",
        ),
        check(
            "the mean is over all anchors",
            "Divide by N, the number of anchors, not by the number of anchors with a positive loss (that is "
            "another loss, 'batch-hard soft/nonzero' averaging).",
            half,
            "loss",
        ),
    ]
