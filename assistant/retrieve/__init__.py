"""Finding candidate passages and sentences in an index: dense + BM25 fusion, sentence candidates and their features."""
