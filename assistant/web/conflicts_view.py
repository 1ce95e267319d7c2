"""How the web UI shows that the sources disagree: a highlighted box above the cited passages.

Pure formatting (HTML strings); `assistant.web.app` calls `conflicts_html` once per answer.
"""

from __future__ import annotations

from html import escape

from assistant.records import Answer, Conflict

STYLE = "border-left:4px solid #d97706;background:#fef3c7;color:#78350f;padding:0.5em 0.8em;margin:0.5em 0"


def conflict_html(conflict: Conflict) -> str:
    """One disagreement: what it is about, then each source's value linked to its cited passage."""
    values = "".join(
        f'<li><a href="#source-{v.citation}"><mark>{escape(v.value)}</mark> [{v.citation}]</a> '
        f"<em>{escape(v.title)}</em></li>"
        for v in conflict.values
    )
    values += f"<li>and {conflict.more} more</li>" if conflict.more else ""
    return f"<p><strong>The sources disagree</strong> ({escape(conflict.thing)}):</p><ul>{values}</ul>"


def conflicts_html(answer: Answer) -> str:
    """The box listing every disagreement of an answer; empty when the sources agree."""
    if not answer.conflicts:
        return ""
    body = "".join(conflict_html(c) for c in answer.conflicts)
    return f'<section class="conflicts" role="alert" style="{STYLE}">{body}</section>'
