"""Synthetic corpora of plausible policy prose, for scale benchmarks (not for answer quality).

    .venv/bin/python evals/synth.py OUT_DIR --chunks 10000

writes OUT_DIR/docs/policy-00000.txt ... sized so that indexing with the default settings
(600-character chunks, one sentence of overlap) gives about that many chunks. Deterministic.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ACTORS = [
    "The Department of Energy",
    "The State Department",
    "The Export-Import Bank",
    "The Treasury",
    "The European Commission",
    "Japan's trade ministry",
    "The Development Finance Corporation",
    "The Ministry of Mines",
    "A consortium of refiners",
    "The Defense Logistics Agency",
    "Canada's natural resources agency",
    "The G7 working group",
    "The Australian government",
]
ACTIONS = [
    "will allocate {money} to",
    "has pledged {money} to",
    "announced a plan to",
    "signed an agreement to",
    "is expected to",
    "committed to",
    "proposed new rules to",
    "set aside {money} in loans to",
]
GOALS = [
    "expand {mineral} refining capacity in {place}",
    "stockpile {mineral} for defense manufacturing",
    "fund a new {mineral} processing plant near {place}",
    "secure long-term offtake contracts for {mineral}",
    "reduce dependence on imported {mineral}",
    "recycle {mineral} from spent batteries in {place}",
    "build a price floor for {mineral} producers",
    "map {mineral} deposits across {place}",
    "train engineers for {mineral} separation in {place}",
    "streamline permits for {mineral} mines in {place}",
]
WHEN = [
    "by {year}",
    "within {days} days",
    "before the end of {year}",
    "over the next {n} years",
    "starting in {month} {year}",
    "after a review in {month}",
]
WHY = [
    "to buffer against supply disruptions",
    "citing export controls on {mineral}",
    "after prices fell {n}%",
    "to counter market manipulation",
    "as demand from electric vehicles grows",
    "to meet {n}% of domestic demand",
    "following talks with {place}",
    "under the new critical minerals framework",
]
MINERALS = [
    "lithium",
    "cobalt",
    "nickel",
    "graphite",
    "gallium",
    "germanium",
    "rare earth",
    "manganese",
    "tungsten",
    "antimony",
    "copper",
    "vanadium",
    "neodymium",
    "dysprosium",
]
PLACES = [
    "Nevada",
    "Quebec",
    "Western Australia",
    "Chile",
    "the Democratic Republic of Congo",
    "Indonesia",
    "Mexico",
    "Sweden",
    "Kazakhstan",
    "Brazil",
    "Namibia",
    "Texas",
    "Finland",
    "the Philippines",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]
SENTENCES_PER_CHUNK = 1.03  # measured: 600-character chunks, one sentence of overlap, plus the fact chunks


def sentence(rng: random.Random) -> str:
    """One declarative policy sentence with an actor, an action, a goal and usually a time and reason."""
    fill = {
        "money": f"${rng.randint(1, 95) / 10:.1f} billion" if rng.random() < 0.6 else f"${rng.randint(5, 900)} million",
        "mineral": rng.choice(MINERALS),
        "place": rng.choice(PLACES),
        "year": rng.randint(2026, 2035),
        "days": rng.choice([30, 60, 90, 120, 180]),
        "n": rng.randint(2, 40),
        "month": rng.choice(MONTHS),
    }
    parts = [rng.choice(ACTORS), rng.choice(ACTIONS), rng.choice(GOALS)]
    parts += [rng.choice(WHEN)] if rng.random() < 0.8 else []
    text = " ".join(parts)
    text += f", {rng.choice(WHY)}" if rng.random() < 0.6 else ""
    return text.format(**fill) + "."


def document(rng: random.Random, number: int, sentences: int) -> str:
    """A titled document of paragraphs of three to six sentences."""
    title = f"Policy brief {number}: {rng.choice(MINERALS).title()} supply in {rng.choice(PLACES)}"
    paragraphs, left = [], sentences
    while left > 0:
        size = min(left, rng.randint(3, 6))
        paragraphs.append(" ".join(sentence(rng) for _ in range(size)))
        left -= size
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write_corpus(out: Path, chunks: int, seed: int = 0, sentences_per_doc: int = 40) -> Path:
    """A corpus folder whose index has about `chunks` chunks; replaces `out`."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    (out / "docs").mkdir(parents=True)
    total = max(1, round(chunks * SENTENCES_PER_CHUNK))
    for number, start in enumerate(range(0, total, sentences_per_doc)):
        text = document(rng, number, min(sentences_per_doc, total - start))
        (out / "docs" / f"policy-{number:05d}.txt").write_text(text, "utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_corpus(args.out, args.chunks, args.seed)
    print(f"wrote {len(list((args.out / 'docs').glob('*.txt')))} documents to {args.out}")


if __name__ == "__main__":
    main()
