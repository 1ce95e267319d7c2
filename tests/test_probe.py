"""The short probe suite (evals/probe.py --short) against a live `assistant serve`: every web probe holds."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_the_short_probe_suite_holds() -> None:
    """Headers, hosts, body and upload caps, cross-site posts, issue 20's bad routes and event data, raw /chat types,
    chat box, feedback, logins (slow forms, forwarded addresses, upload quota); the server logs hold no traceback."""
    sys.path.insert(0, str(REPO / "evals"))
    try:
        import probe
    finally:
        sys.path.remove(str(REPO / "evals"))
    summary = probe.run(short=True).summary()
    assert summary["probes"] >= 60
    assert summary["failed"] == []
    assert (summary["tracebacks"], summary["answers_lost"], summary["data_lost"]) == (0, 0, 0)
