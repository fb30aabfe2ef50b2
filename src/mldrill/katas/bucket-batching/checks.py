"""Hidden checks for the bucket-batching kata. Many batchings are right, so the judge checks the properties the
statement asks for (independently of the reference): each sequence once, rows = the sequences right-padded with
pad_id, a mask from the lengths, T_b = the batch's longest, b * T_b <= max_tokens, and, where asked, a total padding
under half of the same greedy filling in arrival order."""

from __future__ import annotations

import numpy as np

from mldrill.grader.checks import Call, Check, Outcome

ASPECTS = ("once", "rows", "mask", "width", "budget", "padding")


def _arrival_padding(lengths: list[int], max_tokens: int) -> int:
    """Padding of the greedy token-budget filling without sorting."""
    total, rows, longest = 0, 0, 0
    for n in lengths:
        if rows and (rows + 1) * max(longest, n) > max_tokens:
            total += rows * longest
            rows, longest = 0, 0
        rows, longest = rows + 1, max(longest, n)
    return total + rows * longest - sum(lengths)


def _verify(seqs: list[list[int]], max_tokens: int, pad_id: int, out: object, aspects: tuple[str, ...]) -> str | None:
    if not isinstance(out, list) or not out:
        return f"expected a non-empty list of (indices, input_ids, attention_mask), got {type(out).__name__}"
    seen: list[int] = []
    padded = 0
    for k, batch in enumerate(out):
        if not isinstance(batch, list) or len(batch) != 3:
            return f"batch {k}: expected a tuple (indices, input_ids, attention_mask)"
        try:
            idx = [int(i) for i in np.asarray(batch[0]).reshape(-1)]
            ids, mask = np.asarray(batch[1]), np.asarray(batch[2])
        except (TypeError, ValueError):
            return f"batch {k}: indices must be integers and input_ids / attention_mask arrays"
        if ids.ndim != 2 or mask.shape != ids.shape or len(idx) != ids.shape[0]:
            return f"batch {k}: input_ids {ids.shape} and attention_mask {mask.shape} must be (len(indices), T_b)"
        if any(not 0 <= i < len(seqs) for i in idx):
            return f"batch {k}: index out of range in {idx}"
        seen += idx
        lens = [len(seqs[i]) for i in idx]
        b, width = ids.shape
        padded += b * width
        if "width" in aspects and width != max(lens):
            return f"batch {k}: padded to {width} tokens, but its longest sequence has {max(lens)}"
        if "budget" in aspects and b * width > max_tokens:
            return f"batch {k}: {b} rows x {width} tokens = {b * width} > max_tokens = {max_tokens}"
        for r, (i, n) in enumerate(zip(idx, lens, strict=True)):
            if "rows" in aspects:
                want = np.array(seqs[i] + [pad_id] * max(width - n, 0))
                if width < n or not np.array_equal(ids[r], want):
                    return (f"batch {k}, row {r}: input_ids {ids[r].tolist()}, expected sequence {i} padded with "
                            f"pad_id = {pad_id}: {want.tolist()}")  # fmt: skip
            if "mask" in aspects:
                want_m = np.array([1] * min(n, width) + [0] * max(width - n, 0))
                if not np.array_equal(mask[r], want_m):
                    return (f"batch {k}, row {r} (sequence {i}, {n} tokens, ids {ids[r].tolist()}): attention_mask "
                            f"{mask[r].tolist()}, expected {want_m.tolist()}")  # fmt: skip
    if "once" in aspects and sorted(seen) != list(range(len(seqs))):
        missing = sorted(set(range(len(seqs))) - set(seen))
        extra = sorted(i for i in set(seen) if seen.count(i) > 1)
        return f"sequences missing: {missing[:10]}; sequences in more than one batch: {extra[:10]}"
    if "padding" in aspects:
        pad, naive = padded - sum(len(s) for s in seqs), _arrival_padding([len(s) for s in seqs], max_tokens)
        if pad * 2 >= naive:
            return f"{pad} padding positions in all; arrival order gives {naive}: sort by length first"
    return None


