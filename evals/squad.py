"""SQuAD 2.0 articles as corpora and question sets for `assistant eval` (SQuAD 2.0: CC BY-SA 4.0).

    .venv/bin/python evals/squad.py --list                       # titles, paragraphs, questions, split
    .venv/bin/python evals/squad.py --dev                        # the six DEV corpora -> evals/corpora/squad-<slug>/
    .venv/bin/python evals/squad.py --title Rhine --out DIR      # one article -> DIR/docs/, DIR/questions.jsonl
    ... --squad FILE --labels dev-v2.0.json --docs-only

Source: ../shared/data/squad2-test/test-v2.0.json (Stanford CS224N's split of the official SQuAD 2.0
dev set; see its README.md). That file hides its labels (every `answers` is empty, no
`is_impossible`): `--labels FILE` merges them from a labelled SQuAD 2.0 file with the same
questions (the official dev-v2.0.json), matched on paragraph context and question text. Without
labels only `--docs-only` works.

The split is fixed. DEV articles, held apart from any fitting (tuning, thresholds, learned
scorers) and used only to measure: Ctenophora, Economic_inequality, Rhine, Geology,
Civil_disobedience, Fresno,_California (`DEV_TITLES`). Every other article of the file is a FIT
article (`FIT_TITLES`): fit on those only.

Layout written for an article: `<out>/docs/<slug>.txt` (the paragraph contexts, one blank line
between paragraphs, no title line), `<out>/docs/<slug>.meta.yaml` (`title:`, `byline:`) and
`<out>/questions.jsonl` (evals/README.md format): an answerable question has category `hasans`,
`expect_any` = its distinct answer texts as case-insensitive literal regexes (word-bounded at
word-character ends) and `evidence_any` = the answer texts; an unanswerable one has category
`noans` and `unanswerable: true`. The id is the SQuAD id.

For other scripts (e.g. evals/fit_scorer.py: `sys.path` holds evals/ when it runs as a script):

- `load_articles(path=SQUAD_FILE, titles=None, labels=None) -> list[dict]`: the raw SQuAD articles
  (`{"title", "paragraphs": [{"context", "qas": [...]}]}`), all in file order or those of `titles`
  in that order, labels merged in when given;
- `article_text(article) -> ArticleText(text, offsets)`: the document text the corpus holds for it
  and where each paragraph starts in it (`offsets[i] + answer_start` locates an answer; unpacks
  as `text, offsets = article_text(a)`);
- `squad_items(article) -> list[EvalItem]`: its questions as evaluation items (raises
  `ValueError` when the article is unlabelled); `item.model_dump(exclude_defaults=True)` is a line;
- `slug(title) -> str`, `write_corpus(article, out, docs_only=False) -> Path`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from assistant.evaluate.harness import EvalItem
from assistant.evaluate.metrics import squash

REPO = Path(__file__).resolve().parent.parent
SQUAD_FILE = REPO.parent / "shared" / "data" / "squad2-test" / "test-v2.0.json"
CORPORA = REPO / "evals" / "corpora"
TEAM_LABELS = REPO / "evals" / "labels"  # the team's own annotations of the shared file's questions
DEV_TITLES = (
    "Ctenophora",
    "Economic_inequality",
    "Rhine",
    "Geology",
    "Civil_disobedience",
    "Fresno,_California",
)
FIT_TITLES = (
    "Prime_number",
    "Private_school",
    "Jacksonville,_Florida",
    "University_of_Chicago",
    "Pharmacy",
    "Construction",
    "Oxygen",
    "Black_Death",
    "Southern_California",
    "Sky_(United_Kingdom)",
    "Victoria_(Australia)",
    "Intergovernmental_Panel_on_Climate_Change",
    "Amazon_rainforest",
    "Miscellaneous",
)
BYLINE = "Wikipedia, via SQuAD 2.0 (Rajpurkar, Jia and Liang 2018), CC BY-SA 4.0"

Article = dict[str, Any]


class ArticleText(NamedTuple):
    """An article's document text and the offset of each paragraph in it."""

    text: str
    offsets: list[int]


# --- reading --------------------------------------------------------------------------------------


def load_articles(
    path: Path = SQUAD_FILE, titles: Sequence[str] | None = None, labels: Path | None = None
) -> list[Article]:
    """The articles of a SQuAD 2.0 file (all, or those titled in `titles`, in that order), labels merged in."""
    articles: list[Article] = json.loads(path.read_text(encoding="utf-8"))["data"]
    check_split(a["title"] for a in articles)
    if titles is not None:
        by_title = {a["title"]: a for a in articles}
        unknown = [t for t in titles if t not in by_title]
        if unknown:
            raise ValueError(f"no article titled {', '.join(map(repr, unknown))} in {path}")
        articles = [by_title[t] for t in titles]
    if labels is not None:
        unmatched = merge_labels(articles, json.loads(labels.read_text(encoding="utf-8"))["data"])
        if unmatched:
            print(f"no labels for {', '.join(unmatched)}: left unlabelled", file=sys.stderr)
    return articles


