"""Disagreeing sources: the detector over the planted disagreements and look-alikes of evals/corpora/conflicts.

The corpus is indexed once (real spaCy mentions and extracted facts, the fake embedder): each row
names two sentences of its two documents by a piece of their text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answer import conflicts as disputes
from assistant.answer.compose import passage
from assistant.ingest.lexicon import Lexicon
from assistant.records import Mention, Sentence

CONFLICTS = Path(__file__).resolve().parent.parent / "evals" / "corpora" / "conflicts"

# (question, the answer's sentence, its value, the other sentence, the value it gives instead)
PLANTED = [
    ("How much did the Coastal Recovery Fund provide for dredging the channel?",
     "provided $40 million for dredging", "$40 million", "provided $35 million for dredging", "$35 million"),
    ("How much have private investors pledged to the waterfront district?",
     "pledged $1.5 billion", "$1.5 billion", "come to about $1.38 billion", "about $1.38 billion"),
    ("How much did the fish market upgrade cost?", "upgrade cost $12 million", "$12 million",
     "upgrade cost $15 million", "$15 million"),
    ("When did the ferry terminal open?", "opened on March 3, 2025", "March 3, 2025",
     "opened on March 10, 2025", "March 10, 2025"),
    ("When was the public hearing on the seawall held?", "held on June 12, 2024", "June 12, 2024",
     "took place on June 14, 2024", "June 14, 2024"),
    ("How many cranes does the container yard operate?", "operates 18 cranes", "18", "operates 22 cranes", "22"),
    ("How many jobs has the renewal programme created?", "created 1,200 jobs", "1,200", "created 1,500 jobs",
     "1,500"),
    ("How many berths does the marina have?", "has 300 berths", "300", "has 340 berths", "340"),
    ("Who signed the marina lease?", "Moreau signed the marina lease", "Mayor Alice Moreau",
     "Ruiz signed the marina lease", "Governor Tomas Ruiz"),
    ("Which firm designed the new breakwater?", "Halden Engineering designed", "Halden Engineering",
     "Corvin Partners designed", "Corvin Partners"),
]  # fmt: skip

# (what tells them apart, the answer's sentence, its value, the other sentence, the word both share)
LOOK_ALIKES = [
    ("different purpose", "$3 million for the lighthouse", "$3 million", "$2 million for the sailing school", "trust"),
    ("different contributor", "$50 million from the Nordic", "$50 million", "$20 million from the national", "tram"),
    ("different year (money)", "budget for 2024 was $8 million", "$8 million", "budget for 2025 is $9 million",
     "budget"),
    ("different year (date)", "held on May 4, 2023", "May 4, 2023", "held on May 11, 2024", "regatta"),
    ("different year (count)", "In 2023, the harbour welcomed 410", "410", "In 2024, the harbour welcomed 455",
     "cruis"),
    ("different unit", "has 85 boats", "85", "has 120 members", "cooper"),
    ("different action", "Moreau opened the maritime museum", "Mayor Alice Moreau", "Ruiz visited the maritime museum",
     "museum"),
    ("same value", "The seawall cost $90 million.", "$90 million", "cost $90 million, in line", "seawal"),
    ("same sentence", "round to $1.5 billion", "about $1.38 billion", "round to $1.5 billion", "pledg"),
]  # fmt: skip


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    index = tmp_path_factory.mktemp("conflicts-index")
    return Assistant.load(Settings(corpus_dir=CONFLICTS, index_dir=index, embedder="fake"))


def position(bot: Assistant, piece: str) -> int:
    """The one sentence of the corpus that holds `piece`."""
    found = [p for p, s in enumerate(bot.index.data.sentences) if piece in s.text]
    assert len(found) == 1, (piece, found)
    return found[0]


def claim(bot: Assistant, piece: str, value: str) -> disputes.Claim:
    sentence = bot.index.data.sentences[position(bot, piece)]
    kinds = ("money", "date", "count", "actor")
    found = [c for k in kinds for c in disputes.claims(sentence, k, bot.index.data.facts) if c.value == value]  # type: ignore[arg-type]
    assert found, (value, [(m.label, m.text) for m in sentence.mentions])
    return found[0]


def weights(bot: Assistant, question: str) -> dict[str, float]:
    lexicon: Lexicon = bot.lexicon
    return {t: lexicon.idf(t) for t in lexicon.query_terms(question)}


@pytest.mark.parametrize(("question", "piece", "value", "other", "rival"), PLANTED, ids=[r[4] for r in PLANTED])
def test_a_planted_disagreement_is_found_with_both_values(
    bot: Assistant, question: str, piece: str, value: str, other: str, rival: str
) -> None:
    answer = claim(bot, piece, value)
    own = passage(bot.index, position(bot, piece))
    thread = disputes.anchor(weights(bot, question), answer, own)
    assert thread is not None
    found = disputes.detect(thread, answer, own, [passage(bot.index, position(bot, other))], bot.index.data.facts)
    assert found is not None
    assert [c.value for c in found.claims] == [value, rival]
    assert found.claims[0].sentence.doc_id != found.claims[1].sentence.doc_id


@pytest.mark.parametrize(("why", "piece", "value", "other", "thread"), LOOK_ALIKES, ids=[r[0] for r in LOOK_ALIKES])
def test_a_look_alike_is_not_a_disagreement_even_when_a_word_ties_them(
    bot: Assistant, why: str, piece: str, value: str, other: str, thread: str
) -> None:
    answer = claim(bot, piece, value)
    own = passage(bot.index, position(bot, piece))
    rival = passage(bot.index, position(bot, other))
    assert rival.uses(thread, answer.kind) or rival.sentence == answer.sentence
    assert disputes.detect(thread, answer, own, [rival], bot.index.data.facts) is None


# (question about one document, the value it gives, the value of an unrelated document that shares a common word)
UNRELATED = [
    ("When will the cooling centres open?", "June 1, 2026", "July 20, 2026"),
    ("When do applications open for the broadband fund?", "July 20, 2026", "June 1, 2026"),
    ("When will the heat plan be reviewed?", "October 15, 2026", "December 1, 2026"),
    ("How much has the council set aside for the heat programme?", "$4 million", "$250 million"),
    ("How much has the government set aside for the broadband programme?", "$250 million", "$4 million"),
    ("How many homes will the heat volunteers visit?", "2,000", "12,000"),
    ("Who signed the heat plan?", "Marsh", "Okafor"),
]


@pytest.mark.parametrize(("question", "value", "unrelated"), UNRELATED, ids=[r[0] for r in UNRELATED])
def test_a_value_of_an_unrelated_document_that_shares_only_a_common_word_is_no_disagreement(
    bot: Assistant, question: str, value: str, unrelated: str
) -> None:
    answer = bot.ask(question)
    direct = answer.text.split("\n")[0]  # the fake embedder may add the other sentence as support below
    assert value in direct and unrelated not in direct
    assert answer.conflicts == []


def test_every_value_quotes_its_document_exactly(bot: Assistant) -> None:
    for _, piece, value, other, rival in PLANTED:
        for text, shown in ((piece, value), (other, rival)):
            c = claim(bot, text, shown)
            assert bot.index.document(c.sentence.doc_id).text[c.start : c.end] == shown


def mentioned(text: str, *mentions: tuple[str, str]) -> Sentence:
    """A sentence at offset 0 of document "d" with the given (label, text) mentions."""
    spans = [Mention(label=label, start=text.index(m), end=text.index(m) + len(m), text=m) for label, m in mentions]
    return Sentence(doc_id="d", start=0, end=len(text), text=text, mentions=tuple(spans))


# (kind, mention label, mention text, parsed key)
KEYS = [
    ("money", "MONEY", "about $1.67 billion", ("$", 1670000000)),
    ("money", "MONEY", "an additional $2 billion", ("$", 2000000000)),
    ("money", "MONEY", "€15m", ("€", 15000000)),
    ("date", "DATE", "March 3, 2025", (2025, 3, 3)),
    ("date", "DATE", "June 2024", (2024, 6, None)),
    ("count", "CARDINAL", "1,200", (1200,)),
    ("count", "CARDINAL", "twelve", (12,)),
    ("actor", "PERSON", "President Trump", ("trump",)),
]


@pytest.mark.parametrize(("kind", "label", "text", "key"), KEYS, ids=[r[2] for r in KEYS])
def test_values_are_compared_by_what_they_mean(kind: disputes.Kind, label: str, text: str, key: tuple) -> None:
    [found] = disputes.claims(mentioned(f"It was {text} then.", (label, text)), kind)
    assert found.key == key


def test_a_year_on_its_own_is_not_a_count() -> None:
    assert disputes.claims(mentioned("In 2024 it grew.", ("CARDINAL", "2024")), "count") == []


def test_the_displayed_value_drops_a_leading_article_but_keeps_a_hedge() -> None:
    values = [c.value for c in disputes.claims(mentioned("An additional $2 billion, or about $3 billion.",
              ("MONEY", "An additional $2 billion"), ("MONEY", "about $3 billion")), "money")]  # fmt: skip
    assert values == ["$2 billion", "about $3 billion"]


MINISTERIAL = CONFLICTS.parent / "ministerial"


@pytest.fixture(scope="module")
def ministerial(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The article and the follow-up brief, indexed with the real model."""
    index = tmp_path_factory.mktemp("ministerial-index")
    return Assistant.load(Settings(corpus_dir=MINISTERIAL, index_dir=index, embedder="minilm"))


