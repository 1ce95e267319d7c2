"""Alias tables: read from YAML and merged, applied case-insensitively except for capital-only words."""

from __future__ import annotations

import pytest

from assistant.calculate.aliases import Aliases, load_aliases


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