def check_split(titles: Iterable[str]) -> None:
    """Every article of the file is either DEV or FIT, so a new article cannot leak into fitting."""
    unknown = set(titles) - set(DEV_TITLES) - set(FIT_TITLES)
    if unknown:
        raise ValueError(f"articles in neither DEV_TITLES nor FIT_TITLES: {sorted(unknown)}")


def _key(context: str, question: str) -> tuple[str, str]:
    return squash(context), squash(question)


def merge_labels(articles: Sequence[Article], labelled: Sequence[Article]) -> list[str]:
    """Copy `answers` and `is_impossible` from the labelled articles, matched on context and question.

    Returns the titles of articles with no match at all, left unlabelled (the CS224N file's
    Miscellaneous is not from the official dev set); a partly matched article is a ValueError.
    """
    found = {
        _key(p["context"], q["question"]): q for a in labelled for p in a["paragraphs"] for q in p["qas"]
    }  # fmt: skip
    unmatched = []
    for article in articles:
        pairs = [(p, q) for p in article["paragraphs"] for q in p["qas"]]
        sources = [found.get(_key(p["context"], q["question"])) for p, q in pairs]
        missing = sum(source is None for source in sources)
        if missing == len(pairs):
            unmatched.append(article["title"])
            continue
        if missing:
            raise ValueError(f"{article['title']}: {missing} questions have no match (same context and question)")
        for (_, qa), source in zip(pairs, sources, strict=True):
            assert source is not None
            qa["answers"], qa["is_impossible"] = source["answers"], bool(source.get("is_impossible"))
    return unmatched


def apply_team_labels(articles: Sequence[Article], folder: Path | None = None) -> list[Article]:
    """The articles with the team's own labels (`folder/<slug>.jsonl`), only the questions labelled there.

    A label line is `{"id": ..., "answer": "exact span of the paragraph" | null}`. An answer that is
    not in its paragraph is a ValueError naming the file and line. Articles without a file are left out.
    """
    out = []
    for article in articles:
        path = (folder or TEAM_LABELS) / f"{slug(article['title'])}.jsonl"
        if not path.is_file():
            continue
        labels = _read_labels(path)
        paragraphs = []
        for paragraph in article["paragraphs"]:
            qas = [
                _labelled(q, paragraph["context"], labels[q["id"]], path) for q in paragraph["qas"] if q["id"] in labels
            ]
            paragraphs.append(paragraph | {"qas": qas})
        out.append(article | {"paragraphs": paragraphs})
    return out