def checks(solution, rng):  # solution: the kata's mldrill.ref object (kata folders are outside mypy)
    def draw(lengths: list[int], vocab: int = 50) -> list[list[int]]:
        return [[int(t) for t in rng.integers(0, vocab, size=n)] for n in lengths]

    def check(name: str, why: str, seqs: list[list[int]], max_tokens: int, aspects: tuple[str, ...],
              pad_id: int | None = None, more: tuple[list[list[int]], int] | None = None) -> Check:  # fmt: skip
        """One call (two with `more`: other sequences and budget, same aspects)."""
        pad_id = int(rng.integers(1, 50)) if pad_id is None else pad_id
        cases = [(seqs, max_tokens)] + ([more] if more else [])

        def judge(outcomes: list[Outcome]) -> str | None:
            for k, (o, (ss, budget)) in enumerate(zip(outcomes, cases, strict=True)):
                msg = f"raised {o.error}" if o.error is not None else _verify(ss, budget, pad_id, o.value, aspects)
                if msg:
                    return f"call {k + 1}: {msg}" if len(cases) > 1 else msg
            return None

        return Check(name, why, [Call((ss,), {"max_tokens": b, "pad_id": pad_id}) for ss, b in cases], judge)

    def alternating(n: int) -> list[int]:  # short and long lengths in turn, a little jitter
        short, long_ = int(rng.integers(5, 12)), int(rng.integers(60, 90))
        return [int(short + rng.integers(0, 3)) if k % 2 else int(long_ + rng.integers(0, 3)) for k in range(n)]

    # k sequences of length m fill the budget (k + 1) * m with one more row of m; the next is m + d: it does not fit
    m, k = int(rng.integers(8, 20)), int(rng.integers(3, 7))
    edge = [m] * k + [m + int(rng.integers(1, 4))] + rng.integers(m + 4, 2 * m, size=6).tolist()
    edge = draw([edge[i] for i in rng.permutation(len(edge))])
    random = draw(rng.integers(1, 40, size=int(rng.integers(40, 70))).tolist())
    small_ids = draw(rng.integers(3, 20, size=30).tolist(), vocab=4)  # ids 0..3, and pad_id among them

    return [
        check(
            "a valid, length-sorted bucketing of random sequences",
            "Every sequence once; each batch padded with pad_id to its own longest sequence; mask 1 on real "
            "tokens; b * T_b <= max_tokens; less than half the padding of arrival order.",
            random,
            128,
            ASPECTS,
        ),
        check(
            "every sequence appears exactly once",
            "Bucketing reorders, it must not drop or duplicate: the last, partly filled batch is the one most "
            "often forgotten.",
            draw(rng.integers(1, 30, size=int(rng.integers(20, 40))).tolist()),
            100,
            ("once",),
        ),
        check(
            "each batch fits max_tokens, padding included",
            "The GPU computes b * T_b positions whatever the mask says: count the padded size, with T_b the "
            "longest sequence including the one being added, not the sum of real lengths.",
            draw(rng.choice(np.arange(5, 80), size=40, replace=False).tolist()),  # distinct: each newcomer is longer
            150,
            ("budget",),
            more=(edge, (k + 1) * m),
        ),
        check(
            "each batch is padded to its own longest sequence",
            "Dynamic padding: T_b is the longest sequence of batch b. Padding every batch to the corpus maximum "
            "throws the bucketing gain away.",
            draw([*rng.integers(2, 10, size=20).tolist(), int(rng.integers(60, 80))]),
            160,
            ("width",),
        ),
        check(
            "the mask comes from the lengths, not from pad_id",
            "A real token can have the pad id (here token ids are 0..3 and some equal pad_id): ids != pad_id "
            "masks it out. The mask is 1 for the first len(seq) positions of each row.",
            small_ids,
            64,
            ("mask",),
            pad_id=int(rng.integers(1, 4)),
        ),
        check(
            "rows hold their sequence, right-padded with pad_id",
            "Row r is seqs[indices[r]] followed by pad_id (given, not 0), in the order of indices.",
            draw(rng.integers(1, 25, size=25).tolist()),
            90,
            ("rows",),
        ),
        check(
            "sorting by length cuts the padding",
            "Alternating short and long sequences padded in arrival order waste most of each batch; after "
            "sorting by length each batch holds similar lengths. The total padding must be under half of "
            "arrival order's.",
            draw(alternating(int(rng.integers(30, 50)))),
            400,
            ("padding",),
        ),
    ]