PRIVATE_MONEY = [
    "How much are private investors putting into the stockpile?",
    "How much private money is in the reserve?",
    # "sector" is the rarest word the article's sentence shares, and the brief never uses it: the
    # next one ("private", in the brief's topic sentence) ties the two
    "How much did the private sector put into the reserve?",
    # the sentence scorer doubts every sentence here; the amount the calculator finds is shown with
    # the brief's rival, tied by the same next-rarest-word rule
    "How much private-sector money is going into the strategic minerals reserve?",
]


@pytest.mark.model
@pytest.mark.parametrize("question", PRIVATE_MONEY)
def test_asked_about_the_private_money_a_user_is_told_the_sources_disagree_with_both_quotes(
    ministerial: Assistant, question: str
) -> None:
    answer = ministerial.ask(question)
    [conflict] = answer.conflicts
    assert [v.value for v in conflict.values] == ["$2 billion", "about $1.67 billion"]
    assert len({v.doc_id for v in conflict.values}) == 2
    assert "The sources disagree: $2 billion [1]" in answer.text
    for v in conflict.values:
        cited = answer.citations[v.citation - 1]
        document = ministerial.index.document(v.doc_id).text
        assert document[v.start : v.end] == v.value and cited.start <= v.start and v.end <= cited.end
        assert document[cited.start : cited.end] == cited.quote


