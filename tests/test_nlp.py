"""spaCy at ingestion: the pinned pipeline, and mentions with exact document offsets."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from assistant.ingest.nlp import MODEL_PACKAGE, annotate, entity_label, versions
from assistant.records import Sentence


def test_the_pipeline_is_the_official_small_english_model_3_8_0() -> None:
    meta_files = [p for p in resources.files(MODEL_PACKAGE).iterdir() if p.name == "meta.json"]
    meta_files += [p / "meta.json" for p in resources.files(MODEL_PACKAGE).iterdir() if (p / "meta.json").is_file()]
    meta = json.loads(meta_files[0].read_text("utf-8"))
    assert (meta["lang"], meta["version"], meta["license"]) == ("en", "3.8.0", "MIT")
    assert "ner" in meta["pipeline"] and "parser" in meta["pipeline"]
    assert "3.8.18" in versions() and "3.8.0" in versions()


def test_mentions_carry_labels_and_offsets_into_the_document() -> None:
    text = "Intro line.\nOn February 4, 2026, Marco Rubio hosted 54 nations in Washington."
    start = text.index("On")
    sentence = Sentence(doc_id="d", start=start, end=len(text), text=text[start:])
    (tagged,) = annotate([sentence])
    found = {(m.label, m.text) for m in tagged.mentions}
    assert {("DATE", "February 4, 2026"), ("PERSON", "Marco Rubio"), ("CARDINAL", "54"), ("GPE", "Washington")} <= found
    assert all(text[m.start : m.end] == m.text for m in tagged.mentions)


def test_a_share_written_per_cent_is_a_percent_not_money() -> None:
    text = "In April 2019 she sold sixty per cent of the company to the staff trust."
    (tagged,) = annotate([Sentence(doc_id="d", start=0, end=len(text), text=text)])
    assert ("PERCENT", "sixty per cent") in {(m.label, m.text) for m in tagged.mentions}


def test_a_sum_keeps_its_currency_sign() -> None:
    text = "The insurer paid out £62,000, and the bank lent $10 billion."
    (tagged,) = annotate([Sentence(doc_id="d", start=0, end=len(text), text=text)])
    money = {m.text for m in tagged.mentions if m.label == "MONEY"}
    assert money == {"£62,000", "$10 billion"}
    assert all(text[m.start : m.end] == m.text for m in tagged.mentions)


def test_a_date_written_day_first_is_one_date_with_its_day() -> None:
    # spaCy tags "30" a CARDINAL and "September 2026" a DATE here; the day belongs to the date
    text = "The agency will publish a shortlist by 30 September 2026, and 12 councils will be told."
    (tagged,) = annotate([Sentence(doc_id="d", start=0, end=len(text), text=text)])
    found = {(m.label, m.text) for m in tagged.mentions if m.label != "NP"}
    assert ("DATE", "30 September 2026") in found and ("CARDINAL", "30") not in found
    assert ("CARDINAL", "12") in found  # a number before no month stays a number
    assert all(text[m.start : m.end] == m.text for m in tagged.mentions)


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [("MONEY", "twelve per cent", "PERCENT"), ("CARDINAL", "40%", "PERCENT"), ("QUANTITY", "3 Percent", "PERCENT"),
     ("MONEY", "£850", "MONEY"), ("MONEY", "50 cents", "MONEY"), ("ORG", "Percent Capital", "ORG")],
)  # fmt: skip
def test_only_amounts_ending_in_per_cent_or_a_percent_sign_become_percent(label: str, text: str, expected: str) -> None:
    assert entity_label(label, text) == expected


def test_noun_chunks_are_mentions_with_their_head_word() -> None:
    (tagged,) = annotate([Sentence(doc_id="d", start=0, end=31, text="The treaty was signed by Rollo.")])
    assert ("NP", "The treaty", "treaty") in {(m.label, m.text, m.head) for m in tagged.mentions}


def test_no_sentences_need_no_model() -> None:
    assert annotate([]) == []


def test_one_stream_over_many_documents_tags_each_as_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest.nlp as nlp

    texts = ["Marco Rubio hosted 54 nations.", "Japan pledged $2 billion in 2026.", "The reserve grew."]
    groups = [[Sentence(doc_id=f"d{i}", start=0, end=len(t), text=t)] for i, t in enumerate(texts)]
    alone = [annotate(g) for g in groups]
    seen: list[int] = []
    monkeypatch.setattr(nlp, "PARALLEL_FROM", 2)  # the second process's spans are the first's
    assert nlp.annotate_all([groups[0], [], *groups[1:]], seen.append) == [alone[0], [], *alone[1:]]
    assert sum(seen) == sum(map(len, texts))


def test_the_pipeline_loads_without_the_parser_and_attribute_ruler() -> None:
    from assistant.ingest.nlp import pipeline

    nlp = pipeline()
    assert nlp.pipe_names == ["tok2vec", "tagger", "ner"]
    assert not {"parser", "attribute_ruler", "lemmatizer"} & set(nlp.component_names)


def test_noun_chunks_from_penn_tags() -> None:
    from assistant.ingest.nlp import noun_chunks

    def chunks(tagged: str) -> list[str]:
        words, tags = zip(*(token.rsplit("/", 1) for token in tagged.split()), strict=True)
        return [" ".join(words[a:b]) for a, b in noun_chunks(list(tags), [w.lower() for w in words])]

    # determiner, possessive, adjectives and compounds up to the noun; a proper noun after a common one apart
    assert chunks("Japan/NNP 's/POS new/JJ trade/NN ministry/NN signed/VBD it/PRP ./.") == [
        "Japan 's new trade ministry",
        "it",
    ]
    assert chunks("The/DT company/NN Tollbridge/NNP sold/VBD 54/CD cargo/NN bikes/NNS ./.") == [
        "The company",
        "Tollbridge",
        "54 cargo bikes",
    ]
    # leading degree words; a relative pronoun and a lone determiner alone; coordinated adjectives
    assert chunks("about/RB a/DT fifth/NN of/IN all/DT which/WDT fell/VBD") == ["about a fifth", "all", "which"]
    assert chunks("more/JJR than/IN 300/CD foreign/JJ or/CC other/JJ ministers/NNS") == [
        "more than 300 foreign or other ministers"
    ]
    # a hyphenated modifier, a participle inside the chunk; a temporal phrase is not a chunk
    assert chunks("the/DT flour/NN -/HYPH covered/VBN apron/NN every/DT morning/NN") == ["the flour - covered apron"]
    assert chunks("in/IN the/DT spring/NN") == ["the spring"]


def test_a_repeated_sentence_is_tagged_once_with_the_same_mentions(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest.nlp as nlp

    header = "Ministry of Finance, Annual Report 2026."
    texts = [header, "Japan pledged $2 billion in 2026.", header, header, "The reserve grew."]
    groups, start = [], 0
    for i, t in enumerate(texts):
        groups.append([Sentence(doc_id=f"d{i % 2}", start=start, end=start + len(t), text=t)])
        start += len(t) + 1
    alone = [annotate(g) for g in groups]
    tagged: list[str] = []
    real = nlp._found

    def counted(piece: list[str]) -> list[list[nlp.Found]]:
        tagged.extend(piece)
        return real(piece)

    monkeypatch.setattr(nlp, "_found", counted)
    seen: list[int] = []
    assert nlp.annotate_all(groups, seen.append) == alone  # the copies' offsets are their own
    assert tagged.count(header) == 1
    assert sum(seen) == sum(map(len, texts))


def test_documents_are_given_back_one_by_one_as_tagged(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest.nlp as nlp
    from assistant.ingest.text import split_sentences

    documents = [(f"d{i}", f"Marco Rubio met {i + 2} ministers in Tokyo. The talks ended.") for i in range(6)]
    expected = [annotate(split_sentences(doc_id, text)) for doc_id, text in documents]
    for parallel_from in (10**6, 2):  # in this process, and in worker processes
        monkeypatch.setattr(nlp, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(nlp, "_SENTENCE_CHARS", 10)
        seen: list[int] = []
        stream = nlp.annotate_documents(documents, split_sentences, seen.append)
        assert not isinstance(stream, list)
        assert list(stream) == expected
        assert sum(seen) == sum(len(text) for _, text in documents)
