"""rnn-gradients/bptt-vanishing-exploding and lstm-gru/lstm-additive-path on the lab's numbers (T = 40)."""

import pytest

from mldrill.labs.rnn_gradients import run


def test_rnn_gradient_is_exponential_in_the_lag_and_lstm_forget_bias_helps() -> None:
    n = run(steps=40, hidden=16, seed=0).numbers
    rnn, lstm = n["rnn"], n["lstm"]
    assert rnn["linear RNN, σ = 0.9"][40] == pytest.approx(0.9**40, rel=1e-6)  # 0.0148
    assert round(0.9**40, 3) == 0.015 and round(1.1**40) == 45
    assert rnn["linear RNN, σ = 1.1"][40] == pytest.approx(1.1**40, rel=1e-6)
    assert rnn["linear RNN, σ = 1.0"][40] == pytest.approx(1.0, rel=1e-6)
    assert rnn["tanh RNN, σ = 1.1"][40] < 1.1**40  # sigma > 1 is necessary, not sufficient: tanh' damps it
    fb0, fb1 = lstm["LSTM cell, forget bias 0"], lstm["LSTM cell, forget bias 1"]
    assert fb1[20] > 10 * fb0[20]  # a forget bias of 1 keeps the additive path open longer
    assert fb1[40] < 1  # mitigates, does not eliminate
