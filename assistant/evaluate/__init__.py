"""Evaluation, a stage of its own: question sets and suites, judge-free metrics, LlamaIndex datasets."""
