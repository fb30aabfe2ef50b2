"""Metrics: classification and regression, BLEU, ROUGE, retrieval ranking metrics and calibration.

Each one is compared with its reference package (scikit-learn, sacrebleu, rouge-score) with the variant pinned.
"""
