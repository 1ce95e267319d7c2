"""What the web server needs from the machine before it starts: whose forwarded addresses to believe, and
a temp folder of its own.

Gradio keeps uploads and cached downloads in `GRADIO_TEMP_DIR`, by default `/tmp/gradio`: on a
machine shared by several users that folder belongs to whoever made it first, and everyone else's
uploads fail with a 500. The server takes a folder of its own instead, and checks it can write
there before it starts.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from assistant.config import Settings
from assistant.errors import InputError
from assistant.ingest.ownership import MARKER

TEMP_NAME = "gradio-temp"  # inside the index folder, which the project owns (ingest/ownership.py)


def trust_proxies(settings: Settings) -> None:
    """Make uvicorn believe `X-Forwarded-For` only from `settings.trusted_proxies`.

    Gradio starts uvicorn without proxy options, and uvicorn then trusts the header from
    127.0.0.1 (its FORWARDED_ALLOW_IPS default), which it reads when its config is made.
    """
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(settings.trusted_proxies)


def temp_folder(settings: Settings) -> Path:
    """Gradio's temp folder, made and checked writable: GRADIO_TEMP_DIR when set, else inside the project's
    index folder, else a private folder under the system's temp; an InputError in one line when none can be written."""
    given = os.environ.get("GRADIO_TEMP_DIR")
    if given:
        problem = unwritable(Path(given))
        if problem:
            raise InputError(
                f"GRADIO_TEMP_DIR={given} cannot be written by this user ({problem}): "
                "point it at a folder you own, or unset it"
            )
        return Path(given)
    inside = settings.index_dir / TEMP_NAME
    if (settings.index_dir / MARKER).is_file() and not unwritable(inside):  # only a folder the project owns
        return inside
    try:
        return Path(tempfile.mkdtemp(prefix="assistant-gradio-"))
    except OSError as err:
        raise InputError(
            f"no writable temp folder for uploads ({tempfile.gettempdir()}: {err.strerror}): "
            "set GRADIO_TEMP_DIR to a folder you own"
        ) from None


def unwritable(folder: Path) -> str | None:
    """Why this user cannot make and write files in `folder` (made if missing, mode 700), or None."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = folder / f".write-check-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        return err.strerror or type(err).__name__
    return None


def use_temp_folder(app: object, folder: Path) -> None:
    """Point Gradio at `folder`: the environment (read when the server's routes are made) and the app's cache."""
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    app.GRADIO_CACHE = str(folder)  # type: ignore[attr-defined]  # read by Blocks when it was built
