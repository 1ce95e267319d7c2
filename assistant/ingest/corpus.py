"""Read and validate a corpus folder: documents (+ metadata) and curated facts.

Layout: <corpus>/docs/<name>.{txt,md,html,pdf,docx} with an optional <name>.meta.yaml beside it,
<corpus>/facts/*.yaml (curated facts), <corpus>/aliases.yaml (optional alias table).
Every problem is a CorpusError naming the file and, where there is one, the line; a bad file is
skipped and reported (or, in strict mode, stops the load).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from assistant.errors import CorpusError
from assistant.ingest import guarded
from assistant.ingest.formats import Extracted, read_docx, read_pdf
from assistant.ingest.tables import cells_of, filled, html_tables, marker
from assistant.records import CommitmentFact, Document, EventFact, Fact, Skipped

T = TypeVar("T")

DOC_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
BINARY_SUFFIXES = (".pdf", ".docx")
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # used with fullmatch: "$" would accept a trailing newline
_MAX_ID = 80
_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
_FACT = TypeAdapter(Fact)


class DocMeta(BaseModel):
    """Sidecar `<name>.meta.yaml` (or Markdown front matter)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    byline: str | None = None
    event_date: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True)
class Corpus:
    """A validated corpus: documents, curated facts, the hash of every input file and what was left out."""

    root: Path
    documents: list[Document]
    facts: list[Fact]
    file_hashes: dict[str, str] = field(default_factory=dict)
    alias_files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.doc_id == doc_id)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ignored(path: Path) -> bool:
    """Hidden files and Word's lock files (~$name.docx) are never documents."""
    return path.name.startswith((".", "~$"))


def _hashable(path: Path) -> bool:
    """A file whose name is UTF-8, so that it can be a key in JSON (the others are skipped, by name)."""
    return guarded.shown(path) == str(path)


def input_files(root: Path) -> list[Path]:
    """Every file whose content the index depends on, sorted."""
    docs = root / "docs"
    found = [p for p in docs.glob("*") if p.suffix.lower() in DOC_SUFFIXES or p.name.endswith(".meta.yaml")]
    found += list((root / "facts").glob("*.yaml")) + list((root / "facts").glob("*.yml"))
    if (root / "aliases.yaml").is_file():
        found.append(root / "aliases.yaml")
    # folders, FIFOs and broken links named like documents count too: they are skipped by name when read,
    # and adding one must show as a change, or it would never be reported
    return sorted(p for p in found if not _ignored(p) and _hashable(p))


def hash_inputs(root: Path) -> dict[str, str]:
    """Content hash of every input file, keyed by its path relative to the corpus root."""
    return {p.relative_to(root).as_posix(): _digest(p) for p in input_files(root)}


