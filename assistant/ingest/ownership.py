"""The index folder is ours or untouched: the project writes only inside a folder it created.

A folder is the project's when it carries MARKER at its root, written when the project creates
it. An absent or empty folder, or one holding only the README.md this repository ships in
`index/`, is created or claimed (the marker written first). A folder from before the marker is
adopted when its CURRENT names a build folder carrying the build marker (only this project writes
those), so existing indexes keep working. Any other folder is refused with one line, unchanged.

Inside its own folder the project deletes only files it knows it wrote (`remove_listed`): a build's
manifest entries, the fixed names of an export. A folder that still holds anything else is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.errors import IndexError_
from assistant.ingest.store import is_own_build, live_build

MARKER = ".assistant-index"
_SHIPPED_README = "Built output of `assistant ingest`"  # the first words of index/README.md in the repository


def claim(index_dir: Path) -> None:
    """Make `index_dir` the project's (created with its marker), or IndexError_ with nothing changed."""
    if (index_dir / MARKER).is_file():
        return
    check_claimable(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / MARKER).write_text("created by `assistant ingest`: the index folder; safe to delete\n", "utf-8")


def check_claimable(index_dir: Path) -> None:
    """IndexError_ (one line) unless `index_dir` is the project's or may become so; nothing is written."""
    if (index_dir / MARKER).is_file():
        return
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexError_(f"{index_dir} is a file, not an index folder: move it away or pass another --index")
    if index_dir.is_dir() and not claimable(index_dir):
        raise IndexError_(
            f"{index_dir} holds files `assistant ingest` did not create: pass a new or empty folder as --index"
        )


def claimable(folder: Path) -> bool:
    """Empty, the shipped `index/` with only its README, or an index built before the marker existed."""
    names = {p.name for p in folder.iterdir()}
    if names <= {"README.md"} and (not names or _shipped_readme(folder / "README.md")):
        return True
    build = live_build(folder)
    return build is not None and is_own_build(build)


def _shipped_readme(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.read_text("utf-8").startswith(_SHIPPED_README)
    except (OSError, ValueError):
        return False


def remove_listed(folder: Path, names: Iterable[str]) -> bool:
    """Delete the files `names` (relative paths) in `folder`, then its emptied subfolders and itself.

    Anything not listed stays, and so do the folders holding it; True when `folder` is gone.
    """
    for name in names:
        path = folder / name
        if path.parent.resolve().is_relative_to(folder.resolve()) and (path.is_file() or path.is_symlink()):
            path.unlink(missing_ok=True)
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir() and not p.is_symlink()), key=lambda p: -len(p.parts)):
        _rmdir_if_empty(sub)
    return _rmdir_if_empty(folder)


def _rmdir_if_empty(folder: Path) -> bool:
    try:
        folder.rmdir()
        return True
    except OSError:  # not empty: it holds something not ours
        return False
