"""The parts of a paper's index note that matter: read-with, mentions, harvest, status."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from tests.conftest import write_vault
from vaultkit.config import Config, IndexConfig
from vaultkit.index import plan
from vaultkit.index.company import LARGE, company
from vaultkit.vault import Vault

SECTIONS = "## tl;dr\nx\n\n## Context\n{context}\n\n## Done\n\n## Learned\n{learned}\n\n## Next?\n\n## Log\n{log}\n"


def session(log: str, context: str = "- nothing", learned: str = "") -> str:
    return SECTIONS.format(log=log, context=context, learned=learned)


def bib(*keys: str) -> str:
    return "".join(f"@article{{{k},\n  title = {{Title of {k}}},\n  year = {{2023}}\n}}\n" for k in keys)


def load(tmp_path: Path, files: dict[str, str], **index: object) -> Vault:
    root = write_vault(tmp_path / "vault", files)
    return Vault.load(root, Config(index=IndexConfig(**index)), use_cache=False)  # type: ignore[arg-type]


def note_text(vault: Vault, path: str) -> str:
    change = next(c for c in plan(vault).changes if c.path == path)
    assert change.new is not None, change
    return change.new.decode("utf-8")


def section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0].split("%% vaultkit:end", 1)[0]


def test_read_with_counts_the_log_only_and_lists_mentions_apart(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": bib("a2020", "b2020", "c2020"),
        "sessions/2023-01-01.md": session("- [read(@a2020)]\n- [skim(@b2020)]", context="- See @c2020."),
    })
    text = note_text(vault, "papers/@a2020.md")
    read_with = section(text, "Read with")
    assert "[[@b2020]] · 1 session" in read_with
    assert "c2020" not in read_with  # only mentioned in that session: not read with it
    assert "## Read with" not in note_text(vault, "papers/@c2020.md")
    assert "[[2023-01-01#Context]]: See @c2020." in section(note_text(vault, "papers/@c2020.md"), "Mentions")


def test_read_with_is_capped_with_and_n_more(tmp_path: Path) -> None:
    keys = [f"k{i:03d}" for i in range(30)]
    vault = load(tmp_path, {
        "references.bib": bib(*keys),
        "sessions/2023-01-01.md": session("\n".join(f"- [skim(@{k})]" for k in keys)),
        "sessions/2023-01-02.md": session("- [read(@k000)]\n- [read(@k029)]"),
    }, max_read_with=5)
    read_with = section(note_text(vault, "papers/@k000.md"), "Read with").strip().splitlines()
    items = [line for line in read_with if line.startswith("- ")]
    assert items[0] == "- [[@k029]] · 2 sessions"  # most shared first
    assert items[1:5] == [f"- [[@k{i:03d}]] · 1 session" for i in range(1, 5)]  # then by key
    assert items[5] == "- … and 24 more"
    assert len(items) == 6


def brute_force(sessions: list[tuple[str, ...]], keep: set[str], limit: int) -> dict:
    out = {}
    for key in {k for s in sessions for k in s if k in keep}:
        counts: Counter[str] = Counter()
        for s in sessions:
            if key in s:
                counts.update(k for k in s if k in keep and k != key)
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[key] = (tuple(order[:limit]), max(0, len(order) - limit))
    return out


def test_company_equals_counting_every_pair() -> None:
    rng = random.Random(14)  # derandomized: the same sessions on every run
    for trial in range(40):
        universe = [f"p{i}" for i in range(rng.randint(2, 200))]
        sessions = []
        for _ in range(rng.randint(1, 8)):
            size = rng.choice([1, 2, 5, LARGE + 1, LARGE * 2, len(universe)])
            sessions.append(tuple(sorted(rng.sample(universe, min(size, len(universe))))))
        keep = set(rng.sample(universe, max(1, len(universe) * 9 // 10)))
        limit = rng.choice([0, 1, 3, 10])
        got = {k: (c.shown, c.more) for k, c in company(sessions, keep.__contains__, limit).items()}
        assert got == brute_force(sessions, keep, limit), trial


def test_status_states_the_verb_order(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": bib("a2020"),
        "sessions/2023-01-01.md": session("- [read(@a2020)]"),
        "sessions/2023-01-05.md": session("- [skim(@a2020)]"),
    })
    text = note_text(vault, "papers/@a2020.md")
    assert ("**Status:** read (the deepest action; skim < read < deep-read) · first seen 2023-01-01 · "
            "last activity 2023-01-05 · 2 sessions") in text
    overview = note_text(vault, "Papers.md")
    row = next(line for line in overview.splitlines() if line.startswith("| [[@a2020]]"))
    assert row == "| [[@a2020]] | Title of a2020 | 2023 | read | 2 | 2023-01-01 | 2023-01-05 |"


def test_a_long_line_of_citations_is_not_copied_per_citation(tmp_path: Path) -> None:
    keys = [f"k{i}" for i in range(2000)]
    line = " ".join(f"[[x]] @{k}" for k in keys)  # one ~25,000-character line
    vault = load(tmp_path, {
        "references.bib": bib(*keys),
        "sessions/2023-01-01.md": session("- [read(@k0)]", context=f"- {line}"),
    })
    result = plan(vault)
    sizes = {c.path: len(c.new or b"") for c in result.changes}
    assert max(size for path, size in sizes.items() if path.startswith("papers/")) < 2000
    mention = section(note_text(vault, "papers/@k1000.md"), "Mentions").strip()
    assert "@k1000" in mention and mention.count("…") == 2
    assert len(mention) < 400


SOURCED = r"""@inproceedings{smith2023,
  title = {A Paper},
  booktitle = {Proceedings of {{Somewhere}}},
  year = {2023},
  doi = {10.1145/3580305.3599000},
  eprint = {2302.04761},
  archiveprefix = {arXiv},
  url = {https://example.org/paper (draft)},
  file = {/elsewhere/Smith 2023.pdf;attachments/smith.pdf},
  abstract = {First paragraph
    of the abstract.

    Second paragraph.}
}
"""


def test_source_links_of_a_known_entry(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": SOURCED,
        "attachments/smith.pdf": "%PDF-1.4",
        "sessions/2023-01-01.md": session("- [read(@smith2023)]"),
    })
    text = note_text(vault, "papers/@smith2023.md")
    source = next(line for line in text.splitlines() if line.startswith("**Source:**"))
    assert source == (
        "**Source:** Proceedings of Somewhere"
        " · [DOI 10.1145/3580305.3599000](https://doi.org/10.1145/3580305.3599000)"
        " · [arXiv:2302.04761](https://arxiv.org/abs/2302.04761)"
        " · [Web](https://example.org/paper%20%28draft%29)"
        " · [PDF](file:///elsewhere/Smith%202023.pdf)"
        " · [[smith.pdf|PDF 2]]"
        " · [Zotero](zotero://select/items/@smith2023)"
    )
    # folded (closed until clicked); the paragraphs stay paragraphs, a wrapped line is joined
    assert "\n> [!abstract]-\n> First paragraph of the abstract.\n>\n> Second paragraph.\n" in text


def test_no_bibliography_entry_no_source_line(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "papers/@lone2023.md": "---\ncitekey: lone2023\ntitle: Lone\n---\n# Lone\n",
        "sessions/2023-01-01.md": session("- [read(@lone2023)]"),
    })
    text = note_text(vault, "papers/@lone2023.md")
    assert "**Source:**" not in text and "[!abstract]" not in text


def test_thoughts_outside_the_log_are_harvested(tmp_path: Path) -> None:
    vault = load(tmp_path, {
        "references.bib": bib("a2020", "b2020", "c2020"),
        # one paper read: every thought of the session is about it
        "sessions/2023-01-01.md": session("- [read(@a2020)]", learned="- [eureka -> Adapters start as the identity.]"),
        # two papers read: a thought counts for the paper it cites, else for no paper
        "sessions/2023-01-02.md": session(
            "- [read(@a2020)]\n- [skim(@b2020)]",
            learned="- [question -> Does @b2020 scale?]\n- [hypothesize -> Nobody knows.]\n"
                    "- [question ->]\n  - Nested text about @c2020."),
    })
    a = section(note_text(vault, "papers/@a2020.md"), "Harvest")
    assert "- **eureka** (2023-01-01 · [[2023-01-01#Learned]]): Adapters start as the identity." in a
    assert "scale" not in a and "Nobody" not in a
    b = section(note_text(vault, "papers/@b2020.md"), "Harvest")
    assert "- **question** (2023-01-02 · [[2023-01-02#Learned]]): Does @b2020 scale?" in b
    c = section(note_text(vault, "papers/@c2020.md"), "Harvest")
    assert "Nested text about @c2020." in c  # the thought's text is in its nested bullet
    questions = note_text(vault, "Questions.md")
    loose = questions.split("### Not about one paper\n", 1)[1]
    assert "- [ ] **hypothesize** Nobody knows. · 2023-01-02 · [[2023-01-02#Learned]]" in loose


LONG_LOG = "- [read(@a2020)]\n" + "".join(f"  - Note {i} first line\n    continued {i}\n" for i in range(30))


def test_compact_log_above_the_threshold(tmp_path: Path) -> None:
    files = {"references.bib": bib("a2020"), "sessions/2023-01-01.md": session(LONG_LOG)}
    full = section(note_text(load(tmp_path / "f", files, compact_above=100), "papers/@a2020.md"), "Reading log")
    assert "### 2023-01-01 · read · [[2023-01-01#Log]]" in full and "\n  continued 29\n" in full
    compact = section(note_text(load(tmp_path / "c", files), "papers/@a2020.md"), "Reading log")  # 60 > 40
    assert "- 2023-01-01 · read · [[2023-01-01#Log]]\n  - Note 0 first line\n" in compact
    assert "continued" not in compact and compact.count("  - Note ") == 30
    forced = section(note_text(load(tmp_path / "x", files, log="full"), "papers/@a2020.md"), "Reading log")
    assert "\n  continued 29\n" in forced


def test_block_id_written_by_the_user_is_the_link_target(tmp_path: Path) -> None:
    vault = load(tmp_path, {"references.bib": bib("a2020"),
                            "sessions/2023-01-01.md": session("- [read(@a2020)] ^first-read\n  - x")})
    assert "### 2023-01-01 · read · [[2023-01-01#^first-read]]" in note_text(vault, "papers/@a2020.md")
