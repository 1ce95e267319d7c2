"""Read and validate a corpus folder: documents (+ metadata) and curated facts.

Layout: <corpus>/docs/<doc_id>.{txt,md,html} with an optional <doc_id>.meta.yaml beside it,
<corpus>/facts/*.yaml (curated facts), <corpus>/aliases.yaml (optional alias table).
Every problem is a CorpusError naming the file and, where there is one, the line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from assistant.errors import CorpusError
from assistant.records import CommitmentFact, Document, EventFact, Fact

DOC_SUFFIXES = (".txt", ".md", ".html", ".htm")
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # used with fullmatch: "$" would accept a trailing newline
_FACT = TypeAdapter(Fact)


class DocMeta(BaseModel):
    """Sidecar `<doc_id>.meta.yaml` (or Markdown front matter)."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    byline: str | None = None
    event_date: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True)
class Corpus:
    """A validated corpus: documents, curated facts and the hash of every input file."""

    root: Path
    documents: list[Document]
    facts: list[Fact]
    file_hashes: dict[str, str] = field(default_factory=dict)
    alias_files: list[Path] = field(default_factory=list)

    def document(self, doc_id: str) -> Document:
        return next(d for d in self.documents if d.doc_id == doc_id)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_files(root: Path) -> list[Path]:
    """Every file whose content the index depends on, sorted."""
    docs = root / "docs"
    found = [p for p in docs.glob("*") if p.suffix.lower() in DOC_SUFFIXES or p.name.endswith(".meta.yaml")]
    found += list((root / "facts").glob("*.yaml")) + list((root / "facts").glob("*.yml"))
    if (root / "aliases.yaml").is_file():
        found.append(root / "aliases.yaml")
    return sorted(p for p in found if p.is_file())


def hash_inputs(root: Path) -> dict[str, str]:
    """Content hash of every input file, keyed by its path relative to the corpus root."""
    return {p.relative_to(root).as_posix(): sha256(p.read_bytes()) for p in input_files(root)}


def load_corpus(root: Path) -> Corpus:
    """Read every document and fact file under `root`; raise CorpusError on the first problem."""
    if not (root / "docs").is_dir():
        raise CorpusError(str(root), "no docs/ folder: put .txt, .md or .html documents in <corpus>/docs/")
    for path in input_files(root):  # a link must not pull files from elsewhere into answers
        if not path.resolve().is_relative_to(root.resolve()):
            raise CorpusError(str(path), "links to a file outside the corpus: copy the file into the corpus instead")
    paths = sorted(p for p in (root / "docs").iterdir() if p.suffix.lower() in DOC_SUFFIXES)
    for path in paths:
        check_regular(path)
    if not paths:
        raise CorpusError(str(root / "docs"), "the corpus is empty: add at least one .txt, .md or .html document")
    documents = [read_document(p) for p in paths]
    _check_unique_ids(documents, root / "docs")
    facts = load_facts(root / "facts", {d.doc_id: d for d in documents})
    aliases = [root / "aliases.yaml"] if (root / "aliases.yaml").is_file() else []
    return Corpus(root, documents, facts, hash_inputs(root), aliases)


def check_regular(path: Path) -> None:
    """Only a regular file with a single name is read: not a folder, FIFO, device, broken or looping
    link, or a hard link to a file elsewhere (it could pull any file of the machine into answers)."""
    try:
        info = path.stat()
    except (OSError, RuntimeError) as err:
        reason = "a broken or looping link" if path.is_symlink() else f"unreadable ({type(err).__name__})"
        raise CorpusError(str(path), f"{reason}: remove it or replace it with the file itself") from None
    if not stat.S_ISREG(info.st_mode):
        raise CorpusError(str(path), "not a regular file (a folder, FIFO or device): only text files are read")
    if info.st_nlink > 1 and not path.is_symlink():
        raise CorpusError(str(path), "has other hard links: copy the file into the corpus instead of linking it")


def _check_unique_ids(documents: list[Document], folder: Path) -> None:
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.doc_id in seen:
            message = f"document id {doc.doc_id!r} is also used by {seen[doc.doc_id]}: rename one"
            raise CorpusError(str(folder / doc.path), message)
        seen[doc.doc_id] = doc.path


# --- documents ---------------------------------------------------------------------------


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text of a file, or a CorpusError that names the line of the first bad byte."""
    if b"\x00" in data:
        raise CorpusError(str(path), "binary file (contains NUL bytes): only text documents are supported")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CorpusError(str(path), f"not valid UTF-8 (byte {err.start}): save the file as UTF-8", line) from None
    if not text.strip():
        raise CorpusError(str(path), "empty document: add text or remove the file")
    return text.removeprefix("\ufeff")


def read_document(path: Path) -> Document:
    """One document with its metadata; the text is what citations index into."""
    doc_id = path.stem
    if not _DOC_ID.fullmatch(doc_id):
        raise CorpusError(str(path), "file name must be letters, digits, '.', '_' or '-' (it becomes the document id)")
    data = path.read_bytes()
    text = decode(path, data)
    meta = DocMeta()
    if path.suffix.lower() == ".md":
        meta, text = _front_matter(path, text)
    elif path.suffix.lower() in (".html", ".htm"):
        text, html_title = html_to_text(text)
        meta = DocMeta(title=html_title)
    sidecar = path.with_name(f"{doc_id}.meta.yaml")
    if sidecar.is_file():
        meta = _parse_meta(sidecar, decode(sidecar, sidecar.read_bytes()))
    title = meta.title or _first_line(text) or doc_id
    return Document(
        doc_id=doc_id,
        path=path.name,
        title=title,
        text=text,
        sha256=sha256(data),
        byline=meta.byline,
        event_date=meta.event_date,
        url=meta.url,
    )


def _first_line(text: str) -> str:
    return next((line.strip()[:160] for line in text.splitlines() if line.strip()), "")


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

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "title"):
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
    parser.feed(source)
    text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip() + "\n"
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


def load_facts(folder: Path, documents: dict[str, Document]) -> list[Fact]:
    """Curated facts from every YAML file in `folder`, validated and located in their documents."""
    facts: list[Fact] = []
    where: dict[str, str] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []:
        for fact, line in _facts_in_file(path, documents):
            if fact.id in where:
                raise CorpusError(str(path), f"duplicate fact id {fact.id!r} (first defined at {where[fact.id]})", line)
            where[fact.id] = f"{path}:{line}"
            facts.append(fact)
    return _resolve_anchors(facts, where)


def _facts_in_file(path: Path, documents: dict[str, Document]) -> list[tuple[Fact, int]]:
    source = decode(path, path.read_bytes()) if path.stat().st_size else ""
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


def _resolve_anchors(facts: list[Fact], where: dict[str, str]) -> list[Fact]:
    """Give each commitment with `after: <event id>` the date of that event."""
    events = {f.id: f for f in facts if isinstance(f, EventFact)}
    out: list[Fact] = []
    for fact in facts:
        if isinstance(fact, CommitmentFact) and fact.after is not None:
            if fact.after not in events:
                path, line = where[fact.id].rsplit(":", 1)
                raise CorpusError(
                    path, f"fact {fact.id!r}: 'after: {fact.after}' is not the id of an event fact", int(line)
                )
            fact = fact.model_copy(update={"anchor_date": events[fact.after].date})
        out.append(fact)
    return out