@pytest.mark.model
def test_a_total_over_disputed_private_money_shows_each_documents_result(ministerial: Assistant) -> None:
    answer = ministerial.ask("What is the total funding of the reserve, public and private together?")
    assert answer.calculation is not None and " or " in answer.calculation.result
    assert {v.value for c in answer.conflicts for v in c.values} == {"$2 billion", "about $1.67 billion"}


def test_an_actor_is_shown_as_the_phrase_it_heads_but_compared_by_its_name() -> None:
    sentence = mentioned("Then the Smith administration launched it.", ("PERSON", "Smith"),
                         ("NP", "the Smith administration"))  # fmt: skip
    [found] = disputes.claims(sentence, "actor")
    assert (found.value, found.key) == ("Smith administration", ("smith",))
    assert sentence.text[found.start : found.end] == found.value


# --- at most MAX_SHOWN_VALUES values on one answer (issue 20.6) ------------------------------


def made_claim(sentence: Sentence, value: str) -> disputes.Claim:
    return disputes.Claim("money", value, (value,), sentence, sentence.start, sentence.start + 1)


@pytest.mark.parametrize(
    ("values", "shown", "more"),
    [
        (["$1", "$2"], ["$1", "$2"], 0),
        ([f"${n}" for n in range(5)], [f"${n}" for n in range(5)], 0),
        ([f"${n}" for n in range(58)], [f"${n}" for n in range(5)], 53),
        (["$1", "$1", "$1", "$2", "$3", "$4", "$5"], ["$1", "$2", "$3", "$4", "$5"], 2),  # each value before repeats
        (["$1", "$1", "$2"], ["$1", "$2", "$1"], 0),
    ],
)
def test_an_answer_shows_at_most_five_values_of_one_disagreement(
    values: list[str], shown: list[str], more: int
) -> None:
    sentence = Sentence(doc_id="d", text="x", start=0, end=1)
    kept, left_out = disputes.shown([made_claim(sentence, v) for v in values])
    assert [c.value for c in kept] == shown and left_out == more


def test_a_disagreement_among_many_near_copies_cites_five_values_and_counts_the_rest(bot: Assistant) -> None:
    """Issue 20: 58 conflict citations on one answer. Now five, each cited once, then 'and 53 more'."""
    from assistant.answer.compose import CitationBook, _cite_conflict, disagreement_line

    sentences = bot.index.data.sentences
    claims = tuple(made_claim(sentences[n % len(sentences)], f"${n} million") for n in range(58))
    book = CitationBook(bot.index)
    conflict = _cite_conflict(disputes.Disagreement("money", "amount: fund", claims), book)
    assert [v.value for v in conflict.values] == [f"${n} million" for n in range(5)] and conflict.more == 53
    assert len(book.citations) <= 5
    line = disagreement_line(bot.settings.prompts_dir, conflict)
    assert line.count("[") == 5 and line.endswith("; and 53 more.")
