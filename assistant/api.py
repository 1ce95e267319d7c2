"""The public face: `Assistant.load(settings).ask(question, history, today) -> Answer`."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer import Scored, compose, compose_calculation, is_heading, score_sentences
from assistant.config import Settings
from assistant.embedding import Embedder, make_embedder
from assistant.errors import AssistantError, InputError
from assistant.index import Index, ensure_index, live_build, load_index
from assistant.lexicon import Lexicon
from assistant.records import Answer, Declined, Hit, Sentence
from assistant.retrieval import Mode, retrieve

# How often `ask` looks for a newer live build of the index (reading one small file).
REFRESH_SECONDS = 2.0
# A declined calculation shows the closest sentence only if it is at least this related.
RELATED_ABOVE = 0.25
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
    _newer: Assistant | None = field(default=None, repr=False, compare=False)
    _checked_at: float = field(default=0.0, repr=False, compare=False)

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        rebuild: bool = True,
        progress: bool = False,
        embedder: Embedder | None = None,
    ) -> Assistant:
        """Open the index for `settings` (default: from the environment), rebuilding it if stale."""
        from assistant.aliases import PACKAGED_ALIASES, load_aliases

        settings = settings or Settings()
        embedder = embedder or make_embedder(settings.embedder, settings.index_dir)
        index = ensure_index(settings, embedder, rebuild=rebuild, progress=progress)
        lexicon = Lexicon.build(s.text for s in index.data.sentences)
        alias_files = [PACKAGED_ALIASES, settings.corpus_dir / "aliases.yaml"]
        return cls(settings, index, embedder, lexicon, load_aliases([p for p in alias_files if p.is_file()]))

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
        from assistant.calculator import calculate
        from assistant.conversation import resolve

        text = clean_question(question, self.settings.max_question_chars)
        today = today or dt.date.today()
        facts = self.index.data.facts
        query = resolve(text, clean_history(history), facts, self.aliases)
        outcome = calculate(query, facts, today)
        if isinstance(outcome, Declined):
            related = self._closest_sentence(self._expand(query.text))
            answer = compose_calculation(text, outcome, self.index, self.settings.prompts_dir, related)
        elif outcome is not None:
            answer = compose_calculation(text, outcome, self.index, self.settings.prompts_dir)
        else:
            answer = self._extractive(text, self._expand(query.text))
        return answer.model_copy(
            update={"resolved_question": query.text if query.text != text else None, "as_of": today}
        )

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

    def _scored(self, query_text: str) -> list[Scored]:
        """Candidate sentences for a query, best first ([] when no question word is in the corpus)."""
        vector = self.embedder.embed([query_text])[0]
        terms = self.lexicon.query_terms(query_text)
        if not terms:
            return []
        hits = retrieve(
            self.index, query_text, vector, self.settings.top_k, self.settings.retriever, self.settings.rrf_k, terms
        )
        return score_sentences(self.index, self.lexicon, query_text, vector, hits)

    def _closest_sentence(self, query_text: str) -> Sentence | None:
        """The best non-heading sentence on the subject, shown beside a declined calculation."""
        scored = [s for s in self._scored(query_text) if not is_heading(self.index, s.position)]
        return scored[0].sentence if scored and scored[0].score >= RELATED_ABOVE else None

    def _extractive(self, question: str, query_text: str) -> Answer:
        scored = self._scored(query_text)
        s = self.settings
        return compose(question, scored, self.index, s.prompts_dir, s.max_citations, s.abstain_below)
