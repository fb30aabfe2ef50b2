import numpy as np


def sinusoidal_pe(n: int, d: int, *, base: float = 10000.0) -> np.ndarray:
    """(n, d) table: sin on even channels, cos on odd channels, frequency base^(-2i/d) for channel pair i."""
    raise NotImplementedError("write sinusoidal_pe here")
