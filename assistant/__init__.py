"""Cited question answering over a document corpus, offline: every statement quotes its source."""

from assistant.api import Assistant
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.records import Answer, Citation

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Settings"]
