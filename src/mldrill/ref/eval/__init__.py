"""Evaluation hygiene: contamination checks, pass@k and paired significance tests."""