def _read_labels(path: Path) -> dict[str, tuple[int, str | None]]:
    labels: dict[str, tuple[int, str | None]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            labels[row["id"]] = (number, row["answer"])
    return labels


def _labelled(qa: Mapping[str, Any], context: str, label: tuple[int, str | None], path: Path) -> dict[str, Any]:
    number, answer = label
    if answer is None:
        return dict(qa) | {"answers": [], "is_impossible": True}
    start = context.find(answer)
    if start < 0:
        raise ValueError(f"{path}:{number}: answer {answer!r} is not in its paragraph: copy it exactly")
    return dict(qa) | {"answers": [{"text": answer, "answer_start": start}], "is_impossible": False}


def is_labelled(article: Mapping[str, Any]) -> bool:
    """True when every question says whether it is answerable (`is_impossible`, or answers given)."""
    qas = [q for p in article["paragraphs"] for q in p["qas"]]
    return all("is_impossible" in q or q.get("answers") for q in qas)


# --- converting -----------------------------------------------------------------------------------


def slug(title: str) -> str:
    """A file-name form of a SQuAD title: `Fresno,_California` -> `fresno-california`."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def display_title(title: str) -> str:
    return title.replace("_", " ")


def article_text(article: Mapping[str, Any]) -> ArticleText:
    """The document (paragraph contexts, trailing spaces cut, one blank line between; no title) and offsets."""
    paragraphs = [p["context"].rstrip() for p in article["paragraphs"]]
    offsets = [sum(len(p) + 2 for p in paragraphs[:i]) for i in range(len(paragraphs))]
    return ArticleText("\n\n".join(paragraphs) + "\n", offsets)


def answer_pattern(answer: str) -> str:
    """A case-insensitive literal regex for an answer text: whitespace runs flexible, word ends bounded."""
    body = r"\s+".join(re.escape(part) for part in answer.split())
    head = r"\b" if re.match(r"\w", answer) else ""
    tail = r"\b" if re.search(r"\w$", answer) else ""
    return head + body + tail


def answer_texts(qa: Mapping[str, Any]) -> list[str]:
    """The distinct answer texts of a question (spans of its paragraph), whitespace collapsed, in order."""
    return list(dict.fromkeys(t for t in (squash(a["text"]) for a in qa.get("answers", [])) if t))


def distinct_patterns(texts: Sequence[str]) -> list[str]:
    """One pattern per answer text, case-insensitively distinct (the patterns match ignoring case)."""
    return list({t.lower(): answer_pattern(t) for t in reversed(texts)}.values())[::-1]


def squad_item(qa: Mapping[str, Any]) -> EvalItem:
    """One SQuAD question as an evaluation item."""
    question = squash(qa["question"])
    if qa.get("is_impossible") or not qa.get("answers"):
        return EvalItem(id=qa["id"], category="noans", question=question, unanswerable=True)
    texts = answer_texts(qa)
    return EvalItem(
        id=qa["id"], category="hasans", question=question,
        expect_any=distinct_patterns(texts), evidence_any=texts,
    )  # fmt: skip


def squad_items(article: Mapping[str, Any]) -> list[EvalItem]:
    """Every question of an article as an evaluation item; ValueError when the article has no labels."""
    if not is_labelled(article):
        raise ValueError(f"{article['title']}: unlabelled (no answers, no is_impossible): give --labels")
    return [squad_item(q) for p in article["paragraphs"] for q in p["qas"] if squash(q["question"])]


def questions_jsonl(items: Sequence[EvalItem]) -> str:
    """The items as question-set lines, default fields left out."""
    lines = (json.dumps(i.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False) for i in items)
    return "".join(line + "\n" for line in lines)


def write_corpus(article: Mapping[str, Any], out: Path, docs_only: bool = False) -> Path:
    """Write `out/docs/<slug>.txt` and its `.meta.yaml`, and unless `docs_only` `out/questions.jsonl`."""
    items = [] if docs_only else squad_items(article)
    name = slug(article["title"])
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / f"{name}.txt").write_text(article_text(article).text, encoding="utf-8")
    meta = {"title": display_title(article["title"]), "byline": BYLINE}
    (docs / f"{name}.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
    if not docs_only:
        (out / "questions.jsonl").write_text(questions_jsonl(items), encoding="utf-8")
    (out / "README.md").write_text(corpus_readme(article, items), encoding="utf-8")
    return out


def corpus_readme(article: Mapping[str, Any], items: Sequence[EvalItem]) -> str:
    """Where the corpus comes from, its license and what its question set holds."""
    noans = sum(i.unanswerable for i in items)
    counts = f"{len(items)} questions ({len(items) - noans} answerable, {noans} not)" if items else "no questions yet"
    return (
        f"# SQuAD 2.0: {display_title(article['title'])} ({split_of(article['title'])} article)\n\n"
        f"Written by `evals/squad.py` (do not edit by hand): `docs/` holds the article's paragraphs, "
        f"`questions.jsonl` {counts}: the shared file's questions with the team's own answer labels "
        "(evals/labels/; the shared file hides SQuAD's).\n\nSource: SQuAD 2.0 (Rajpurkar, Jia and Liang 2018, "
        f'"Know What You Don\'t Know: Unanswerable Questions for SQuAD"), text from Wikipedia; CC BY-SA 4.0.\n'
    )


# --- command line ---------------------------------------------------------------------------------


def split_of(title: str) -> str:
    return "DEV" if title in DEV_TITLES else "FIT"


def list_articles(articles: Sequence[Article]) -> None:
    print("| title | split | paragraphs | questions | unanswerable |\n|---|---|---|---|---|")
    for a in articles:
        qas = [q for p in a["paragraphs"] for q in p["qas"]]
        noans = sum(bool(q.get("is_impossible")) for q in qas) if is_labelled(a) else "?"
        print(f"| {a['title']} | {split_of(a['title'])} | {len(a['paragraphs'])} | {len(qas)} | {noans} |")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="SQuAD 2.0 articles -> corpora and question sets.")
    parser.add_argument("--squad", type=Path, default=SQUAD_FILE, help="SQuAD 2.0 JSON file")
    parser.add_argument(
        "--labels", type=Path, help="labelled SQuAD 2.0 file to take answers from (default: the team's evals/labels/)"
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--list", action="store_true", help="list the articles and their split")
    what.add_argument("--dev", action="store_true", help=f"write the labelled DEV corpora into {CORPORA}/squad-<slug>/")
    what.add_argument("--title", help="the article to write (exact SQuAD title, e.g. Rhine)")
    parser.add_argument("--out", type=Path, help="corpus folder for --title")
    parser.add_argument("--docs-only", action="store_true", help="write the documents only, no questions.jsonl")
    args = parser.parse_args(argv)
    if args.title and not args.out:
        parser.error("--title needs --out DIR")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.list:
            list_articles(load_articles(args.squad, labels=args.labels))
            return 0
        titles = [
            t for t in DEV_TITLES if (TEAM_LABELS / f"{slug(t)}.jsonl").is_file() or args.labels or args.docs_only
        ]
        targets = {t: CORPORA / f"squad-{slug(t)}" for t in titles} if args.dev else {args.title: args.out}
        articles = load_articles(args.squad, list(targets), args.labels)
        if args.labels is None and not args.docs_only:
            articles = apply_team_labels(articles)
            if not articles:
                raise ValueError(f"no labels for {', '.join(targets)}: label it in {TEAM_LABELS}/ or give --labels")
        for article in articles:
            print(write_corpus(article, targets[article["title"]], args.docs_only))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