def _digest(path: Path) -> str:
    """The file's SHA-256, or why it has none (it is skipped when read, and a change still shows)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO is never opened: reading it would wait forever
            return "not a regular file"
        return sha256(path.read_bytes())
    except OSError as err:
        return f"unreadable: {type(err).__name__}"


def load_corpus(
    root: Path,
    strict: bool = False,
    limits: guarded.Limits = guarded.LIMITS,
    read: Callable[[float], None] | None = None,
) -> Corpus:
    """Every readable document and fact file under `root`; the others are reported in `skipped`.

    Every file is read through assistant.ingest.guarded, under `limits`. With `strict`, the first
    bad file raises its CorpusError instead. A corpus with no readable document is always an error.
    `read(fraction)` is told after each document file.
    """
    if not (root / "docs").is_dir():
        raise CorpusError(str(root), "no docs/ folder: put .txt, .md, .html, .pdf or .docx documents in <corpus>/docs/")
    skipped: list[Skipped] = []

    def attempt(action: Callable[[], T]) -> T | None:
        try:
            return action()
        except CorpusError as err:
            if strict:
                raise
            skipped.append(Skipped(path=err.path, reason=err.message, line=err.line))
            return None

    paths = sorted(p for p in (root / "docs").iterdir() if p.suffix.lower() in DOC_SUFFIXES and not _ignored(p))
    found = []
    for n, path in enumerate(paths, 1):
        found.append(attempt(partial(read_document, path, attempt, root, limits)))
        if read is not None:
            read(n / len(paths))
    documents = unique_ids([d for d in found if d is not None])
    if not documents:
        where = str(root / "docs")
        if skipped:
            raise CorpusError(where, f"no readable document ({len(skipped)} skipped; first: {skipped[0]})")
        raise CorpusError(where, "the corpus is empty: add at least one .txt, .md, .html, .pdf or .docx document")
    facts = load_facts(root / "facts", {d.doc_id: d for d in documents}, attempt, root, limits)
    aliases = [root / "aliases.yaml"] if (root / "aliases.yaml").is_file() else []
    return Corpus(root, documents, facts, hash_inputs(root), aliases, skipped)


def _exists(path: Path) -> bool:
    """The path names something, even a broken link (a name too long for the file system does not)."""
    try:
        return path.exists() or path.is_symlink()
    except OSError:
        return False


def doc_id_for(stem: str) -> str:
    """The document id of a file name: the name itself when it is a plain id, else a slug of it.

    Spaces, accents and other scripts are fine in file names; the id is what citations name.
    """
    if _DOC_ID.fullmatch(stem) and len(stem) <= _MAX_ID:
        return stem
    ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_name).strip("-_")[: _MAX_ID - 7].rstrip("-_")
    return f"{slug or 'document'}-{hashlib.sha1(stem.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


def unique_ids(documents: list[Document]) -> list[Document]:
    """Documents whose ids clash (note.txt, note.md) get their format added to the later one's id."""
    seen: set[str] = set()
    out = []
    for doc in documents:
        doc_id, n = doc.doc_id, 1
        while doc_id in seen:
            n += 1
            doc_id = f"{doc.doc_id}-{doc.format}" if n == 2 else f"{doc.doc_id}-{doc.format}-{n}"
        seen.add(doc_id)
        out.append(doc if doc_id == doc.doc_id else doc.model_copy(update={"doc_id": doc_id}))
    return out


# --- documents ---------------------------------------------------------------------------


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text of a file, or a CorpusError that names the line of the first bad byte."""
    if b"\x00" in data:
        raise CorpusError(str(path), "binary file (contains NUL bytes): only text, PDF and Word documents are read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CorpusError(str(path), f"not valid UTF-8 (byte {err.start}): save the file as UTF-8", line) from None
    if not text.strip():
        raise CorpusError(str(path), "empty document: add text or remove the file")
    return text.removeprefix("\ufeff")


def _contents(path: Path, data: bytes) -> Extracted:
    """The document text of a file by its format, with its own title and locations where it has them."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return read_pdf(path, data)
    if suffix == ".docx":
        return read_docx(path, data)
    text = decode(path, data)
    guarded.spend(len(text))
    if suffix in (".html", ".htm"):
        tables = tuple(html_tables(text))
        text, html_title = html_to_text(text)
        return Extracted(text, (), html_title, tables=tables)
    return Extracted(text, ())


def read_document(
    path: Path,
    attempt: Callable[[Callable[[], Any]], Any] | None = None,
    root: Path | None = None,
    limits: guarded.Limits = guarded.LIMITS,
) -> Document:
    """One document with its metadata; the text is what citations index into.

    `attempt` runs the sidecar's parse, so that bad metadata can be reported and left out.
    """
    digest, extracted, text, meta = guarded.read(path, partial(_parsed, path), root, limits)
    meta_file = path.with_name(f"{path.stem}.meta.yaml")
    if _exists(meta_file):
        parse = partial(guarded.read, meta_file, partial(_sidecar_meta, meta_file), root, limits)
        meta = (attempt(parse) if attempt else parse()) or meta
    title = meta.title or extracted.title or fallback_title(text, path.stem)
    return Document(
        doc_id=doc_id_for(path.stem),
        path=path.name,
        title=title,
        text=text,
        sha256=digest,
        byline=meta.byline,
        event_date=meta.event_date,
        url=meta.url,
        format=_FORMATS.get(path.suffix.lower(), "txt"),
        pages=extracted.pages,
        locations=extracted.locations,
        cells=cells_of(text, extracted.tables, markdown=path.suffix.lower() == ".md"),
    )


