"""The public face: `Assistant.load(settings).ask(question, history, today) -> Answer`."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from assistant.answer.compose import (
    Scored,
    compose,
    compose_calculation,
    focus,
    input_rivals,
    is_heading,
    states_date,
)
from assistant.answer.scorer import Scorer, load_scorer
from assistant.calculate.understanding import Query
from assistant.config import Settings, load_settings
from assistant.errors import AssistantError, CorpusError, InputError
from assistant.ingest.embedding import Embedder, make_embedder
from assistant.ingest.index import Index, ensure_index, live_build, load_index
from assistant.ingest.lexicon import Lexicon
from assistant.records import Answer, Computed, Declined, Fact, Hit, Sentence
from assistant.retrieve.candidates import Candidate, candidates, names_absent
from assistant.retrieve.question import TIMES, answer_type
from assistant.retrieve.search import Mode, retrieve

log = logging.getLogger(__name__)

# How often `ask` looks for a newer live build of the index (reading one small file).
REFRESH_SECONDS = 2.0
# A declined calculation shows the closest sentence only if its probability is at least this share of the threshold.
RELATED_ABOVE = 0.5
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
# Where the question fits several such facts, the one whose sentence retrieval ranks best answers.
LOOKUPS = {"event_date": "event", "count": "count", "money_amount": "money", "share_value": "share"}
DATED = frozenset({"due_date", "first_deadline"})  # answered by a sentence that states the date outright
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")  # C0 controls, DEL, lone surrogates (not JSON-encodable)


def clean_question(question: Any, max_chars: int) -> str:
    """The question as one tidy line, or an InputError saying what to fix."""
    if not isinstance(question, str):
        raise InputError(f"the question must be text, not {type(question).__name__}")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text:
        raise InputError("the question is empty: type a question about the documents")
    if len(text) > max_chars:
        raise InputError(f"the question is {len(text)} characters long; the maximum is {max_chars}: shorten it")
    return text


def clean_history(history: Any) -> list[dict[str, str]]:
    """Earlier chat turns as {role, content: str}, or an InputError naming the bad entry.

    Content may be a string or Gradio's list of parts; parts without text (files, components)
    and contents that are not text at all (None, numbers) count as empty.
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise InputError(f"the history must be a list of {{role, content}} messages, not {type(history).__name__}")
    turns = []
    for n, message in enumerate(history, 1):
        if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
            raise InputError(f"history message {n} must be a mapping with a text 'role' and a 'content'")
        turns.append({"role": message["role"], "content": _CONTROL.sub(" ", _text_of(message.get("content")))})
    return turns


def _text_of(content: Any) -> str:
    parts = content if isinstance(content, list | tuple) else [content]
    texts = (p.get("text") if isinstance(p, Mapping) else p for p in parts)
    return " ".join(t for t in texts if isinstance(t, str))


