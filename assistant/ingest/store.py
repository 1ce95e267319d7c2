"""The on-disk layout of an index folder: which build is live, and whether its files are intact.

Shared by the index builder and loader (assistant.ingest.index) and by incremental rebuilds.
"""

from __future__ import annotations

import json
import os
import stat
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.ingest.corpus import sha256

FAISS_FILE = "default__vector_store.json"
REQUIRED = ("corpus.json", "sentences.npy", FAISS_FILE)  # every build has them, checksummed
# Written into every build folder when it is created: only folders carrying it are ever deleted,
# so a user's own `build-output/` beside the index is never touched.
BUILD_MARKER = ".assistant-build"
STAGING = ".staging-"  # prefix of a build folder being created, before it carries its marker


class Manifest(BaseModel):
    """The shape every build's manifest.json must have before anything in it is trusted."""

    model_config = ConfigDict(extra="allow")
    format: int
    model: str
    chunking: dict[str, Any]
    splitter: str
    inputs: dict[str, str]
    files: dict[str, str]
    skipped: list[Any] = []


def read_manifest(build: Path) -> dict[str, Any]:
    """The manifest of `build` as a dict; ValueError saying what is wrong when it is unreadable or malformed."""
    try:
        raw = (build / "manifest.json").read_bytes()
    except OSError as err:
        raise ValueError(f"unreadable manifest in {build}: {err.strerror or err}") from None
    try:
        Manifest.model_validate_json(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise ValueError(f"unreadable manifest in {build}: {where}: {first['msg']}") from None
    return json.loads(raw)  # type: ignore[no-any-return]


def is_own_build(folder: Path) -> bool:
    """A build folder this project created (it carries the marker), not a look-alike."""
    return folder.is_dir() and not folder.is_symlink() and (folder / BUILD_MARKER).is_file()


def corrupt_files(build: Path, manifest: dict[str, Any]) -> list[str]:
    """What is wrong with the files of `build` against the checksums of its manifest; [] when nothing."""
    listed = manifest.get("files")
    files: dict[str, Any] = listed if isinstance(listed, dict) else {}
    # a file the manifest does not list would be loaded unverified
    reasons = [f"index file {name} is not in the manifest" for name in REQUIRED if name not in files]
    for name, digest in files.items():
        path = build / name
        if not path.is_file():
            reasons.append(f"index file {name} is missing")
        elif sha256(path.read_bytes()) != digest:
            reasons.append(f"index file {name} is corrupt (checksum mismatch)")
    return reasons


def live_build(index_dir: Path) -> Path | None:
    try:
        name = read_regular(index_dir / "CURRENT").decode("utf-8").strip()
    except (OSError, ValueError):  # missing, a folder, a FIFO, unreadable or not UTF-8: no live build
        return None
    build = index_dir / name
    return build if name.startswith("build-") and build.is_dir() else None


def read_regular(path: Path, limit: int = 4096) -> bytes:
    """The first `limit` bytes of a regular file; OSError for anything else (a FIFO is opened without
    waiting for a writer, and never read, so it cannot hang the caller)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return os.read(fd, limit)
    finally:
        os.close(fd)


def package_version(package: str) -> str | None:
    """The installed version of `package`, or None if it is not installed."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
