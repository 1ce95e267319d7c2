"""Phrasing templates, kept as files in prompts/ and loaded by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Formatter

from assistant.errors import AssistantError


@lru_cache(maxsize=64)
def _read(folder: Path, name: str) -> str:
    path = folder / f"{name}.md"
    try:
        return path.read_text("utf-8").strip("\n")
    except OSError:
        raise AssistantError(f"{path}: missing prompt template {name!r}: restore it from git") from None


def render(folder: Path, name: str, **fields: str) -> str:
    """Fill template `name` from `folder`; every placeholder must be given."""
    template = _read(folder, name)
    wanted = {field for _, field, _, _ in Formatter().parse(template) if field}
    if missing := wanted - fields.keys():
        raise AssistantError(f"{folder / name}.md: no value for {sorted(missing)}")
    return template.format(**fields).strip()
