"""Retrieval and RAG building blocks: chunking, BM25, dense and hybrid search, MMR, context packing, a pipeline."""
