"""Classic wrong beam searches, each caught by the check that names its bug."""

from mldrill.catalog.katas import mutant

SOLUTION = """
def beam_search(log_probs, start, *, beam_width, max_new_tokens, eos, alpha=0.0):
    alive = [([], 0.0)]
    finished = []

    def finish(toks, lp):
        finished.append((toks, lp / max(len(toks), 1) ** alpha))

    for _ in range(max_new_tokens):
        if not alive:
            break
        cands = []
        for toks, lp in alive:
            last = toks[-1] if toks else start
            for v in range(log_probs.shape[2]):
                cands.append((lp + float(log_probs[len(toks), last, v]), toks + [v]))
        cands.sort(key=lambda c: -c[0])
        new = []
        for total, toks in cands[: 2 * beam_width]:
            if toks[-1] == eos:
                finish(toks, total)
            elif len(new) < beam_width:
                new.append((toks, total))
        alive = new
    for toks, lp in alive:
        finish(toks, lp)
    return sorted(finished, key=lambda h: -h[1])
"""

GENERIC = "matches beam search on random tables"

MUTANTS = [
    mutant(
        "eos hypotheses stay in the beam",
        "            if toks[-1] == eos:\n                finish(toks, total)\n            elif",
        "            if",
        "a hypothesis ending in eos is finished",
        GENERIC,
        "scores are logprob / len ** alpha, len counting eos",  # eos is reachable there too
    ),
    mutant(
        "no length normalisation",
        "lp / max(len(toks), 1) ** alpha",
        "lp",
        "scores are logprob / len ** alpha, len counting eos",
        GENERIC,
    ),
    mutant(
        "length without the eos token",
        "lp / max(len(toks), 1) ** alpha",
        "lp / max(len(toks) - (toks[-1] == eos), 1) ** alpha",
        "scores are logprob / len ** alpha, len counting eos",
        GENERIC,
    ),
    mutant(
        "live hypotheses dropped at the limit",
        "    for toks, lp in alive:\n        finish(toks, lp)\n",
        "",
        "hypotheses alive at the step limit are returned",
        GENERIC,
        "the beam keeps beam_width hypotheses",  # its one-step search ends with everything still alive
        "a hypothesis ending in eos is finished",  # every search here reaches the limit with a live beam
        "scores are logprob / len ** alpha, len counting eos",
    ),
    mutant(
        "the beam is not pruned",
        "            elif len(new) < beam_width:",
        "            else:",
        "the beam keeps beam_width hypotheses",
        GENERIC,
        "hypotheses alive at the step limit are returned",  # more live hypotheses at the limit
        "a hypothesis ending in eos is finished",  # a wider beam finishes more hypotheses wherever eos is likely
        "scores are logprob / len ** alpha, len counting eos",
    ),
]
