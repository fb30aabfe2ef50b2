from collections.abc import Sequence


def bleu_score(hyps: Sequence[str], refs: Sequence[Sequence[str]], *, max_n: int = 4) -> float:
    """Corpus BLEU (0-100), no smoothing: refs[i] holds the references of hyps[i]; tokens are whitespace-split."""
    raise NotImplementedError("write bleu_score here")
