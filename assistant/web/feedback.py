"""Thumbs up / down from the web UI: a fixed verdict, capped records, a rate per session, a rotated JSONL file."""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from collections import deque
from pathlib import Path
from typing import Any

from assistant.config import Settings

log = logging.getLogger("assistant.web")
MAX_SESSIONS = 10_000  # rate records kept; the oldest session is forgotten beyond this


def verdict(liked: Any) -> str | None:
    """ "up" or "down" for what Gradio's like event carries (a bool or the option's label), else None."""
    if liked is True or liked in ("Like", "up"):
        return "up"
    if liked is False or liked in ("Dislike", "down"):
        return "down"
    return None


class FeedbackLog:
    """Appends records to a JSONL file rotated at `feedback_file_bytes`, keeping `feedback_backups` old files."""

    def __init__(self, path: Path, settings: Settings, clock: Any = time.monotonic) -> None:
        self.path, self.settings, self.clock = path, settings, clock
        self.recent: dict[str, deque[float]] = {}
        self._writer: logging.Logger | None = None

    def writer(self) -> logging.Logger:
        """A private logger (not in logging's registry) whose only handler is the rotating file."""
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                self.path,
                maxBytes=self.settings.feedback_file_bytes,
                backupCount=self.settings.feedback_backups,
                encoding="utf-8",
            )
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._writer = logging.Logger(f"feedback:{self.path}")
            self._writer.addHandler(handler)
            self._writer.propagate = False
        return self._writer

    def add(self, session: str, record: dict[str, Any]) -> str | None:
        """Write `record` for `session`; the reason it was not written, or None when it was."""
        line = json.dumps(record, ensure_ascii=False)
        size = len(line.encode("utf-8", "replace"))
        if size > self.settings.max_feedback_bytes:
            return self._refused(f"feedback record of {size} bytes is over {self.settings.max_feedback_bytes}")
        if not self._within_rate(session):
            return self._refused(f"more than {self.settings.feedback_per_minute} feedback records a minute")
        self.writer().info(line)
        return None

    def _within_rate(self, session: str) -> bool:
        now = self.clock()
        times = self.recent.pop(session, None) or deque()
        while times and now - times[0] > 60:
            times.popleft()
        self.recent[session] = times  # re-inserted: the dict's order is least recently used first
        if len(self.recent) > MAX_SESSIONS:
            del self.recent[next(iter(self.recent))]
        if len(times) >= self.settings.feedback_per_minute:
            return False
        times.append(now)
        return True

    def _refused(self, reason: str) -> str:
        log.warning("feedback not saved: %s", reason)
        return reason

    def close(self) -> None:
        if self._writer is not None:
            for handler in self._writer.handlers:
                handler.close()
