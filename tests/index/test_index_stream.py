"""A full index is made and written one page at a time (issue #11: a first index's memory).

The vault's whole reading is never held: a first pass makes each session's ledger entry,
then each paper's page is made from the parts of the sessions touching it, a few papers
at a time (``CHUNK``), and written as soon as it is planned.  The pages must be exactly
those of the example vault's snapshot however small the chunks, with the parts read from
the store or (``--no-cache``) held by the run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import vaultkit.index as index_module
from tests.conftest import EXAMPLE_VAULT
from tests.index.test_index_incremental import generated
from vaultkit.cli import main


def run(root: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["index", "--vault", str(root), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("cache", [True, False], ids=["store", "no-cache"])
def test_pages_made_one_paper_at_a_time_are_those_made_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: bool) -> None:
    extra = () if cache else ("--no-cache",)
    at_once = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "at-once"))
    assert run(at_once, *extra)[0] == 0
    monkeypatch.setattr(index_module, "CHUNK", 1)  # every paper a chunk of its own
    chunked = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "chunked"))
    reads: list[int] = []
    real = index_module.assemble

    def counting(parts, *args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("only") is not None:
            reads.append(len(kwargs["only"]))
        return real(parts, *args, **kwargs)

    monkeypatch.setattr(index_module, "assemble", counting)
    code, out = run(chunked, *extra)
    assert code == 0, out
    mine = generated(chunked)
    assert len(reads) >= 15 and set(reads) == {1}  # one paper a chunk: it was chunked
    assert {p.removeprefix("papers/") for p in mine} >= {"Papers.md", "Questions.md", "@vaswaniAttentionAllYou2017.md"}
    assert mine == generated(at_once)


def test_each_page_is_written_before_the_next_is_planned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a first index holds: the bytes of one note at a time, not of every note."""
    root = Path(shutil.copytree(EXAMPLE_VAULT, tmp_path / "vault"))
    real = index_module._plan_file
    planned: list[str] = []
    unwritten: list[str] = []

    def planning(vault, path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if planned and (root / planned[-1]).read_bytes().count(b"vaultkit:begin") == 0:
            unwritten.append(planned[-1])
        planned.append(path)
        return real(vault, path, *args, **kwargs)

    monkeypatch.setattr(index_module, "_plan_file", planning)
    kept: list[index_module.IndexPlan] = []
    real_plan = index_module.plan

    def keeping(*args, **kwargs):  # type: ignore[no-untyped-def]
        kept.append(real_plan(*args, **kwargs))
        return kept[-1]

    monkeypatch.setattr(index_module, "plan", keeping)
    code, out = run(root)
    assert code == 0 and "0 unchanged" in out, out
    assert len(planned) >= 17 and unwritten == []
    written = [c for c in kept[0].changes if c.outcome in ("create", "update")]
    assert len(written) == len(planned)
    # a paper's page is let go once written (its hash kept); the questions keep theirs
    assert [c.path for c in written if c.new is not None] == ["Questions.md"]
    assert all(c.digest is not None for c in written if c.path != "Questions.md")
    assert run(root)[1].count("0 created, 0 updated") == 1  # and the store knows what was written
