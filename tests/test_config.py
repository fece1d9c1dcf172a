"""`.vaultkit.yaml`: strict validation with file, line and did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest
from msgspec import Struct, structs

from vaultkit.config import Config, IndexConfig, load_config
from vaultkit.yamlfile import UsageError


def config_from(tmp_path: Path, text: str) -> Config:
    (tmp_path / ".vaultkit.yaml").write_text(text, encoding="utf-8")
    return load_config(None, tmp_path)


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(None, tmp_path) == Config()


def test_full_config(tmp_path: Path) -> None:
    config = config_from(tmp_path, """\
select: [VK1, VK2]
ignore: [VK209]
severity: {VK105: error}
per-path-ignores: {"templates/**": [VK1]}
bibliography: refs/library.bib
citekeys: {ignore: [ShayneRedford], ignore-patterns: ['[A-Z]\\w+']}
index: {path: "lit/@{key}.md", link-style: markdown, max-prune-share: 0.2}
rules: {VK201: {ignore: [x]}}
""")
    assert config.select == ("VK1", "VK2")
    assert config.severity == (("VK105", "error"),)
    assert config.bibliography == ("refs/library.bib",) and config.bibliography_explicit
    assert config.index.path == "lit/@{key}.md" and config.index.max_prune_share == 0.2
    assert config.options_for("VK201") == {"ignore": ["x"]}


@pytest.mark.parametrize(("text", "expected"), [
    ("selct: [VK1]\n", r"\.vaultkit\.yaml:1:1: unknown key 'selct' in config \(did you mean 'select'\?\)"),
    ("index:\n  pth: x/@{key}.md\n", r":2:3: unknown key 'pth' .*did you mean 'path'"),
    ("select: VK1\n", r":1:1: config: 'select': 'VK1' is not of type 'array'"),
    ("severity: {VK105: loud}\n", r":1:12: config: 'severity.VK105': 'loud' is not one of"),
    ("index: {path: papers/x.md}\n", r"'index.path'"),
    ("citekeys: {ignore-patterns: ['(']}\n", r"bad regular expression"),
    ("select: [VK1\n", r"invalid YAML"),
    ("select: [VK1]\nselect: [VK2]\n", r":2:1: duplicate key 'select'"),
])
def test_invalid_config_is_a_usage_error(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(UsageError, match=expected):
        config_from(tmp_path, text)


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))


def test_an_alias_bomb_in_the_config_is_refused(tmp_path: Path) -> None:
    """10^9 values through aliases: refused before anything walks it (was: the check of
    the config against its JSON schema walked every one)."""
    with pytest.raises(UsageError, match=r"\.vaultkit\.yaml: expands to more than 10,000 values"):
        config_from(tmp_path, "select: [VK1]\n" + BILLION_LAUGHS)


def test_a_few_aliases_in_the_config_are_fine(tmp_path: Path) -> None:
    config = config_from(tmp_path, "ignore: &codes [VK209]\nrules: {VK201: {ignore: *codes}}\n")
    assert config.ignore == ("VK209",) and config.options_for("VK201") == {"ignore": ["VK209"]}


def test_fingerprint_changes_with_settings() -> None:
    assert Config().fingerprint() != Config(ignore=("VK1",)).fingerprint()
    assert Config().fingerprint() == Config().fingerprint()


def _another(value: object) -> object:
    """A different value of the same shape (for the fingerprint only: types are loose)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return value + ("x",)
    if isinstance(value, Struct):
        first = structs.fields(value)[0]
        return structs.replace(value, **{first.name: _another(getattr(value, first.name))})
    return "x"  # None


def test_fingerprint_covers_every_setting() -> None:
    # the findings cache is keyed by it: a setting it missed would serve stale findings
    base = Config()
    seen = {base.fingerprint()}
    # cli_selection only records what the file chose before the command line's --select
    # (a filter over the cached findings): the selection itself is in select/ignore
    settings = [f for f in structs.fields(Config) if f.name != "cli_selection"]
    for f in settings:
        changed = structs.replace(base, **{f.name: _another(getattr(base, f.name))})
        seen.add(changed.fingerprint())
    assert len(seen) == len(settings) + 1
    assert base.with_cli(select=("VK201",)).for_cache().fingerprint() == base.fingerprint()
    for f in structs.fields(IndexConfig):
        index = structs.replace(base.index, **{f.name: _another(getattr(base.index, f.name))})
        assert structs.replace(base, index=index).fingerprint() != base.fingerprint(), f.name
