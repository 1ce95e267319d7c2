"""Corpus reading and validation: every problem names the file and line and says what to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import fallback_title, load_corpus

GOOD_FACT = """\
- id: meeting
  kind: event
  doc: note
  name: Harbour Talks
  date: 2027-05-01
  quote: "the Harbour Talks opened"
"""


def make_corpus(
    root: Path, facts: str | None = None, doc: bytes = b"On May 1, 2027, the Harbour Talks opened.\n"
) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "note.txt").write_bytes(doc)
    if facts is not None:
        (root / "facts").mkdir()
        (root / "facts" / "f.yaml").write_text(facts, "utf-8")
    return root


def error_of(root: Path) -> CorpusError:
    """The error strict loading stops at (the default load skips that file and reports it)."""
    with pytest.raises(CorpusError) as caught:
        load_corpus(root, strict=True)
    return caught.value


def test_the_shipped_article_is_copied_verbatim_with_its_metadata() -> None:
    repo = Path(__file__).resolve().parent.parent
    corpus = load_corpus(repo / "corpus")
    doc = corpus.document("us-critical-minerals-strategy")
    shared = repo.parent / "shared" / "source" / "000_678340608fcf7b59.txt"
    if shared.exists():
        assert doc.text == shared.read_text("utf-8")
    assert (doc.byline, str(doc.event_date)) == ("Chief Editor", "2026-02-04")
    assert doc.title.startswith("US Critical Minerals Strategy")


def test_a_valid_fact_is_located_in_its_document(tmp_path: Path) -> None:
    corpus = load_corpus(make_corpus(tmp_path, GOOD_FACT))
    fact = corpus.facts[0]
    assert corpus.document("note").text[fact.start : fact.end] == fact.quote


@pytest.mark.parametrize(
    ("facts", "line", "message"),
    [
        (GOOD_FACT.replace("the Harbour Talks opened", "the talks closed"), 6, "quote not found in note.txt"),
        (GOOD_FACT.replace("  name:", "  colour: red\n  name:"), 4, "colour: Extra inputs are not permitted"),
        (GOOD_FACT.replace("2027-05-01", "next week"), 5, "date: Input should be a valid date"),
        (GOOD_FACT + GOOD_FACT, 7, "duplicate fact id 'meeting'"),
        (GOOD_FACT.replace("doc: note", "doc: missing"), 3, "unknown document 'missing'"),
        (GOOD_FACT.replace("kind: event", "kind: rumour"), 2, "kind"),
        ("- id: x\n  kind: : bad\n", 2, "invalid YAML"),
        ("id: x\n", 1, "must be a YAML list"),
        (
            GOOD_FACT + "- id: plan\n  kind: commitment\n  doc: note\n  parties: [A]\n  instrument: plan\n"
            "  after: nothing\n  quote: Harbour\n",
            7,
            "'after: nothing' is not the id of an event fact",
        ),
    ],
)
def test_a_bad_fact_stops_loading_with_file_line_and_reason(
    tmp_path: Path, facts: str, line: int, message: str
) -> None:
    err = error_of(make_corpus(tmp_path, facts))
    assert err.path.endswith("f.yaml") and err.line == line
    assert message in str(err)
    assert str(err).startswith(f"{err.path}:{line}: ")


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "empty document", None),
        (b"  \n\n", "empty document", None),
        (b"ok line\n\xff\xfe bad\n", "not valid UTF-8", 2),
        (b"\x89PNG\r\n\x00\x00binary", "binary file", None),
    ],
)
def test_an_unreadable_document_is_named_with_a_fix(
    tmp_path: Path, content: bytes, message: str, line: int | None
) -> None:
    err = error_of(make_corpus(tmp_path, doc=content))
    assert err.path.endswith("note.txt") and message in str(err) and err.line == line


def test_an_empty_corpus_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    assert "the corpus is empty" in str(error_of(tmp_path))


def test_bad_metadata_names_the_key_and_line(tmp_path: Path) -> None:
    root = make_corpus(tmp_path)
    (root / "docs" / "note.meta.yaml").write_text("title: Note\nevent_date: someday\n", "utf-8")
    err = error_of(root)
    assert (err.line, "event_date") == (2, "event_date") and "valid date" in str(err)


def test_markdown_front_matter_gives_metadata_and_is_not_part_of_the_text(tmp_path: Path) -> None:
    root = make_corpus(tmp_path)
    (root / "docs" / "brief.md").write_text(
        "---\ntitle: Brief\nevent_date: 2027-01-02\n---\n# Heading\nBody.\n", "utf-8"
    )
    doc = load_corpus(root).document("brief")
    assert (doc.title, str(doc.event_date), doc.text) == ("Brief", "2027-01-02", "# Heading\nBody.\n")


def test_html_documents_keep_visible_text_only(tmp_path: Path) -> None:
    root = make_corpus(tmp_path)
    html = "<html><head><title>Page</title><script>alert(1)</script></head><body><p>Visible text.</p></body></html>"
    (root / "docs" / "page.html").write_text(html, "utf-8")
    doc = load_corpus(root).document("page")
    assert doc.title == "Page" and "Visible text." in doc.text and "alert" not in doc.text


def test_a_file_name_with_a_trailing_newline_gets_a_plain_derived_id(tmp_path: Path) -> None:
    """The id pattern is matched whole: 'evil\\n' must not pass as the id 'evil\\n'."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "evil\n.txt").write_text("A sentence.\n", "utf-8")
    (doc,) = load_corpus(tmp_path).documents
    assert re.fullmatch(r"evil-[0-9a-f]{6}", doc.doc_id) and doc.path == "evil\n.txt"


