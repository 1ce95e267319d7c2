"""Citation markers in the chat as buttons: hovering or focusing one previews its quote, clicking
(or Enter) opens the sources panel at its passage.

The chat renders answers as Markdown with raw HTML off, so the markers arrive as the text "[1]".
The script below (run once when the page loads: Gradio's `launch(js=...)`) turns each "[n]" of an
answer whose Sources list has an entry n into a <button>, named "Source [n]: <title>". The preview
shows that entry's quote, set as text, never as HTML. A click on a marker of another answer than
the one in the panel lets Gradio's select event bring that answer's sources; the script then
scrolls to `#source-n` inside the panel whose `data-turn` is the answer's number, marks it and
moves the focus to it. Nothing is loaded from anywhere.
"""

from __future__ import annotations

MARKERS_JS = r"""() => {
  const BOT = '#chat [data-testid="bot"]';
  const ENTRY = /^\[(\d+)\]\s*(.*?)\s+—\s+“([\s\S]*)”$/;
  const tip = document.createElement('div');
  tip.id = 'cite-preview';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.appendChild(tip);
  let pending = null;  // the passage a click asked for: {turn, n, until}
  const entries = (message) => {
    const found = {};
    for (const li of message.querySelectorAll('li')) {
      const m = ENTRY.exec(li.textContent.trim());
      if (m) found[m[1]] = {title: m[2], quote: m[3]};
    }
    return found;
  };
  const mark = (message) => {
    const known = entries(message);
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (/\[\d+\]/.test(node.data) && !node.parentElement.closest('.cite')) nodes.push(node);
    }
    for (const node of nodes) {
      const parts = node.data.split(/(\[\d+\])/);
      if (!parts.some((p) => known[(/^\[(\d+)\]$/.exec(p) || [])[1]])) continue;
      const out = document.createDocumentFragment();
      for (const part of parts) {
        const n = (/^\[(\d+)\]$/.exec(part) || [])[1];
        if (n && known[n]) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'cite';
          button.dataset.n = n;
          button.textContent = part;
          button.setAttribute('aria-label', `Source ${part}: ${known[n].title}`);
          button.setAttribute('aria-describedby', 'cite-preview');
          out.append(button);
        } else if (part) out.append(document.createTextNode(part));
      }
      node.replaceWith(out);
    }
  };
  const show = (button) => {
    const entry = entries(button.closest(BOT))[button.dataset.n];
    if (!entry) return;
    tip.textContent = `“${entry.quote}” — ${entry.title}`;
    tip.hidden = false;
    const r = button.getBoundingClientRect();
    tip.style.left = `${Math.max(8, Math.min(r.left, innerWidth - tip.offsetWidth - 8))}px`;
    const below = r.bottom + 6;
    tip.style.top = `${below + tip.offsetHeight > innerHeight ? Math.max(8, r.top - tip.offsetHeight - 6) : below}px`;
  };
  const hide = () => { tip.hidden = true; };
  const marker = (event) => event.target.closest && event.target.closest('#chat .cite');
  const reveal = () => {
    if (!pending || Date.now() > pending.until) { pending = null; return; }
    const panel = document.querySelector(`#sources section.sources[data-turn="${pending.turn}"]`);
    const target = panel && panel.querySelector(`#source-${pending.n}`);
    if (!target || target.classList.contains('cited')) return;
    panel.querySelectorAll('.source.cited').forEach((s) => s.classList.remove('cited'));
    target.classList.add('cited');
    target.scrollIntoView({block: 'start'});
    target.focus({preventScroll: true});
  };
  document.addEventListener('mouseover', (e) => { const b = marker(e); if (b) show(b); });
  document.addEventListener('mouseout', (e) => { if (marker(e)) hide(); });
  document.addEventListener('focusin', (e) => { const b = marker(e); if (b) show(b); });
  document.addEventListener('focusout', (e) => { if (marker(e)) hide(); });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
  document.addEventListener('click', (e) => {
    const button = marker(e);
    if (!button) return;
    const turn = String([...document.querySelectorAll(BOT)].indexOf(button.closest(BOT)));
    const shown = document.querySelector('#sources section.sources');
    if (shown && shown.dataset.turn === turn) e.stopPropagation();  // its sources are shown: no select event
    hide();
    pending = {turn, n: button.dataset.n, until: Date.now() + 5000};
    document.querySelectorAll('#sources .source.cited').forEach((s) => s.classList.remove('cited'));
    reveal();
  }, true);
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      document.querySelectorAll(BOT).forEach(mark);
      reveal();
    });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""

MARKERS_CSS = """
#chat .cite { font: inherit; color: inherit; background: none; border: 0; margin: 0; padding: 0 .05em;
  cursor: pointer; text-decoration: underline dotted; text-underline-offset: 2px; }
#chat .cite:hover, #chat .cite:focus-visible { text-decoration-style: solid; outline: 2px solid #c2410c;
  outline-offset: 1px; border-radius: 2px; }
#cite-preview { position: fixed; z-index: 1000; max-width: min(28em, 90vw); padding: .5em .7em; border-radius: 6px;
  background: #1f2937; color: #f9fafb; font-size: .9em; line-height: 1.35; pointer-events: none;
  box-shadow: 0 2px 8px rgba(0, 0, 0, .3); }
#cite-preview[hidden] { display: none; }
#sources .source.cited { outline: 3px solid #c2410c; outline-offset: 2px; border-radius: 4px; }
#sources figure.page { margin: .5em 0 0; }
#sources figure.page img { max-width: 100%; height: auto; border: 1px solid #8a8a8a; background: #fff; }
#sources figure.page figcaption { color: #545454; font-size: .85em; }
.dark #sources figure.page figcaption { color: #b8b8b8; }
"""
