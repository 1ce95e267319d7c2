"""The memo panel of the web app: the memo as Markdown, rich-text copies and .md/.docx downloads.

`add_memo_panel` lays out the components and wires the copy buttons (browser-side: the
clipboard gets the memo as HTML and as plain Markdown, and "Copied" shows beside the buttons);
`MemoPanel.values` gives the components' values after each answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.records import Answer
from assistant.web.downloads import MemoFiles
from assistant.web.memo import answer_memo, conversation_memo
from assistant.web.memo_formats import memo_docx, memo_html

# Rich text where the browser can (Word and Outlook paste the HTML), else plain; the message is the status.
COPY_JS = """async (text, html) => {
  if (!text) return "Nothing to copy yet: ask a question first.";
  try {
    if (window.ClipboardItem && navigator.clipboard.write) {
      const item = new ClipboardItem({
        "text/plain": new Blob([text], {type: "text/plain"}),
        "text/html": new Blob([html], {type: "text/html"}),
      });
      await navigator.clipboard.write([item]);
    } else {
      await navigator.clipboard.writeText(text);
    }
    return "Copied.";
  } catch (err) {
    return "Could not copy: the browser did not allow it. Select the memo's text and copy it instead.";
  }
}"""


def memos(pairs: Sequence[tuple[str, Answer]]) -> tuple[str, str]:
    """(memo of the last answer, memo of the whole conversation), Markdown."""
    return (answer_memo(pairs[-1][1], pairs[-1][0]) if pairs else "", conversation_memo(pairs))


@dataclass
class MemoPanel:
    last: Any
    whole: Any
    last_html: Any
    whole_html: Any
    status: Any
    downloads: tuple[Any, ...]  # memo .md, conversation .md, memo .docx, conversation .docx

    def outputs(self) -> list[Any]:
        return [self.last, self.whole, self.last_html, self.whole_html, self.status, *self.downloads]

    @staticmethod
    def values(pairs: Sequence[tuple[str, Answer]], files: MemoFiles, session: str) -> tuple[Any, ...]:
        """The panel's values for the conversation `pairs` (question, answer); download files rewritten."""
        last, whole = memos(pairs)
        last_pairs = list(pairs[-1:])
        return (
            last,
            whole,
            memo_html(last_pairs),
            memo_html(pairs),
            "",
            files.write(session, "answer-memo.md", last),
            files.write(session, "conversation-memo.md", whole),
            files.write(session, "answer-memo.docx", memo_docx(last_pairs) if pairs else ""),
            files.write(session, "conversation-memo.docx", memo_docx(pairs) if pairs else ""),
        )


def add_memo_panel() -> MemoPanel:
    """The memo accordion, copy buttons with their confirmation, and the download buttons."""
    with gr.Accordion("Memo for briefers", open=False, elem_id="memo-panel"):
        last = gr.Textbox(label="Last answer (Markdown)", lines=6, buttons=["copy"], elem_id="memo-last")
        whole = gr.Textbox(label="Whole conversation (Markdown)", lines=6, buttons=["copy"], elem_id="memo-all")
    last_html = gr.Textbox(visible=False, elem_id="memo-last-html")
    whole_html = gr.Textbox(visible=False, elem_id="memo-all-html")
    with gr.Row():
        copy_last = gr.Button("Copy as memo", size="sm", elem_id="copy-memo")
        copy_all = gr.Button("Copy conversation", size="sm", elem_id="copy-conversation")
    status = gr.Markdown("", elem_id="copy-status")
    with gr.Row():
        md_last = gr.DownloadButton("Download memo (.md)", size="sm", elem_id="download-memo")
        md_all = gr.DownloadButton("Download conversation (.md)", size="sm", elem_id="download-all")
    with gr.Row():
        docx_last = gr.DownloadButton("Download memo (Word)", size="sm", elem_id="download-memo-docx")
        docx_all = gr.DownloadButton("Download conversation (Word)", size="sm", elem_id="download-all-docx")
    copy_last.click(None, [last, last_html], [status], js=COPY_JS)
    copy_all.click(None, [whole, whole_html], [status], js=COPY_JS)
    return MemoPanel(last, whole, last_html, whole_html, status, (md_last, md_all, docx_last, docx_all))
