"""Properties of fixing (Hypothesis, derandomized), on generated session notes inside a
copy of example-vault, through the whole engine (per-note and vault-scoped rules):

* fixing is idempotent;
* after ``--fix`` no safe fix is left;
* every byte outside the edits is unchanged (checked against an independent byte oracle);
* a safe fix never brings a new finding (lint after fix has no new finding), and no rule
  offers a safe fix that the loop has to drop.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from vaultkit.config import Config
from vaultkit.fix import applicable, apply_once, fix_bytes, relinter
from vaultkit.model import Edit
from vaultkit.vault import Vault

REPO = Path(__file__).resolve().parents[2]
PATH = "sessions/2099-01-01.md"
SELECT = ("VK0", "VK1", "VK2", "VK204")

TITLES = ["tl;dr", "Context", "Done", "Learned", "Next?", "Log", "Extra", "Leanred"]
LINES = [
    "", "plain prose, é and 注意", "- [skim(@huLoRALowRankAdaptation2021)]",
    "- [read(@vaswaniAttentionAllYou2017)]", "  - nested note", "[solilquy -> a thought]",
    "- [skimm(@huLoRALowRankAdaptation2021)]", "Coming from `vaswaniAttentionAllYou2017`.",
    "`huLoRALowRankAdaptation2021` and `notakey`", "See [[papers/@HULoRALowRankAdaptation2021]].",
    "See [[2023-02-13#Learnd]] and [[2023-02-13\\]].", "[[@huLoRALowRankAdaptatio2021]]",
    "Cites @huLoRALowRankAdaption2021 too.", "| a | [[2023-02-13\\|alias]] |", "```", "%% comment %%",
]
FRONTMATTER = ["date: 2099-01-01", "tags: [a]", "tags: [b]", "type: session", "title: x"]


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    root = tmp_path_factory.mktemp("props") / "vault"
    shutil.copytree(REPO / "example-vault", root)
    return Vault.load(root, Config(select=SELECT), use_cache=False)


@st.composite
def notes(draw: st.DrawFn) -> bytes:
    parts: list[str] = []
    keys = draw(st.lists(st.sampled_from(FRONTMATTER), max_size=4))
    if keys:
        parts += ["---", *keys, "---"]
    for title in draw(st.lists(st.sampled_from(TITLES), max_size=9)):
        level = draw(st.sampled_from([2, 2, 2, 1, 3]))
        parts.append("#" * level + " " + title)
        parts += draw(st.lists(st.sampled_from(LINES), max_size=3))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(parts) + draw(st.sampled_from([newline, ""]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + text).encode("utf-8")


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _fix(vault: Vault, data: bytes, unsafe: bool = False):
    return fix_bytes(PATH, data, relinter(vault, PATH), unsafe=unsafe)


@SETTINGS
@given(data=notes(), unsafe=st.booleans())
def test_fix_is_idempotent_and_leaves_no_safe_fix(vault: Vault, data: bytes, unsafe: bool) -> None:
    once = _fix(vault, data, unsafe)
    assert once.converged
    assert not applicable(once.remaining, unsafe=False), "a safe fix is left after --fix"
    twice = _fix(vault, once.after, unsafe)
    assert twice.after == once.after
    assert twice.applied == []


@SETTINGS
@given(data=notes())
def test_safe_fixes_bring_no_new_finding(vault: Vault, data: bytes) -> None:
    lint = relinter(vault, PATH)
    before = Counter(f.code for f in lint(data))
    outcome = _fix(vault, data)
    after = Counter(f.code for f in lint(outcome.after))
    assert not (after - before), f"new findings after --fix: {after - before}"
    assert outcome.rejected == [], "a rule offered a safe fix that adds a finding"


@SETTINGS
@given(data=notes(), unsafe=st.booleans())
def test_bytes_outside_the_edits_are_unchanged(vault: Vault, data: bytes, unsafe: bool) -> None:
    found = relinter(vault, PATH)(data)
    fixes = [f.fix for f in applicable(found, unsafe) if f.fix is not None]
    after, applied = apply_once(data, fixes)
    edits = sorted((e for fix in applied for e in fix.edits), key=lambda e: e.span)
    assert after == _oracle(data, edits)


def _oracle(data: bytes, edits: list[Edit]) -> bytes:
    """The edits applied by a byte walk of its own: the bytes between them are copied
    from ``data`` exactly, so a splice that touched anything else would differ."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    starts = [bom] + [m.end() for m in re.finditer(rb"\r\n|\r|\n", data)]
    newline = b"\r\n" if b"\r\n" in data else b"\n"

    def offset(line: int, column: int) -> int:
        start = starts[line - 1]
        return start + len(data[start:].decode("utf-8")[: column - 1].encode("utf-8"))

    out, cursor = b"", 0
    for edit in edits:
        begin, end = offset(edit.span.line, edit.span.column), offset(edit.span.end_line, edit.span.end_column)
        out += data[cursor:begin] + edit.text.encode("utf-8").replace(b"\n", newline)
        cursor = end
    return out + data[cursor:]
