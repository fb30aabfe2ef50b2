def rouge_l(target: str, prediction: str) -> tuple[float, float, float]:
    """ROUGE-L (precision, recall, fmeasure) from the LCS of rouge-score's tokens (lowercase, [a-z0-9] runs)."""
    raise NotImplementedError("write rouge_l here")
