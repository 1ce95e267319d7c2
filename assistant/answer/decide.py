"""The decision: from ranked candidate sentences and the calculator's outcome to one cited Answer.

Read top to bottom, a question's route is:

0. a question that names a table's row (and column) is answered by that cell, cited to the cell;
1. a deadline the best sentence counts from an event ("within 90 days of the summit") is worked out;
2. a question that needs arithmetic the sentences do not state outright is calculated from cited facts;
3. otherwise the best sentence answers when the scorer is sure enough (`Policy.threshold`) and it is
   about the question at all (its cosine at least `UNRELATED_BELOW`), with the
   sentence after it in its paragraph when the best gives no short answer (`Policy.follow_ratio`);
4. a look-up the scorer doubts is answered by the fact one of the best sentences states;
5. else the closest passage is shown, visibly not a direct answer, or the assistant declines.

A question that names something the documents never mention ("Russia") is not answered at all (after
step 0): the reply says so, with the closest passage when one is clearly related.

Every rule here is measured on every suite, in both directions (evals/README.md); `Policy.rules_off`
switches named rules off for that measurement.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import get_args

from assistant.answer.cells import answer_from_cells
from assistant.answer.compose import (
    Scored,
    abstain,
    compose,
    compose_calculation,
    focus,
    following,
    input_rivals,
    is_heading,
    states_date,
    unmentioned,
)
from assistant.answer.table_math import column_extreme, column_total, row_difference, row_share
from assistant.calculate.understanding import Query
from assistant.config import Rule
from assistant.ingest.index import Index
from assistant.records import Answer, Computed, Declined, Fact, Sentence
from assistant.retrieve.question import TIMES, answer_type

log = logging.getLogger(__name__)

# A calculation is shown only if one of its inputs is stated among this many best candidate sentences.
RELEVANT_TOP = 6
# Intents that need arithmetic: a date from "within N days", days left/since/between, sums, shares, ratios.
ARITHMETIC = frozenset(
    {
        "due_date", "days_remaining", "days_since", "has_passed", "days_between", "first_deadline",
        "money_sum", "money_difference", "money_ratio", "money_share", "share_complement", "growth_multiplier",
    }
)  # fmt: skip
# Counts gathered across several facts: computed only when no sentence states the number outright.
AGGREGATES = frozenset({"partners_count", "agreements_count"})
# Look-ups of one stated value: when the sentence scorer is unsure, a fact of the asked kind with the
# question's names still answers, if a sentence among the RELEVANT_TOP best candidates states it.
LOOKUPS = {"event_date": "event", "count": "count", "money_amount": "money", "share_value": "share"}
DATED = frozenset({"due_date", "first_deadline"})
COUNTDOWNS = frozenset(
    {"days_remaining", "days_since", "has_passed"}
)  # answered by a sentence that states the date outright
# Rules that `Policy.rules_off` can switch off, to measure what each one gains and costs.
RULES: tuple[str, ...] = get_args(Rule)
# The sentence after the best one in its paragraph is quoted with it from this share of the best's
# probability on (rule "follow_on"; chosen on the tuning suites, evals/README.md).
FOLLOW_RATIO = 0.2
# A sentence whose cosine with the question is below this is about something else, whatever words it
# shares (rule "unrelated": "What is the tallest mountain on earth?" is not answered by "rare earths";
# chosen on off-topic questions, checked on others and on every suite, evals/README.md).
UNRELATED_BELOW = 0.15
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Policy:
    """The decision's parameters: fitted (threshold, in assistant/answer/scorer.json) or chosen."""

    threshold: float  # the best sentence answers when its probability is at least this
    closest_above: float  # below the threshold, the closest passage is shown when at least this
    support_ratio: float = 0.5  # further sentences are cited when at least this share of the best's probability
    max_citations: int = 3
    rules_off: frozenset[str] = frozenset()
    follow_ratio: float = FOLLOW_RATIO  # the best's next sentence in its paragraph is quoted from this share on

    def on(self, rule: str) -> bool:
        return rule not in self.rules_off


@dataclass(frozen=True)
class Asked:
    """The question as the decision sees it: its text, its understanding, the date and its term weights."""

    text: str
    query: Query
    today: dt.date
    weights: Mapping[str, float]
    unmentioned: tuple[str, ...] = ()  # names in the question the documents never mention (rule "names_absent")


