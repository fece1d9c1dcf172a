"""Hostile-input rows (issue #9 item 12): cost must stay linear in the input.

    python benchmarks/run.py --sessions 1000 --group hostile
    HOSTILE_LINE_MB=2 python benchmarks/run.py --sessions 1000 --group hostile   # a quick look

Each row builds its own small vault beside the benchmark's (so the core rows are
untouched), runs cold (``--no-cache``), and is judged against its target:

- one note that is a single 20 MB line full of ``[[x]] @key``: ``lint`` and ``index``
  each in <= 15 s and <= 300 MB;
- 20,000 distinct citekeys in one session (20,000 Log actions, every key in the
  bibliography; and 20,000 dangling citations): ``lint`` in <= 5 s;
- 2,000 known keys in one session: ``index`` writes 2,000 notes; each used to list all the
  others under "Read with" (102 MB in all): <= 15 s and <= 10 MB written.
"""

from __future__ import annotations

import os
from pathlib import Path

from run import Bench, Ran

LINE_MB = float(os.environ.get("HOSTILE_LINE_MB", "20"))
KEYS = int(os.environ.get("HOSTILE_KEYS", "20000"))
INDEX_KEYS = int(os.environ.get("HOSTILE_INDEX_KEYS", "2000"))
UNIT = "[[x]] @key "


def _vault(bench: Bench, name: str, files: dict[str, str]) -> Path:
    root = bench.scratch / "hostile" / name
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _env(bench: Bench, name: str) -> dict[str, str]:
    return {**bench.env, "VAULTKIT_CACHE_DIR": str(bench.scratch / "hostile" / f"cache-{name}")}


def _judge(bench: Bench, row: str, seconds: float, megabytes: float | None = None,
           extra: tuple[str, float, float, str] | None = None) -> None:
    step = bench.row(row)
    if step is None:
        return
    bench.target(f"{row}: time", f"{step.seconds:.1f} s", f"<= {seconds:g} s",
                 step.seconds <= seconds and step.exit_code in (0, 1))
    if megabytes is not None:
        bench.target(f"{row}: peak memory", f"{step.peak_mb:.0f} MB", f"<= {megabytes:g} MB",
                     step.peak_mb <= megabytes)
    if extra is not None:
        what, value, limit, unit = extra
        bench.target(f"{row}: {what}", f"{value:.1f} {unit}", f"<= {limit:g} {unit}", value <= limit)


def _lint(bench: Bench, row: str, root: Path, name: str) -> None:
    # text output to a file: the row measures linting, not a terminal drawing findings
    ran = bench.run(row, [*bench.vk, "lint", "--vault", str(root), "--no-cache", "--format", "text",
                          "--output-file", str(bench.scratch / f"{name}.txt"), str(root)],
                    env=_env(bench, name))
    ran.step.note = ran.stdout.strip().splitlines()[-1] if ran.stdout.strip() else ran.stderr.strip()[-200:]


def _index(bench: Bench, row: str, root: Path, name: str) -> Ran:
    ran = bench.run(row, [*bench.vk, "index", "--vault", str(root), "--no-cache"], env=_env(bench, name))
    ran.step.note = (ran.stderr.strip().splitlines() or [""])[-1][:200]
    return ran


def _known_keys_vault(bench: Bench, name: str, count: int) -> Path:
    """One session reading ``count`` papers, every one in the bibliography."""
    return _vault(bench, name, {
        "sessions/2023-03-14.md": "## Log\n" + "".join(f"- [skim(@key{i})]\n" for i in range(count)),
        "refs.bib": "".join(f"@article{{key{i}, title={{Paper {i}}}}}\n" for i in range(count)),
    })


def long_line_rows(bench: Bench) -> None:
    size = int(LINE_MB * 1_000_000)
    line = (UNIT * (size // len(UNIT) + 1))[:size]
    root = _vault(bench, "long-line", {
        "sessions/2023-03-14.md": "## Log\n- [skim(@key)]\n- " + line + "\n",
        "refs.bib": "@article{key, title={A paper}}\n",
    })
    label = f"{LINE_MB:g} MB line"
    _lint(bench, f"hostile: lint one {label}", root, "long-line")
    _judge(bench, f"hostile: lint one {label}", 15, 300)
    _index(bench, f"hostile: index one {label}", root, "long-line")
    _judge(bench, f"hostile: index one {label}", 15, 300)


def many_keys_rows(bench: Bench) -> None:
    known = _known_keys_vault(bench, "known-keys", KEYS)
    row = f"hostile: lint {KEYS:,} known keys, one session"
    _lint(bench, row, known, "known-keys")
    _judge(bench, row, 5)
    dangling = _vault(bench, "dangling-keys", {
        "sessions/2023-03-14.md": "## Log\n- [skim(@key0)]\n"
        + "".join(f"- see @miss{i}ing\n" for i in range(KEYS)),
        "refs.bib": "@article{key0, title={T}}\n",
    })
    row = f"hostile: lint {KEYS:,} dangling keys, one session"
    _lint(bench, row, dangling, "dangling-keys")
    _judge(bench, row, 5)


def index_keys_rows(bench: Bench) -> None:
    root = _known_keys_vault(bench, "index-keys", INDEX_KEYS)
    row = f"hostile: index {INDEX_KEYS:,} known keys, one session"
    _index(bench, row, root, "index-keys")
    written = sum(p.stat().st_size for p in (root / "papers").rglob("*.md")) if (root / "papers").is_dir() else 0
    step = bench.row(row)
    if step is not None:
        step.note = f"{written / 1e6:.1f} MB of index notes; {step.note}"
    _judge(bench, row, 15, None, ("written", written / 1e6, 10, "MB"))


def rows(bench: Bench) -> None:
    many_keys_rows(bench)
    index_keys_rows(bench)
    long_line_rows(bench)