def _parsed(path: Path, data: bytes) -> tuple[str, Extracted, str, DocMeta]:
    """The hash, extracted content, text and own metadata (Markdown front matter) of a document's bytes."""
    extracted = _contents(path, data)
    text, meta = extracted.text, DocMeta(title=extracted.title)
    if not text.strip():
        raise CorpusError(str(path), "empty document: add text or remove the file")
    if path.suffix.lower() == ".md":
        meta, text = _front_matter(path, text)
    return sha256(data), extracted, text, meta


def _sidecar_meta(sidecar: Path, data: bytes) -> DocMeta:
    return _parse_meta(sidecar, decode(sidecar, data))


TITLE_CHARS = 100  # a first line longer than this is a paragraph, not a title


def fallback_title(text: str, stem: str) -> str:
    """A title for a document that states none: its first line when short (Markdown heading marks
    dropped), else its file name with separators as spaces."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = re.sub(r"^#{1,6}\s+", "", first).rstrip("# ").strip()
    if first and len(first) <= TITLE_CHARS:
        return first
    return re.sub(r"[-_\s]+", " ", stem).strip() or stem


def _front_matter(path: Path, text: str) -> tuple[DocMeta, str]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not match:
        return DocMeta(), text
    return _parse_meta(path, match.group(1)), text[match.end() :]


def _parse_meta(path: Path, source: str) -> DocMeta:
    data = _yaml(path, source) or {}
    if not isinstance(data, dict):
        raise CorpusError(str(path), "metadata must be a mapping (title:, byline:, event_date:, url:)", 1)
    try:
        return DocMeta.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        raise CorpusError(str(path), f"{key}: {first['msg']}", _key_line(source, key)) from None


def _key_line(source: str, key: str) -> int | None:
    for number, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith(f"{key}:"):
            return number
    return None


class _TextOnly(HTMLParser):
    """Visible text of an HTML page; script and style content are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip: list[str] = []
        self.tables = 0  # each top-level table is a marker line, then its rows (html_to_text)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table" and not self._skip:
            self.parts.append(f"\n\n{marker(self.tables)}\n\n")
            self.tables += 1
        if tag in ("script", "style", "title", "table"):
            self._skip.append(tag)
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)
        elif self._skip[-1] == "title":
            self.title += data


def html_to_text(source: str) -> tuple[str, str | None]:
    parser = _TextOnly()
    for start in range(0, len(source), 1 << 16):  # in slices, so that the time budget is checked between them
        guarded.spend()
        parser.feed(source[start : start + (1 << 16)])
    parser.close()
    text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip() + "\n"
    text = filled(text, html_tables(source))
    return text, parser.title.strip() or None


# --- facts -------------------------------------------------------------------------------


def _yaml(path: Path, source: str) -> Any:
    """Parsed YAML, or a CorpusError with the line: bad syntax, an impossible date, nesting too deep."""
    try:
        return yaml.safe_load(source)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise CorpusError(str(path), f"invalid YAML: {problem}", line) from None
    except ValueError as err:  # PyYAML builds dates itself: 2026-02-30 raises here
        line, day = _impossible_date(source)
        raise CorpusError(
            str(path), f"{day or 'a date'} is not a calendar date ({err}): use YYYY-MM-DD", line
        ) from None
    except RecursionError:
        raise CorpusError(str(path), "YAML nested too deeply: keep metadata and facts flat") from None


def _impossible_date(source: str) -> tuple[int | None, str | None]:
    """Line and text of the first YYYY-MM-DD in `source` that is not a real date."""
    for number, line in enumerate(source.splitlines(), 1):
        for day in re.findall(r"\b\d{4}-\d{1,2}-\d{1,2}\b", line):
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                return number, day
    return None, None


def load_facts(
    folder: Path,
    documents: dict[str, Document],
    attempt: Callable[[Callable[[], Any]], Any] | None = None,
    root: Path | None = None,
    limits: guarded.Limits = guarded.LIMITS,
) -> list[Fact]:
    """Curated facts from every YAML file in `folder`, validated and located in their documents.

    `attempt` runs each file's load (and each anchor's resolution) so that a bad one can be skipped.
    """
    attempt = attempt or (lambda action: action())
    facts: list[Fact] = []
    where: dict[str, str] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []:
        found = attempt(partial(_file_facts, path, documents, where, root or folder.parent, limits))
        for fact, line in found or []:
            where[fact.id] = f"{path}:{line}"
            facts.append(fact)
    return _resolve_anchors(facts, where, attempt)