@dataclass(frozen=True)
class Decider:
    """Decides and composes the answer to one question over one index."""

    index: Index
    prompts: Path
    policy: Policy

    def decide(self, asked: Asked, scored: list[Scored]) -> Answer:
        """The answer to `asked` from its ranked candidates (best first)."""
        query = asked.query
        if self.policy.on("table_cells"):
            worked = (
                f(query.text, self.index, self.prompts)
                for f in (row_difference, row_share, column_total, column_extreme)
            )
            cells = next((a for a in worked if a is not None), None) or answer_from_cells(query.text, self.index)
            if cells is not None:
                return cells
        if asked.unmentioned:
            return unmentioned(asked.text, asked.unmentioned, self._closest(scored), self.index, self.prompts)
        looked_up = self._calculated(query, asked.today) if query.intent in LOOKUPS else None
        scored = with_fact_focus(scored, looked_up)
        extractive = self._extractive(asked.text, scored, asked.weights)
        counted = self._counted_deadline(asked.text, scored, extractive, asked.today)
        if counted is not None:
            return compose_calculation(asked.text, counted, self.index, self.prompts)
        stated = not extractive.abstained and bool(scored) and focus(asked.text, scored[0]) is not None
        arithmetic = (
            query.intent in ARITHMETIC
            and not (query.intent in DATED and self._states_date(asked.text, scored, extractive))
        ) or (query.intent in AGGREGATES and not stated)
        if not arithmetic and not extractive.abstained:
            return extractive
        outcome = looked_up if query.intent in LOOKUPS else self._calculated(query, asked.today)
        if isinstance(outcome, Computed) and arithmetic and self._relevant(query, outcome, scored):
            return self._calculation(asked, outcome)
        if extractive.abstained and query.intent in LOOKUPS and self.policy.on("doubted_lookup"):
            if isinstance(outcome, Declined):
                outcome = self._best_ranked(query, scored, asked.today) or outcome
            if isinstance(outcome, Computed) and self._stated_nearby(outcome, scored, asked.text):
                return self._calculation(asked, outcome)
        if isinstance(outcome, Declined) and query.intent in COUNTDOWNS:
            counted = self._passage_countdown(asked.text, query.intent, scored, asked.today)
            if counted is not None:
                return compose_calculation(asked.text, counted, self.index, self.prompts)
        if isinstance(outcome, Declined) and extractive.abstained and query.intent is not None:
            related = self._closest(scored)
            return compose_calculation(asked.text, outcome, self.index, self.prompts, related)
        return extractive

    def _extractive(self, text: str, scored: list[Scored], weights: Mapping[str, float]) -> Answer:
        """The best sentences when the scorer is sure enough, else the closest passage or a plain decline."""
        p = self.policy
        sure = bool(scored) and scored[0].score >= p.threshold and self._related(scored[0])
        typed_miss = p.on("typed_decline") and bool(scored) and bool(answer_type(text).labels) and not scored[0].typed
        follow = p.follow_ratio if p.on("follow_on") else None
        if sure and not typed_miss:
            cited = (p.max_citations, p.threshold, p.support_ratio)
            return compose(text, scored, self.index, self.prompts, *cited, weights, follow)
        closest = self._closest(scored)
        after = following(scored, self.index, follow) if closest is not None and follow is not None else None
        if after is not None and focus(text, scored[0]) is not None:
            after = None  # the passage itself holds a value of the asked type: the next sentence is not needed
        return abstain(text, closest, self.index, self.prompts, after.sentence if after is not None else None)

    def _closest(self, scored: list[Scored]) -> Sentence | None:
        """The best candidate, when it is clearly related to the question and is a statement, not a heading."""
        if not scored or not self.policy.on("closest_passage") or scored[0].score < self.policy.closest_above:
            return None
        if not self._related(scored[0]):
            return None
        return None if is_heading(self.index, scored[0].position) else scored[0].sentence

    def _related(self, best: Scored) -> bool:
        """The sentence is about the question at all (rule "unrelated"), not only sharing a word with it."""
        return not self.policy.on("unrelated") or best.cosine >= UNRELATED_BELOW

    def _calculation(self, asked: Asked, outcome: Computed) -> Answer:
        shown = self._beside_rivals(asked, outcome)
        return compose_calculation(asked.text, shown, self.index, self.prompts)

    def _stated_nearby(self, outcome: Computed, scored: list[Scored], text: str) -> bool:
        """A doubted look-up's fact is stated by one of the best sentences, and is not the question's own figure."""
        top = scored[:RELEVANT_TOP]
        stated = any(overlaps(u.fact, c.sentence) for u in outcome.uses for c in top)
        return stated and not restates(outcome.result, text)

    def _beside_rivals(self, asked: Asked, outcome: Computed) -> Computed:
        """The calculation, and beside it the result with another document's value for an input they disagree on."""
        from assistant.calculate.calculator import calculate
        from assistant.calculate.sources import with_rivals

        if outcome.rivals:
            return outcome  # the facts themselves already disagreed: every source's result is shown
        try:
            rivals = input_rivals(outcome.uses, self.index, asked.weights)
            handler = lambda facts: calculate(asked.query, facts, asked.today) or outcome  # noqa: E731
            return with_rivals(handler, self.index.data.facts, outcome, rivals) if rivals else outcome
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the calculation
            log.exception("rival inputs failed for %r; showing the calculation alone", asked.text)
            return outcome

    def _calculated(self, query: Query, today: dt.date) -> Computed | Declined | None:
        """The calculator's outcome for `query`; None when it is no calculator question or a rule fails."""
        from assistant.calculate.calculator import calculate

        try:
            return calculate(query, self.index.data.facts, today)
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the extractive answer
            log.exception("calculator failed on %r; answering from retrieval alone", query.question)
            return None

    def _best_ranked(self, query: Query, scored: list[Scored], today: dt.date) -> Computed | None:
        """A look-up the question fits to several facts, answered by the one whose sentence ranks best
        among the best candidates; None on a tie or no such fact."""
        from assistant.calculate.calculator import calculate
        from assistant.calculate.understanding import select

        kind, facts, top = LOOKUPS[query.intent or ""], self.index.data.facts, scored[:RELEVANT_TOP]
        found = select(query, facts, kind)

        def rank(fact: Fact) -> int | None:
            return next((r for r, c in enumerate(top) if overlaps(fact, c.sentence)), None)

        ranks = sorted((r, n) for n, f in enumerate(found) if (r := rank(f)) is not None)
        if len(found) < 2 or not ranks or (len(ranks) > 1 and ranks[0][0] == ranks[1][0]):
            return None
        chosen = found[ranks[0][1]]
        outcome = calculate(query, [f for f in facts if f.kind != kind or f.id == chosen.id], today)
        return outcome if isinstance(outcome, Computed) else None

    def _states_date(self, text: str, scored: list[Scored], extractive: Answer) -> bool:
        return not extractive.abstained and bool(scored) and states_date(focus(text, scored[0]))

    def _counted_deadline(self, text: str, scored: list[Scored], extractive: Answer, today: dt.date) -> Computed | None:
        """For a question asking for a date, the date of a deadline the chosen sentence counts from an
        event ("within 6 weeks of the summit"): the event's cited date plus the days."""
        from assistant.calculate.relative import counted_deadline

        if not self.policy.on("counted_deadline") or not scored:
            return None
        if extractive.abstained and self._closest(scored) is None:
            return None  # the closest passage without a date of its own ("within 90 days of the launch") still counts
        if answer_type(text).labels != TIMES or self._states_date(text, scored, extractive):
            return None
        try:
            return counted_deadline(scored[0].sentence, self.index.data.facts, today)
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the extractive answer
            log.exception("counted deadline failed on %r; answering from retrieval alone", text)
            return None

    def _passage_countdown(self, text: str, intent: str, scored: list[Scored], today: dt.date) -> Computed | None:
        """A day count the calculator could not name a fact for, counted to the one date a passage among
        the best gives, the first whose words go with the question's (rule "passage_countdown"): "How
        many days until the shortlist?" on "... will publish a shortlist by 30 September 2026"."""
        from assistant.calculate.relative import passage_countdown

        if not self.policy.on("passage_countdown") or self._closest(scored) is None:
            return None
        near = [s for s in scored[:RELEVANT_TOP] if s.score >= self.policy.closest_above and self._related(s)]
        try:
            counts = (
                passage_countdown(text, s.sentence, self.index.data.facts, today, intent == "has_passed") for s in near
            )
            return next((c for c in counts if c is not None), None)
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the answer they had
            log.exception("passage countdown failed; answering without it")
            return None

    def _relevant(self, query: Query, outcome: Computed, scored: list[Scored]) -> bool:
        """At least one input of the calculation is stated by a sentence among the best candidates; and
        for a date question, no better-ranked sentence that is not an input states a date itself."""
        top = [c.sentence for c in scored[:RELEVANT_TOP]]
        if not any(overlaps(u.fact, s) for u in outcome.uses for s in top):
            return False
        if query.intent not in DATED:
            return True
        best = scored[0].sentence
        return any(overlaps(u.fact, best) for u in outcome.uses) or not any(
            m.label in TIMES and states_date(m.text) for m in best.mentions
        )


