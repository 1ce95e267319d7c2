"""Memo downloads on disk: one folder per browser session, rewritten on every answer, removed after a TTL."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any


class MemoFiles:
    """Memo downloads: one folder per session, rewritten on every answer; folders older than `ttl` are removed."""

    def __init__(self, folder: Path, ttl: float, clock: Any = time.time) -> None:
        self.folder, self.ttl, self.clock = folder, ttl, clock
        self._swept = 0.0

    @classmethod
    def temporary(cls, ttl: float) -> MemoFiles:
        """Memo files in a new temporary folder, removed with everything in it when the MemoFiles is
        collected or the process exits (each app built used to leave its folder behind)."""
        files = cls(Path(tempfile.mkdtemp(prefix="assistant-memos-")), ttl)
        weakref.finalize(files, shutil.rmtree, files.folder, ignore_errors=True)
        return files

    def write(self, session: str, name: str, text: str | bytes) -> str | None:
        """Write `text` (or a file's bytes) for the download button; None when there is nothing yet."""
        self.sweep()
        if not text:
            return None
        folder = self.folder / hashlib.sha256(session.encode("utf-8", "replace")).hexdigest()[:20]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="replace")
        return str(path)

    def sweep(self, force: bool = False) -> int:
        """Remove session folders untouched for `ttl` seconds (at most once a minute); how many went."""
        now = self.clock()
        if not force and now - self._swept < 60:
            return 0
        self._swept, removed = now, 0
        for folder in self.folder.glob("*"):
            try:
                if now - folder.stat().st_mtime > self.ttl:
                    shutil.rmtree(folder)
                    removed += 1
            except OSError:
                continue  # removed meanwhile by another request
        return removed
