"""Inline suppression comments and the vaultkit-ignore property, with per-path ignores."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from vaultkit.config import Config
from vaultkit.vault import Vault

BIB = "@article{known2020,\n  title = {Known},\n  year = {2020}\n}\n"


def lint(make_vault: Callable[[dict], Path], note: str, config: Config | None = None,
         path: str = "notes/n.md") -> list[tuple[int, str]]:
    root = make_vault({"references.bib": BIB, path: note})
    vault = Vault.load(root, config or Config(select=("VK201",)), use_cache=False)
    return [(f.span.line, f.code) for f in vault.lint() if f.path == path]


def test_unsuppressed(make_vault) -> None:
    assert lint(make_vault, "@a\n@known2020\n@b\n") == [(1, "VK201"), (3, "VK201")]


def test_disable_enable_region(make_vault) -> None:
    source = "@a\n%% vaultkit-disable VK201 %%\n@b\n@c\n%% vaultkit-enable VK201 %%\n@d\n"
    assert lint(make_vault, source) == [(1, "VK201"), (6, "VK201")]


def test_disable_all_and_prefix(make_vault) -> None:
    assert lint(make_vault, "%% vaultkit-disable %%\n@a\n") == []
    assert lint(make_vault, "%% vaultkit-disable VK2 %%\n@a\n") == []
    assert lint(make_vault, "%% vaultkit-disable VK1 %%\n@a\n") == [(2, "VK201")]


def test_disable_next_line_in_both_comment_styles(make_vault) -> None:
    source = "%% vaultkit-disable-next-line VK201 %%\n@a\n@b\n<!-- vaultkit-disable-next-line -->\n@c\n"
    assert lint(make_vault, source) == [(3, "VK201")]


def test_frontmatter_ignore(make_vault) -> None:
    assert lint(make_vault, "---\nvaultkit-ignore: [VK201]\n---\n@a\n") == []
    assert lint(make_vault, "---\nvaultkit-ignore: VK105\n---\n@a\n") == [(4, "VK201")]


def test_directive_inside_code_is_not_a_directive(make_vault) -> None:
    source = "`%% vaultkit-disable %%`\n@a\n"
    assert lint(make_vault, source) == [(2, "VK201")]


def test_per_path_ignores(make_vault) -> None:
    config = Config(select=("VK201",), per_path_ignores=(("templates/**", ("VK2",)),))
    assert lint(make_vault, "@a\n", config, path="templates/t.md") == []
    assert lint(make_vault, "@a\n", config, path="notes/t.md") == [(1, "VK201")]


def test_disable_line_covers_only_its_own_line(make_vault) -> None:
    source = ("@a %% vaultkit-disable-line VK201 %%\n@b\n"
              "@c <!-- vaultkit-disable-line -->\n"
              "@d %% vaultkit-disable-line VK1 %%\n"
              "@e %% vaultkit-disable-line VK105, VK2 %%\n"
              "@f %% vaultkit-disable-line dangling-citekey %%\n")
    # a code, all rules (no codes), another family (not suppressed), a list with a prefix,
    # a rule name
    assert lint(make_vault, source) == [(2, "VK201"), (4, "VK201")]


def test_enable_one_rule_after_disabling_all(make_vault) -> None:
    source = "%% vaultkit-disable %%\n@a\n%% vaultkit-enable VK201 %%\n@b\n"
    assert lint(make_vault, source) == [(4, "VK201")]
    # and the other way round: enabling every rule ends a disable by prefix
    source = "%% vaultkit-disable VK2 %%\n@a\n%% vaultkit-enable %%\n@b\n"
    assert lint(make_vault, source) == [(4, "VK201")]
    # enabling another rule leaves this one off
    source = "%% vaultkit-disable %%\n@a\n%% vaultkit-enable VK101 %%\n@b\n"
    assert lint(make_vault, source) == []
