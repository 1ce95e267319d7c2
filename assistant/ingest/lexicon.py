"""Terms of a text for lexical matching: lower-cased, stemmed, stop words out, misspellings mended."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how many much does did do is are was were will "
    "would could should can the a an of to in on for with by about tell me please say said "
    "according source sources article document give list name wat whats what's pls plz".split()
)
STOP_WORDS = frozenset(STOPWORDS_EN_PLUS) | QUESTION_WORDS  # lower-cased
_MAX_REMEMBERED = 10_000  # respellings kept for reuse
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stems(text: str) -> list[str]:
    """Stemmed content words of `text`, in order."""
    return _stemmer().stemWords([w for w in words(text) if w not in STOP_WORDS])


@lru_cache(maxsize=1)
def _english() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def is_english(word: str) -> bool:
    """A word in pyspellchecker's English dictionary (lower-case)."""
    return bool(_english().known([word]))


def closest(word: str, choices: list[str], cutoff: float = 80.0) -> str | None:
    """The most similar choice (Indel similarity, as difflib's ratio, in percent) at or above `cutoff`."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    return found[0] if found else None


@dataclass
class Lexicon:
    """Document frequencies of stems over a set of sentences, for IDF weights and spelling repair."""

    df: Counter[str]
    total: int
    spelled: frozenset[str] = frozenset()  # the corpus's words as written (lower-cased), for `respell`
    _repairs: dict[str, str | None] = field(default_factory=dict)
    _stems: list[str] = field(default_factory=list)
    _words: list[str] = field(default_factory=list)
    _respelled: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stems = sorted(self.df)
        self._words = sorted(w for w in self.spelled if len(w) > 3 and w.isalpha())

    @classmethod
    def build(cls, texts: Iterable[str]) -> Lexicon:
        df: Counter[str] = Counter()
        spelled: set[str] = set()
        total = 0
        for text in texts:
            found = words(text)
            spelled.update(found)
            df.update(set(_stemmer().stemWords([w for w in found if w not in STOP_WORDS])))
            total += 1
        return cls(df, max(total, 1), frozenset(spelled))

    def respell(self, text: str) -> str:
        """`text` with each word that neither the corpus (even by its stem) nor an English dictionary
        knows written as the closest corpus word ("countires" -> "countries", "atended" -> "attended");
        other words, and words of three letters or fewer, as they are."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower().replace("’", "'")
            if len(low) <= 3 or not low.isalpha() or low in STOP_WORDS or low in self.spelled:
                return word
            if _stemmer().stemWord(low) in self.df or is_english(low):
                return word  # a corpus word's form, or a real word the corpus does not use
            if low not in self._respelled:
                if len(self._respelled) >= _MAX_REMEMBERED:  # a long-running server sees endless new words
                    self._respelled.clear()
                self._respelled[low] = closest(low, self._words)
            found = self._respelled[low]
            return word if found is None else (found.capitalize() if word[0].isupper() else found)

        return _WORD.sub(fix, text) if self._words else text

    def idf(self, stem: str) -> float:
        return math.log(1 + (self.total - self.df[stem] + 0.5) / (self.df[stem] + 0.5))

    def repair(self, stem: str, word: str | None = None) -> str | None:
        """`stem` if the corpus has it, else the closest corpus stem (a likely misspelling), else None.

        When `word` (the stem's lower-case word as written) is a real English word, the corpus stem must also
        begin like it (a shared first four letters: "weight" may be read "weigh", "decision" "decid"),
        else the word is simply one the corpus does not use ("boiling" is not "oil").
        """
        if stem in self.df:
            return stem
        if stem not in self._repairs:
            self._repairs[stem] = closest(stem, self._stems) if len(stem) > 3 else None
        found = self._repairs[stem]
        if found is not None and word is not None and found[:4] != stem[:4] and is_english(word):
            return None
        return found

    def repaired(self, text: str) -> list[tuple[str, str | None]]:
        """Each content stem of `text` with its corpus stem (itself, a repair, or None)."""
        written = [w for w in _WORD.findall(text) if w.lower().replace("’", "'") not in STOP_WORDS]
        content = [w.lower().replace("’", "'") for w in written]
        # a capitalised word may be a misspelt name ("Aiken" for "Aken"), whatever the dictionary says
        plain = [c if w[:1].islower() else None for w, c in zip(written, content, strict=True)]
        return [(s, self.repair(s, w)) for w, s in zip(plain, _stemmer().stemWords(content), strict=True)]

    def unknown_terms(self, text: str) -> list[str]:
        """Content stems of a question that the corpus has no word for, even allowing misspellings."""
        return list(dict.fromkeys(stem for stem, fixed in self.repaired(text) if fixed is None))

    def max_idf(self) -> float:
        return math.log(1 + (self.total + 0.5) / 0.5)

    def query_terms(self, text: str) -> list[str]:
        """Content stems of a question, misspellings mapped to corpus stems, unknown words dropped."""
        out: list[str] = []
        for _, fixed in self.repaired(text):
            if fixed and fixed not in out:
                out.append(fixed)
        return out
