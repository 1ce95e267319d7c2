"""Finding what may answer: dense + BM25 fusion over chunks, question types, candidate sentences and their features."""
