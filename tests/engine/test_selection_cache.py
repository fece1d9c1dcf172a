"""``--select``/``--ignore`` on the command line filter one cached result.

A user who runs ``vaultkit lint`` and then ``vaultkit lint --select VK201`` expects the
second to be a view of the first, not a cold run: findings are computed and cached for
the rules the config file turns on, and the command line's selection filters them.
Every result is compared with the same lint without a cache, and the warm runs are shown
to parse nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vaultkit import engine
from vaultkit.config import load_config
from vaultkit.vault import Vault
from tests.conftest import EXAMPLE_VAULT
from tests.engine.test_few_paths import backdate


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    shutil.copytree(EXAMPLE_VAULT, root)
    backdate(root)
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = engine.parse_note

    def counting(path: str, data: bytes):  # type: ignore[no-untyped-def]
        seen.append(path)
        return real(path, data)

    monkeypatch.setattr(engine, "parse_note", counting)
    return seen


def lint(root: Path, *, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
         extend: tuple[str, ...] = (), use_cache: bool = True) -> list[tuple]:
    config = load_config(None, root).with_cli(select, extend, ignore)
    found = Vault.load(root, config, jobs=1, use_cache=use_cache).lint()
    return [(f.path, f.span.line, f.span.column, f.code, f.severity, f.message) for f in found]


def codes(rows: list[tuple]) -> set[str]:
    return {row[3] for row in rows}


@pytest.mark.parametrize("choice", [{"select": ("VK201",)}, {"select": ("VK1",)},
                                    {"ignore": ("VK201", "VK1")},
                                    {"select": ("VK2",), "ignore": ("VK202",)}],
                         ids=lambda c: " ".join(f"--{k} {','.join(v)}" for k, v in c.items()))
def test_a_selection_after_a_plain_lint_reads_its_cache(vault: Path, parsed: list[str],
                                                        choice: dict) -> None:
    everything = lint(vault)
    assert parsed  # the plain lint parsed the vault
    parsed.clear()
    chosen = lint(vault, **choice)
    assert parsed == []  # nothing parsed again: the plain lint's findings, filtered
    assert chosen == lint(vault, **choice, use_cache=False)
    assert chosen and set(chosen) < set(everything)
    assert codes(chosen) == codes(lint(vault, **choice, use_cache=False))


def test_a_plain_lint_after_a_selection_reads_its_cache(vault: Path, parsed: list[str]) -> None:
    """The first run's selection computed every rule the config turns on."""
    chosen = lint(vault, select=("VK201",))
    assert codes(chosen) == {"VK201"}
    parsed.clear()
    everything = lint(vault)
    assert parsed == []
    assert everything == lint(vault, use_cache=False)


def case_mismatch(root: Path) -> None:
    """A link that resolves only when case is ignored (VK204), in two files written now."""
    (root / "Case Link.md").write_text("See [[attention is all you need]].\n", encoding="utf-8")
    (root / "Attention Is All You Need.md").write_text("# Paper\n", encoding="utf-8")
    backdate(root)


@pytest.mark.parametrize("rule", ["VK204", "VK207"])
def test_a_rule_off_by_default_asked_for_after_a_plain_lint(vault: Path, parsed: list[str],
                                                            rule: str) -> None:
    """VK204 is computed and cached with the rest (shown only when asked); VK207 looks at
    the whole vault from its facts and stores nothing per note: asking for either parses
    nothing, and the plain lint after it is warm too (one cache key).  VK301 (whole-vault
    too): tests/index/test_index_incremental.py."""
    case_mismatch(vault)
    plain = lint(vault)
    parsed.clear()
    asked = lint(vault, extend=(rule,))
    assert parsed == []
    assert asked == lint(vault, extend=(rule,), use_cache=False)
    assert rule in codes(asked)
    assert [row for row in asked if row[3] != rule] == plain
    parsed.clear()
    assert lint(vault) == plain
    assert parsed == []


def test_an_off_rule_is_not_shown_unless_asked(vault: Path) -> None:
    """Computing VK204 with the rest never shows it unasked."""
    case_mismatch(vault)
    assert "VK204" not in codes(lint(vault))
    assert "VK204" in codes(lint(vault, extend=("VK204",)))
    assert "VK204" not in codes(lint(vault))


def test_the_cli_selection_after_a_plain_lint(vault: Path, tmp_path: Path) -> None:
    env = {**os.environ, "VAULTKIT_CACHE_DIR": str(tmp_path / "cache")}

    def cli(*args: str) -> list[dict]:
        done = subprocess.run([sys.executable, "-m", "vaultkit", "lint", "--format", "json",
                               "--jobs", "1", *args, str(vault)], capture_output=True, text=True,
                              env=env, timeout=120)
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    plain = cli()
    selected = cli("--select", "VK201,VK202")
    assert selected == cli("--select", "VK201,VK202", "--no-cache")
    assert {f["code"] for f in selected} == {"VK201", "VK202"}
    assert selected == [f for f in plain if f["code"] in ("VK201", "VK202")]
