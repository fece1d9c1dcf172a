"""Link resolution as Obsidian does it: a table of (link source, expected outcome)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultkit.parse.note import parse_text
from vaultkit.references import Resolver
from vaultkit.vault import Vault

FILES = {
    "sessions/2023-03-14.md": "# Session\n\n## Log\n\nSome text ^blk-1\n",
    "sessions/2023-03-02.md": "## Log\n",
    "papers/@vaswaniAttentionAllYou2017.md": "# Attention\n\n## Summary\n",
    "asset/fig one.png": b"\x89PNG",
    "asset/Chart.png": b"\x89PNG",
    "asset/unique.png": b"\x89PNG",
    "sessions/asset/local.png": b"\x89PNG",
    "a/notes.md": "a",
    "b/notes.md": "b",
    "sessions/notes.md": "near",
    "docs/paper.pdf": b"%PDF",
    "Caf\u00e9.md": "nfc name",
    "Dr. Smith.md": "a dot in a note name",
}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    root = write_vault(tmp_path_factory.mktemp("resolve"), FILES)
    return Vault.load(root, use_cache=False)


CASES = [
    # (note path, markdown source, status, resolved path)
    ("sessions/x.md", "[[2023-03-14]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14.md]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[sessions/2023-03-14]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14|alias]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14#Log]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14#log]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14#Missing]]", "no-heading", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14#^blk-1]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-03-14#^nope]]", "no-block", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[2023-01-01]]", "missing", None),
    ("sessions/x.md", "[[@vaswaniAttentionAllYou2017]]", "ok", "papers/@vaswaniAttentionAllYou2017.md"),
    ("sessions/x.md", "[[2023-03-14 ]]", "ok", "sessions/2023-03-14.md"),
    ("sessions/x.md", "[[SESSIONS/2023-03-14]]", "case", "sessions/2023-03-14.md"),
    ("sessions/x.md", "![[unique.png]]", "ok", "asset/unique.png"),
    ("sessions/x.md", "![[unique.png|300]]", "ok", "asset/unique.png"),
    ("sessions/x.md", "![[UNIQUE.PNG]]", "case", "asset/unique.png"),
    ("sessions/x.md", "![[unique]]", "missing", None),  # the extension is required for files
    ("sessions/x.md", "![[paper.pdf#page=3]]", "ok", "docs/paper.pdf"),
    ("sessions/x.md", "![[fig one.png]]", "ok", "asset/fig one.png"),
    ("sessions/x.md", "[[notes]]", "ok", "sessions/notes.md"),  # same folder wins
    ("papers/y.md", "[[notes]]", "ambiguous", None),
    ("papers/y.md", "[[a/notes]]", "ok", "a/notes.md"),
    ("sessions/x.md", "[[#Log]]", "ok", "sessions/x.md"),
    ("sessions/x.md", "[[Cafe\u0301]]", "ok", "Caf\u00e9.md"),  # NFD spelling of an NFC name
    ("sessions/x.md", "[[Dr. Smith]]", "ok", "Dr. Smith.md"),
    ("sessions/x.md", "[[../../etc/passwd]]", "outside", None),
    # Markdown links: note folder first, then the vault root, percent-decoded
    ("sessions/x.md", "![](asset/local.png)", "ok", "sessions/asset/local.png"),
    ("sessions/x.md", "![](asset/unique.png)", "ok", "asset/unique.png"),
    ("sessions/x.md", "![](../asset/unique.png)", "ok", "asset/unique.png"),
    ("sessions/x.md", "![](/asset/unique.png)", "ok", "asset/unique.png"),
    ("sessions/x.md", "![](../asset/fig%20one.png)", "ok", "asset/fig one.png"),
    ("sessions/x.md", "![](<../asset/fig one.png>)", "ok", "asset/fig one.png"),
    ("sessions/x.md", "![](../asset/chart.png)", "case", "asset/Chart.png"),
    ("sessions/x.md", "![](../asset/missing.png)", "missing", None),
    ("sessions/x.md", "![](../../outside.png)", "outside", None),
    ("sessions/x.md", "[next](2023-03-02.md)", "ok", "sessions/2023-03-02.md"),
    ("sessions/x.md", "[next](2023-03-02)", "ok", "sessions/2023-03-02.md"),
    ("sessions/x.md", "[log](2023-03-02.md#Log)", "ok", "sessions/2023-03-02.md"),
    ("sessions/x.md", "[log](2023-03-02.md#Nope)", "no-heading", "sessions/2023-03-02.md"),
    ("sessions/x.md", "[web](https://arxiv.org/abs/1706.03762)", "url", None),
    ("sessions/x.md", "[mail](mailto:jane@example.org)", "url", None),
    ("sessions/x.md", "[item](zotero://select/items/ABC)", "url", None),
    ("sessions/x.md", "[o](obsidian://open?vault=v)", "url", None),
]


@pytest.mark.parametrize(("source", "markdown", "status", "path"), CASES)
def test_resolution(vault: Vault, source: str, markdown: str, status: str, path: str | None) -> None:
    note = parse_text(source, markdown + "\n")
    assert len(note.links) == 1, note.links
    result = vault.resolver.resolve(note.links[0], source)
    assert (result.status, result.path) == (status, path)


def test_resolver_is_built_from_the_vault(vault: Vault) -> None:
    assert isinstance(vault.resolver, Resolver)
    assert "asset/unique.png" in vault.files.path_set


def test_one_answer_per_folder_not_per_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo is keyed by the linking note's folder: a link asked from every note of a
    folder is resolved once, yet what depends on the folder (the nearer of two names) or
    on the note itself (``[[#heading]]``) is still answered for each."""
    root = write_vault(tmp_path, FILES)
    resolver = Vault.load(root, use_cache=False).resolver
    computed: list[str] = []
    real = Resolver._resolve

    def counting(self: Resolver, link, source: str):  # type: ignore[no-untyped-def]
        computed.append(source)
        return real(self, link, source)

    monkeypatch.setattr(Resolver, "_resolve", counting)
    (notes,) = parse_text("sessions/x.md", "[[notes]]\n").links
    (here,) = parse_text("sessions/x.md", "[[#Log]]\n").links
    for n in range(20):
        assert resolver.resolve(notes, f"sessions/s{n}.md").path == "sessions/notes.md"
    assert computed == ["sessions/s0.md"]
    assert resolver.resolve(notes, "papers/y.md").status == "ambiguous"
    assert resolver.resolve(notes, "a/z.md").path == "a/notes.md"
    assert [resolver.resolve(here, f"sessions/s{n}.md").path for n in range(3)] == [
        "sessions/s0.md", "sessions/s1.md", "sessions/s2.md"]
