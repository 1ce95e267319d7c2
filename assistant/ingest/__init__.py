"""Reading, segmenting, tagging and indexing the corpus (the first stage; imports only records, errors, config)."""
