"""Precision on real notes (issue 3's acceptance), with the shipped schemas and no config.

The corpus notes live outside ``sessions/``; they are parsed under a ``sessions/`` path so
the session schema applies, exactly as they would inside a vault.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(vk1, path: Path, as_path: str) -> list[tuple[int, int, str]]:
    return vk1(path.read_text(encoding="utf-8"), path=as_path)


def test_seed_has_no_schema_finding(vk1, corpus: Path) -> None:
    assert _run(vk1, corpus / "seed" / "reading-session.md", "sessions/2023-03-14.md") == []


def test_palm_e_session(vk1, corpus: Path) -> None:
    found = _run(vk1, corpus / "corpus" / "real-sessions" / "palm-e-session.md",
                 "sessions/palm-e-session.md")
    assert found == [(1, 1, "VK105"), (14, 1, "VK110")]


def test_toolformer_session(vk1, corpus: Path) -> None:
    found = _run(vk1, corpus / "corpus" / "real-sessions" / "toolformer-session.md",
                 "sessions/toolformer-session.md")
    assert found == [(1, 1, "VK105")]


def test_frontmatter_route_selects_the_same_schema(vk1, corpus: Path) -> None:
    text = (corpus / "corpus" / "real-sessions" / "toolformer-session.md").read_text(encoding="utf-8")
    found = vk1("---\ntype: session\n---\n" + text, path="Inbox/toolformer.md")
    assert found == [(4, 1, "VK105")]


def test_example_vault_planted_problems(vk1) -> None:
    """The VK1xx rows of example-vault/README.md's table of planted problems, and nothing else."""
    vault = REPO / "example-vault"
    if not vault.is_dir():
        pytest.skip("example-vault is not available")
    found = []
    for note in sorted(vault.rglob("*.md")):
        rel = note.relative_to(vault).as_posix()
        if rel == "README.md":
            continue
        found += [(rel, *f) for f in _run(vk1, note, rel)]
    assert found == [
        ("sessions/2023-03-07.md", 25, 3, "VK106"),
        ("sessions/2023-03-10.md", 1, 1, "VK105"),
        ("sessions/2023-03-22.md", 27, 5, "VK107"),
        ("sessions/2023-04-19.md", 14, 1, "VK101"),
    ]
