"""Split a question set into a tuning half and a held-apart half, at random with a fixed seed.

    .venv/bin/python evals/split_questions.py ALL.jsonl TUNING.jsonl HELD.jsonl          # write both halves
    .venv/bin/python evals/split_questions.py --check TUNING.jsonl HELD.jsonl            # the halves are that split

The items are put in id order, answerable and unanswerable ones apart (so both halves keep the
set's share of unanswerable items); each group is shuffled with `random.Random(SEED)` (one
generator, answerable group first) and its first ceil(n/2) items go to the tuning half. Each
half is written in id order. `--check` merges the two files and redoes the split, so anyone can
confirm that the held-apart half was chosen by the seed, not by looking at results.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

SEED = 19  # issue 19


def _read(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.lstrip().startswith("//")]


def split(items: list[dict], seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """(tuning, held) for the items, by the rule in the module docstring."""
    ordered = sorted(items, key=lambda item: item["id"])
    rng = random.Random(seed)
    tuning: list[dict] = []
    held: list[dict] = []
    for group in ([i for i in ordered if not i.get("unanswerable")], [i for i in ordered if i.get("unanswerable")]):
        shuffled = list(group)
        rng.shuffle(shuffled)
        cut = (len(shuffled) + 1) // 2
        tuning += shuffled[:cut]
        held += shuffled[cut:]
    return sorted(tuning, key=lambda i: i["id"]), sorted(held, key=lambda i: i["id"])


def _write(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check that TUNING and HELD are the seeded split")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("files", nargs="+", type=Path, help="ALL TUNING HELD, or with --check: TUNING HELD")
    args = parser.parse_args(argv)
    if args.check:
        if len(args.files) != 2:
            parser.error("--check takes TUNING HELD")
        tuning_file, held_file = args.files
        tuning, held = _read(tuning_file), _read(held_file)
        want_tuning, want_held = split(tuning + held, args.seed)
        ok = [i["id"] for i in tuning] == [i["id"] for i in want_tuning] and [i["id"] for i in held] == [
            i["id"] for i in want_held
        ]
        verdict = "the seeded split" if ok else "NOT the seeded split"
        print(f"{tuning_file}: {len(tuning)}, {held_file}: {len(held)}: {verdict}")
        return 0 if ok else 1
    if len(args.files) != 3:
        parser.error("expected ALL TUNING HELD")
    all_file, tuning_file, held_file = args.files
    tuning, held = split(_read(all_file), args.seed)
    _write(tuning_file, tuning)
    _write(held_file, held)
    for name, half in ((tuning_file, tuning), (held_file, held)):
        unanswerable = sum(1 for i in half if i.get("unanswerable"))
        print(f"{name}: {len(half)} items, {len(half) - unanswerable} answerable, {unanswerable} unanswerable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
