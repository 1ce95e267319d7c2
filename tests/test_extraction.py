"""Specifications of rule-based fact extraction (assistant/ingest/extraction.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from assistant.ingest.extraction import extract_facts, merge_facts
from assistant.ingest.text import split_sentences
from assistant.records import Document, Fact

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_ID = "us-critical-minerals-strategy"
FEB_4 = dt.date(2026, 2, 4)


def make_doc(text: str, doc_id: str = "test", event_date: dt.date | None = None) -> Document:
    return Document(doc_id=doc_id, path=f"{doc_id}.txt", title=doc_id, text=text, sha256="-",
                    event_date=event_date)  # fmt: skip


def extract(text: str, event_date: dt.date | None = None) -> list[Fact]:
    doc = make_doc(text, event_date=event_date)
    return extract_facts(doc, split_sentences(doc.doc_id, doc.text))


def of_kind(facts: list[Fact], kind: str) -> list[Fact]:
    return [fact for fact in facts if fact.kind == kind]


def only(text: str, kind: str) -> Fact:
    found = of_kind(extract(text), kind)
    assert len(found) == 1, found
    return found[0]


def assert_fields(fact: Fact, expected: dict[str, Any]) -> None:
    assert {key: getattr(fact, key) for key in expected} == expected


@pytest.fixture(scope="module")
def article() -> Document:
    text = (ROOT / "corpus" / "docs" / f"{ARTICLE_ID}.txt").read_text(encoding="utf-8")
    return make_doc(text, doc_id=ARTICLE_ID, event_date=FEB_4)


@pytest.fixture(scope="module")
def article_facts(article: Document) -> list[Fact]:
    return extract_facts(article, split_sentences(article.doc_id, article.text))


# --- one pattern per row: sentence -> expected fields ------------------------------------

MONEY = [
    ("It costs $10 billion.", {"amount": Decimal("10000000000"), "currency": "USD"}),
    ("A grant of $2.5 million was made.", {"amount": Decimal("2500000"), "currency": "USD"}),
    ("The port got US$300m from local pension funds.",
     {"amount": Decimal("300000000"), "contributor": "local pension funds"}),
    ("Brussels pledged €5 billion.", {"amount": Decimal("5000000000"), "currency": "EUR"}),
    ("They paid 10 billion dollars.", {"amount": Decimal("10000000000"), "currency": "USD"}),
    ("It costs $10 billion dollars.", {"amount": Decimal("10000000000")}),
    ("It is backed by $10 billion from the Export-Import Bank of the U.S. And more.",
     {"contributor": "Export-Import Bank of the U.S."}),
    ("Add $2 billion from the private sector, providing a buffer.",
     {"contributor": "private sector", "purpose": None}),
    ("The bank lent £40 million for a new bridge.",
     {"currency": "GBP", "purpose": "new bridge"}),
    # tables abbreviate the scale, in capitals as often as not
    ("Bus fleet electrification: $64M.", {"amount": Decimal("64000000"), "currency": "USD"}),
    ("Total | $1.2B", {"amount": Decimal("1200000000")}),
    ("Grants of $5K each.", {"amount": Decimal("5000")}),
    ("It cost $3bn.", {"amount": Decimal("3000000000")}),
]  # fmt: skip

SHARES = [
    ("China, which controls an estimated 80% to 90% of key mineral market capacity, leads.",
     {"low": 80, "high": 90, "holder": "China", "of": "key mineral market capacity"}),
    ("Norway holds 80–90% of the market.", {"low": 80, "high": 90, "holder": "Norway"}),
    ("Solar provides between 80 and 90 percent of power.",
     {"low": 80, "high": 90, "of": "power"}),
    ("About 45% of voters said no.", {"low": 45, "high": 45, "of": "voters"}),
]  # fmt: skip

GROWTH = [
    ("Demand could increase by as much as 400% by 2040.",
     {"percent": 400, "bound": "up to", "subject": "Demand"}),
    ("Exports may rise by up to 50% next year.", {"percent": 50, "bound": "up to"}),
    ("Sales grew 20% in 2025.", {"percent": 20, "bound": "exact", "subject": "Sales"}),
    ("Output will grow by at least 15%.", {"percent": 15, "bound": "at least"}),
]  # fmt: skip

COUNTS = [
    ("Representatives from 54 nations attended.", {"value": 54, "unit": "nations"}),
    ("The pact covers 12 countries.", {"value": 12, "unit": "countries"}),
    ("It was signed with three partners.", {"value": 3, "unit": "partners"}),
    ("Three new partners signed.", {"value": 3, "unit": "partners"}),
    ("The fund employs 1,200 engineers.", {"value": 1200, "unit": "engineers"}),
]  # fmt: skip

DATES = [
    ("On February 4, 2026, the minister spoke.", FEB_4),
    ("On 4 February 2026 the minister spoke.", FEB_4),
    ("The report is dated 2026-02-04.", FEB_4),
    ("Talks began Feb. 4, 2026.", FEB_4),
]

COMMITMENTS = [
    ("Within 30 days, the US will sign a memorandum of understanding with Japan and the EU "
     "to collaborate on refining.",
     {"parties": ["Japan", "EU"], "instrument": "memorandum of understanding",
      "scope": "collaborate on refining", "due_days": 30}),
    ("A similar action plan is slated for implementation with Mexico within 60 days, "
     "focusing on cooperative management and trade.",
     {"parties": ["Mexico"], "instrument": "action plan",
      "scope": "cooperative management and trade", "due_days": 60}),
    ("In two weeks, Canada will sign an agreement with Norway to share grid data.",
     {"parties": ["Norway"], "instrument": "agreement", "due_days": 14}),
    ("Within 3 months, Chile and Peru will conclude a treaty on fisheries.",
     {"parties": ["Chile", "Peru"], "instrument": "treaty", "due_days": None}),
    ("Within 30 days, both will sign an MoU with the UK, France, and Germany covering hydrogen.",
     {"parties": ["UK", "France", "Germany"], "instrument": "memorandum of understanding",
      "scope": "hydrogen"}),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), MONEY)
def test_money_amounts_are_whole_units_with_currency_and_contributor(sentence, expected):
    assert_fields(only(sentence, "money"), expected)


@pytest.mark.parametrize(("sentence", "expected"), SHARES)
def test_percentages_and_ranges_are_shares_with_holder_and_whole(sentence, expected):
    assert_fields(only(sentence, "share"), expected)


@pytest.mark.parametrize(("sentence", "expected"), GROWTH)
def test_growth_percent_has_a_bound_and_subject(sentence, expected):
    assert_fields(only(sentence, "growth"), expected)


@pytest.mark.parametrize(("sentence", "expected"), COUNTS)
def test_number_before_a_plural_noun_is_a_count(sentence, expected):
    assert_fields(only(sentence, "count"), expected)


@pytest.mark.parametrize(("sentence", "expected"), DATES)
def test_explicit_dates_in_common_formats(sentence, expected):
    assert only(sentence, "date").date == expected


@pytest.mark.parametrize(("sentence", "expected"), COMMITMENTS)
def test_deadline_with_instrument_is_a_commitment(sentence, expected):
    assert_fields(only(sentence, "commitment"), expected)


def test_a_named_event_in_a_dated_sentence_is_an_event_with_its_host():
    text = "On February 4, 2026, Secretary of State Marco Rubio hosted the inaugural Critical "
    text += "Minerals Ministerial, signaling a new era."
    assert_fields(only(text, "event"), {"name": "Critical Minerals Ministerial", "date": FEB_4,
                                        "host": "Secretary of State Marco Rubio"})  # fmt: skip


# --- what is not a fact ------------------------------------------------------------------

NOT_COUNTS = [
    "In 2026 ministers met.",  # a year
    "Within 30 days, the US will sign an agreement with Japan.",  # a deadline
    "It costs $10 billion dollars.",  # money
    "Demand rose 40 percent.",  # a percent
    "On February 4, 2026 leaders met.",  # a date
    "The 3rd round of talks ended.",  # an ordinal
]


@pytest.mark.parametrize("sentence", NOT_COUNTS)
def test_years_deadlines_money_percents_dates_and_ordinals_are_not_counts(sentence):
    assert of_kind(extract(sentence), "count") == []


def test_a_growth_percent_is_not_also_a_share():
    facts = extract("Demand could increase by as much as 400% in the coming decades.")
    assert [f.kind for f in facts] == ["growth"]


def test_an_event_needs_a_date_in_the_same_sentence():
    assert of_kind(extract("The Ottawa Energy Summit was a success."), "event") == []


def test_a_named_agreement_without_future_or_deadline_is_not_a_commitment():
    facts = extract("The US has withdrawn from organizations like the Paris Agreement.")
    assert of_kind(facts, "commitment") == []


def test_commitment_anchor_is_the_nearest_earlier_date_else_the_event_date():
    text = "Leaders met on March 10, 2027.\nWithin 45 days, Canada will sign a deal with Norway."
    assert only(text, "commitment").anchor_date == dt.date(2027, 3, 10)
    undated = extract("Within 45 days, Canada will sign an agreement with Norway.", FEB_4)
    assert of_kind(undated, "commitment")[0].anchor_date == FEB_4


def test_fact_ids_are_deterministic_and_name_document_kind_and_offset():
    first, second = extract("It costs $10 billion."), extract("It costs $10 billion.")
    assert [f.id for f in first] == [f.id for f in second] == ["test:money:9"]
    assert first[0].origin == "extracted"


# --- the real article ----------------------------------------------------------------------


def test_every_extracted_quote_is_the_exact_sentence_at_its_offsets(article, article_facts):
    assert article_facts
    for fact in article_facts:
        assert article.text[fact.start : fact.end] == fact.quote


def test_article_money_is_ten_and_two_billion(article_facts):
    money = of_kind(article_facts, "money")
    assert {f.amount for f in money} == {Decimal(10**10), Decimal(2 * 10**9)}
    assert [f.contributor for f in money] == ["Export-Import Bank of the U.S.", "private sector"]


def test_article_share_is_china_80_to_90(article_facts):
    assert [(f.low, f.high, f.holder) for f in of_kind(article_facts, "share")] == [(80, 90, "China")]


def test_article_count_is_54_nations(article_facts):
    assert [(f.value, f.unit) for f in of_kind(article_facts, "count")] == [(54, "nations")]


def test_article_growth_is_up_to_400(article_facts):
    assert [(f.percent, f.bound) for f in of_kind(article_facts, "growth")] == [(400, "up to")]


def test_article_event_is_the_ministerial_on_february_4(article_facts):
    assert [f.date for f in of_kind(article_facts, "date")] == [FEB_4]
    events = of_kind(article_facts, "event")
    assert [(f.name, f.date) for f in events] == [("Critical Minerals Ministerial", FEB_4)]


def test_article_commitments_are_japan_eu_in_30_days_and_mexico_in_60(article_facts):
    found = [(f.parties, f.due_days, f.anchor_date) for f in of_kind(article_facts, "commitment")]
    assert found == [(["Japan", "EU"], 30, FEB_4), (["Mexico"], 60, FEB_4)]


# --- a new document: the rules are not tied to the article ---------------------------------

NEW_DOC = """Nordic Energy Pact

