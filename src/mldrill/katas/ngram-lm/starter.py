def ngram_perplexity(train: list[list[str]], test: list[list[str]], *, n: int = 2, k: float = 1.0) -> float:
    """Perplexity on `test` of an add-k n-gram model fitted on `train` (padding, vocabulary: see the statement)."""
    raise NotImplementedError("write ngram_perplexity here")
