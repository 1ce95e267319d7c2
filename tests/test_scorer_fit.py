"""The shipped sentence scorer is what evals/fit_scorer.py fits from the rows kept in the repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.answer.scorer import PACKAGED
from assistant.config import PROJECT_ROOT

SQUAD = PROJECT_ROOT.parent / "shared" / "data" / "squad2-test" / "test-v2.0.json"


@pytest.mark.skipif(not SQUAD.is_file(), reason=f"{SQUAD} is missing (the fit names its articles from it)")
def test_the_fit_writes_the_shipped_scorer_again_from_the_kept_rows(tmp_path: Path) -> None:
    out = tmp_path / "scorer.json"
    script = PROJECT_ROOT / "evals" / "fit_scorer.py"
    done = subprocess.run([sys.executable, str(script), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(out.read_text("utf-8")) == json.loads(PACKAGED.read_text("utf-8"))