@pytest.mark.parametrize(
    ("meta", "message", "line"),
    [
        ("title: T\nevent_date: 2026-02-30\n", "2026-02-30 is not a calendar date", 2),
        ("title: " + "[" * 20000 + "]" * 20000 + "\n", "YAML nested too deeply", None),
    ],
)
def test_impossible_dates_and_absurd_nesting_in_metadata_are_one_line_errors(
    tmp_path: Path, meta: str, message: str, line: int | None
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "note.txt").write_text("A sentence.\n", "utf-8")
    (tmp_path / "docs" / "note.meta.yaml").write_text(meta, "utf-8")
    err = error_of(tmp_path)
    assert err.path.endswith("note.meta.yaml") and message in str(err) and (line is None or err.line == line)


def test_an_impossible_date_in_a_facts_file_names_its_line(tmp_path: Path) -> None:
    facts = "- id: opening\n  kind: event\n  doc: note\n  name: Harbour Talks\n  date: 2026-02-30\n"
    facts += "  quote: the Harbour Talks\n"
    err = error_of(make_corpus(tmp_path, facts=facts))
    assert err.path.endswith("f.yaml") and err.line == 5 and "2026-02-30 is not a calendar date" in str(err)


def odd_entry(docs: Path, kind: str) -> None:
    """Make docs/odd.txt one of the entries that must never be read as a document."""
    import os

    target = docs / "odd.txt"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "dangling link":
        target.symlink_to(docs / "missing.txt")
    elif kind == "link loop":
        target.symlink_to(docs / "loop.txt")
        (docs / "loop.txt").symlink_to(target)
    elif kind == "hard link":
        outside = docs.parent.parent / "outside.txt"
        outside.write_text("secret\n", "utf-8")
        os.link(outside, target)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("fifo", "not a regular file"),
        ("folder", "not a regular file"),
        ("dangling link", "a broken or looping link"),
        ("link loop", "a broken or looping link"),
        ("hard link", "has other hard links"),
    ],
)
def test_odd_entries_in_docs_are_refused_by_name_without_hanging(tmp_path: Path, kind: str, message: str) -> None:
    root = make_corpus(tmp_path / "corpus")
    odd_entry(root / "docs", kind)
    err = error_of(root)
    named = ("odd.txt", "loop.txt") if kind == "link loop" else ("odd.txt",)  # a loop's first member in order
    assert err.path.endswith(named) and message in str(err)


# --- one bad file never stops the corpus ---------------------------------------------------