@dataclass
class Assistant:
    """Answers questions about one indexed corpus; safe to share between threads.

    An Assistant never changes its index; when a newer build goes live (`assistant ingest`, or
    the server's corpus watcher), `ask` hands over to a new Assistant on that build, so one
    answer is always computed from one index.
    """

    settings: Settings
    index: Index
    embedder: Embedder
    lexicon: Lexicon
    aliases: Any
    scorer: Scorer = field(default_factory=load_scorer)
    _newer: Assistant | None = field(default=None, repr=False, compare=False)
    _checked_at: float = field(default=0.0, repr=False, compare=False)

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        rebuild: bool = True,
        progress: bool = False,
        embedder: Embedder | None = None,
        scorer: Scorer | None = None,
    ) -> Assistant:
        """Open the index for `settings` (default: from the environment), rebuilding it if stale."""
        from assistant.calculate.aliases import PACKAGED_ALIASES, load_aliases

        settings = settings or load_settings()
        embedder = embedder or make_embedder(settings.embedder, settings.index_dir, rebuild=rebuild)
        index = ensure_index(settings, embedder, rebuild=rebuild, progress=progress)
        lexicon = Lexicon.build(s.text for s in index.data.sentences)
        own = settings.corpus_dir / "aliases.yaml"
        try:
            aliases = load_aliases([PACKAGED_ALIASES, *([own] if own.is_file() else [])])
        except CorpusError as err:  # a broken alias table costs its aliases, not the answers
            log.warning("warning: skipped %s (answering without it; fix it and run `assistant ingest`)", err)
            aliases = load_aliases([PACKAGED_ALIASES])
        return cls(settings, index, embedder, lexicon, aliases, scorer or load_scorer())

    def current(self) -> Assistant:
        """This Assistant, or one on the build that went live since it was loaded (checked every few s)."""
        if self._newer is not None:
            return self._newer.current()
        now = time.monotonic()
        if now - self._checked_at < REFRESH_SECONDS:
            return self
        self._checked_at = now
        build = live_build(self.settings.index_dir)
        if build is None or build == self.index.path:
            return self
        try:
            index = load_index(self.settings.index_dir)
        except AssistantError:
            return self  # a broken newer build is never served; keep answering from this one
        lexicon = Lexicon.build(s.text for s in index.data.sentences)
        self._newer = replace(self, index=index, lexicon=lexicon, _newer=None, _checked_at=now)
        return self._newer

    def ask(self, question: str, history: list[dict[str, Any]] | None = None, today: dt.date | None = None) -> Answer:
        """Answer `question` from the corpus; `history` holds earlier chat turns for follow-ups."""
        return self.current()._ask(question, history, today)

    def _ask(self, question: str, history: list[dict[str, Any]] | None, today: dt.date | None) -> Answer:
        text = clean_question(question, self.settings.max_question_chars)
        today = today or dt.date.today()
        query = self._understand(text, clean_history(history))
        # A question that names something the corpus never mentions is declined outright: on the
        # fitting data 76% of such questions are unanswerable (evals/fit_scorer.py reports it).
        known = self.aliases.canonical  # an abbreviation with an alias ("MoU") is not an unknown name
        scored = [] if names_absent(self.lexicon, query.text, known) else self._scored(self._expand(query.text))
        if scored and query.text != text:
            scored = self._with_original(scored, text)
        looked_up = self._calculated(query, today) if query.intent in LOOKUPS else None
        scored = _with_fact_focus(scored, looked_up)
        s = self.settings
        weights = {t: self.lexicon.idf(t) for t in self.lexicon.query_terms(query.text)}
        extractive = compose(
            text, scored, self.index, s.prompts_dir, s.max_citations, self._threshold(), self.scorer.support_ratio,
            weights,
        )  # fmt: skip
        answer = self._with_calculation(text, query, scored, extractive, today, weights, looked_up)
        return answer.model_copy(
            update={"resolved_question": query.text if query.text != text else None, "as_of": today}
        )

    def _understand(self, text: str, history: list[dict[str, str]]) -> Query:
        """Intent, names and the follow-up rewrite; rules that fail leave the question as asked."""
        from assistant.chat.conversation import resolve

        try:
            return resolve(text, history, self.index.data.facts, self.aliases)
        except Exception:  # noqa: BLE001 -- understanding only adds to retrieval; never fail an answer over it
            log.exception("question understanding failed on %r; answering from retrieval alone", text)
            return Query(question=text, text=text)

    def _with_calculation(
        self, text: str, query: Query, scored: list[Scored], extractive: Answer, today: dt.date,
        weights: dict[str, float], looked_up: Computed | Declined | None,
    ) -> Answer:  # fmt: skip
        """The calculator's answer where the question asks for arithmetic the sentences do not state outright.

        A calculation that cannot be done never replaces an extractive answer; its refusal is
        shown only when retrieval found nothing that answers either. `looked_up` is the calculator's
        outcome already worked out for a look-up question.
        """
        counted = self._counted_deadline(text, scored, extractive, today)
        if counted is not None:
            return compose_calculation(text, counted, self.index, self.settings.prompts_dir)
        stated = not extractive.abstained and bool(scored) and focus(text, scored[0]) is not None
        arithmetic = (
            query.intent in ARITHMETIC and not (query.intent in DATED and self._states_date(text, scored, extractive))
        ) or (query.intent in AGGREGATES and not stated)
        if not arithmetic and not extractive.abstained:
            return extractive
        outcome = looked_up if query.intent in LOOKUPS else self._calculated(query, today)
        prompts = self.settings.prompts_dir
        if isinstance(outcome, Computed) and arithmetic and self._relevant(query, outcome, scored):
            return compose_calculation(text, self._beside_rivals(query, outcome, today, weights), self.index, prompts)
        if isinstance(outcome, Declined) and extractive.abstained and query.intent in LOOKUPS:
            outcome = self._best_ranked(query, scored, today) or outcome
        if (
            isinstance(outcome, Computed)
            and extractive.abstained
            and query.intent in LOOKUPS
            and any(_overlaps(u.fact, c.sentence) for u in outcome.uses for c in scored[:RELEVANT_TOP])
            and not _restates(outcome.result, text)
        ):
            return compose_calculation(text, self._beside_rivals(query, outcome, today, weights), self.index, prompts)
        if isinstance(outcome, Declined) and extractive.abstained and query.intent is not None:
            related = next((c.sentence for c in scored if not is_heading(self.index, c.position)), None)
            return compose_calculation(
                text,
                outcome,
                self.index,
                prompts,
                related if scored and scored[0].score >= RELATED_ABOVE * self._threshold() else None,
            )
        return extractive

    def _beside_rivals(self, query: Query, outcome: Computed, today: dt.date, weights: dict[str, float]) -> Computed:
        """The calculation, and beside it the result with another document's value for an input they disagree on."""
        from assistant.calculate.calculator import calculate
        from assistant.calculate.sources import with_rivals

        if outcome.rivals:
            return outcome  # the facts themselves already disagreed: every source's result is shown
        try:
            rivals = input_rivals(outcome.uses, self.index, weights)
            handler = lambda facts: calculate(query, facts, today) or outcome  # noqa: E731
            return with_rivals(handler, self.index.data.facts, outcome, rivals) if rivals else outcome
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the calculation
            log.exception("rival inputs failed for %r; showing the calculation alone", query.question)
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
        among the best candidates ("How many countries are in the working group?": the sentence on
        the working group, not the one on the summit's delegations); None on a tie or no such fact."""
        from assistant.calculate.calculator import calculate
        from assistant.calculate.understanding import select

        kind, facts, top = LOOKUPS[query.intent or ""], self.index.data.facts, scored[:RELEVANT_TOP]
        found = select(query, facts, kind)

        def rank(fact: Fact) -> int | None:
            return next((r for r, c in enumerate(top) if _overlaps(fact, c.sentence)), None)

        ranks = sorted((r, n) for n, f in enumerate(found) if (r := rank(f)) is not None)
        if len(found) < 2 or not ranks or (len(ranks) > 1 and ranks[0][0] == ranks[1][0]):
            return None
        chosen = found[ranks[0][1]]
        outcome = calculate(query, [f for f in facts if f.kind != kind or f.id == chosen.id], today)
        return outcome if isinstance(outcome, Computed) else None

    def _with_original(self, scored: list[Scored], original: str) -> list[Scored]:
        """A follow-up's sentences scored for the rewritten question, or for the words as asked if they
        fit a sentence the rewrite also found better ("How many nations attended it?")."""
        asked = {c.position: c.score for c in self._scored(self._expand(original))}
        merged = [replace(c, score=max(c.score, asked.get(c.position, 0.0))) for c in scored]
        return sorted(merged, key=lambda c: (-c.score, c.position))

    def _states_date(self, text: str, scored: list[Scored], extractive: Answer) -> bool:
        return not extractive.abstained and bool(scored) and states_date(focus(text, scored[0]))

    def _counted_deadline(self, text: str, scored: list[Scored], extractive: Answer, today: dt.date) -> Computed | None:
        """For a question asking for a date, the date of a deadline the chosen sentence counts from an
        event ("within 6 weeks of the summit"): the event's cited date plus the days."""
        from assistant.calculate.relative import counted_deadline

        if extractive.abstained or not scored or answer_type(text).labels != TIMES:
            return None
        if self._states_date(text, scored, extractive):
            return None
        try:
            return counted_deadline(scored[0].sentence, self.index.data.facts, today)
        except Exception:  # noqa: BLE001 -- a rule bug must not cost the user the extractive answer
            log.exception("counted deadline failed on %r; answering from retrieval alone", text)
            return None

    def _relevant(self, query: Query, outcome: Computed, scored: list[Scored]) -> bool:
        """At least one input of the calculation is stated by a sentence among the best candidates; and
        for a date question, no better-ranked sentence that is not an input states a date itself
        ("When did Norway sign its treaty?" is not answered by another treaty's due date)."""
        top = [c.sentence for c in scored[:RELEVANT_TOP]]
        if not any(_overlaps(u.fact, s) for u in outcome.uses for s in top):
            return False
        if query.intent not in DATED:
            return True
        best = scored[0].sentence
        return any(_overlaps(u.fact, best) for u in outcome.uses) or not any(
            m.label in TIMES and states_date(m.text) for m in best.mentions
        )

    def _threshold(self) -> float:
        return self.settings.abstain_below if self.settings.abstain_below is not None else self.scorer.threshold

    def search(self, text: str, top_k: int | None = None, mode: Mode | None = None) -> list[Hit]:
        """The retrieved chunks for `text` (hybrid, dense or bm25)."""
        vector = self.embedder.embed([text])[0]
        terms = self.lexicon.query_terms(text)
        return retrieve(
            self.index,
            text,
            vector,
            top_k or self.settings.top_k,
            mode or self.settings.retriever,
            self.settings.rrf_k,
            terms,
        )

    def _expand(self, text: str) -> str:
        """The question with every alias also written in its canonical form (EXIM -> export-import bank)."""
        canonical = self.aliases.canonical(text)
        return text if canonical == text.lower().replace("’", "'") else f"{text} ({canonical})"

    def candidates(self, query_text: str) -> list[Candidate]:
        """Candidate sentences for a query with their features ([] when no question word is in the corpus)."""
        vector = self.embedder.embed([query_text])[0]
        terms = self.lexicon.query_terms(query_text)
        if not terms:
            return []
        s = self.settings
        hits = retrieve(self.index, query_text, vector, s.top_k, s.retriever, s.rrf_k, terms)
        return candidates(self.index, self.lexicon, query_text, vector, hits)

    def _scored(self, query_text: str) -> list[Scored]:
        """Candidate sentences, most likely to answer first."""
        found = self.candidates(query_text)
        if not found:
            return []
        probabilities = self.scorer.probabilities(np.vstack([c.features for c in found]))
        scored = [Scored(c.position, c.sentence, float(p), c.typed) for c, p in zip(found, probabilities, strict=True)]
        return sorted(scored, key=lambda c: (-c.score, c.position))


def _with_fact_focus(scored: list[Scored], looked_up: Computed | Declined | None) -> list[Scored]:
    """Where the best sentence states the fact a look-up found, that fact's value is its short answer:
    "How much did the dredging cost?" on "The port paid $5 million for cranes and $40 million for
    dredging" bolds $40 million, not the amount nearer the word "paid"."""
    if not isinstance(looked_up, Computed) or not scored or len(scored[0].typed) < 2:
        return scored
    best = scored[0]
    values = [set(_NUMBER.findall(u.value)) for u in looked_up.uses if _overlaps(u.fact, best.sentence)]
    fits = [m for m in best.typed if any(v and set(_NUMBER.findall(m.text)) == v for v in values)]
    return [replace(best, typed=(fits[0],)), *scored[1:]] if len(fits) == 1 else scored


def _restates(result: str, question: str) -> bool:
    """The result's figures are all the question's own ("How many of the 54 nations ...?" is not 54)."""
    figures = set(_NUMBER.findall(result))
    return bool(figures) and figures <= set(_NUMBER.findall(question))


def _overlaps(fact: Fact, sentence: Sentence) -> bool:
    """The fact is stated in `sentence` (their spans overlap)."""
    return sentence.doc_id == fact.doc and (fact.start or 0) < sentence.end and sentence.start < (fact.end or 0)
