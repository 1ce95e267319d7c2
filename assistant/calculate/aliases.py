"""Alias tables: canonical phrase -> other spellings, kept as YAML data and applied to text.

The packaged table sits next to this module; a corpus may add its own (see load_aliases).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.ingest import guarded

PACKAGED_ALIASES = Path(__file__).with_name("aliases.yaml")
# Ordinary words, never names; an all-capitals alias that is one of them ("US") matches only in capitals.
STOP = frozenset(
    """a an the of to for in on at by with and or from is are was were be been being do does did
    has have had will would could should can may might must shall what whats which who whom whose
    when where why how much many this that these those it its they them their there here some any
    all each both than then so also about into over under as per if not no yes i we you our your
    us me my he she his her s t please tell show give list name set get make made take put go
    goes reach reaches apply applies say says said state stated expected planned going exactly
    approximately now today currently current new one""".split()
) | frozenset("january february march april may june july august september october november december".split())


class Aliases:
    """Canonical phrase -> other spellings; applied to questions and fact names alike."""

    def __init__(self, groups: Mapping[str, Sequence[str]] | None = None) -> None:
        self.groups = {k.lower(): tuple(v) for k, v in (groups or {}).items()}
        self._ci: dict[str, str] = {}
        self._cs: dict[str, str] = {}  # capitals-only aliases that are also English words ("US")
        for canon, alts in self.groups.items():
            self._ci[canon] = canon
            for alt in alts:
                if alt.isupper() and alt.lower().strip(".") in STOP:
                    self._cs[alt] = canon
                else:
                    self._ci[alt.lower()] = canon
        self._ci_re = _alternation(self._ci, re.IGNORECASE)
        self._cs_re = _alternation(self._cs, 0)

    def canonical(self, text: str) -> str:
        """Lower-cased text with every alias replaced by its canonical phrase."""
        text = text.replace("’", "'")
        if self._cs_re:
            text = self._cs_re.sub(lambda m: self._cs[m.group()], text)
        text = text.lower()
        return self._ci_re.sub(lambda m: self._ci[m.group()], text) if self._ci_re else text

    def variants(self, name: str) -> list[str]:
        """The name, its canonical form and every alias of that form."""
        canon = self.canonical(name)
        alts = [
            a for c, a_list in self.groups.items()
            if re.search(rf"(?<![a-z0-9]){re.escape(c)}(?![a-z0-9])", canon) for a in a_list
        ]  # fmt: skip
        return [name, canon, *alts]


def _alternation(words: Mapping[str, str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", flags)


def _read_table(path: Path, root: Path | None) -> object:
    """The parsed YAML of an alias file, or a CorpusError naming the file (and line) and the fix.

    A corpus's table goes through the guarded door; the packaged one is ours (and may be hard-linked
    by an installer, which the door refuses).
    """
    if path == PACKAGED_ALIASES:
        return _parsed_table(path, path.read_bytes())
    return guarded.read(path, partial(_parsed_table, path), root)


def _parsed_table(path: Path, data: bytes) -> object:
    try:
        return yaml.safe_load(data.decode("utf-8")) or {}
    except UnicodeDecodeError:
        raise CorpusError(str(path), "not valid UTF-8: save the alias table as UTF-8") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise CorpusError(str(path), f"invalid YAML: {problem}", mark.line + 1 if mark else None) from None
    except (ValueError, RecursionError) as err:
        raise CorpusError(
            str(path), f"unusable alias table ({type(err).__name__}): use plain `phrase: [alias, ...]` lines"
        ) from None


def load_aliases(paths: list[Path], root: Path | None = None) -> Aliases:
    """Merge YAML alias tables (canonical -> list of aliases); missing files are skipped.

    With `root` (the corpus), a table that links to a file outside it is refused, as documents are.
    """
    groups: dict[str, list[str]] = {}
    for path in paths:
        if not path.exists():
            continue
        data = _read_table(path, root)
        if not isinstance(data, dict):
            raise CorpusError(str(path), "an alias table must map a canonical phrase to aliases")
        for canon, alts in data.items():
            alts = [alts] if isinstance(alts, str) else alts
            if not isinstance(alts, list) or not all(isinstance(a, str) for a in alts):
                raise CorpusError(str(path), f"aliases of {canon!r} must be a list of strings")
            groups.setdefault(str(canon).lower(), []).extend(alts)
    return Aliases(groups)
