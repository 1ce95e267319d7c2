"""Alias tables: read from YAML and merged, applied case-insensitively except for capital-only words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.calculate.aliases import Aliases, load_aliases
from assistant.errors import CorpusError


def test_aliases_are_read_from_yaml_and_merged(tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("# comment\nnorth atlantic treaty organization: [NATO]\n")
    second.write_text("north atlantic treaty organization: [the alliance]\n")
    aliases = load_aliases([first, second, tmp_path / "missing.yaml"])
    assert aliases.canonical("NATO and the alliance") == (
        "north atlantic treaty organization and north atlantic treaty organization"
    )


def test_capitalised_aliases_that_are_words_match_only_in_capitals():
    aliases = Aliases({"united states": ["US"]})
    assert aliases.canonical("tell us about the US") == "tell us about the united states"


def test_a_malformed_alias_table_names_the_file(tmp_path):
    bad = tmp_path / "aliases.yaml"
    bad.write_text("mou: 3\n")
    with pytest.raises(Exception, match=r"aliases\.yaml.*list of strings"):
        load_aliases([bad])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"mou: [MoU\n", "invalid YAML"),
        (b"\xff\xfe: [x]\n", "not valid UTF-8"),
        (b"x: !!python/object/apply:os.system ['true']\n", "invalid YAML"),
    ],
)
def test_a_broken_alias_table_is_a_corpus_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message) as caught:
        load_aliases([path])
    assert caught.value.path.endswith("aliases.yaml")
