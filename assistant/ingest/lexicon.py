"""Terms of a text for lexical matching: lower-cased, stemmed, stop words out, misspellings mended."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

QUESTION_WORDS = frozenset(
    "what which who whom whose when where why how many much does did do is are was were will "
    "would could should can the a an of to in on for with by about tell me please say said "
    "according source sources article document give list name wat whats what's pls plz".split()
)
STOP_WORDS = frozenset(STOPWORDS_EN_PLUS) | QUESTION_WORDS  # lower-cased
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stems(text: str) -> list[str]:
    """Stemmed content words of `text`, in order."""
    return _stemmer().stemWords([w for w in words(text) if w not in STOP_WORDS])


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
    _repairs: dict[str, str | None] = field(default_factory=dict)
    _stems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stems = sorted(self.df)

    @classmethod
    def build(cls, texts: Iterable[str]) -> Lexicon:
        df: Counter[str] = Counter()
        total = 0
        for text in texts:
            df.update(set(stems(text)))
            total += 1
        return cls(df, max(total, 1))

    def idf(self, stem: str) -> float:
        return math.log(1 + (self.total - self.df[stem] + 0.5) / (self.df[stem] + 0.5))

    def repair(self, stem: str) -> str | None:
        """`stem` if the corpus has it, else the closest corpus stem (a likely misspelling), else None."""
        if stem in self.df:
            return stem
        if stem not in self._repairs:
            self._repairs[stem] = closest(stem, self._stems) if len(stem) > 3 else None
        return self._repairs[stem]

    def unknown_terms(self, text: str) -> list[str]:
        """Content stems of a question that the corpus has no word for, even allowing misspellings."""
        return list(dict.fromkeys(stem for stem in stems(text) if self.repair(stem) is None))

    def max_idf(self) -> float:
        return math.log(1 + (self.total + 0.5) / 0.5)

    def query_terms(self, text: str) -> list[str]:
        """Content stems of a question, misspellings mapped to corpus stems, unknown words dropped."""
        out: list[str] = []
        for stem in stems(text):
            fixed = self.repair(stem)
            if fixed and fixed not in out:
                out.append(fixed)
        return out
