"""mldrill: learn, drill, code and see it run — preparation for ML, deep-learning and LLM interviews."""

__version__ = "0.1.0"
