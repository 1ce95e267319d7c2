"""Remember what a pure function derived from a sequence, for the last few sequences it was given.

The answer path asks the same question of one fact list many times per answer (which facts a
sentence states, who is party to every agreement); the list is the index's, or one the calculator
built for a run, and neither changes once made. Deriving a lookup once per list turns those scans
of every fact into dictionary look-ups. The lists are held, so their identities cannot be reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

T = TypeVar("T")
KEEP = 4  # sequences remembered per function: the index's facts and the calculator's runs beside it
_OF_FACTS: list[Callable[[Sequence[Any]], Any]] = []  # the `of_facts` look-ups, for `derive_all`


def per_sequence(derive: Callable[[Sequence[Any]], T]) -> Callable[[Sequence[Any]], T]:
    """`derive(items)`, computed again only for a sequence object it was not given lately."""
    recent: list[tuple[Sequence[Any], T]] = []  # most recent first
    lock = threading.Lock()

    @wraps(derive)
    def remembered(items: Sequence[Any]) -> T:
        with lock:
            for n, (seen, value) in enumerate(recent):
                if seen is items:
                    recent.insert(0, recent.pop(n))
                    return value
        value = derive(items)
        with lock:
            recent.insert(0, (items, value))
            del recent[KEEP:]
        return value

    return remembered


def of_facts(derive: Callable[[Sequence[Any]], T]) -> Callable[[Sequence[Any]], T]:
    """`per_sequence` for a look-up of a fact list that `derive_all` builds when an index is opened."""
    remembered = per_sequence(derive)
    _OF_FACTS.append(remembered)
    return remembered


def derive_all(facts: Sequence[Any]) -> None:
    """Derive every `of_facts` look-up of `facts` now (an index's facts when it is opened), so that
    the first question of each kind does not pay for it. Only functions of imported modules count."""
    for derive in list(_OF_FACTS):
        derive(facts)