def with_fact_focus(scored: list[Scored], looked_up: Computed | Declined | None) -> list[Scored]:
    """Where the best sentence states the fact a look-up found, that fact's value is its short answer:
    "How much did the dredging cost?" on "The port paid $5 million for cranes and $40 million for
    dredging" bolds $40 million, not the amount nearer the word "paid"."""
    if not isinstance(looked_up, Computed) or not scored or len(scored[0].typed) < 2:
        return scored
    best = scored[0]
    values = [set(_NUMBER.findall(u.value)) for u in looked_up.uses if overlaps(u.fact, best.sentence)]
    fits = [m for m in best.typed if any(v and set(_NUMBER.findall(m.text)) == v for v in values)]
    return [replace(best, typed=(fits[0],)), *scored[1:]] if len(fits) == 1 else scored


def restates(result: str, question: str) -> bool:
    """The result's figures are all the question's own ("How many of the 54 nations ...?" is not 54)."""
    figures = set(_NUMBER.findall(result))
    return bool(figures) and figures <= set(_NUMBER.findall(question))


def overlaps(fact: Fact, sentence: Sentence) -> bool:
    """The fact is stated in `sentence` (their spans overlap)."""
    return sentence.doc_id == fact.doc and (fact.start or 0) < sentence.end and sentence.start < (fact.end or 0)