On March 10, 2027, the ministers of Canada and Norway met at the Ottawa Energy Summit, hosted by \
Prime Minister Anita Lund. Delegates from 17 countries attended.
Within 45 days, Canada will sign an agreement with Norway to build a shared hydrogen grid. \
The project is financed by $3.5 billion from the Nordic Investment Bank.
Norway, which supplies 60–70% of the region's hydrogen, expects exports to grow by up to 25%.
"""


def test_a_new_document_yields_the_same_kinds_of_facts():
    facts = extract(NEW_DOC)
    by_kind = {kind: of_kind(facts, kind) for kind in ("event", "commitment", "money", "share")}
    assert_fields(by_kind["event"][0], {"name": "Ottawa Energy Summit",
                                        "date": dt.date(2027, 3, 10),
                                        "host": "Prime Minister Anita Lund"})  # fmt: skip
    assert_fields(by_kind["commitment"][0], {"parties": ["Norway"], "instrument": "agreement",
                                             "due_days": 45, "anchor_date": dt.date(2027, 3, 10),
                                             "scope": "build a shared hydrogen grid"})  # fmt: skip
    assert_fields(by_kind["money"][0], {"amount": Decimal("3500000000"),
                                        "contributor": "Nordic Investment Bank"})  # fmt: skip
    assert_fields(by_kind["share"][0], {"low": 60, "high": 70, "holder": "Norway"})
    assert [(f.value, f.unit) for f in of_kind(facts, "count")] == [(17, "countries")]
    assert [(f.percent, f.bound) for f in of_kind(facts, "growth")] == [(25, "up to")]


# --- merging curated and extracted facts ---------------------------------------------------


def curated_facts() -> list[Fact]:
    raw = yaml.safe_load((ROOT / "corpus" / "facts" / f"{ARTICLE_ID}.yaml").read_text("utf-8"))
    return [TypeAdapter(Fact).validate_python(item) for item in raw]


def test_curated_facts_replace_the_extracted_facts_they_restate(article_facts):
    merged = merge_facts(curated_facts(), article_facts)
    assert [f.origin for f in merged] == ["curated"] * len(curated_facts())


def test_extracted_facts_no_curated_fact_restates_survive_a_merge(article_facts):
    curated = [f for f in curated_facts() if f.kind != "money"]
    merged = merge_facts(curated, article_facts)
    assert [f.kind for f in merged if f.origin == "extracted"] == ["money", "money"]


def test_a_curated_fact_with_another_value_does_not_replace_an_extracted_one(article_facts):
    curated = [f.model_copy(update={"amount": Decimal(1)}) if f.kind == "money" else f
               for f in curated_facts()]  # fmt: skip
    survivors = [f for f in merge_facts(curated, article_facts) if f.origin == "extracted"]
    assert [f.amount for f in survivors] == [Decimal(10**10), Decimal(2 * 10**9)]


@pytest.mark.parametrize("path", sorted((ROOT / "corpus" / "facts").glob("*.yaml")), ids=str)
def test_every_curated_quote_occurs_verbatim_in_its_document(path):
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        text = (ROOT / "corpus" / "docs" / f"{item['doc']}.txt").read_text(encoding="utf-8")
        assert item["quote"] in text, f"{path.name}: {item['id']}: quote not found"


@pytest.mark.parametrize(
    ("text", "parties"),
    [
        (
            "Within 45 days, the US will sign a memorandum of understanding with Bosnia and Herzegovina on lithium.",
            ["Bosnia and Herzegovina"],
        ),
        ("Within 30 days, the US will sign a memorandum of understanding with Japan and the EU.", ["Japan", "EU"]),
    ],
)
def test_commitment_parties_are_the_names_spacy_tagged(text: str, parties: list[str]) -> None:
    """A name with 'and' inside it stays one party: the regex alone would split it in two."""
    from assistant.ingest.nlp import annotate
    from assistant.records import Document, Sentence

    doc = Document(doc_id="d", path="d.txt", title="D", text=text, sha256="x", event_date=dt.date(2026, 1, 1))
    tagged = annotate([Sentence(doc_id="d", start=0, end=len(text), text=text)])
    assert [f.parties for f in extract_facts(doc, tagged) if f.kind == "commitment"] == [parties]
