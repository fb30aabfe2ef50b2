"""The 25 topic areas of SYLLABUS.md: id, title and target number of main cards.

Kept in the package (SYLLABUS.md lives outside it); tests/catalog/test_areas.py checks this table against
SYLLABUS.md whenever ../shared is present.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    target: int  # minimum number of main cards (SYLLABUS.md "Totals")


AREAS: tuple[Area, ...] = (
    Area("numerics-losses", "Numerics & loss functions", 33),
    Area("activations-init-norm-residual", "Activations, init, normalization, residuals", 101),
    Area("optimizers-lr-schedules", "Optimizers & LR schedules", 28),
    Area("training-loop-debugging", "Training loop, mixed precision, debugging", 56),
    Area("regularization", "Regularization", 33),
    Area("data-pipeline", "Data pipeline & preprocessing", 17),
    Area("cnn", "Convolutional networks", 18),
    Area("rnn-lstm-gru", "RNNs, LSTM, GRU", 21),
    Area("attention-transformers", "Attention & transformers", 78),
    Area("llm-inference-efficiency", "LLM inference & serving", 38),
    Area("fine-tuning-peft", "Fine-tuning & PEFT", 41),
    Area("alignment-rlhf", "Alignment: RLHF, reward models, PPO, DPO, ORPO, GRPO, KL", 20),
    Area("tokenization", "Tokenization", 16),
    Area("moe", "Mixture of Experts", 14),
    Area("ssm-mamba", "State-space models & Mamba", 12),
    Area("diffusion", "Diffusion models", 15),
    Area("rag-retrieval", "RAG & retrieval", 21),
    Area("classical-ml", "Classical ML", 42),
    Area("information-theory", "Information theory", 12),
    Area("nlp-embeddings-metrics", "NLP, embeddings & text metrics", 29),
    Area("distributed-training", "Distributed training", 14),
    Area("llm-foundations-scaling", "LLM foundations, pretraining & scaling", 17),
    Area("eval-safety", "Evaluation, contamination, hallucination, prompt injection", 15),
    Area("coding-patterns", "Coding-interview patterns", 20),
    Area("pytorch-mechanics", "PyTorch mechanics", 17),
)

AREA_BY_ID: dict[str, Area] = {a.id: a for a in AREAS}
