"""The Documents tab's core: listing rows, stored names, refused uploads, removals, atomic stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.records import Document, Skipped
from assistant.web import documents
from assistant.web.documents import Accepted, Refused, Row, listing, plan_removal, plan_uploads, stored_name

MAY = dt.datetime(2026, 5, 4, 9, 30)
MB = 1_000_000


def doc(name: str, fmt: str = "pdf", pages: int | None = 2) -> Document:
    stem = Path(name).stem
    return Document(doc_id=stem, path=name, title=f"Title of {stem}", text="x", sha256="0", format=fmt, pages=pages)


# --- listing -----------------------------------------------------------------------------------


def test_an_indexed_document_is_listed_with_title_format_pages_sentences_and_date_added() -> None:
    rows = listing([doc("brief.pdf")], {"brief": 12}, [], {"brief.pdf": MAY})
    assert rows == [Row("brief.pdf", "Title of brief", "pdf", 2, 12, "2026-05-04 09:30", "indexed")]


def test_a_skipped_file_is_listed_with_its_reason_and_line() -> None:
    skipped = [Skipped(path="/srv/corpus/docs/scan.pdf", reason="no text layer (a scanned PDF?)", line=None)]
    skipped.append(Skipped(path="/srv/corpus/docs/notes.txt", reason="not valid UTF-8", line=3))
    rows = listing([], {}, skipped, {"scan.pdf": MAY, "notes.txt": MAY})
    assert [(r.file, r.format, r.status) for r in rows] == [
        ("notes.txt", "txt", "skipped: not valid UTF-8 (line 3)"),
        ("scan.pdf", "pdf", "skipped: no text layer (a scanned PDF?)"),
    ]


def test_a_file_not_yet_in_the_build_is_waiting_and_one_gone_from_disk_is_being_removed() -> None:
    rows = listing([doc("old.pdf")], {"old": 3}, [], {"new.docx": MAY})
    assert [(r.file, r.status, r.added) for r in rows] == [
        ("new.docx", "waiting to be indexed", "2026-05-04 09:30"),
        ("old.pdf", "removed, re-indexing", ""),
    ]


def test_sidecars_and_other_files_are_not_listed_as_documents() -> None:
    rows = listing([doc("a.txt", "txt", None)], {"a": 1}, [], {"a.txt": MAY, "a.meta.yaml": MAY, "README": MAY})
    assert [r.file for r in rows] == ["a.txt"]


# --- stored names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "taken", "stored"),
    [
        ("brief.pdf", set(), "brief.pdf"),
        ("Brief.PDF", set(), "Brief.pdf"),  # the extension is normalised, the stem kept when it is a plain id
        ("brief.pdf", {"brief"}, "brief-2.pdf"),  # never over an existing document
        ("brief.pdf", {"brief", "brief-2"}, "brief-3.pdf"),
        ("BRIEF.pdf", {"brief"}, "BRIEF-2.pdf"),  # case-insensitively, for file systems that fold case
        ("../../etc/cron.d/job.txt", set(), "job.txt"),  # never a path
        ("C:\\Users\\ana\\Desktop\\note.md", set(), "note.md"),
    ],
)
def test_the_stored_name_is_the_stem_as_a_document_id_never_a_path_and_never_taken(
    client: str, taken: set[str], stored: str
) -> None:
    assert stored_name(client, taken) == stored


def test_a_name_with_spaces_or_accents_becomes_a_slug() -> None:
    name = stored_name("Rapport annuel é 2026.docx", set())
    assert name.startswith("Rapport-annuel-e-2026-") and name.endswith(".docx") and " " not in name


def test_a_stem_taken_by_a_sidecar_alone_is_not_reused() -> None:
    """An orphan `brief.meta.yaml` would otherwise lend its title to the new file."""
    taken = documents.taken_stems(["brief.meta.yaml"])
    assert stored_name("brief.pdf", taken) == "brief-2.pdf"


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "size", "reason"),
    [
        ("report.exe", 10, "Only PDF, Word, text, Markdown and HTML files can be added; report.exe was not added."),
        ("Makefile", 10, "Only PDF, Word, text, Markdown and HTML files can be added; Makefile was not added."),
        ("big.pdf", 21 * MB, "big.pdf was not added: 21.0 MB is over the 20 MB limit; split or compress it."),
        ("empty.txt", 0, "empty.txt was not added: the file is empty."),
    ],
)
def test_an_upload_of_the_wrong_type_or_size_is_refused_in_words_naming_it(client: str, size: int, reason: str) -> None:
    [decision] = plan_uploads([(Path("/tmp/x"), client, size)], set(), 20 * MB)
    assert isinstance(decision, Refused) and decision.original == client and decision.reason == reason


ONLY = "Only PDF, Word, text, Markdown and HTML files can be added;"


@pytest.mark.parametrize(
    ("names", "sentence"),
    [
        (["a.exe"], "Only PDF, Word, text, Markdown and HTML files can be added; a.exe was not added."),
        (
            ["a.exe", "b.zip"],
            "Only PDF, Word, text, Markdown and HTML files can be added; a.exe and b.zip were not added.",
        ),
        (["a", "b", "c"], "Only PDF, Word, text, Markdown and HTML files can be added; a, b and c were not added."),
    ],
)
def test_files_of_other_types_are_named_in_one_sentence(names: list[str], sentence: str) -> None:
    assert documents.wrong_type(names) == sentence


def test_two_uploads_with_the_same_name_in_one_batch_get_two_names() -> None:
    batch = [(Path("/tmp/1"), "brief.pdf", 10), (Path("/tmp/2"), "brief.pdf", 10)]
    assert [d.name for d in plan_uploads(batch, set(), MB) if isinstance(d, Accepted)] == ["brief.pdf", "brief-2.pdf"]


# --- removal -----------------------------------------------------------------------------------


def test_removing_a_document_deletes_it_and_its_sidecar() -> None:
    on_disk = ["a.pdf", "a.meta.yaml", "b.txt"]
    assert plan_removal("a.pdf", on_disk, ["a.pdf", "b.txt"]) == ["a.pdf", "a.meta.yaml"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../facts/x.yaml", "no such document in corpus/docs/"),
        ("gone.pdf", "no such document in corpus/docs/"),
        ("a.meta.yaml", "no such document in corpus/docs/"),
        ("b.txt", "the only indexed document"),
    ],
)
def test_a_removal_that_names_no_document_or_would_empty_the_index_is_refused(name: str, reason: str) -> None:
    refused = plan_removal(name, ["a.meta.yaml", "b.txt", "scan.pdf"], ["b.txt"])
    assert isinstance(refused, Refused) and reason in refused.reason


# --- the writes --------------------------------------------------------------------------------


def test_stored_uploads_land_whole_under_their_derived_names_and_leave_no_temporary_file(tmp_path: Path) -> None:
    docs, given = tmp_path / "docs", tmp_path / "given"
    docs.mkdir(), given.mkdir()
    (docs / "brief.txt").write_text("old", "utf-8")
    (given / "brief.txt").write_text("new", "utf-8")
    decisions = documents.store_uploads(docs, [(given / "brief.txt", "brief.txt", 3)], MB)
    assert [d.name for d in decisions if isinstance(d, Accepted)] == ["brief-2.txt"]
    assert (docs / "brief.txt").read_text("utf-8") == "old" and (docs / "brief-2.txt").read_text("utf-8") == "new"
    assert sorted(p.name for p in docs.iterdir()) == ["brief-2.txt", "brief.txt"]


def test_remove_files_never_leaves_the_folder_whatever_the_name(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "keep.txt").write_text("x", "utf-8")
    (docs / "keep.txt").write_text("x", "utf-8")
    documents.remove_files(docs, ["../keep.txt"])
    assert (tmp_path / "keep.txt").exists() and not (docs / "keep.txt").exists()


def test_an_upload_that_cannot_be_written_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(target: Path, source: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "_write_new", full)
    (tmp_path / "docs").mkdir()
    (tmp_path / "a.txt").write_text("x", "utf-8")
    [refused] = documents.store_uploads(tmp_path / "docs", [(tmp_path / "a.txt", "a.txt", 1)], MB)
    assert isinstance(refused, Refused) and "(No space left on device): check its free space" in refused.reason
