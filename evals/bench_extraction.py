"""Fact extraction time against document size (it must grow linearly, issue 11).

    .venv/bin/python evals/bench_extraction.py     # prints seconds per size; figures, not pass/fail

The document is the shipped article repeated up to each size; the sentences are split first and
not timed. spaCy tagging (ingestion's other per-sentence cost) is left out: it is linear by design.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ingest.extraction import extract_facts  # noqa: E402
from assistant.ingest.text import split_sentences  # noqa: E402
from assistant.records import Document  # noqa: E402

SIZES_MB = (0.25, 0.5, 1.0, 2.0)


def main() -> None:
    base = (ROOT / "corpus" / "docs" / "us-critical-minerals-strategy.txt").read_text("utf-8") + "\n\n"
    for mb in SIZES_MB:
        text = base * max(1, int(mb * 1e6 / len(base)))
        sentences = split_sentences("d", text)
        doc = Document(doc_id="d", path="d.txt", title="d", text=text, sha256="-", event_date=dt.date(2026, 2, 4))
        start = time.perf_counter()
        facts = extract_facts(doc, sentences)
        seconds = time.perf_counter() - start
        print(f"{len(text) / 1e6:.2f} MB, {len(sentences)} sentences: {seconds:.2f} s ({len(facts)} facts)")


if __name__ == "__main__":
    main()
