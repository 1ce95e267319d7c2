"""What the Documents tab draws: the listing's table, the progress bar's words, and the browser-side
check that keeps files of other types out of an upload.

The table stacks each row into labelled lines below 640 px, so a phone at 390 px still shows every
column (Status included); explicit ARIA roles keep it a table for screen readers when it does.
"""

from __future__ import annotations

import html
import json
from typing import Any

from assistant.ingest.index import STAGES
from assistant.web.documents import ALLOWED, Row, wrong_type

COLUMNS = ("File", "Title", "Format", "Pages", "Sentences", "Added", "Status")
STEPS = {  # what each stage of a build does, as the progress bar says it
    "reading": "reading the text and tables of each file",
    "sentences": "finding sentences and names in new documents",
    "embedding": "embedding new passages",
    "indexing": "writing the index",
}

# Scoped to the table's component by Gradio; the narrow layout is a list of labelled cells per row.
TABLE_CSS = """
table.documents { width: 100%; border-collapse: collapse; }
table.documents th { white-space: nowrap; }
table.documents td { vertical-align: top; }
table.documents td:nth-child(-n+2) { overflow-wrap: anywhere; }  /* long file names and titles */
@media (max-width: 640px) {
  table.documents { border: none; }
  table.documents thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.documents, table.documents tbody, table.documents tr, table.documents td { display: block; width: 100%; }
  table.documents tr { border: 1px solid var(--border-color-primary); border-radius: 6px; margin: 0 0 .6em; }
  table.documents td { display: grid; grid-template-columns: 6.5em 1fr; gap: .5em; border: none;
    border-bottom: 1px solid var(--border-color-primary); padding: .3em .6em; }
  table.documents td:last-child { border-bottom: none; }
  table.documents td::before { content: attr(data-label); font-weight: 700; }
}
"""


def table_html(rows: list[Row]) -> str:
    """The listing as an HTML table; every value escaped, every cell labelled with its column."""
    head = "".join(f'<th role="columnheader" scope="col">{c}</th>' for c in COLUMNS)
    body = "".join(
        f'<tr role="row" class="{"indexed" if r.status == "indexed" else "pending"}">'
        + "".join(
            f'<td role="cell" data-label="{c}">{html.escape(str(v))}</td>'
            for c, v in zip(COLUMNS, _cells(r), strict=True)
        )
        + "</tr>"
        for r in rows
    )
    return (
        f'<table class="documents" role="table" aria-label="Documents in the corpus">'
        f'<thead role="rowgroup"><tr role="row">{head}</tr></thead><tbody role="rowgroup">{body}</tbody></table>'
    )


def _cells(r: Row) -> tuple[Any, ...]:
    blank = "—"
    pages = r.pages if r.pages is not None else blank
    sentences = r.sentences if r.sentences is not None else blank
    return (r.file, r.title or blank, r.format, pages, sentences, r.added or blank, r.status)


def step(stage: str, fraction: float) -> tuple[float, str]:
    """The bar's overall fraction and its words for a build `fraction` of the way through `stage`."""
    i = STAGES.index(stage)
    fraction = min(max(fraction, 0.0), 1.0)
    return (i + fraction) / len(STAGES), f"step {i + 1} of {len(STAGES)}, {STEPS[stage]} ({fraction:.0%})"


# Runs once in the browser (gr.HTML's js_on_load, `element` is this component). Before Gradio sees a
# chosen or dropped batch, files of other types are taken out of it and named here in words; the rest
# upload as usual. Without it the server's upload route refuses the whole batch (415) and Gradio shows
# "HTTP 415". The words are the server's own (documents.wrong_type), filled in for the names.
UPLOAD_CHECK = """
const allowed = __ALLOWED__;
const sentence = __SENTENCE__;
const ok = f => allowed.some(s => f.name.toLowerCase().endsWith(s));
const say = bad => {
  const names = bad.map(f => f.name);
  const listed = names.length > 1 ? names.slice(0, -1).join(", ") + " and " + names[names.length - 1] : names[0];
  element.querySelector(".refused").textContent = bad.length ?
    sentence.replace("__NAMES__", listed).replace(" was ", names.length > 1 ? " were " : " was ") : "";
};
const input = () => document.querySelector("#upload input[type=file]");
document.addEventListener("change", e => {
  if (e.target !== input()) return;
  const files = [...e.target.files];
  say(files.filter(f => !ok(f)));
  if (files.every(ok)) return;
  const kept = new DataTransfer();
  files.filter(ok).forEach(f => kept.items.add(f));
  e.target.files = kept.files;
  if (!kept.files.length) e.stopImmediatePropagation();
}, true);
document.addEventListener("drop", e => {
  const box = document.querySelector("#upload");
  if (!box || !box.contains(e.target) || !e.dataTransfer) return;
  const files = [...e.dataTransfer.files];
  if (files.every(ok)) { say([]); return; }
  e.preventDefault();
  e.stopImmediatePropagation();
  const kept = new DataTransfer();
  files.forEach(f => kept.items.add(f));
  const field = input();
  field.files = kept.files;
  field.dispatchEvent(new Event("change", { bubbles: true }));
}, true);
"""


def upload_check() -> str:
    """UPLOAD_CHECK with the allowed suffixes and the sentence that names refused files."""
    words = wrong_type(["__NAMES__"])
    return UPLOAD_CHECK.replace("__ALLOWED__", json.dumps(list(ALLOWED))).replace("__SENTENCE__", json.dumps(words))
