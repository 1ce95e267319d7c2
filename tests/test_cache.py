"""Lookups derived once per fact list: recomputed for another list object, never for the same one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from assistant import cache
from assistant.cache import KEEP, derive_all, of_facts, per_sequence


def counting() -> tuple[list[int], Callable[[Sequence[int]], int]]:
    calls: list[int] = []

    @per_sequence
    def total(items: Sequence[int]) -> int:
        calls.append(1)
        return sum(items)

    return calls, total


def test_the_same_list_is_derived_once() -> None:
    calls, total = counting()
    items = [1, 2, 3]
    assert [total(items), total(items)] == [6, 6]
    assert len(calls) == 1


def test_an_equal_but_other_list_is_derived_again() -> None:
    calls, total = counting()
    assert [total([1, 2]), total([1, 2])] == [3, 3]
    assert len(calls) == 2


def test_the_last_few_lists_are_remembered_side_by_side() -> None:
    calls, total = counting()
    lists = [[n] for n in range(KEEP)]
    for _ in range(3):
        for items in lists:
            total(items)
    assert len(calls) == KEEP


def test_an_index_s_fact_look_ups_are_derived_when_it_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_OF_FACTS", [])  # this test's look-up is not registered for the real indexes
    calls: list[int] = []

    @of_facts
    def doubled(items: Sequence[int]) -> list[int]:
        calls.append(1)
        return [2 * n for n in items]

    facts = [1, 2]
    derive_all(facts)
    assert len(calls) == 1 and doubled(facts) == [2, 4] and len(calls) == 1  # already derived
