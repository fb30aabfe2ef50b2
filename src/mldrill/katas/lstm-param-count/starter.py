def lstm_params(d_in: int, d_h: int, num_layers: int = 1, *, bidirectional: bool = False) -> int:
    """Number of parameters of nn.LSTM(d_in, d_h, num_layers, bidirectional=...) with both bias vectors."""
    raise NotImplementedError("write lstm_params here")
