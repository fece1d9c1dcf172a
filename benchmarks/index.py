"""Index rows for benchmarks/run.py (python benchmarks/run.py --group index).

On a fresh copy of the generated vault (never indexed): the first `vaultkit index`,
the nightly run with nothing new, one session changed, and one question ticked in
Questions.md; then what the index wrote (notes, total size, the largest note).  Two
hostile vaults follow: 2,000 known keys read in one session (each note's "Read with" is
capped, not 2,000 lines) and one 20 MB line full of `[[x]] @key` (a mention keeps an
excerpt, not the line).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from generate import generate  # benchmarks/ is on the path when run.py loads a group

SESSION = "## tl;dr\nx\n\n## Context\n{context}\n\n## Done\n\n## Learned\n\n## Next?\n\n## Log\n{log}\n"


def rows(bench) -> None:
    vault = bench.scratch / "index-vault"
    generate(vault, bench.sessions, bench.seed)  # the same vault as the core rows', never indexed
    index = [*bench.vk, "index", "--vault", str(vault)]
    first = bench.run("index: first run (fresh copy)", index)
    first.step.note = _summary(first)
    again = bench.run("index: nothing to write", index)
    again.step.note = _summary(again)
    session = sorted((vault / "sessions").iterdir())[len(list((vault / "sessions").iterdir())) // 2]
    with open(session, "a", encoding="utf-8") as handle:
        handle.write("  - A bullet added after the first index.\n")
    changed = bench.run("index: one session changed", index)
    changed.step.note = _summary(changed)
    questions = vault / "Questions.md"
    text = questions.read_text(encoding="utf-8")
    questions.write_text(text.replace("- [ ] ", "- [x] ", 1), encoding="utf-8")
    ticked = bench.run("index: one question ticked", index)
    ticked.step.note = _summary(ticked)

    notes = [p for p in (vault / "papers").glob("@*.md")] + [vault / "Papers.md", questions]
    sizes = sorted((p.stat().st_size, p.name) for p in notes if p.exists())
    total = sum(size for size, _ in sizes) / 1e6
    biggest, name = sizes[-1]
    bench.target("index: notes written", f"{len(sizes)} notes, {total:.1f} MB", "(figure)", None)
    bench.target("index: largest note", f"{name} {biggest / 1e3:.0f} kB", "<= 1 MB", biggest <= 1_000_000)
    bench.target("index: nothing to write writes nothing", _summary(again), "0 created, 0 updated",
                 "0 created, 0 updated" in _summary(again))
    bench.target("index: a tick survives (one note rewritten)", _summary(ticked), "0 created, 1 updated",
                 "0 created, 1 updated" in _summary(ticked))

    _hostile(bench, "index: 2,000 known keys read in one session", _many_keys(bench.scratch / "keys-vault"),
             total_mb=20.0)
    _hostile(bench, "index: one 20 MB line of [[x]] @key", _long_line(bench.scratch / "line-vault"),
             total_mb=50.0, seconds=15.0, peak_mb=300.0)


def _hostile(bench, name: str, vault: Path, total_mb: float, seconds: float | None = None,
             peak_mb: float | None = None) -> None:
    ran = bench.run(name, [*bench.vk, "index", "--vault", str(vault)])
    written = sum(p.stat().st_size for p in vault.rglob("*.md") if "sessions" not in p.parts) / 1e6
    ran.step.note = f"{_summary(ran)}; wrote {written:.1f} MB"
    bench.target(f"{name}: written", f"{written:.1f} MB", f"<= {total_mb:g} MB", written <= total_mb)
    if seconds is not None:
        bench.target(f"{name}: time", f"{ran.step.seconds:.1f} s", f"<= {seconds:g} s", ran.step.seconds <= seconds)
    if peak_mb is not None:
        bench.target(f"{name}: peak memory", f"{ran.step.peak_mb:.0f} MB", f"<= {peak_mb:g} MB",
                     ran.step.peak_mb <= peak_mb)


def _many_keys(root: Path, n: int = 2000) -> Path:
    keys = [f"paper{i:04d}Title2023" for i in range(n)]
    _write(root, {
        "references.bib": "".join(f"@article{{{k},\n  title = {{Paper {k}}},\n  year = {{2023}}\n}}\n" for k in keys),
        "sessions/2023-01-01.md": SESSION.format(context="- A big day.", log="\n".join(f"- [skim(@{k})]" for k in keys)),
    })
    return root


def _long_line(root: Path, megabytes: int = 20) -> Path:
    keys = [f"key{i}Title2023" for i in range(200)]
    unit = " ".join(f"[[x]] @{k}" for k in keys) + " "
    line = unit * (megabytes * 1_000_000 // len(unit))
    _write(root, {
        "references.bib": "".join(f"@article{{{k},\n  title = {{T}},\n  year = {{2023}}\n}}\n" for k in keys),
        "x.md": "# x\n",
        "sessions/2023-01-01.md": SESSION.format(context=f"- {line}", log=f"- [read(@{keys[0]})]"),
    })
    return root


def _write(root: Path, files: dict[str, str]) -> None:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _summary(ran) -> str:
    found = re.search(r"Index: .*", ran.stdout + ran.stderr)
    return found.group() if found else (ran.stdout + ran.stderr).strip()[-200:]


if __name__ == "__main__":
    sys.exit("run it through benchmarks/run.py --group index")
