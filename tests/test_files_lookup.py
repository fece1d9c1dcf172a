"""Keyed lookups of the file list (``VaultFiles.named`` / ``cased``) without its whole-vault
dictionaries: the same answers as ``by_name_lower`` / ``by_path_lower``, in path order, for
names whose lower-casing is not one character for one (``İ``, a final ``Σ``)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, strategies as st

from vaultkit.files import VaultFiles

ROOT = Path("/vault")
# characters where lower-casing is not simple: a final sigma, a dotted capital I (two
# code points once lower-cased), the Kelvin sign, and what Obsidian's names hold
LETTERS = "aAbBσΣςİiKk.: -_"
segment = st.text(alphabet=LETTERS, min_size=1, max_size=4)
path = st.lists(segment, min_size=1, max_size=3).map("/".join)
paths = st.lists(path, max_size=12, unique=True).map(lambda ps: tuple(sorted(ps)))


def _dicts(found: tuple[str, ...]) -> VaultFiles:
    files = VaultFiles(ROOT, found)
    files.by_name_lower, files.by_path_lower  # noqa: B018 - built
    return files


@given(paths, st.lists(path, max_size=6))
def test_named_and_cased_answer_as_the_dictionaries(found: tuple[str, ...], asked: list[str]) -> None:
    built = _dicts(found)
    for query in [*found, *asked]:
        for key in {query.lower(), query.rpartition("/")[2].lower(), query}:
            files = VaultFiles(ROOT, found)  # a fresh list each time: few lookups
            assert files.named(key) == built.by_name_lower.get(key, [])
            assert files.cased(key) == built.by_path_lower.get(key, [])
            assert "by_name_lower" not in files.__dict__ and "by_path_lower" not in files.__dict__


def test_a_name_in_many_folders_comes_back_in_path_order() -> None:
    found = tuple(sorted([f"f{i:04d}/Fig.PNG" for i in range(2000)] + ["fig.png", "z/fig.png"]))
    files = VaultFiles(ROOT, found)
    assert files.named("fig.png") == list(found)
    assert files.cased("f0007/fig.png") == ["f0007/Fig.PNG"]
    assert files.named("fig") == [] and files.cased("fig.png/") == []


def test_many_lookups_build_the_dictionaries_once() -> None:
    found = ("a/Note.md", "b/note.md", "c.md")
    files = VaultFiles(ROOT, found)
    for _ in range(VaultFiles.FEW_LOOKUPS):
        assert files.named("note.md") == ["a/Note.md", "b/note.md"]
    assert "by_name_lower" not in files.__dict__
    assert files.named("note.md") == ["a/Note.md", "b/note.md"]  # past the few: the dict
    assert "by_name_lower" in files.__dict__
    assert files.cased("a/note.md") == ["a/Note.md"]
    assert "by_path_lower" in files.__dict__