def test_a_bad_document_is_skipped_and_reported_while_the_others_load(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, GOOD_FACT)
    (root / "docs" / "blank.txt").write_text("  \n", "utf-8")
    (root / "docs" / "latin.txt").write_bytes(b"ok\nCaf\xe9\n")
    corpus = load_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["note"] and [f.id for f in corpus.facts] == ["meeting"]
    reported = {(Path(s.path).name, s.line): s.reason for s in corpus.skipped}
    assert reported.keys() == {("blank.txt", None), ("latin.txt", 2)}
    assert "empty document" in reported["blank.txt", None] and "save the file as UTF-8" in reported["latin.txt", 2]


def test_a_bad_facts_file_is_skipped_whole_and_the_good_ones_kept(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, GOOD_FACT)
    (root / "facts" / "typo.yaml").write_text(GOOD_FACT.replace("meeting", "other").replace("2027-05-01", "soon"))
    corpus = load_corpus(root)
    assert [f.id for f in corpus.facts] == ["meeting"]
    (skipped,) = corpus.skipped
    assert skipped.path.endswith("typo.yaml") and skipped.line == 5 and "date" in skipped.reason


def test_a_corpus_with_no_readable_document_is_still_an_error_naming_the_first_problem(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, doc=b"")
    with pytest.raises(CorpusError, match=r"no readable document \(1 skipped; first: .*note.txt: empty document"):
        load_corpus(root)


@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling link", "hard link"])
def test_odd_entries_are_skipped_with_a_reason_by_default(tmp_path: Path, kind: str) -> None:
    root = make_corpus(tmp_path / "corpus")
    odd_entry(root / "docs", kind)
    corpus = load_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["note"] and corpus.skipped[0].path.endswith("odd.txt")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Joint Statement 2026.txt", r"Joint-Statement-2026-[0-9a-f]{6}"),
        ("Déclaration conjointe.txt", r"Declaration-conjointe-[0-9a-f]{6}"),
        ("共同声明.txt", r"document-[0-9a-f]{6}"),
        ("x" * 200 + ".txt", r"x{73}-[0-9a-f]{6}"),
        ("y" * 250 + ".txt", r"y{73}-[0-9a-f]{6}"),  # its sidecar name would be over 255 bytes
        ("plain-name_1.txt", r"plain-name_1"),
    ],
)
def test_any_file_name_is_accepted_and_gets_a_plain_document_id(tmp_path: Path, name: str, expected: str) -> None:
    root = make_corpus(tmp_path)
    (root / "docs" / name).write_text("A sentence about talks.\n", "utf-8")
    corpus = load_corpus(root, strict=True)
    (doc,) = [d for d in corpus.documents if d.path == name]
    assert re.fullmatch(expected, doc.doc_id), doc.doc_id


def test_documents_whose_names_differ_only_by_format_get_distinct_ids(tmp_path: Path) -> None:
    root = make_corpus(tmp_path)
    (root / "docs" / "note.md").write_text("Another note.\n", "utf-8")
    ids = {d.path: d.doc_id for d in load_corpus(root, strict=True).documents}
    assert ids == {"note.md": "note", "note.txt": "note-txt"}


def test_hidden_files_and_word_lock_files_are_not_documents(tmp_path: Path) -> None:
    root = make_corpus(tmp_path)
    (root / "docs" / ".draft.txt").write_text("Hidden.\n", "utf-8")
    (root / "docs" / "~$report.docx").write_bytes(b"\x00lock")
    corpus = load_corpus(root)
    assert [d.doc_id for d in corpus.documents] == ["note"] and corpus.skipped == []


@pytest.mark.parametrize(
    ("text", "stem", "title"),
    [
        ("# Riverton Heat Plan\n\nCooling centres open in June.", "heat", "Riverton Heat Plan"),
        ("## Budget 2027 ##\nLines.", "b", "Budget 2027"),
        ("Rural Broadband Allocations\nThe fund opens in May.", "rural", "Rural Broadband Allocations"),
        (
            "The council approved " + "a long first paragraph without a title line " * 4,
            "rural-broadband_2026",
            "rural broadband 2026",
        ),
    ],
)
def test_a_document_without_a_stated_title_is_named_by_its_short_first_line_or_its_file(
    text: str, stem: str, title: str
) -> None:
    assert fallback_title(text, stem) == title
