"""Classic NLP: TF-IDF, n-gram language models, word2vec (SGNS), GloVe and the CLIP contrastive loss."""
