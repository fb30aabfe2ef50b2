from collections.abc import Sequence


def squad_em_f1(prediction: str, golds: Sequence[str]) -> tuple[float, float]:
    """(exact match, token F1) after SQuAD normalization, each the max over the gold answers."""
    raise NotImplementedError("write squad_em_f1 here")
