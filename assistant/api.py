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

from assistant.answer.compose import Scored
from assistant.answer.decide import Asked, Decider, Policy
from assistant.answer.relevance import load_relevance
from assistant.answer.scorer import Scorer, load_scorer
from assistant.calculate.understanding import Query
from assistant.config import Settings, load_settings
from assistant.errors import AssistantError, CorpusError, InputError
from assistant.ingest.embedding import Embedder, make_embedder
from assistant.ingest.index import Index, ensure_index, live_build, load_index
from assistant.ingest.lexicon import Lexicon
from assistant.records import Answer, Hit
from assistant.retrieve.candidates import Candidate, absent_names, candidates
from assistant.retrieve.search import Mode, retrieve

log = logging.getLogger(__name__)

# How often `ask` looks for a newer live build of the index (reading one small file).
REFRESH_SECONDS = 2.0
# Below the threshold, the closest passage is shown when its probability is at least this share of it.
CLOSEST_SHARE = 0.5
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
            aliases = load_aliases([PACKAGED_ALIASES, *([own] if own.is_file() else [])], root=settings.corpus_dir)
        except CorpusError as err:  # a broken alias table costs its aliases, not the answers
            log.warning("warning: skipped %s (answering without it; fix it and run `assistant ingest`)", err)
            aliases = load_aliases([PACKAGED_ALIASES])
        return cls(settings, _opened(index), embedder, lexicon, aliases, scorer or load_scorer())

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
        self._newer = replace(self, index=_opened(index), lexicon=lexicon, _newer=None, _checked_at=now)
        return self._newer

    def ask(self, question: str, history: list[dict[str, Any]] | None = None, today: dt.date | None = None) -> Answer:
        """Answer `question` from the corpus; `history` holds earlier chat turns for follow-ups."""
        return self.current()._ask(question, history, today)

    def _ask(self, question: str, history: list[dict[str, Any]] | None, today: dt.date | None) -> Answer:
        asked = clean_question(question, self.settings.max_question_chars)
        # A misspelt word is read as the corpus word it is closest to ("countires" -> "countries"), for
        # understanding and retrieval alike; the answer keeps the question as it was typed.
        text = self.lexicon.respell(asked) if self.policy.on("respell") else asked
        today = today or dt.date.today()
        query = self._understand(text, clean_history(history))
        # A question that names something the corpus never mentions is not answered (the reply says so,
        # with the closest passage): on the fitting data 76% of such questions are unanswerable
        # (evals/fit_scorer.py reports it).
        known = self.aliases.canonical  # an abbreviation with an alias ("MoU") is not an unknown name
        absent = absent_names(self.lexicon, query.text, known) if self.policy.on("names_absent") else ()
        scored = self._scored(self._expand(query.text))
        if scored and query.text != text:
            scored = self._with_original(scored, text)
        weights = {t: self.lexicon.idf(t) for t in self.lexicon.query_terms(query.text)}
        decider = Decider(self.index, self.settings.prompts_dir, self.policy)
        answer = decider.decide(Asked(text, query, today, weights, absent), scored)
        resolved = query.text if query.text != asked else None
        return answer.model_copy(update={"question": asked, "resolved_question": resolved, "as_of": today})

    def _understand(self, text: str, history: list[dict[str, str]]) -> Query:
        """Intent, names and the follow-up rewrite; rules that fail leave the question as asked."""
        from assistant.chat.conversation import resolve

        try:
            return resolve(text, history, self.index.data.facts, self.aliases)
        except Exception:  # noqa: BLE001 -- understanding only adds to retrieval; never fail an answer over it
            log.exception("question understanding failed on %r; answering from retrieval alone", text)
            return Query(question=text, text=text)

    def _with_original(self, scored: list[Scored], original: str) -> list[Scored]:
        """A follow-up's sentences scored for the rewritten question, or for the words as asked if they
        fit a sentence the rewrite also found better ("How many nations attended it?")."""
        asked = {c.position: c.score for c in self._scored(self._expand(original))}
        merged = [replace(c, score=max(c.score, asked.get(c.position, 0.0))) for c in scored]
        return sorted(merged, key=lambda c: (-c.score, c.position))

    @property
    def policy(self) -> Policy:
        """The decision's parameters: the fitted threshold unless the settings override it."""
        s = self.settings
        threshold = s.abstain_below if s.abstain_below is not None else self.scorer.threshold
        return Policy(threshold, CLOSEST_SHARE * threshold, self.scorer.support_ratio, s.max_citations, s.rules_off)

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
        """The question with every alias also written in its canonical form (e.g. an acronym -> its full name)."""
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

    def ranked(self, text: str) -> list[Scored]:
        """The candidate sentences for a question, most likely to answer first, before any decision."""
        return self._scored(self._expand(text))

    def _scored(self, query_text: str) -> list[Scored]:
        """Candidate sentences, most likely to answer first."""
        found = self.candidates(query_text)
        if not found:
            return []
        rows, texts = np.vstack([c.features for c in found]), [c.sentence.text for c in found]
        cache = self.settings.index_dir / "models" / "relevance"
        relevance = load_relevance(cache=cache) if self.scorer.base is not None else None
        if relevance is not None and relevance.context:
            before = self.index.layout.previous
            sentences = self.index.data.sentences
            texts = [
                relevance.reads(t, sentences[before[c.position]].text if before[c.position] >= 0 else None)
                for t, c in zip(texts, found, strict=True)
            ]
        probabilities = self.scorer.rank(rows, query_text, texts, relevance)
        scored = [
            Scored(c.position, c.sentence, float(p), c.typed, float(c.features[0]))
            for c, p in zip(found, probabilities, strict=True)
        ]
        return sorted(scored, key=lambda c: (-c.score, c.position))


def _opened(index: Index) -> Index:
    """The index, ready to answer without pauses.

    The look-ups the answer path derives from its facts are built now rather than on the first
    question that needs each (at 10k chunks the first money or partner question paid about 100 ms
    for them), and the calculator is imported. Then the index's objects, which live as long as it
    is served, are moved out of the cyclic garbage collector's reach (`gc.freeze`): a full collection
    walked all of them in the middle of a question (170-280 ms at 10k chunks). They are still freed
    by reference counting when a newer build replaces this one.
    """
    import gc

    import assistant.calculate.calculator  # noqa: F401 -- its modules register their look-ups
    from assistant.cache import derive_all

    derive_all(index.data.facts)
    gc.collect()
    gc.freeze()
    return index
