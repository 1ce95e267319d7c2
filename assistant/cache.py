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
