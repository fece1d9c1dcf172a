"""Costly pure checks are not repeated while their input is the same (vaultkit.memo).

VK108's verdict on a frontmatter travels with the note's row: an edit below the
frontmatter validates nothing again; an edit of the frontmatter does.  Config and schema
files that passed validation once are not validated again.  Every case is compared with
the same lint without a cache.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vaultkit import memo
from vaultkit.checks import vk108_frontmatter_schema as vk108
from vaultkit.vault import Vault
from tests.engine.test_few_paths import _files, backdate, edit, rows
from tests.probe import PRELUDE

TARGET = "sessions/2023-03-05.md"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    from tests.conftest import write_vault

    root = write_vault(tmp_path / "v", _files())
    edit(root, TARGET, "date: 2023-03-05", "date: [2023, 3, 5]")
    backdate(root)
    rows(root, [])
    return root


def vk108_rows(root: Path, *, use_cache: bool = True) -> list[tuple]:
    return [r for r in rows(root, [TARGET], use_cache=use_cache) if r[3] == "VK108"]


def test_an_edit_below_the_frontmatter_reuses_the_verdict(vault: Path, monkeypatch) -> None:
    expected = vk108_rows(vault, use_cache=False)
    assert [r[1] for r in expected] == [3]  # `date` is not a string
    edit(vault, TARGET, "the paper", "the paper, again")
    with monkeypatch.context() as patched:
        vk108._validator.cache_clear()
        patched.setattr(vk108, "_validator", lambda s: (_ for _ in ()).throw(AssertionError("validated")))
        assert vk108_rows(vault) == expected
        edit(vault, TARGET, "the paper, again", "the paper, and again")  # and once more
        assert vk108_rows(vault) == expected


def test_an_edit_of_the_frontmatter_validates_again(vault: Path) -> None:
    edit(vault, TARGET, "date: [2023, 3, 5]", "date: 2023-03-05")
    assert vk108_rows(vault) == vk108_rows(vault, use_cache=False) == []
    edit(vault, TARGET, "date: 2023-03-05", "date: [5]")
    assert [r[1] for r in vk108_rows(vault)] == [3]


def test_a_verdict_is_keyed_by_schema_and_data() -> None:
    assert memo.digest("VK108", "{}", {"a": 1}) != memo.digest("VK108", "{}", {"a": "1"})
    import datetime

    day = datetime.date(2023, 3, 14)
    assert memo.digest("x", {"d": day}) != memo.digest("x", {"d": repr(day)})
    assert memo.digest("x", {"d": day}) != memo.digest("x", {"d": "2023-03-14"})
    assert memo.digest("x", {"b": 1, "a": 2}) == memo.digest("x", {"a": 2, "b": 1})


# what a warm one-note lint has no use for: validation (its verdicts are kept), did-you-mean
# (nothing is misspelt), the bibliography parsers (the bibliography is stored), worker
# processes, the index, logging (only bibtexparser logs), tempfile (a lint writes no note),
# pathspec (the stored walk is still true, and the default globs are plain: vaultkit.globs),
# hashlib (it starts OpenSSL; every digest is vaultkit.digest's), json (msgspec reads the
# settings and writes the report: vaultkit.jsontext), difflib (nothing to suggest)
HEAVY = ("jsonschema", "referencing", "bibtexparser", "pylatexenc", "multiprocessing", "rapidfuzz",
         "concurrent.futures.process", "vaultkit.index", "logging", "tempfile", "pathspec",
         "hashlib", "_hashlib", "json", "difflib")
# the probe itself imports neither json nor anything else beyond sys: modules by name in
# the arguments, one a line out
PROBE = PRELUDE + """
import sys
HEAVY = tuple(sys.argv[2].split(","))
from vaultkit.cli import main
sys.argv = ["vaultkit", "lint", "--format", "json", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
print("\\0" + "\\n".join(m for m in new_modules() if m.startswith(HEAVY)))
"""


def heavy_modules(root: Path, path: str, cache: Path,
                  heavy: tuple[str, ...] = HEAVY) -> tuple[list, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, path, ",".join(heavy)], cwd=root,
                          capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ,
                                                        "VAULTKIT_CACHE_DIR": str(cache)})
    out, _, listing = done.stdout.rpartition("\0")
    return json.loads(out), listing.split()


def test_a_warm_one_note_lint_imports_only_what_it_uses(vault: Path, tmp_path: Path) -> None:
    cache = Path(__import__("os").environ["VAULTKIT_CACHE_DIR"])
    # read on every run: by msgspec, not json
    (vault / ".obsidian" / "app.json").write_text('{"newLinkFormat": "shortest", "useMarkdownLinks": false}')
    heavy_modules(vault, TARGET, cache)  # a run of its own first: this process's memos aside
    edit(vault, TARGET, "the paper", "the paper, staged")
    findings, modules = heavy_modules(vault, TARGET, cache)
    assert [f["code"] for f in findings] == ["VK108"]
    assert modules == []
    edit(vault, TARGET, "date: [2023, 3, 5]", "date: [2023]")
    findings, modules = heavy_modules(vault, TARGET, cache)
    assert [f["code"] for f in findings] == ["VK108"]
    assert "jsonschema" in modules  # the probe sees it when the frontmatter changed


def test_a_one_note_lint_without_frontmatter_imports_no_yaml(vault: Path) -> None:
    """The note has no frontmatter and the config and schema files were read before
    (their parsed data are kept by their bytes): nothing is parsed as YAML."""
    cache = Path(__import__("os").environ["VAULTKIT_CACHE_DIR"])
    heavy = (*HEAVY, "yaml", "vaultkit.yamlload")
    heavy_modules(vault, "other.md", cache, heavy)  # a run of its own first
    edit(vault, "other.md", "Text ^block", "Text, staged ^block")
    findings, modules = heavy_modules(vault, "other.md", cache, heavy)
    assert findings == [] and modules == []
    edit(vault, "other.md", "# Other", "---\ntags: [x]\n---\n# Other")
    findings, modules = heavy_modules(vault, "other.md", cache, heavy)
    assert findings == [] and "yaml" in modules  # the probe sees it when there is frontmatter


def test_source_stamp_follows_the_files_it_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The one stamp of vaultkit's own sources (engine, index parts, kept YAML): the same
    files give the same stamp; an edited or removed one, another."""
    import os

    from vaultkit import memo

    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.yaml").write_text("k: v\n")
    (tmp_path / "c.txt").write_text("ignored\n")
    folders = [tmp_path, tmp_path / "missing"]
    files = memo.source_files(folders, (".py", ".yaml"))
    assert [p.name for p in files] == ["a.py", "b.yaml"]
    first = memo.source_stamp(files)
    assert memo.source_stamp(files) == first
    # the stamp from the folders' listings is the same stamp, at every step
    assert memo.folders_stamp(folders, (".py", ".yaml")) == first
    os.utime(tmp_path / "a.py", ns=(1, 1))
    edited = memo.source_stamp(files)
    assert edited != first
    assert memo.folders_stamp(folders, (".py", ".yaml")) == edited
    (tmp_path / "b.yaml").unlink()
    assert memo.source_stamp(files) not in (first, edited)
    assert memo.folders_stamp(folders, (".py", ".yaml")) == memo.source_stamp(
        memo.source_files(folders, (".py", ".yaml")))
    (tmp_path / "new.py").write_text("y = 2\n")  # a module added: another stamp
    assert memo.folders_stamp(folders, (".py", ".yaml")) == memo.source_stamp(
        memo.source_files(folders, (".py", ".yaml"))) != memo.source_stamp(files)