def _file_facts(
    path: Path, documents: dict[str, Document], where: dict[str, str], root: Path, limits: guarded.Limits
) -> list[tuple[Fact, int]]:
    """The facts of one file, all valid and with ids not used before, or a CorpusError for the file."""
    found = guarded.read(path, partial(_facts_in_file, path, documents), root, limits)
    ids: dict[str, int] = {}
    for fact, line in found:
        if fact.id in where or fact.id in ids:
            first = where.get(fact.id) or f"{path}:{ids[fact.id]}"
            raise CorpusError(str(path), f"duplicate fact id {fact.id!r} (first defined at {first})", line)
        ids[fact.id] = line
    return found


def _facts_in_file(path: Path, documents: dict[str, Document], data: bytes) -> list[tuple[Fact, int]]:
    source = decode(path, data) if data else ""
    data = _yaml(path, source)
    if data is None:
        return []
    if not isinstance(data, list):
        raise CorpusError(str(path), "a facts file must be a YAML list of facts (- id: ...)", 1)
    lines = _item_lines(source)
    return [(_validate_fact(path, item, lines[i], documents), lines[i][""]) for i, item in enumerate(data)]


def _item_lines(source: str) -> list[dict[str, int]]:
    """1-based line of each top-level list item ("") and of each of its keys (parsed once already)."""
    node = yaml.compose(source)
    items = node.value if node is not None else []
    out = []
    for item in items:
        lines = {"": item.start_mark.line + 1}
        if isinstance(item, yaml.MappingNode):
            lines |= {str(k.value): k.start_mark.line + 1 for k, _ in item.value}
        out.append(lines)
    return out


def _validate_fact(path: Path, item: Any, lines: dict[str, int], documents: dict[str, Document]) -> Fact:
    line = lines[""]
    if not isinstance(item, dict):
        raise CorpusError(str(path), "each fact must be a mapping with id, kind, doc, quote, ...", line)
    for key in ("origin", "start", "end", "anchor_date"):
        if key in item:
            raise CorpusError(str(path), f"{key!r} is computed at ingestion: remove it", lines.get(key, line))
    try:
        fact = _FACT.validate_python(item)
    except ValidationError as err:
        first = err.errors()[0]
        keys = [str(p) for p in first["loc"][1:] or first["loc"]] or (["kind"] if "tag" in first["type"] else [])
        where = lines.get(keys[0], line) if keys else line
        raise CorpusError(str(path), f"fact {item.get('id', '?')!r}: {'.'.join(keys)}: {first['msg']}", where) from None
    doc = documents.get(fact.doc)
    if doc is None:
        known = ", ".join(sorted(documents))
        raise CorpusError(
            str(path), f"fact {fact.id!r}: unknown document {fact.doc!r} (known: {known})", lines.get("doc", line)
        )
    start = doc.text.find(fact.quote)
    if start < 0:
        raise CorpusError(
            str(path), f"fact {fact.id!r}: quote not found in {doc.path}: {fact.quote[:80]!r}", lines.get("quote", line)
        )
    return fact.model_copy(update={"start": start, "end": start + len(fact.quote)})


def _resolve_anchors(
    facts: list[Fact], where: dict[str, str], attempt: Callable[[Callable[[], Any]], Any]
) -> list[Fact]:
    """Give each commitment with `after: <event id>` the date of that event (a bad anchor drops its fact)."""
    events = {f.id: f for f in facts if isinstance(f, EventFact)}

    def resolved(fact: Fact) -> Fact:
        if not isinstance(fact, CommitmentFact) or fact.after is None:
            return fact
        if fact.after not in events:
            path, line = where[fact.id].rsplit(":", 1)
            message = f"fact {fact.id!r}: 'after: {fact.after}' is not the id of an event fact"
            raise CorpusError(path, message, int(line))
        return fact.model_copy(update={"anchor_date": events[fact.after].date})

    out = [attempt(partial(resolved, fact)) for fact in facts]
    return [f for f in out if f is not None]
